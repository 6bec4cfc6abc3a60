"""Text typed into a form: no invisible control characters, no hidden reordering, bounded.

A control character (a vertical tab or ``\\x01`` pasted from another program) breaks the
XLSX export and the PDF for everybody who later reads the text; a bidi control (U+202E)
makes "anlage‮fdp.exe" look like "anlageexe.pdf". Every form of the project mixes in
``CleanTextMixin``, which gives each of its text fields ``PlainTextValidator`` and a
length limit. Exports remove such characters from text stored before (``strip_controls``).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters and DEL; tab, line feed and carriage return are the ones
# multi-line text keeps. U+FFFE and U+FFFF are no characters at all (and invalid in XML).
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
_LINE_CONTROLS = "\t\n\r\u2028\u2029"
# Marks that change the direction in which the text around them is shown.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"

MULTI_LINE_REFUSED = re.compile(f"[{_CONTROLS}]")
SINGLE_LINE_REFUSED = re.compile(f"[{_CONTROLS}{_LINE_CONTROLS}{_BIDI_CONTROLS}]")
BIDI = re.compile(f"[{_BIDI_CONTROLS}]")

# Fields that name no limit of their own get these.
SINGLE_LINE_MAX_LENGTH = 255
MULTI_LINE_MAX_LENGTH = 20_000


@deconstructible
class PlainTextValidator:
    """Refuses control characters; one-line text also line breaks, tabs and bidi controls."""

    def __init__(self, multi_line=False):
        self.multi_line = multi_line

    def __call__(self, value):
        refused = MULTI_LINE_REFUSED if self.multi_line else SINGLE_LINE_REFUSED
        found = refused.search(str(value))
        if found is None:
            return
        params = {"code": f"U+{ord(found[0]):04X}", "position": found.start() + 1}
        if BIDI.match(found[0]):
            message = _(
                "Der Text enthält ein unsichtbares Zeichen, das die Leserichtung umkehrt "
                "(%(code)s, an Stelle %(position)s). Bitte entfernen Sie es."
            )
        elif found[0] in _LINE_CONTROLS:
            message = _(
                "Bitte schreiben Sie alles in eine Zeile, ohne Tabulator oder Zeilenumbruch "
                "(%(code)s, an Stelle %(position)s)."
            )
        else:
            message = _(
                "Der Text enthält ein unsichtbares Steuerzeichen (%(code)s, an Stelle "
                "%(position)s), wie es oft mit kopiertem Text kommt. Bitte entfernen Sie es."
            )
        raise ValidationError(message, code="control_character", params=params)

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and other.multi_line == self.multi_line


def guard_text_field(field):
    """Give a text field the character check and a length limit (its own, or the default)."""
    if not isinstance(field, forms.CharField):
        return
    multi_line = isinstance(field.widget, forms.Textarea)
    # A password is never shown or exported; whatever it holds may stay (only bounded).
    if not isinstance(field.widget, forms.PasswordInput):
        # One message for a NUL byte rather than Django's and ours.
        field.validators = [
            validator
            for validator in field.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]
        field.validators.append(PlainTextValidator(multi_line=multi_line))
    if field.max_length is None:
        field.max_length = MULTI_LINE_MAX_LENGTH if multi_line else SINGLE_LINE_MAX_LENGTH
        field.widget.attrs.update(field.widget_attrs(field.widget))
    # A max_length set after the field was made (AuthenticationForm's username) has no
    # validator yet: without one a too-long name reaches the database.
    if not any(isinstance(validator, MaxLengthValidator) for validator in field.validators):
        field.validators.append(MaxLengthValidator(field.max_length))


class CleanTextMixin:
    """Every text field of the form refuses control characters and has a length limit.

    Mix it in before the form class: ``class MeasureForm(CleanTextMixin, forms.ModelForm)``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_text_field(field)


def strip_controls(text):
    """``text`` without the control characters multi-line text may not hold (for exports)."""
    return MULTI_LINE_REFUSED.sub("", text)


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The ModelForm the admin builds its forms on (``ModelAdmin.form``), guarded alike."""
