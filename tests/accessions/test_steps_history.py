"""accessions.services.steps_history: the audit events the services write for an
accession, built without them (for the benchmark data, ``demo.scale``). Each case takes an
accession through the services and compares."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accessions import services
from accessions.models import Accession
from accounts.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

TYPED = {
    "management_name": "Dr. Erika Beispiel",
    "contact_name": "Max Muster",
    "contact_function": "Inklusionsbeauftragter",
    "contact_email": "inklusion@jobcenter.example",
    "contact_phone": "0211 123456",
    "carriers_agreed_on": datetime.date(2018, 3, 1),
    "public_listing": True,
}


def _through_the_services(users, agreement, action_field, steps):
    jobcenter = factories.JobcenterFactory(
        state=agreement.state, street="Musterstraße 1", postal_code="40210", city="Düsseldorf"
    )
    agreement.accession_jobcenters.add(jobcenter)
    user, reviewer = users.ministry, users.ministry
    accession = services.accession_start(jobcenter=jobcenter, agreement=agreement, user=user)
    data = {field: getattr(accession, field) for field in services.FORM_FIELDS}
    signed_form = SimpleUploadedFile("signed.pdf", factories.minimal_pdf(), "application/pdf")
    services.accession_save(
        accession=accession,
        user=user,
        data={**data, **TYPED},
        planned_measures=[(action_field, "Barrierefreier Eingang")],
        signed_form=signed_form,
    )
    if "submit" in steps:
        services.accession_submit(accession=accession, user=user)
    if "return" in steps:
        services.accession_return(accession=accession, user=reviewer, reasons="Unterschrift")
    if "accept" in steps:
        services.accession_accept(
            accession=accession, user=reviewer, joined_on=timezone.localdate()
        )
    if "withdraw" in steps:
        services.accession_withdraw(
            accession=accession,
            user=reviewer,
            withdrawn_on=timezone.localdate(),
            reason="Beschluss",
        )
    return Accession.objects.select_related("jobcenter", "agreement").get(pk=accession.pk)


def _rows(events):
    return [
        (event.actor_id, event.action, event.data, event.reason, event.changes) for event in events
    ]


def _stored(events):
    """Events as the database gives them back (dates in ``data`` as ISO strings)."""
    for event in events:
        event.save()
    return AuditEvent.objects.filter(pk__in=[event.pk for event in events]).order_by("pk")


@pytest.mark.parametrize(
    "steps",
    [[], ["submit"], ["submit", "return"], ["submit", "accept"], ["submit", "accept", "withdraw"]],
)
def test_the_history_built_is_the_history_the_services_write(users, accession_world, steps):
    agreement = accession_world.draft.agreement
    action_field = accession_world.action_field
    accession = _through_the_services(users, agreement, action_field, steps)
    events = AuditEvent.objects.for_object(accession).order_by("pk")
    written = _rows(events)
    events.delete()

    built = services.steps_history(
        accession,
        user=users.ministry,
        reviewer=users.ministry,
        planned_measures=[(action_field, "Barrierefreier Eingang")],
        signed_form_name="signed.pdf",
        reason="Beschluss",
    )

    assert _rows(_stored(built)) == written
