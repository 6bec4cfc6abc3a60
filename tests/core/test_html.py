"""The rows' escaping is Django's, without its lazy check."""

from django.utils import html as django_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st

from core.html import escape


@given(st.text() | st.integers() | st.none())
def test_it_writes_what_django_s_escape_writes(value):
    assert escape(value) == django_html.escape(value)


def test_it_escapes_safe_text_too_as_django_s_does():
    assert escape(mark_safe("<b>")) == "&lt;b&gt;" == django_html.escape(mark_safe("<b>"))


def test_it_writes_a_lazy_text_in_the_active_language():
    with override("en"):
        assert escape(gettext_lazy("Stand")) == "Status"
