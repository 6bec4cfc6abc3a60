"""The measures list's rows, written in one pass: 50 rows of seven template variables
each (a context look-up, ``localize`` and ``conditional_escape`` each) were a fifth of the
page (as with the status overview, ``reports.templatetags.status_table``). The rows are
the plain values of ``measures.views._list_rows``."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.html import escape

register = template.Library()


@register.simple_tag
def measure_rows(rows):
    """Title as the row's header (a link), jobcenter, action field (its number, its title
    on the abbreviation), status, start and publication."""
    abbreviation = escape(gettext("HF"))
    # Every value is escaped (the action field's number is an int).
    return mark_safe(  # noqa: S308
        "".join(
            f'\n      <tr><th scope="row"><a href="{escape(row.url)}">{escape(row.title)}</a></th>'
            f"<td>{escape(row.jobcenter)}</td>"
            f'<td><abbr title="{escape(row.action_field_title)}">{abbreviation} '
            f"{escape(row.action_field_number)}</abbr></td>"
            f"<td>{escape(row.status)}</td><td>{escape(row.starts_on)}</td>"
            f"<td>{escape(row.publication)}</td></tr>"
            for row in rows
        )
    )
