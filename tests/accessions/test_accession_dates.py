"""The dates of an accession: each lies where it can, and the ministry corrects a wrong one.

Joining lies between the agreement's signing and today, not before the jobcenter submitted
and not after it left; the carriers agreed on a past day; leaving follows joining. After
every write every page that shows the accession is read back for every role
(``tests/readback.py``).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accessions.models import Accession, AccessionStatus
from accessions.services import (
    AccessionStateError,
    accession_accept,
    accession_correct_joined_on,
    joined_on_problems,
)
from accounts.models import AuditEvent
from tests import factories


def german(date):
    return date.strftime("%d.%m.%Y")


def today():
    return timezone.localdate()


def post(client, user, name, accession, data):
    client.force_login(user)
    return client.post(reverse(f"accessions:{name}", args=[accession.pk]), data)


@pytest.fixture
def submitted(accession_world):
    """Olpe's accession, submitted on 05.02.2018 (a week after the agreement was signed)."""
    accession = accession_world.submitted
    accession.submitted_at = datetime.datetime(2018, 2, 5, 9, tzinfo=datetime.UTC)
    accession.save()
    return accession


# Accepting


def test_joining_before_the_agreement_was_signed_is_refused_at_the_field(
    client, users, submitted, readback
):
    # The defect: "joined on 01.01.2017" for the agreement signed on 31.01.2018.
    response = post(client, users.ministry, "accept", submitted, {"joined_on": "01.01.2017"})

    assert response.status_code == 200
    assert response.context["form"].errors["joined_on"] == [
        "Die Vereinbarung ist erst am 31.01.2018 unterzeichnet worden."
    ]
    assert 'value="01.01.2017"' in response.text
    readback(submitted, "eingereicht")


def test_joining_on_the_first_of_the_first_of_the_year_one_is_refused(client, users, submitted):
    # The defect: "01.01.0001", after which the dashboard drew 2,026 yearly periods.
    response = post(client, users.ministry, "accept", submitted, {"joined_on": "01.01.0001"})

    assert response.context["form"].errors["joined_on"] == [
        "Bitte geben Sie ein Datum ab dem 01.01.1990 an."
    ]
    assert Accession.objects.get(pk=submitted.pk).status == AccessionStatus.SUBMITTED


def test_joining_before_the_submission_is_refused_at_the_field(client, users, submitted):
    response = post(client, users.ministry, "accept", submitted, {"joined_on": "04.02.2018"})

    assert response.context["form"].errors["joined_on"] == [
        "Das Jobcenter hat den Beitritt erst am 05.02.2018 eingereicht."
    ]


def test_joining_on_the_day_of_submission_is_accepted_and_shown(client, users, submitted, readback):
    response = post(client, users.ministry, "accept", submitted, {"joined_on": "05.02.2018"})

    assert response.url == submitted.get_absolute_url()
    readback(submitted, "beigetreten am 05.02.2018")


def test_an_agreement_without_signing_is_joined_from_its_entry_into_force(accession_world, users):
    agreement = factories.AgreementFactory(yearly=True)  # in force from 01.04.2004
    accession = factories.AccessionFactory(
        agreement=agreement,
        submitted=True,
        submitted_at=datetime.datetime(2004, 3, 1, tzinfo=datetime.UTC),
    )

    assert joined_on_problems(accession, datetime.date(2004, 3, 31)) == [
        "Die Vereinbarung gilt erst seit dem 01.04.2004."
    ]
    assert joined_on_problems(accession, datetime.date(2004, 4, 1)) == []


def test_the_service_refuses_joining_before_the_signing_too(users, submitted):
    with pytest.raises(ValidationError) as error:
        accession_accept(
            accession=submitted, user=users.ministry, joined_on=datetime.date(2017, 1, 1)
        )

    assert error.value.message_dict == {
        "joined_on": ["Die Vereinbarung ist erst am 31.01.2018 unterzeichnet worden."]
    }


class JoinedOnBoundsTests(TestCase):
    """Any day is accepted as joining exactly when it lies between submission and today."""

    @classmethod
    def setUpTestData(cls):
        agreement = factories.AgreementFactory()  # signed 31.01.2018
        cls.accession = factories.AccessionFactory(
            agreement=agreement,
            submitted=True,
            submitted_at=datetime.datetime(2019, 6, 3, 12, tzinfo=datetime.UTC),
        )

    @settings(max_examples=60)
    @given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
    def test_joining_lies_between_submission_and_today(self, joined_on):
        problems = joined_on_problems(self.accession, joined_on)

        assert (not problems) == (datetime.date(2019, 6, 3) <= joined_on <= today())


# Withdrawing


def test_a_withdrawal_names_a_wrong_date_and_a_missing_reason_in_one_round(
    client, users, accession_world, readback
):
    joined = accession_world.joined  # joined on 20.03.2018

    response = post(
        client, users.ministry, "withdraw", joined, {"withdrawn_on": "19.03.2018", "reason": ""}
    )

    assert response.context["form"].errors == {
        "withdrawn_on": ["Das Austrittsdatum liegt vor dem Beitritt am 20.03.2018."],
        "reason": ["Bitte nennen Sie den Grund des Austritts."],
    }
    readback(joined, "beigetreten am 20.03.2018")


def test_a_withdrawal_in_the_future_is_refused_at_the_field(client, users, accession_world):
    tomorrow = german(today() + datetime.timedelta(days=1))

    response = post(
        client,
        users.ministry,
        "withdraw",
        accession_world.joined,
        {"withdrawn_on": tomorrow, "reason": "Kündigung"},
    )

    assert response.context["form"].errors == {
        "withdrawn_on": ["Das Austrittsdatum darf nicht in der Zukunft liegen."]
    }


# Correcting the date of joining


def test_the_ministry_corrects_the_date_of_joining(client, users, accession_world, readback):
    joined = accession_world.joined

    response = post(
        client,
        users.ministry,
        "correct-joined-on",
        joined,
        {"joined_on": "02.04.2018", "reason": "Datum laut Beitrittserklärung"},
    )

    assert response.url == joined.get_absolute_url()
    assert Accession.objects.get(pk=joined.pk).joined_on == datetime.date(2018, 4, 2)
    readback(
        joined,
        "beigetreten am 02.04.2018",
        "Beitrittsdatum korrigiert: 02.04.2018 statt 20.03.2018",
        "Datum laut Beitrittserklärung",
    )


def test_the_correction_is_recorded_with_old_new_and_reason(users, accession_world):
    joined = accession_world.joined

    changes = accession_correct_joined_on(
        accession=joined,
        user=users.ministry,
        joined_on=datetime.date(2018, 4, 2),
        reason="Tippfehler",
    )

    event = AuditEvent.objects.for_object(joined).first()
    assert changes == {"joined_on": ["2018-03-20", "2018-04-02"]}
    assert event.action == "accession_joined_on_corrected"
    assert event.actor == users.ministry
    assert event.reason == "Tippfehler"
    assert event.changes == changes


def test_a_correction_to_the_same_date_says_nothing_changed_and_records_nothing(
    client, users, accession_world, readback
):
    # The defect: the same date typed again said "Das Beitrittsdatum ist korrigiert."
    joined = accession_world.joined
    events = AuditEvent.objects.for_object(joined).count()

    response = post(
        client,
        users.ministry,
        "correct-joined-on",
        joined,
        {"joined_on": "20.03.2018", "reason": "Nur nachgesehen"},
    )
    page = client.get(response.url).text

    assert "Das Beitrittsdatum ist korrigiert." not in page
    assert "Das Beitrittsdatum war schon der 20.03.2018; nichts ist geändert." in page
    assert AuditEvent.objects.for_object(joined).count() == events
    readback(joined, "beigetreten am 20.03.2018")
    assert "Beitrittsdatum korrigiert" not in client.get(joined.get_absolute_url()).text


def test_a_correction_keeps_to_the_rules_of_joining_and_needs_a_reason(
    client, users, accession_world, readback
):
    joined = accession_world.joined

    response = post(
        client,
        users.ministry,
        "correct-joined-on",
        joined,
        {"joined_on": "01.01.2017", "reason": ""},
    )

    assert response.context["form"].errors == {
        "joined_on": ["Die Vereinbarung ist erst am 31.01.2018 unterzeichnet worden."],
        "reason": ["Bitte nennen Sie den Grund der Korrektur."],
    }
    readback(joined, "beigetreten am 20.03.2018")


def test_a_corrected_joining_stays_before_the_withdrawal(users, accession_world):
    joined = accession_world.joined
    Accession.objects.filter(pk=joined.pk).update(
        status=AccessionStatus.WITHDRAWN, withdrawn_on=datetime.date(2019, 1, 1)
    )

    with pytest.raises(ValidationError) as error:
        accession_correct_joined_on(
            accession=joined,
            user=users.ministry,
            joined_on=datetime.date(2019, 1, 2),
            reason="Tippfehler",
        )

    assert error.value.message_dict["joined_on"] == [
        "Das Jobcenter ist am 01.01.2019 ausgetreten; der Beitritt muss davor liegen."
    ]


def test_an_accession_not_joined_has_no_date_to_correct(users, accession_world):
    with pytest.raises(AccessionStateError):
        accession_correct_joined_on(
            accession=accession_world.submitted,
            user=users.ministry,
            joined_on=today(),
            reason="Tippfehler",
        )


def test_the_correction_page_of_an_accession_not_joined_says_so(client, users, accession_world):
    client.force_login(users.ministry)
    url = reverse("accessions:correct-joined-on", args=[accession_world.submitted.pk])

    response = client.get(url, follow=True)

    assert "„eingereicht“: das ist jetzt nicht möglich" in response.text


def test_the_correction_is_offered_to_the_ministry_only(client, users, accession_world):
    url = reverse("accessions:correct-joined-on", args=[accession_world.joined.pk])
    for role in ["admin", "ministry", "directorate", "staedtetag", "city_manager"]:
        client.force_login(getattr(users, role))
        page = client.get(accession_world.joined.get_absolute_url()).text
        assert (url in page) == (role in ("admin", "ministry")), role


@pytest.mark.parametrize(
    ("role", "status"),
    [("directorate", 403), ("staedtetag", 403), ("city_manager", 403), ("hessen_ministry", 404)],
)
def test_nobody_else_corrects_the_date_of_joining(client, users, accession_world, role, status):
    joined = accession_world.joined

    response = post(
        client, getattr(users, role), "correct-joined-on", joined, {"joined_on": "02.04.2018"}
    )

    assert response.status_code == status
    assert Accession.objects.get(pk=joined.pk).joined_on == datetime.date(2018, 3, 20)


# The carriers' consent


def test_a_consent_on_a_day_that_does_not_exist_is_named_as_such(client, users, accession_world):
    client.force_login(users.kreis_manager)
    draft = accession_world.draft

    response = client.post(
        reverse("accessions:edit", args=[draft.pk]),
        {"carriers_agreed_on": "31.02.2026", "action": "save", "massnahmen-TOTAL_FORMS": "0",
         "massnahmen-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.context["form"].errors["carriers_agreed_on"] == [
        "Den 31.02.2026 gibt es nicht: der Februar 2026 hat 28 Tage."
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.12.1989", "Bitte geben Sie ein Datum ab dem 01.01.1990 an."),
        ("31.12.2099", "Das Datum darf nicht in der Zukunft liegen."),
    ],
)
def test_a_consent_lies_between_1990_and_today(client, users, accession_world, typed, message):
    client.force_login(users.kreis_manager)
    draft = accession_world.draft

    response = client.post(
        reverse("accessions:edit", args=[draft.pk]),
        {"carriers_agreed_on": typed, "action": "save", "massnahmen-TOTAL_FORMS": "0",
         "massnahmen-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.context["form"].errors["carriers_agreed_on"] == [message]
    assert Accession.objects.get(pk=draft.pk).carriers_agreed_on is None


# The database


def test_the_database_refuses_joining_before_1990(accession_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Accession.objects.filter(pk=accession_world.joined.pk).update(
            joined_on=datetime.date(1, 1, 1)
        )


def test_the_database_refuses_a_consent_before_1990(accession_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Accession.objects.filter(pk=accession_world.draft.pk).update(
            carriers_agreed_on=datetime.date(1989, 12, 31)
        )
