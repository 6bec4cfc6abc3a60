"""The circulars' little markup (``core.markup``) for other texts: measures' descriptions."""

import html
import re

from django import template

from core.markup import render_markup

register = template.Library()


@register.filter
def markup(text):
    """``**gezielt**`` as bold, lists as lists: the HTML of ``render_markup``."""
    return render_markup(text or "")


# Every "<" in ``render_markup``'s HTML opens one of its own few tags (the text is escaped
# first), so a tag ends at the next ">": no HTML parser needed (``strip_tags`` was a third
# of the catalogue's 50 previews).
_TAG = re.compile(r"<[^>]*>")
# A block's end and a line break become a space: list items, paragraphs and lines stay
# words apart.
_BREAK = re.compile(r"</(?:p|li|ul|ol)>|<br>")


@register.filter
def markup_text(text):
    """The text without its marks, for a preview that is cut short."""
    spaced = _BREAK.sub(" ", render_markup(text or ""))
    return " ".join(html.unescape(_TAG.sub("", spaced)).split())
