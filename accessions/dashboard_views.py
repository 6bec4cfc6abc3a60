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
from accessions.models import STANDINGS, standing_label, with_accession
from accounts.roles import is_state_wide
from core.exports import Column, back_to_the_list, export_response
from core.paging import page_of, query_without
from jobcenters.views import JOBCENTER_COLUMNS, jobcenter_values


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


@login_required
def accession_jobcenters(request, agreement_pk):
    """Every jobcenter with where it stands: filtered, searched, sorted, paginated."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    filters, jobcenters = _filtered(request, agreement)
    page = page_of(request, jobcenters)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "agreement": agreement,
        "filters": filters,
        "page": page,
        "sort": request.GET.get("sort", "name"),
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
    """Exactly the rows the list shows with these filters (all pages), as CSV or XLSX."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    filters, jobcenters = _filtered(request, agreement)
    if not filters.is_valid():
        return back_to_the_list(request, reverse("accessions:jobcenters", args=[agreement.pk]))
    rows = [
        (
            *jobcenter_values(jobcenter),
            str(standing_label(jobcenter.accession_status)),
            timezone.localdate(jobcenter.accession_submitted_at)
            if jobcenter.accession_submitted_at
            else None,
            jobcenter.accession_joined_on,
            jobcenter.accession_withdrawn_on,
        )
        for jobcenter in jobcenters
    ]
    return export_response(file_format, _("Beitritte"), EXPORT_COLUMNS, rows, agreement.short_title)


def _filtered(request, agreement):
    jobcenters = with_accession(
        overview_jobcenters(request.user, agreement).with_association(), agreement
    )
    filters = AccessionFilterForm(request.GET, jobcenters=jobcenters)
    return filters, filters.filter(jobcenters)
