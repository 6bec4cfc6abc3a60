"""The catalogue's cards, written in one pass: a card's four variables and two filters in
the template (a context look-up, ``localize`` and ``conditional_escape`` each) cost a
page of 50 measures as much as the rest of it (as with the status overview,
``reports.templatetags.status_table``). The cards are the plain values of
``measures.views._catalogue_sections``."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe

from core.html import escape
from core.templatetags.markup import markup_text

register = template.Library()

# The words of a description a card shows, then " …".
PREVIEW_WORDS = 30


@register.simple_tag
def catalogue_cards(measures):
    """A card per measure: its title as a link, its jobcenter, and the start of its
    description as plain text (without its marks), if it has one."""
    html = []
    for measure in measures:
        preview = ""
        if measure.description:
            text = truncatewords(markup_text(measure.description), PREVIEW_WORDS)
            preview = f'<p class="mb-0 text-body-secondary">{escape(text)}</p>'
        html.append(
            '\n        <li class="col-md-6"><article class="card h-100"><div class="card-body">'
            f'<h3 class="h5"><a href="{escape(measure.url)}">{escape(measure.title)}</a></h3>'
            f'<p class="mb-1">{escape(measure.jobcenter)}</p>{preview}</div></article></li>'
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
