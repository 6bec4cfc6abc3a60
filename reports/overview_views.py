"""The status overview of an agreement, as a page and as a PDF made by a worker."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from reports import services
from reports.overview import jobcenter_profile, status_overview


@login_required
def status_overview_page(request, agreement_pk):
    """Every jobcenter the user follows: accession, measures per action field, key figures."""
    agreement = access.get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = access.organisation_overview_jobcenters(
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
    agreement = access.get_overview_agreement_for_user(request.user, agreement_pk)
    rendering = services.overview_render(agreement=agreement, user=request.user)
    return redirect(rendering)


@login_required
def profile_page(request, agreement_pk, jobcenter_pk):
    """One jobcenter under an agreement, for whoever sees the jobcenter."""
    agreement = access.get_agreement_for_user(request.user, agreement_pk)
    jobcenter = access.get_jobcenter_for_user(request.user, jobcenter_pk)
    context = {"profile": jobcenter_profile(jobcenter, agreement)}
    return render(request, "reports/profile.html", context)


@login_required
@require_POST
def profile_render(request, agreement_pk, jobcenter_pk):
    agreement = access.get_agreement_for_user(request.user, agreement_pk)
    jobcenter = access.get_jobcenter_for_user(request.user, jobcenter_pk)
    rendering = services.profile_render(agreement=agreement, jobcenter=jobcenter, user=request.user)
    return redirect(rendering)
