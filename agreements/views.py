from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone

from accessions.access import can_see_accession_overview, can_start_accession, visible_accessions
from accounts.models import AuditEvent, Organisation
from agreements.access import get_agreement_for_user, visible_agreements
from agreements.terms import agreement_term
from jobcenters.access import own_jobcenter


def agreement_list(request):
    agreements = (
        visible_agreements(request.user)
        .annotate(action_field_count=Count("action_fields"))
        .prefetch_related(Prefetch("parties", queryset=Organisation.objects.order_by("name")))
        .ordered_for(request.user)
    )
    return render(request, "agreements/agreement_list.html", {"agreements": agreements})


def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    context = {
        "agreement": agreement,
        "parties": agreement.parties.order_by("kind", "name"),
        "action_fields": agreement.action_fields.all(),
        "term": agreement_term(agreement, on=timezone.localdate()),
        "history": AuditEvent.objects.for_object(agreement)[:50],
        "can_see_overview": can_see_accession_overview(request.user, agreement),
        **_own_accession(request.user, agreement),
    }
    return render(request, "agreements/agreement_detail.html", context)


def _own_accession(user, agreement):
    """For a jobcenter's manager: its open accession to ``agreement``, or whether it may
    start one. The agreement is where a jobcenter comes to join, so it leads there."""
    jobcenter = own_jobcenter(user)
    if jobcenter is None:
        return {}
    accession = (
        visible_accessions(user).open().filter(agreement=agreement, jobcenter=jobcenter).first()
    )
    may_join = (
        accession is None
        and can_start_accession(user, jobcenter)
        and type(agreement).objects.open_to(jobcenter).filter(pk=agreement.pk).exists()
    )
    return {
        "own_jobcenter": jobcenter,
        "own_accession": accession,
        "may_join": may_join,
    }
