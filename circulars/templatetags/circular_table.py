"""The circulars list's rows, written in one pass: its 50 rows' 300 template variables (a
context look-up, ``localize`` and ``conditional_escape`` each) were a third of the page
(as with the status overview, ``reports.templatetags.status_table``). The rows are the
plain values of ``circulars.views._list_rows``."""

from django import template
from django.utils.safestring import mark_safe

from core.html import escape

register = template.Library()


@register.simple_tag
def circular_rows(rows):
    """Number ("–" for a draft), date, subject as the row's header (a link) and status."""
    # Every value is escaped.
    return mark_safe(  # noqa: S308
        "".join(
            f"\n        <tr><td>{escape(row.number or '–')}</td>"
            f'<td><time datetime="{escape(row.day_iso)}">{escape(row.day)}</time></td>'
            f'<th scope="row" class="fw-normal"><a href="{escape(row.url)}">'
            f"{escape(row.subject)}</a></th><td>{escape(row.status)}</td></tr>"
            for row in rows
        )
    )
