"""The rows of the lists of jobcenters (the registry, and where each stands with an
agreement), written in one pass: a template variable costs a context look-up, ``localize``
and ``conditional_escape``, and the 50 rows' 350 variables were a tenth of the page (as
with the status overview, ``reports.templatetags.status_table``). The rows are the plain
values of ``jobcenters.views.jobcenter_rows``."""

from django import template
from django.utils.safestring import mark_safe

from core.html import escape

register = template.Library()


def _region_cells(row):
    return (
        f"<td>{escape(row.region_kind)}</td>"
        f'<td><abbr title="{escape(row.form_label)}">{escape(row.form)}</abbr></td>'
        f"<td>{escape(row.association_name)}</td>"
    )


@register.simple_tag
def registry_rows(rows):
    """The registry's rows: the name as the row's header (a link), region, region kind,
    form (its name in full on the abbreviation) and association."""
    # Every value is escaped above and here.
    return mark_safe(  # noqa: S308
        "".join(
            f'\n      <tr><th scope="row"><a href="{escape(row.url)}">{escape(row.name)}</a></th>'
            f"<td>{escape(row.region)}</td>{_region_cells(row)}</tr>"
            for row in rows
        )
    )


@register.simple_tag
def standing_rows(rows):
    """The rows of where the jobcenters stand (``accessions.dashboard_views``): as the
    registry's without the region, then the standing (a link to the accession, if there
    is one, that names the jobcenter to a screen reader) and the date of joining."""
    html = []
    for row in rows:
        name = escape(row.name)
        standing = escape(row.standing)
        if row.accession_url:
            standing = (
                f'<a href="{escape(row.accession_url)}">{standing}'
                f'<span class="visually-hidden"> – {name}</span></a>'
            )
        html.append(
            f'\n      <tr><th scope="row"><a href="{escape(row.url)}">{name}</a></th>'
            f"{_region_cells(row)}<td>{standing}</td><td>{escape(row.joined_on)}</td></tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
