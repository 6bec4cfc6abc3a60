"""accounts.steps.take_step: one step of a state machine, with its audit event, in one
transaction. The subject is a measure's catalogue state, the smallest state machine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent
from accounts.services import AuditAction
from accounts.steps import lock_in_state, take_step
from measures.models import Measure, Publication
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def refused(row):
    return Refused(row.publication)


def step(measure, **kwargs):
    arguments = {
        "state": "publication",
        "allowed_from": [Publication.PROPOSED],
        "to": Publication.DECLINED,
        "refused": refused,
        "actor": None,
        "action": AuditAction.MEASURE_DECLINED,
        **kwargs,
    }
    return take_step(Measure.objects.all(), measure.pk, **arguments)


def written(measure):
    """What a step could have written about ``measure``: its state, events and mails."""
    fresh = Measure.objects.get(pk=measure.pk)
    return (
        fresh.publication,
        fresh.decline_reason,
        AuditEvent.objects.for_object(measure).count(),
        OutgoingEmail.objects.count(),
    )


def published_on(publication):
    return datetime.date(2020, 2, 1) if publication == Publication.PUBLISHED else None


def an_email(row):
    from django.core.mail import EmailMessage

    return EmailMessage(subject=f"Schritt {row.pk}", body="…", to=["stelle@jobcenter.example"])


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.sampled_from(Publication.values),
    allowed=st.sets(st.sampled_from(Publication.values)),
    to=st.sampled_from(Publication.values),
)
def test_a_step_moves_only_from_an_allowed_state_and_else_writes_nothing(start, allowed, to):
    measure = factories.MeasureFactory(
        publication=start, published_on=published_on(start), contact_consents=True
    )
    before = written(measure)
    # A published measure has its day of publication (a constraint); no other has one.
    values = {"published_on": published_on(to)}

    if start in allowed:
        row = step(measure, allowed_from=allowed, to=to, values=values, emails=[an_email])
        assert row.publication == to
        assert Measure.objects.get(pk=measure.pk).publication == to
        assert AuditEvent.objects.for_object(measure).count() == before[2] + 1
        assert OutgoingEmail.objects.count() == before[3] + 1
    else:
        with pytest.raises(Refused):
            step(measure, allowed_from=allowed, to=to, values=values, emails=[an_email])
        assert written(measure) == before


def test_the_step_returns_the_locked_row_with_its_fields_and_records_its_event(users):
    measure = factories.MeasureFactory(proposed=True)

    row = step(
        measure,
        allowed_from=[Publication.PROPOSED],
        to=Publication.DECLINED,
        actor=users.ministry,
        action=AuditAction.MEASURE_DECLINED,
        values={"decline_reason": "Zu allgemein"},
        reason="Zu allgemein",
    )

    event = AuditEvent.objects.for_object(measure).get()
    assert (row.publication, row.decline_reason) == (Publication.DECLINED, "Zu allgemein")
    assert written(measure)[:2] == (Publication.DECLINED, "Zu allgemein")
    assert (event.action, event.actor, event.reason) == (
        "measure_declined",
        users.ministry,
        "Zu allgemein",
    )


def test_a_failed_check_writes_nothing():
    measure = factories.MeasureFactory(proposed=True)
    before = written(measure)

    def check(_row):
        raise ValidationError({"reason": "Bitte nennen Sie den Grund."})

    with pytest.raises(ValidationError):
        step(measure, check=check, emails=[an_email])

    assert written(measure) == before


def test_a_failure_after_the_state_changed_rolls_back_the_state_and_its_event():
    measure = factories.MeasureFactory(proposed=True)
    before = written(measure)

    def broken_email(_row):
        raise RuntimeError("the e-mail cannot be built")

    with pytest.raises(RuntimeError):
        step(measure, emails=[broken_email])

    assert written(measure) == before


def test_an_event_that_cannot_be_recorded_rolls_back_the_state():
    measure = factories.MeasureFactory(proposed=True)
    before = written(measure)

    with pytest.raises(ValueError):
        step(measure, action="no_such_action")

    assert written(measure) == before


def test_the_events_data_may_read_the_row_as_it_was_before_the_step():
    measure = factories.MeasureFactory(proposed=True)

    step(measure, data=lambda row: {"was": row.publication})

    assert AuditEvent.objects.for_object(measure).get().data == {"was": "proposed"}


def test_lock_in_state_refuses_a_row_in_another_state():
    measure = factories.MeasureFactory(published=True)

    with pytest.raises(Refused):
        lock_in_state(
            Measure.objects.all(),
            measure.pk,
            allowed=[Publication.PROPOSED],
            refused=refused,
            state="publication",
        )
