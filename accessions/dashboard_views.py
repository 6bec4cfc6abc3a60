"""Where the jobcenters stand with an agreement: the dashboard, the list and its exports.

For ministry staff, the directorate and association staff (their members), all read-only.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessions.access import (
    get_overview_agreement_for_user,
    overview_jobcenters,
    visible_accessions,
)
from accessions.dashboard import accession_overview, bar_chart, membership_course
from accessions.forms import AccessionFilterForm
from accessions.models import ACCESSION_COLUMNS, STANDINGS, standing_label, with_accession
from accounts.roles import is_state_wide
from core.exports import CHUNK_SIZE, Column, Table, list_export
from core.paging import page_of, query_without, row_urls, sorted_values, without_paging
from core.rows import day
from jobcenters.views import JOBCENTER_COLUMNS, ROW_FIELDS, jobcenter_rows, jobcenter_values
from reports.services import export_request
from reports.states import rows_state


@login_required
def accession_dashboard(request, agreement_pk):
    """Joined x of N, and where the others stand: in all, by association, by form, over time."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = overview_jobcenters(request.user, agreement)
    overview = accession_overview(jobcenters, agreement)
    course = membership_course(
        visible_accessions(request.user).filter(
            agreement=agreement, jobcenter__in=jobcenters.values("pk")
        )
    )
    context = {
        "agreement": agreement,
        "overview": overview,
        "standings": STANDINGS,
        "course": course,
        "chart": bar_chart(course.periods, overview.total.total) if course else None,
        "members_only": not is_state_wide(request.user) and not request.user.is_superuser,
    }
    return render(request, "accessions/accession_dashboard.html", context)


# Where a jobcenter stands, beside the columns of every list of jobcenters (``with_accession``).
STANDING_COLUMNS = ("id", "status", "joined_on")
STANDING_FIELDS = tuple(f"accession_{column}" for column in STANDING_COLUMNS)


@login_required
def accession_jobcenters(request, agreement_pk):
    """Every jobcenter with where it stands: filtered, searched, sorted, paginated."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    filters, jobcenters = _filter(request.user, request.GET, agreement, STANDING_COLUMNS)
    page = page_of(
        request, sorted_values(jobcenters, *ROW_FIELDS, *STANDING_FIELDS), count_state=rows_state
    )
    accession_url = row_urls("accessions:detail")
    page.object_list = jobcenter_rows(
        page.object_list,
        accession_status=lambda row: row["accession_status"],
        accession_url=lambda row: row["accession_id"] and accession_url(row["accession_id"]),
        standing=lambda row: standing_label(row["accession_status"]),
        joined_on=lambda row: day(row["accession_joined_on"]),
    )
    query = without_paging(request.GET)
    context = {
        "agreement": agreement,
        "filters": filters,
        "page": page,
        "sort": filters.cleaned_data["sort"],
        "query": query.urlencode(),
        "query_without_sort": query_without(query, "sort"),
    }
    return render(request, "accessions/accession_jobcenters.html", context)


EXPORT_COLUMNS = [
    *JOBCENTER_COLUMNS,
    Column(gettext_lazy("Stand"), 16),
    Column(gettext_lazy("eingereicht am"), 14),
    Column(gettext_lazy("beigetreten am"), 14),
    Column(gettext_lazy("ausgetreten am"), 14),
]


@login_required
def accession_jobcenters_export(request, agreement_pk, file_format):
    """Exactly the rows the list shows with these filters (all pages): a CSV at once, an
    XLSX from a worker, asked for by the list's button (a POST)."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    return list_export(
        request,
        file_format,
        list_url=reverse("accessions:jobcenters", args=[agreement.pk]),
        table=lambda query: accession_table(request.user, query, agreement),
        ask_for_xlsx=lambda: export_request(
            user=request.user, source="accessions", query=request.GET, agreement=agreement
        ),
    )


def accession_table(user, query, agreement):
    """The jobcenters ``user`` follows under ``agreement`` with where they stand, filtered
    by ``query``; ``None`` when the filters are wrong."""
    filters, jobcenters = _filter(user, query, agreement)
    if not filters.is_valid():
        return None
    rows = (
        (
            *jobcenter_values(jobcenter),
            str(standing_label(jobcenter.accession_status)),
            timezone.localdate(jobcenter.accession_submitted_at)
            if jobcenter.accession_submitted_at
            else None,
            jobcenter.accession_joined_on,
            jobcenter.accession_withdrawn_on,
        )
        for jobcenter in jobcenters.iterator(chunk_size=CHUNK_SIZE)
    )
    return Table(_("Beitritte"), EXPORT_COLUMNS, rows, jobcenters.count, (agreement.short_title,))


def _filter(user, query, agreement, columns=ACCESSION_COLUMNS):
    """The filter form of ``query`` and the jobcenters it leaves, with their association
    and their newest accession's ``columns`` (``with_accession``)."""
    scope = overview_jobcenters(user, agreement)
    # The filter's choices from the plain queryset: the annotations' subqueries cost a
    # clone each time the choices' subqueries take the jobcenters' states and region kinds.
    filters = AccessionFilterForm(query, jobcenters=scope)
    return filters, filters.filter(with_accession(scope.with_association(), agreement, columns))
