"""The key figures' rows, written in one pass: a row's six figures went through an included
template and ``intcomma`` each, and the 212 rows of a state at 4x Germany were three
quarters of the page (as with the status overview, ``reports.templatetags.status_table``).
The same markup as ``measures/includes/figure_cells.html`` wrote (``tests/measures/
test_figure_rows.py``)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.html import escape
from core.paging import row_urls
from core.rows import grouped_integers
from measures.models import KEY_FIGURE_FIELDS

register = template.Library()


def _cells(figures, number):
    """A figures row's six cells: ``figures`` a ``KeyFigures`` or a dict of sums."""
    read = figures.get if isinstance(figures, dict) else lambda name: getattr(figures, name)
    cells = []
    for name in KEY_FIGURE_FIELDS:
        value = read(name)
        text = number(value) if isinstance(value, int) else escape(intcomma(value))
        cells.append(f'<td class="text-end">{text}</td>')
    return "".join(cells)


@register.simple_tag
def figure_cells(figures):
    """The six key figures of one row (a sum, a year's sums), with thousands separators."""
    return mark_safe(_cells(figures, grouped_integers()))  # noqa: S308 (numbers and escaped)


@register.simple_tag
def key_figure_rows(rows, can_enter):
    """A row per jobcenter's ``KeyFigures`` of the year: its name as the row's header, the
    six figures, and with ``can_enter`` the link to correct them."""
    number = grouped_integers()
    html = []
    if can_enter and rows:
        edit = row_urls("measures:key-figures-edit", then=[rows[0].year])
        correct = escape(gettext("korrigieren"))
    for row in rows:
        link = ""
        if can_enter:
            # Every row is of the same year (the page's).
            link = (
                f'<td><a href="{escape(edit(row.jobcenter_id))}">{correct}'
                f'<span class="visually-hidden"> {row.year}</span></a></td>'
            )
        html.append(
            f'\n          <tr><th scope="row">{escape(row.jobcenter.name)}</th>'
            f"{_cells(row, number)}{link}</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped or a number)
