"""The writes on measures, the catalogue and key figures: one transaction, one audit event."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accessions import services as accessions_services
from accounts.models import AuditEvent
from measures import services
from measures.models import (
    ACTIVE_STATUSES,
    INTEGRATIONS_OF,
    MAX_KEY_FIGURE,
    KeyFigures,
    Measure,
    MeasureStatus,
    ProgressNote,
    Publication,
)
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")


def _data(action_field, **changes):
    data = {
        "title": "Inklusionstag",
        "description": "Ein Tag der offenen Tür.",
        "action_field": action_field,
        "status": MeasureStatus.PLANNED,
        "starts_on": datetime.date(2019, 1, 1),
        "ends_on": None,
        "target_group": "",
        "partners": "Lernen fördern e. V.",
        "locations": "",
        "contact_name": "Max Muster",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(changes)
    return data


def _events(obj, action):
    return AuditEvent.objects.for_object(obj).filter(action=action)


def test_create_records_the_measure_and_its_event(nrw, users, accession_world):
    field = accession_world.action_field
    further = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)

    measure = services.measure_create(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        user=users.city_manager,
        data=_data(field),
        further_action_fields=[further, field],
    )

    assert list(measure.further_action_fields.all()) == [further]
    assert _events(measure, "measure_created").get().actor == users.city_manager


def test_create_refuses_an_action_field_of_another_agreement(nrw, users, hessen):
    foreign = factories.ActionFieldFactory(agreement=hessen.agreement)

    with pytest.raises(ValidationError) as error:
        services.measure_create(
            jobcenter=nrw.city_jobcenter,
            agreement=nrw.agreement,
            user=users.city_manager,
            data=_data(foreign),
        )
    assert "action_field" in error.value.message_dict


def test_create_refuses_an_end_before_the_start(nrw, users, accession_world):
    with pytest.raises(ValidationError) as error:
        services.measure_create(
            jobcenter=nrw.city_jobcenter,
            agreement=nrw.agreement,
            user=users.city_manager,
            data=_data(accession_world.action_field, ends_on=datetime.date(2018, 1, 1)),
        )
    assert error.value.message_dict == {"ends_on": ["Das Ende darf nicht vor dem Beginn liegen."]}


def test_the_database_refuses_an_end_before_the_start(accession_world):
    measure = accession_world.city_measure
    measure.ends_on = datetime.date(2000, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_update_records_what_changed(users, accession_world, nrw, readback):
    measure = accession_world.city_measure
    further = factories.ActionFieldFactory(agreement=nrw.agreement, number=3)
    data = _data(accession_world.action_field, title=measure.title, status=MeasureStatus.COMPLETED)

    changes = services.measure_update(
        measure=measure, user=users.city_manager, data=data, further_action_fields=[further]
    )

    assert changes["status"] == ["running", "completed"]
    assert changes["further_action_fields"] == ["", str(further)]
    assert _events(measure, "measure_updated").get().changes == changes
    readback(measure, "abgeschlossen", str(further))


def test_update_without_changes_records_nothing(users, accession_world):
    measure = accession_world.city_measure
    data = {field: getattr(measure, field) for field in services.MEASURE_FIELDS}

    assert services.measure_update(measure=measure, user=users.city_manager, data=data) == {}
    assert not _events(measure, "measure_updated").exists()


def test_a_note_is_dated_and_in_the_history(users, accession_world, readback):
    measure = accession_world.city_measure

    note = services.measure_add_note(
        measure=measure,
        user=users.city_manager,
        written_on=datetime.date(2019, 6, 30),
        text="Umbau fertig.",
    )

    assert note.author == users.city_manager
    assert _events(measure, "measure_note_added").get().note == "Umbau fertig."
    readback(note, "Umbau fertig.", "30.06.2019")


def test_a_note_from_the_future_is_refused(users, accession_world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.measure_add_note(
            measure=accession_world.city_measure,
            user=users.city_manager,
            written_on=tomorrow,
            text="x",
        )


def test_proposing_needs_the_contact_persons_consent(users, accession_world):
    with pytest.raises(ValidationError) as error:
        services.measure_propose(
            measure=accession_world.city_measure, user=users.city_manager, contact_consents=False
        )
    assert "contact_consents" in error.value.message_dict
    accession_world.city_measure.refresh_from_db()
    assert accession_world.city_measure.publication == Publication.INTERNAL


def test_proposing_needs_a_contact_person(users, accession_world):
    measure = accession_world.city_measure
    Measure.objects.filter(pk=measure.pk).update(contact_name="")

    with pytest.raises(ValidationError) as error:
        services.measure_propose(measure=measure, user=users.city_manager, contact_consents=True)
    assert "contact_name" in error.value.message_dict


def test_the_database_refuses_publication_without_consent(accession_world):
    measure = accession_world.city_measure
    measure.publication = Publication.PUBLISHED
    measure.published_on = datetime.date(2020, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_propose_then_publish(users, accession_world):
    measure = services.measure_propose(
        measure=accession_world.city_measure, user=users.city_manager, contact_consents=True
    )
    measure = services.measure_publish(measure=measure, user=users.ministry)

    assert measure.publication == Publication.PUBLISHED
    assert measure.published_on == timezone.localdate()
    assert _events(measure, "measure_published").get().actor == users.ministry


def test_declining_needs_a_reason(users, accession_world):
    with pytest.raises(ValidationError):
        services.measure_decline(
            measure=accession_world.proposed_measure, user=users.ministry, reason=" "
        )


def test_declined_measures_can_be_proposed_again(users, accession_world):
    measure = services.measure_decline(
        measure=accession_world.proposed_measure, user=users.ministry, reason="Zu allgemein."
    )
    assert measure.decline_reason == "Zu allgemein."

    measure = services.measure_propose(measure=measure, user=users.ministry, contact_consents=True)
    assert measure.publication == Publication.PROPOSED
    assert measure.decline_reason == ""


def test_unpublishing_takes_it_out_of_the_catalogue(users, accession_world):
    measure = services.measure_unpublish(
        measure=accession_world.published_measure, user=users.ministry, reason="Beendet."
    )

    assert measure.publication == Publication.WITHDRAWN
    assert not Measure.objects.published().filter(pk=measure.pk).exists()


@pytest.mark.parametrize(
    ("step", "arguments"),
    [("publish", {}), ("decline", {"reason": "x"}), ("unpublish", {"reason": "x"})],
)
def test_a_step_from_the_wrong_state_is_refused_in_german(users, accession_world, step, arguments):
    service = getattr(services, f"measure_{step}")
    with pytest.raises(services.PublicationStateError, match="nicht vorgeschlagen"):
        service(measure=accession_world.city_measure, user=users.ministry, **arguments)


def test_accepting_an_accession_turns_its_planned_measures_into_measures(users, accession_world):
    submitted = accession_world.submitted
    planned = submitted.planned_measures.get()

    accessions_services.accession_accept(
        accession=submitted, user=users.ministry, joined_on=timezone.localdate()
    )

    measure = Measure.objects.get(planned_measure=planned)
    assert (measure.title, measure.status) == (planned.title, MeasureStatus.PLANNED)
    assert measure.jobcenter == submitted.jobcenter


def test_planned_measures_become_measures_only_once(users, accession_world):
    joined = accession_world.joined
    first = services.measures_from_accession(accession=joined, user=users.ministry)
    again = services.measures_from_accession(accession=joined, user=users.ministry)

    assert len(first) == 1
    assert again == []


FIGURES = {
    "severely_disabled": 800,
    "equal_status": 300,
    "rehabilitants": 300,
    "integrations_severely_disabled": 60,
    "integrations_equal_status": 20,
    "integrations_rehabilitants": 30,
}


def test_key_figures_are_entered_once_per_year_and_then_corrected(nrw, users, readback):
    row, created = services.key_figures_save(
        jobcenter=nrw.city_jobcenter, user=users.city_manager, year=2024, data=FIGURES
    )
    assert created
    readback(row, "300")
    row, created = services.key_figures_save(
        jobcenter=nrw.city_jobcenter,
        user=users.city_manager,
        year=2024,
        data={**FIGURES, "rehabilitants": 310},
        replace=True,
    )

    assert not created
    assert KeyFigures.objects.get(jobcenter=nrw.city_jobcenter, year=2024).rehabilitants == 310
    assert _events(row, "key_figures_updated").get().changes == {"rehabilitants": [300, 310]}
    readback(row, "310")


def test_key_figures_for_a_future_year_are_refused(nrw, users):
    with pytest.raises(ValidationError) as error:
        services.key_figures_save(
            jobcenter=nrw.city_jobcenter,
            user=users.city_manager,
            year=timezone.localdate().year + 1,
            data=FIGURES,
        )
    assert "year" in error.value.message_dict


def test_negative_key_figures_are_refused(nrw, users):
    with pytest.raises(ValidationError) as error:
        services.key_figures_save(
            jobcenter=nrw.city_jobcenter,
            user=users.city_manager,
            year=2024,
            data={**FIGURES, "equal_status": -1},
        )
    assert "equal_status" in error.value.message_dict


def test_the_database_keeps_one_row_per_jobcenter_and_year(accession_world, nrw):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, year=2025)


def test_the_database_refuses_negative_key_figures(nrw):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, severely_disabled=-5)


# Plausible key figures


def test_entering_a_year_that_has_figures_is_refused_without_replace(accession_world, users):
    # Düsseldorf has 2025 already: a second entry must not overwrite it silently.
    with pytest.raises(services.KeyFiguresExist) as error:
        services.key_figures_save(
            jobcenter=accession_world.city_key_figures.jobcenter,
            user=users.city_manager,
            year=2025,
            data=FIGURES,
        )

    assert error.value.message_dict == {"year": ["Für 2025 sind schon Kennzahlen gespeichert."]}
    accession_world.city_key_figures.refresh_from_db()
    assert accession_world.city_key_figures.severely_disabled == 820


def test_the_service_refuses_more_integrations_than_customers(nrw, users):
    with pytest.raises(ValidationError) as error:
        services.key_figures_save(
            jobcenter=nrw.city_jobcenter,
            user=users.city_manager,
            year=2024,
            data={**FIGURES, "severely_disabled": 2400, "integrations_severely_disabled": 3000},
        )

    assert set(error.value.message_dict) == {"integrations_severely_disabled"}


COUNTS = st.integers(min_value=0, max_value=MAX_KEY_FIGURE)


@given(customers=COUNTS, integrations=COUNTS)
def test_integrations_are_accepted_exactly_up_to_the_customers(customers, integrations):
    values = {**FIGURES, "rehabilitants": customers, "integrations_rehabilitants": integrations}

    problems = services.key_figure_problems(values)

    assert ("integrations_rehabilitants" in problems) == (integrations > customers)
    assert set(problems) <= {"integrations_rehabilitants"}


@given(st.integers(min_value=MAX_KEY_FIGURE + 1, max_value=2**31))
def test_a_figure_beyond_the_bound_is_refused(value):
    assert set(services.key_figure_problems({**FIGURES, "equal_status": value})) == {"equal_status"}


@pytest.mark.parametrize(("integrations", "customers"), INTEGRATIONS_OF.items())
def test_the_database_refuses_more_integrations_than_customers(nrw, integrations, customers):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.KeyFiguresFactory(
            jobcenter=nrw.city_jobcenter, **{customers: 2400, integrations: 3000}
        )


def test_the_database_refuses_measure_dates_outside_1990_to_2100(accession_world):
    measure = accession_world.city_measure
    for dates in (
        {"starts_on": datetime.date(1, 1, 1)},
        {"starts_on": None, "ends_on": datetime.date(2101, 1, 1)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Measure.objects.filter(pk=measure.pk).update(**dates)


def test_the_database_refuses_a_note_before_1990(accession_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressNote.objects.create(
            measure=accession_world.city_measure, written_on=datetime.date(1919, 6, 30), text="x"
        )


@given(
    starts_on=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)),
    status=st.sampled_from(MeasureStatus.values),
)
def test_a_measure_in_progress_or_done_has_started(starts_on, status):
    problems = services.measure_date_problems({"starts_on": starts_on, "status": status})

    started_in_future = starts_on > timezone.localdate() and status in ACTIVE_STATUSES
    assert ("starts_on" in problems) == started_in_future
