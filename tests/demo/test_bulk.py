"""demo.bulk.insert_all: rows as bulk_create would store them (COPY on PostgreSQL)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from accounts.audit import AuditAction
from accounts.models import AuditEvent
from demo.bulk import insert_all
from measures.models import Measure, MeasureStatus, Publication
from tests import factories

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)


def _measures(template, titles):
    return [
        Measure(
            jobcenter=template.jobcenter,
            agreement=template.agreement,
            action_field=template.action_field,
            title=title,
            status=MeasureStatus.COMPLETED,
            publication=Publication.INTERNAL,
            starts_on=datetime.date(2023, 2, 28),
            ends_on=None,
            description="Zeile 1\nZeile 2\t»Tab« und \\ Backslash",
        )
        for title in titles
    ]


def _stored(measures):
    return [
        model_to_dict(row, exclude=["id", "further_action_fields"])
        for row in Measure.objects.filter(pk__in=[m.pk for m in measures]).order_by("title")
    ]


def test_measures_are_stored_as_bulk_create_stores_them():
    template = factories.MeasureFactory()
    by_bulk_create = Measure.objects.bulk_create(_measures(template, ["A", "B"]))
    stored_by_bulk_create = _stored(by_bulk_create)
    Measure.objects.filter(pk__in=[m.pk for m in by_bulk_create]).delete()

    inserted = insert_all(_measures(template, ["A", "B"]))

    assert _stored(inserted) == stored_by_bulk_create
    assert Measure.objects.get(title="A").status == MeasureStatus.COMPLETED


def test_each_object_gets_its_key_and_the_next_save_a_new_one():
    template = factories.MeasureFactory()

    inserted = insert_all(_measures(template, ["A", "B", "C"]))

    assert [Measure.objects.get(pk=m.pk).title for m in inserted] == ["A", "B", "C"]
    later = factories.MeasureFactory(jobcenter=template.jobcenter, agreement=template.agreement)
    assert later.pk not in {m.pk for m in inserted}
    assert not inserted[0]._state.adding


def test_json_and_timestamps_are_stored():
    jobcenter = factories.JobcenterFactory()
    event = AuditEvent(
        content_type=ContentType.objects.get_for_model(jobcenter),
        object_id=jobcenter.pk,
        object_repr=str(jobcenter),
        action=AuditAction.values[0],
        data={"name": "Jobcenter Köln", "at": MOMENT.isoformat(), "list": [1, None]},
    )

    insert_all([event])

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {"name": "Jobcenter Köln", "at": MOMENT.isoformat(), "list": [1, None]}
    assert stored.created_at is not None
    assert stored.object_id == jobcenter.pk


def test_nothing_to_insert_is_nothing():
    assert insert_all([]) == []
