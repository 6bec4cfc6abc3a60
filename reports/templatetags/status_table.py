"""The status overview's rows, written in one pass (``reports/includes/status_table.html``,
on the page and in the PDF): 1,616 rows of 14 cells took 0.4 s of template variables,
filters and ``{% url %}`` tags; the same markup from Python takes a tenth of that."""

from django import template
from django.utils.safestring import mark_safe

from accessions.models import standing_label
from core.html import escape
from core.paging import row_urls
from core.pdf import row_anchor
from core.rows import day, grouped_integers

register = template.Library()


@register.simple_tag
def status_rows(overview, link_profiles=False, part=None):
    """Each row of ``overview``: the jobcenter as the row's header (a link to its profile
    with ``link_profiles``), its standing and date of joining, its measures per action
    field and its latest key figures, or "–" for each of those it has not reported.

    ``part`` (a ``core.pdf.TablePart``, in a PDF): only its rows; a measuring part writes
    each row's header cell only, the row's place its ``id``."""
    if part and part.measuring:
        return _measuring_rows(overview, part)
    number = grouped_integers()
    profile = row_urls("overviews:profile", overview.agreement.pk) if link_profiles else None
    standings = {}
    rows = []
    for row in part.rows(overview.rows) if part else overview.rows:
        jobcenter = row.jobcenter
        name = escape(jobcenter.name)
        if profile:
            name = f'<a href="{escape(profile(jobcenter.pk))}">{name}</a>'
        status = jobcenter.accession_status
        if status not in standings:
            standings[status] = escape(str(standing_label(status)))
        measures = "".join([f"<td>{cell.total}</td>" for cell in row.cells])
        figures = row.key_figures
        if figures is None:
            figures = "<td>–</td><td>–</td><td>–</td><td>–</td>"
        else:
            figures = (
                f"<td>{figures.year}</td><td>{number(figures.severely_disabled)}</td>"
                f"<td>{number(figures.equal_status)}</td><td>{number(figures.rehabilitants)}</td>"
            )
        rows.append(
            f'<tr><th scope="row">{name}</th><td>{standings[status]}</td>'
            f"<td>{day(jobcenter.accession_joined_on)}</td>{measures}{figures}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped or a number)


def _measuring_rows(overview, part):
    # Only the header cells: the thead's cells fix the columns' widths (a fixed table
    # layout), and a row may have fewer cells than the table has columns.
    return mark_safe(  # noqa: S308 (the names are escaped)
        "".join(
            f'<tr id="{row_anchor(part.start + index)}"><th scope="row">'
            f"{escape(row.jobcenter.name)}</th></tr>"
            for index, row in enumerate(part.rows(overview.rows))
        )
    )
