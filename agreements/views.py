from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone

from accessions.access import can_see_accession_overview
from accounts.models import AuditEvent, Organisation
from agreements.access import get_agreement_for_user, visible_agreements
from agreements.terms import agreement_term


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
    }
    return render(request, "agreements/agreement_detail.html", context)
