"""The preview of a marked-up text (``markup_text``): its words, no marks and no tags."""

import html

from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st

from core.markup import render_markup
from core.templatetags.markup import markup_text


def parsed_preview(text):
    """The same preview by Django's HTML parser: what the regular expressions must equal."""
    marked = render_markup(text).replace("<br>", " ")
    for end in ("</p>", "</li>", "</ul>", "</ol>"):
        marked = marked.replace(end, " ")
    return " ".join(html.unescape(strip_tags(marked)).split())


MARKS = st.sampled_from(["**", "*", "- ", "• ", "1. ", "2. ", "\n", "\n\n", "<", ">", "&", '"'])
TEXT = st.lists(st.one_of(MARKS, st.text(max_size=8)), max_size=30).map("".join)


@given(TEXT)
def test_the_preview_is_what_an_html_parser_reads(text):
    assert markup_text(text) == parsed_preview(text)


def test_lines_paragraphs_and_items_stay_words_apart():
    text = "Erste Zeile\nzweite Zeile\n\n- **fett**\n- *kursiv* <b>&amp;"

    assert markup_text(text) == "Erste Zeile zweite Zeile fett kursiv <b>&amp;"
