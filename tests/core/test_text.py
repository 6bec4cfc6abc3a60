"""The shared guard of typed text: control characters, bidi controls, length."""

import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.text import (
    MULTI_LINE_MAX_LENGTH,
    SINGLE_LINE_MAX_LENGTH,
    CleanTextMixin,
    PlainTextValidator,
    strip_controls,
)

APPS = [
    "accounts",
    "agreements",
    "core",
    "jobcenters",
    "accessions",
    "measures",
    "circulars",
    "reports",
]

single_line = PlainTextValidator()
multi_line = PlainTextValidator(multi_line=True)


def _refused(validator, value):
    with pytest.raises(ValidationError) as raised:
        validator(value)
    return raised.value.messages[0]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_a_control_character_is_refused_in_one_line_and_in_multi_line_text(character):
    for validator in (single_line, multi_line):
        message = _refused(validator, f"Titel{character}")
        assert "unsichtbares Steuerzeichen" in message
        assert f"U+{ord(character):04X}" in message
        assert "an Stelle 6" in message


def test_multi_line_text_keeps_tabs_and_line_breaks():
    multi_line("Erste Zeile\r\nzweite\tZeile\n\ndritter Absatz")


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\u2028"])
def test_one_line_text_refuses_tabs_and_line_breaks(character):
    assert "in eine Zeile" in _refused(single_line, f"Ein{character}Titel")


@pytest.mark.parametrize("character", ["\u202e", "\u202d", "\u2066", "\u200f", "\u061c"])
def test_one_line_text_refuses_what_reverses_the_reading_direction(character):
    message = _refused(single_line, f"anlage{character}fdp.exe")
    assert "Leserichtung" in message


def test_ordinary_german_and_foreign_text_passes():
    for validator in (single_line, multi_line):
        validator("Grüße aus Köln – „Inklusion“ · 50 % · €, ß, Ğ, 日本, עברית, 😀")


@given(st.text())
def test_multi_line_text_passes_exactly_when_the_export_would_keep_it_whole(text):
    try:
        multi_line(text)
    except ValidationError:
        assert strip_controls(text) != text
    else:
        assert strip_controls(text) == text


@given(st.text())
def test_what_the_export_keeps_passes_as_multi_line_text(text):
    multi_line(strip_controls(text))


class _Form(CleanTextMixin, forms.Form):
    title = forms.CharField()
    text = forms.CharField(widget=forms.Textarea)
    own = forms.CharField(max_length=10)
    secret = forms.CharField(widget=forms.PasswordInput)


def test_a_field_without_a_limit_gets_the_default_one():
    form = _Form(
        {
            "title": "x" * (SINGLE_LINE_MAX_LENGTH + 1),
            "text": "x" * (MULTI_LINE_MAX_LENGTH + 1),
            "own": "x" * 11,
            "secret": "x" * (SINGLE_LINE_MAX_LENGTH + 1),
        }
    )

    assert set(form.errors) == {"title", "text", "own", "secret"}
    assert form.fields["title"].widget.attrs["maxlength"] == str(SINGLE_LINE_MAX_LENGTH)


def test_a_password_may_hold_any_character_and_a_nul_byte_gets_one_message():
    form = _Form({"title": "a\x00b", "text": "t", "own": "o", "secret": "\x01geheim\x0b"})

    assert list(form.errors) == ["title"]
    assert len(form.errors["title"]) == 1


def _project_forms():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.iter_modules(package.__path__):
            # Where forms are defined (the pages' and the admin's).
            if module.name in ("forms", "admin", "views") or module.name.endswith("_views"):
                importlib.import_module(f"{app}.{module.name}")

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    return {
        form
        for form in subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in APPS and form.__module__ != __name__
    }


def test_every_form_of_the_project_guards_its_text():
    project_forms = _project_forms()

    assert len(project_forms) > 20
    unguarded = sorted(
        form.__qualname__ for form in project_forms if not issubclass(form, CleanTextMixin)
    )
    assert unguarded == []
