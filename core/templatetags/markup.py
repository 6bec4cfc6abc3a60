"""The circulars' little markup (``core.markup``) for other texts: measures' descriptions."""

import html

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
    return html.unescape(strip_tags(render_markup(text or "")))
