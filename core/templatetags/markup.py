"""The circulars' little markup (``core.markup``) for other texts: measures' descriptions."""

import html
import re

from django import template
from django.utils.html import strip_tags

from core.markup import render_markup

register = template.Library()


@register.filter
def markup(text):
    """``**gezielt**`` as bold, lists as lists: the HTML of ``render_markup``."""
    return render_markup(text or "")


@register.filter
def markup_text(text):
    """The text without its marks, for a preview that is cut short."""
    # A block's end becomes a space: list items and paragraphs stay words apart.
    spaced = re.sub(r"</(?:p|li|ul|ol)>", " ", render_markup(text or ""))
    return " ".join(html.unescape(strip_tags(spaced)).split())
