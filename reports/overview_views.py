"""The status overview of an agreement, a jobcenter's profile and the best-practice Reader,
as pages and as PDFs made by a worker."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accessions.access import get_overview_agreement_for_user, organisation_overview_jobcenters
from agreements.access import get_agreement_for_user, visible_agreements
from core.http import pdf_download
from jobcenters.access import get_jobcenter_for_user
from reports import services
from reports.access import can_make_reader, public_readers
from reports.contents import jobcenter_profile, status_overview
from reports.views import download_name


@login_required
def status_overview_page(request, agreement_pk):
    """Every jobcenter the user follows: accession, measures per action field, key figures."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = organisation_overview_jobcenters(
        request.user.organisation if not request.user.is_superuser else None, agreement
    )
    context = {
        "overview": status_overview(jobcenters, agreement),
        "agreement": agreement,
        "link_profiles": True,
    }
    return render(request, "reports/status_overview.html", context)


@login_required
@require_POST
def status_overview_render(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    rendering = services.overview_render(agreement=agreement, user=request.user)
    return redirect(rendering)


@login_required
def profile_page(request, agreement_pk, jobcenter_pk):
    """One jobcenter under an agreement, for whoever sees the jobcenter."""
    agreement = get_agreement_for_user(request.user, agreement_pk)
    jobcenter = get_jobcenter_for_user(request.user, jobcenter_pk)
    context = {"profile": jobcenter_profile(jobcenter, agreement)}
    return render(request, "reports/profile.html", context)


@login_required
@require_POST
def profile_render(request, agreement_pk, jobcenter_pk):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    jobcenter = get_jobcenter_for_user(request.user, jobcenter_pk)
    rendering = services.profile_render(agreement=agreement, jobcenter=jobcenter, user=request.user)
    return redirect(rendering)


def readers(request):
    """The best-practice Reader of every agreement the visitor sees, for everybody."""
    agreements = list(visible_agreements(request.user).order_by("state", "short_title"))
    latest = {}
    for reader in public_readers().order_by("agreement", "-finished_at", "-pk"):
        latest.setdefault(reader.agreement_id, reader)
    rows = [
        (agreement, latest.get(agreement.pk), can_make_reader(request.user, agreement))
        for agreement in agreements
    ]
    return render(request, "reports/readers.html", {"rows": rows})


def reader_download(request, agreement_pk):
    """The latest finished Reader of a published agreement: public, like the catalogue."""
    reader = public_readers().filter(agreement=agreement_pk).order_by("-finished_at", "-pk").first()
    if reader is None:
        raise Http404
    return pdf_download(reader.file, download_name(reader))


@login_required
@require_POST
def reader_render(request, agreement_pk):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    if not can_make_reader(request.user, agreement):
        raise PermissionDenied
    rendering = services.reader_render(agreement=agreement, user=request.user)
    return redirect(rendering)
