"""The coverage matrix's rows, written in one pass (``measures/coverage.html``): 1,616
jobcenters × 6 action fields were 70,000 template variables, each looked up, localised and
escaped, and a status label translated for each; the same markup from Python takes a tenth
of that."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.html import escape
from core.paging import row_urls
from measures.models import MeasureStatus

register = template.Library()


@register.simple_tag
def coverage_rows(matrix):
    """Each jobcenter of ``matrix`` (a link to its page) with, per action field, the number
    of its measures in each status it has any in ("2 laufend"), or a dash read as "keine"."""
    statuses = [(status, escape(str(label))) for status, label in MeasureStatus.choices]
    # Outside the f-string: xgettext does not look into one.
    none = escape(gettext("keine"))
    none = f'<td><span aria-hidden="true">–</span><span class="visually-hidden">{none}</span></td>'
    detail = row_urls("jobcenters:detail")
    rows = []
    for jobcenter, cells in matrix.rows:
        tds = []
        for cell in cells:
            counts = cell.counts
            parts = "".join(
                [
                    f'<span class="d-block">{counts[status]} {label}</span>'
                    for status, label in statuses
                    if counts[status]
                ]
            )
            tds.append(f"<td>{parts}</td>" if parts else none)
        rows.append(
            f'<tr><th scope="row"><a href="{escape(detail(jobcenter.pk))}">'
            f"{escape(jobcenter.name)}</a></th>{''.join(tds)}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped or a number)
