"""The accession state machine in ``accessions.services``: each step, its audit event, its mail.

Draft → submitted → accepted → withdrawn, with returned as the way back to the jobcenter.
The views have their own tests; these call the services directly.
"""

import datetime
import os
import re
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accessions.models import (
    EDITABLE_STATUSES,
    Accession,
    AccessionQuerySet,
    AccessionStatus,
    PlannedMeasure,
)
from accessions.services import (
    REQUIRED_FOR_SUBMIT,
    TRANSITIONS,
    AccessionStateError,
    accession_accept,
    accession_attach_signed_form,
    accession_missing,
    accession_return,
    accession_save,
    accession_start,
    accession_submit,
    accession_withdraw,
)
from accounts.models import AuditEvent
from agreements.models import AccessionScope
from tests import factories

SIGNED_FORM_NAME = re.compile(r"^signed-forms/[0-9a-f]{32}\.pdf$")

# Long enough for a slow CI machine, short enough that a broken lock fails instead of hanging.
THREAD_TIMEOUT = 15


def signed_pdf(name="formular.pdf"):
    return SimpleUploadedFile(name, factories.minimal_pdf(), "application/pdf")


def form_data(**changes):
    """Every field of the accession form, filled in as a jobcenter would."""
    data = {
        "jobcenter_name": "Jobcenter Kreis Steinfurt",
        "street": "Am Bonneshof 35",
        "postal_code": "48565",
        "city": "Steinfurt",
        "management_name": "Dr. Erika Beispiel",
        "contact_name": "Max Muster",
        "contact_function": "Inklusionsbeauftragter",
        "contact_email": "inklusion@jobcenter.example",
        "contact_phone": "02551 690",
        "carriers_agreed_on": datetime.date(2018, 3, 1),
        "public_listing": True,
    }
    data.update(changes)
    return data


def history(accession):
    """The audit actions of an accession, oldest first."""
    return list(reversed(AuditEvent.objects.for_object(accession).values_list("action", flat=True)))


def last_event(accession):
    return AuditEvent.objects.for_object(accession).first()


def today():
    return timezone.localdate()


def complete_draft(agreement, jobcenter=None, **kwargs):
    """A draft with every field and the signed form, and one planned measure: ready to submit."""
    if jobcenter is not None:
        kwargs["jobcenter"] = jobcenter
    accession = factories.AccessionFactory(agreement=agreement, complete=True, **kwargs)
    factories.PlannedMeasureFactory(accession=accession)
    return accession


def ministry_user(organisation, **kwargs):
    return factories.UserFactory(organisation=organisation, role="ministry_staff", **kwargs)


# --- start ------------------------------------------------------------------------------------


def test_start_opens_a_draft_prefilled_from_the_registry(nrw, users):
    jobcenter = factories.JobcenterFactory(
        name="Jobcenter Kreis Warendorf",
        kreis=True,
        street="Waldenburger Straße 2",
        postal_code="48231",
        city="Warendorf",
        email="info@jobcenter-warendorf.example",
        phone="02581 530",
    )

    accession = accession_start(jobcenter=jobcenter, agreement=nrw.agreement, user=users.ministry)

    accession.refresh_from_db()
    assert accession.status == AccessionStatus.DRAFT
    assert accession.jobcenter == jobcenter
    assert accession.agreement == nrw.agreement
    assert accession.jobcenter_name == "Jobcenter Kreis Warendorf"
    assert accession.street == "Waldenburger Straße 2"
    assert accession.postal_code == "48231"
    assert accession.city == "Warendorf"
    assert accession.contact_email == "info@jobcenter-warendorf.example"
    assert accession.contact_phone == "02581 530"
    # What the registry does not know, the jobcenter fills in itself.
    assert accession.management_name == accession.contact_name == ""


def test_start_records_who_started_the_accession(nrw, users):
    accession = accession_start(
        jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager
    )

    [event] = AuditEvent.objects.for_object(accession)
    assert event.action == "accession_started"
    assert event.summary == "Beitritt begonnen"
    assert event.actor == users.city_manager


def test_a_second_start_for_the_same_agreement_is_refused(nrw, users):
    accession_start(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager)

    with pytest.raises(ValidationError) as error:
        accession_start(
            jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager
        )

    assert error.value.messages == ["Für diese Vereinbarung gibt es schon einen offenen Beitritt."]
    assert Accession.objects.filter(jobcenter=nrw.city_jobcenter).count() == 1


def test_a_start_racing_another_is_refused_by_the_database_with_the_same_message(
    nrw, users, monkeypatch
):
    accession_start(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager)
    # As if the other start committed just after this one looked: the check sees nothing.
    monkeypatch.setattr(AccessionQuerySet, "open", lambda self: self.none())

    with pytest.raises(ValidationError) as error:
        accession_start(
            jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager
        )

    assert error.value.messages == ["Für diese Vereinbarung gibt es schon einen offenen Beitritt."]
    # The transaction is still usable after the refused insert.
    assert Accession.objects.filter(jobcenter=nrw.city_jobcenter).count() == 1


@pytest.mark.parametrize(
    "agreement_kwargs",
    [{"state": "HE"}, {"unpublished": True}],
    ids=["agreement_of_another_state", "unpublished_agreement"],
)
def test_start_refuses_an_agreement_the_jobcenter_cannot_join(nrw, users, agreement_kwargs):
    agreement = factories.AgreementFactory(**agreement_kwargs)

    with pytest.raises(ValidationError) as error:
        accession_start(jobcenter=nrw.city_jobcenter, agreement=agreement, user=users.ministry)

    assert error.value.messages == ["Dieses Jobcenter kann dieser Vereinbarung nicht beitreten."]
    assert not Accession.objects.exists()
    assert not AuditEvent.objects.filter(action="accession_started").exists()


def test_after_a_withdrawal_the_jobcenter_may_start_again(nrw, users):
    old = factories.AccessionFactory(
        jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True
    )
    accession_withdraw(
        accession=old, user=users.ministry, withdrawn_on=today(), reason="Kündigung des Trägers"
    )

    new = accession_start(
        jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, user=users.city_manager
    )

    assert new.pk != old.pk
    assert new.status == AccessionStatus.DRAFT
    assert set(
        Accession.objects.filter(jobcenter=nrw.city_jobcenter).values_list("status", flat=True)
    ) == {AccessionStatus.WITHDRAWN, AccessionStatus.DRAFT}


# --- the database constraint ------------------------------------------------------------------


def test_the_database_refuses_two_open_accessions_of_one_jobcenter_to_one_agreement(nrw):
    factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement)

    assert Accession.objects.filter(jobcenter=nrw.city_jobcenter).count() == 1


def test_the_database_allows_a_new_accession_next_to_a_withdrawn_one(nrw):
    factories.AccessionFactory(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        joined=True,
        status=AccessionStatus.WITHDRAWN,
        withdrawn_on=datetime.date(2020, 6, 30),
    )

    with transaction.atomic():
        factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement)

    assert Accession.objects.filter(jobcenter=nrw.city_jobcenter).count() == 2


# --- save -------------------------------------------------------------------------------------


def test_save_stores_the_form_fields(accession_world, users):
    draft = accession_world.draft

    accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[(accession_world.action_field, "Schulung der Fachkräfte")],
    )

    draft.refresh_from_db()
    for field, value in form_data().items():
        assert getattr(draft, field) == value, field
    assert draft.status == AccessionStatus.DRAFT


def test_save_replaces_the_planned_measures(accession_world, users, readback):
    draft = accession_world.draft
    second_field = factories.ActionFieldFactory(agreement=draft.agreement, number=2)
    accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[
            (accession_world.action_field, "Schulung der Fachkräfte"),
            (second_field, "Barrierefreie Beratung"),
        ],
    )

    accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[(second_field, "Jobcoaching")],
    )

    assert list(
        PlannedMeasure.objects.filter(accession=draft).values_list("action_field", "title")
    ) == [(second_field.pk, "Jobcoaching")]
    assert last_event(draft).changes == {
        "planned_measures": [
            [
                f"Schulung der Fachkräfte ({accession_world.action_field})",
                f"Barrierefreie Beratung ({second_field})",
            ],
            [f"Jobcoaching ({second_field})"],
        ]
    }
    readback(draft, "Jobcoaching")


def test_save_records_what_changed_in_the_audit_event(accession_world, users):
    draft = accession_world.draft

    accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[(accession_world.action_field, "Schulung der Fachkräfte")],
    )

    event = last_event(draft)
    assert event.action == "accession_saved"
    assert event.summary == "Beitrittsformular gespeichert"
    assert event.actor == users.kreis_manager
    assert event.changes["management_name"] == ["", "Dr. Erika Beispiel"]
    assert event.changes["carriers_agreed_on"] == [None, "2018-03-01"]
    assert event.changes["public_listing"] == [False, True]
    assert event.changes["planned_measures"] == [
        [],
        [f"Schulung der Fachkräfte ({accession_world.action_field})"],
    ]
    assert "signed_form" not in event.changes


def test_save_without_changes_records_no_event(accession_world, users):
    draft = accession_world.draft
    measures = [(accession_world.action_field, "Schulung der Fachkräfte")]
    accession_save(
        accession=draft, user=users.kreis_manager, data=form_data(), planned_measures=measures
    )

    accession_save(
        accession=draft, user=users.kreis_manager, data=form_data(), planned_measures=measures
    )

    assert history(draft) == ["accession_saved"]


def test_save_on_a_submitted_accession_is_refused(accession_world, users):
    submitted = accession_world.submitted

    with pytest.raises(AccessionStateError) as error:
        accession_save(
            accession=submitted,
            user=users.ministry,
            data=form_data(management_name="Jemand anderes"),
            planned_measures=[],
        )

    assert str(error.value) == (
        "Der Beitritt ist „eingereicht“ und kann nicht mehr geändert werden."
    )
    submitted.refresh_from_db()
    assert submitted.management_name == "Dr. Erika Beispiel"
    assert submitted.planned_measures.count() == 1
    assert history(submitted) == []


def test_save_stores_the_signed_form_under_a_generated_name(accession_world, users):
    draft = accession_world.draft

    saved = accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[],
        signed_form=signed_pdf("../../etc/passwd.pdf"),
    )

    draft.refresh_from_db()
    assert SIGNED_FORM_NAME.match(draft.signed_form.name), draft.signed_form.name
    assert draft.signed_form.storage.exists(draft.signed_form.name)
    with draft.signed_form.open("rb") as stored:
        assert stored.read() == factories.minimal_pdf()
    assert draft.signed_form_uploaded_at is not None
    assert saved.signed_form.name == draft.signed_form.name
    assert last_event(draft).changes["signed_form"] == [False, "passwd.pdf"]


def test_replacing_the_signed_form_deletes_the_old_file_after_commit(
    accession_world, users, django_capture_on_commit_callbacks
):
    draft = accession_world.draft
    with django_capture_on_commit_callbacks(execute=True):
        first = accession_attach_signed_form(
            accession=draft, user=users.kreis_manager, signed_form=signed_pdf()
        )
    old_name = first.signed_form.name
    storage = first.signed_form.storage
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = accession_save(
            accession=draft,
            user=users.kreis_manager,
            data=form_data(),
            planned_measures=[],
            signed_form=signed_pdf(),
        )
        # Until the new form is committed, the old one stays.
        assert storage.exists(old_name)

    assert len(callbacks) == 1
    assert second.signed_form.name != old_name
    assert SIGNED_FORM_NAME.match(second.signed_form.name)
    assert storage.exists(second.signed_form.name)
    assert not storage.exists(old_name)
    draft.refresh_from_db()
    assert draft.signed_form.name == second.signed_form.name


# --- submit -----------------------------------------------------------------------------------


def test_submit_names_every_missing_field(accession_world, users):
    draft = accession_world.draft

    with pytest.raises(ValidationError) as error:
        accession_submit(accession=draft, user=users.kreis_manager)

    missing = error.value.message_dict
    assert set(missing) == {*REQUIRED_FOR_SUBMIT, "planned_measures", "signed_form"}
    assert {"management_name", "carriers_agreed_on", "contact_email"} <= set(missing)
    assert missing["management_name"] == [
        "Bitte nennen Sie die Geschäftsführerin oder den Geschäftsführer."
    ]
    assert missing["planned_measures"] == ["Bitte nennen Sie mindestens eine geplante Maßnahme."]
    assert missing["signed_form"] == [
        "Bitte laden Sie das unterschriebene Beitrittsformular als PDF hoch."
    ]
    draft.refresh_from_db()
    assert draft.status == AccessionStatus.DRAFT
    assert draft.submitted_at is None
    assert history(draft) == []


def test_submit_without_a_planned_measure_names_only_that(nrw, users):
    accession = factories.AccessionFactory(agreement=nrw.agreement, complete=True)

    with pytest.raises(ValidationError) as error:
        accession_submit(accession=accession, user=users.ministry)

    assert error.value.message_dict == {
        "planned_measures": ["Bitte nennen Sie mindestens eine geplante Maßnahme."]
    }
    assert accession_missing(accession) == {
        "planned_measures": "Bitte nennen Sie mindestens eine geplante Maßnahme."
    }


def test_submit_sends_a_complete_accession_to_the_ministry(nrw, users):
    accession = complete_draft(nrw.agreement, jobcenter=nrw.kreis_jobcenter)
    before = timezone.now()

    submitted = accession_submit(accession=accession, user=users.kreis_manager)

    accession.refresh_from_db()
    assert submitted.status == accession.status == AccessionStatus.SUBMITTED
    assert before <= accession.submitted_at <= timezone.now()


def test_submit_records_the_event(nrw, users):
    accession = complete_draft(nrw.agreement, jobcenter=nrw.kreis_jobcenter)

    accession_submit(accession=accession, user=users.kreis_manager)

    event = last_event(accession)
    assert event.action == "accession_submitted"
    assert event.summary == "Eingereicht"
    assert event.actor == users.kreis_manager


def test_submit_mails_the_active_ministry_staff_of_the_agreements_state_only(
    nrw, users, mailoutbox, django_capture_on_commit_callbacks
):
    second_reviewer = ministry_user(nrw.ministry, email="referat@mags.example")
    ministry_user(nrw.ministry, email="")
    ministry_user(nrw.ministry, is_active=False)
    accession = complete_draft(nrw.agreement, jobcenter=nrw.kreis_jobcenter)

    with django_capture_on_commit_callbacks(execute=True):
        accession_submit(accession=accession, user=users.kreis_manager)
        assert mailoutbox == []  # only once the submission is committed

    # One e-mail each: reviewers do not see each other's address, one refusal stops no one.
    submitted = [m for m in mailoutbox if m.subject.startswith("Beitritt eingereicht")]
    assert sorted(mail.to[0] for mail in submitted) == sorted(
        [users.ministry.email, second_reviewer.email]
    )
    for mail in submitted:
        assert mail.subject == (
            "Beitritt eingereicht: Jobcenter Kreis Steinfurt – Rahmenvereinbarung Inklusion NRW"
        )
        assert settings.SITE_URL + reverse("accessions:detail", args=[accession.pk]) in mail.body


def test_submit_sends_the_jobcenter_a_receipt_whose_link_shows_the_submitted_accession(
    nrw, users, client, mailoutbox, django_capture_on_commit_callbacks
):
    accession = complete_draft(nrw.agreement, jobcenter=nrw.kreis_jobcenter)

    with django_capture_on_commit_callbacks(execute=True):
        accession_submit(accession=accession, user=users.kreis_manager)

    [receipt] = [m for m in mailoutbox if m.subject.startswith("Beitritt eingegangen")]
    assert receipt.subject == "Beitritt eingegangen: Rahmenvereinbarung Inklusion NRW"
    assert receipt.to == [accession.contact_email]
    link = settings.SITE_URL + reverse("accessions:detail", args=[accession.pk])
    assert link in receipt.body.splitlines()
    client.force_login(users.kreis_manager)
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert "eingereicht" in response.content.decode()


def test_the_ministrys_link_opens_the_accession_to_review(
    nrw, users, client, mailoutbox, django_capture_on_commit_callbacks
):
    accession = complete_draft(nrw.agreement, jobcenter=nrw.kreis_jobcenter)
    with django_capture_on_commit_callbacks(execute=True):
        accession_submit(accession=accession, user=users.kreis_manager)
    [mail] = [m for m in mailoutbox if users.ministry.email in m.to]

    link = next(line for line in mail.body.splitlines() if line.startswith(settings.SITE_URL))
    client.force_login(users.ministry)
    response = client.get(link.removeprefix(settings.SITE_URL))

    assert response.status_code == 200
    assert reverse("accessions:accept", args=[accession.pk]) in response.content.decode()


def test_a_returned_accession_can_be_submitted_again(nrw, users):
    accession = factories.AccessionFactory(
        agreement=nrw.agreement, jobcenter=nrw.kreis_jobcenter, returned=True
    )
    factories.PlannedMeasureFactory(accession=accession)

    accession_submit(accession=accession, user=users.kreis_manager)

    accession.refresh_from_db()
    assert accession.status == AccessionStatus.SUBMITTED
    event = last_event(accession)
    assert event.action == "accession_submitted"
    assert event.summary == "Erneut eingereicht"


# --- accept -----------------------------------------------------------------------------------


def test_accept_is_refused_for_a_draft_and_says_its_state(accession_world, users):
    draft = accession_world.draft

    with pytest.raises(AccessionStateError) as error:
        accession_accept(accession=draft, user=users.ministry, joined_on=today())

    assert "„Entwurf“" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == AccessionStatus.DRAFT
    assert draft.joined_on is None


def test_accept_refuses_a_date_of_joining_in_the_future(accession_world, users):
    submitted = accession_world.submitted

    with pytest.raises(ValidationError) as error:
        accession_accept(
            accession=submitted,
            user=users.ministry,
            joined_on=today() + datetime.timedelta(days=1),
        )

    assert error.value.message_dict == {
        "joined_on": ["Das Beitrittsdatum darf nicht in der Zukunft liegen."]
    }
    submitted.refresh_from_db()
    assert submitted.status == AccessionStatus.SUBMITTED
    assert history(submitted) == []


def test_accept_sets_the_state_and_the_date_of_joining(accession_world, users):
    submitted = accession_world.submitted

    accepted = accession_accept(accession=submitted, user=users.ministry, joined_on=today())

    submitted.refresh_from_db()
    assert accepted.status == submitted.status == AccessionStatus.ACCEPTED
    assert submitted.joined_on == today()
    event = last_event(submitted)
    assert event.action == "accession_accepted"
    assert event.summary == f"Angenommen: beigetreten am {today():%d.%m.%Y}"
    assert event.actor == users.ministry


def test_accept_mails_the_contact_person_a_link_to_the_accession(
    accession_world, users, mailoutbox, django_capture_on_commit_callbacks
):
    submitted = accession_world.submitted
    submitted.submitted_at = datetime.datetime(2019, 4, 30, 10, tzinfo=datetime.UTC)
    submitted.save()

    with django_capture_on_commit_callbacks(execute=True):
        accession_accept(
            accession=submitted, user=users.ministry, joined_on=datetime.date(2019, 5, 2)
        )

    [mail] = mailoutbox
    assert mail.to == ["inklusion@jobcenter.example"]
    assert mail.subject == "Beitritt angenommen: Rahmenvereinbarung Inklusion NRW"
    assert "Beigetreten am: 02.05.2019" in mail.body
    assert settings.SITE_URL + submitted.get_absolute_url() in mail.body


# --- return -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reasons", ["", "   \n "])
def test_return_needs_reasons(accession_world, users, reasons):
    submitted = accession_world.submitted

    with pytest.raises(ValidationError) as error:
        accession_return(accession=submitted, user=users.ministry, reasons=reasons)

    assert error.value.message_dict == {"reasons": ["Bitte nennen Sie die Gründe der Rückgabe."]}
    submitted.refresh_from_db()
    assert submitted.status == AccessionStatus.SUBMITTED
    assert history(submitted) == []


def test_return_stores_the_reasons(accession_world, users):
    submitted = accession_world.submitted

    accession_return(
        accession=submitted,
        user=users.ministry,
        reasons="  Die Unterschrift der Geschäftsführung fehlt.\n",
    )

    submitted.refresh_from_db()
    assert submitted.status == AccessionStatus.RETURNED
    assert submitted.return_reasons == "Die Unterschrift der Geschäftsführung fehlt."
    assert submitted.is_editable


def test_return_records_the_reasons_in_the_audit_event(accession_world, users):
    submitted = accession_world.submitted

    accession_return(
        accession=submitted,
        user=users.ministry,
        reasons="Die Unterschrift der Geschäftsführung fehlt.",
    )

    event = last_event(submitted)
    assert event.action == "accession_returned"
    assert event.summary == "Zurückgegeben"
    assert event.reason == "Die Unterschrift der Geschäftsführung fehlt."
    assert event.actor == users.ministry


def test_return_mails_the_contact_person_the_reasons(
    accession_world, users, mailoutbox, django_capture_on_commit_callbacks
):
    submitted = accession_world.submitted

    with django_capture_on_commit_callbacks(execute=True):
        accession_return(
            accession=submitted,
            user=users.ministry,
            reasons="Die Unterschrift der Geschäftsführung fehlt.",
        )

    [mail] = mailoutbox
    assert mail.to == ["inklusion@jobcenter.example"]
    assert mail.subject == "Beitritt zurückgegeben: Rahmenvereinbarung Inklusion NRW"
    assert "Die Unterschrift der Geschäftsführung fehlt." in mail.body
    # It asks to revise the form: its link opens the form, not the page before it.
    assert settings.SITE_URL + reverse("accessions:edit", args=[submitted.pk]) in mail.body
    assert settings.SITE_URL + submitted.get_absolute_url() + "\n" not in mail.body


# --- withdraw ---------------------------------------------------------------------------------


def test_withdraw_is_only_possible_after_joining(accession_world, users):
    submitted = accession_world.submitted

    with pytest.raises(AccessionStateError) as error:
        accession_withdraw(
            accession=submitted, user=users.ministry, withdrawn_on=today(), reason="Kündigung"
        )

    assert "„eingereicht“" in str(error.value)
    submitted.refresh_from_db()
    assert submitted.status == AccessionStatus.SUBMITTED
    assert submitted.withdrawn_on is None


def test_withdraw_refuses_a_date_in_the_future(accession_world, users):
    joined = accession_world.joined

    with pytest.raises(ValidationError) as error:
        accession_withdraw(
            accession=joined,
            user=users.ministry,
            withdrawn_on=today() + datetime.timedelta(days=1),
            reason="Kündigung",
        )

    assert error.value.message_dict == {
        "withdrawn_on": ["Das Austrittsdatum darf nicht in der Zukunft liegen."]
    }
    joined.refresh_from_db()
    assert joined.status == AccessionStatus.ACCEPTED


def test_withdraw_refuses_a_date_before_joining(accession_world, users):
    joined = accession_world.joined  # joined on 20.03.2018

    with pytest.raises(ValidationError) as error:
        accession_withdraw(
            accession=joined,
            user=users.ministry,
            withdrawn_on=datetime.date(2018, 3, 19),
            reason="Kündigung",
        )

    assert error.value.message_dict == {
        "withdrawn_on": ["Das Austrittsdatum liegt vor dem Beitritt am 20.03.2018."]
    }


def test_withdraw_on_the_day_of_joining_is_allowed(accession_world, users):
    joined = accession_world.joined

    accession_withdraw(
        accession=joined,
        user=users.ministry,
        withdrawn_on=datetime.date(2018, 3, 20),
        reason="Beitritt irrtümlich erklärt",
    )

    joined.refresh_from_db()
    assert joined.withdrawn_on == joined.joined_on == datetime.date(2018, 3, 20)


@pytest.mark.parametrize("reason", ["", "  "])
def test_withdraw_needs_a_reason(accession_world, users, reason):
    joined = accession_world.joined

    with pytest.raises(ValidationError) as error:
        accession_withdraw(
            accession=joined, user=users.ministry, withdrawn_on=today(), reason=reason
        )

    assert error.value.message_dict == {"reason": ["Bitte nennen Sie den Grund des Austritts."]}
    assert history(joined) == []


def test_withdraw_sets_the_state_and_the_date_of_leaving(accession_world, users):
    joined = accession_world.joined

    accession_withdraw(
        accession=joined,
        user=users.ministry,
        withdrawn_on=datetime.date(2024, 12, 31),
        reason=" Kündigung durch die Trägerversammlung ",
    )

    joined.refresh_from_db()
    assert joined.status == AccessionStatus.WITHDRAWN
    assert joined.withdrawn_on == datetime.date(2024, 12, 31)
    assert joined.joined_on == datetime.date(2018, 3, 20)
    event = last_event(joined)
    assert event.action == "accession_withdrawn"
    assert event.summary == "Ausgetreten am 31.12.2024"
    assert event.reason == "Kündigung durch die Trägerversammlung"


# --- the whole way ----------------------------------------------------------------------------


@pytest.mark.long  # every step, read back for every role: started first
def test_the_whole_way_from_draft_to_withdrawal(
    nrw, users, mailoutbox, django_capture_on_commit_callbacks, readback
):
    action_field = factories.ActionFieldFactory(agreement=nrw.agreement, number=1)
    manager, ministry = users.kreis_manager, users.ministry
    measures = [(action_field, "Schulung der Fachkräfte")]

    with django_capture_on_commit_callbacks(execute=True):
        # After each step, every page of the accession for every role.
        accession = accession_start(
            jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement, user=manager
        )
        readback(accession, "Entwurf")
        accession_save(
            accession=accession,
            user=manager,
            data=form_data(),
            planned_measures=measures,
            signed_form=signed_pdf(),
        )
        readback(accession, "Schulung der Fachkräfte")
        accession_submit(accession=accession, user=manager)
        readback(accession, "eingereicht")
        accession_return(accession=accession, user=ministry, reasons="Das Datum fehlt im PDF.")
        readback(accession, "zurückgegeben", "Das Datum fehlt im PDF.")
        accession_save(
            accession=accession,
            user=manager,
            data=form_data(management_name="Dr. Max Beispiel"),
            planned_measures=measures,
        )
        readback(accession, "Dr. Max Beispiel")
        accession_submit(accession=accession, user=manager)
        readback(accession, "Erneut eingereicht")
        accession_accept(accession=accession, user=ministry, joined_on=today())
        readback(accession, "beigetreten")
        accession_withdraw(
            accession=accession, user=ministry, withdrawn_on=today(), reason="Kündigung"
        )
        readback(accession, "ausgetreten", "Kündigung")

    accession.refresh_from_db()
    assert accession.status == AccessionStatus.WITHDRAWN
    assert accession.return_reasons == ""  # cleared on acceptance
    events = list(reversed(AuditEvent.objects.for_object(accession)))
    assert [(e.action, e.actor) for e in events] == [
        ("accession_started", manager),
        ("accession_saved", manager),
        ("accession_submitted", manager),
        ("accession_returned", ministry),
        ("accession_saved", manager),
        ("accession_submitted", manager),
        ("accession_accepted", ministry),
        ("accession_withdrawn", ministry),
    ]
    assert events[2].summary == "Eingereicht"
    assert events[4].changes == {"management_name": ["Dr. Erika Beispiel", "Dr. Max Beispiel"]}
    assert events[5].summary == "Erneut eingereicht"
    assert [mail.subject.split(":")[0] for mail in mailoutbox] == [
        "Beitritt eingereicht",
        "Beitritt eingegangen",
        "Beitritt zurückgegeben",
        "Beitritt eingereicht",
        "Beitritt eingegangen",
        "Beitritt angenommen",
    ]


# --- illegal transitions ----------------------------------------------------------------------


def _accession_in(status, agreement):
    traits = {
        AccessionStatus.DRAFT: {},
        AccessionStatus.SUBMITTED: {"submitted": True},
        AccessionStatus.RETURNED: {"returned": True},
        AccessionStatus.ACCEPTED: {"joined": True},
        AccessionStatus.WITHDRAWN: {
            "joined": True,
            "status": AccessionStatus.WITHDRAWN,
            "withdrawn_on": datetime.date(2020, 6, 30),
        },
    }
    accession = factories.AccessionFactory(agreement=agreement, **traits[status])
    factories.PlannedMeasureFactory(accession=accession)
    return accession


STEPS = {
    "submit": lambda accession, user: accession_submit(accession=accession, user=user),
    "accept": lambda accession, user: accession_accept(
        accession=accession, user=user, joined_on=today()
    ),
    "return": lambda accession, user: accession_return(
        accession=accession, user=user, reasons="Gründe"
    ),
    "withdraw": lambda accession, user: accession_withdraw(
        accession=accession, user=user, withdrawn_on=today(), reason="Grund"
    ),
    "save": lambda accession, user: accession_save(
        accession=accession,
        user=user,
        data=form_data(management_name="Jemand anderes"),
        planned_measures=[],
        signed_form=signed_pdf(),
    ),
    "attach_signed_form": lambda accession, user: accession_attach_signed_form(
        accession=accession, user=user, signed_form=signed_pdf()
    ),
}
ALLOWED_FROM = {
    **{step: allowed for step, (allowed, _target) in TRANSITIONS.items()},
    "save": EDITABLE_STATUSES,
    "attach_signed_form": EDITABLE_STATUSES,
}
ILLEGAL = [
    (status, step)
    for step in STEPS
    for status in AccessionStatus
    if status not in ALLOWED_FROM[step]
]


def test_every_transition_is_covered():
    assert set(STEPS) == {*TRANSITIONS, "save", "attach_signed_form"}


@pytest.mark.parametrize(
    ("status", "step"), ILLEGAL, ids=[f"{step}-from-{status.value}" for status, step in ILLEGAL]
)
def test_an_illegal_transition_is_a_state_error_not_a_database_error(nrw, users, status, step):
    accession = _accession_in(status, nrw.agreement)
    before = Accession.objects.values().get(pk=accession.pk)

    with pytest.raises(AccessionStateError) as error:
        STEPS[step](accession, users.ministry)

    assert f"„{accession.get_status_display()}“" in str(error.value)
    assert Accession.objects.values().get(pk=accession.pk) == before
    assert history(accession) == []


# --- two decisions on one accession -----------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "shown"),
    [({"first_name": "Anna", "last_name": "Annehmer"}, "Anna Annehmer"), ({}, None)],
    ids=["full_name", "username"],
)
def test_a_decision_on_a_stale_accession_says_who_decided_first(
    accession_world, users, names, shown
):
    first = ministry_user(
        users.ministry.organisation, **{"first_name": "", "last_name": ""} | names
    )
    stale = Accession.objects.get(pk=accession_world.submitted.pk)
    accession_accept(accession=accession_world.submitted, user=first, joined_on=today())

    with pytest.raises(AccessionStateError) as error:
        accession_return(accession=stale, user=users.ministry, reasons="Die Unterschrift fehlt.")

    message = str(error.value)
    assert message.startswith("Der Beitritt ist inzwischen „beigetreten“.")
    assert f"von {shown or first.username} am" in message
    assert history(stale) == ["accession_accepted"]


def _require_postgresql():
    if connection.vendor == "postgresql":
        return
    reason = "the row lock between two connections needs PostgreSQL (DATABASE_URL)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs PostgreSQL: {reason}")
    pytest.skip(reason)


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _wait_until_blocked(waiter_pid, holder_pid):
    """True once the backend ``waiter_pid`` waits for a lock that ``holder_pid`` holds."""
    deadline = time.monotonic() + THREAD_TIMEOUT
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder_pid, waiter_pid])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_ministry_users_deciding_at_once_record_exactly_one_decision(
    accession_world, users, mailoutbox
):
    _require_postgresql()
    accession = accession_world.submitted
    accepter = ministry_user(users.ministry.organisation, first_name="Anna", last_name="Annehmer")
    returner = users.ministry
    a_holds_lock = threading.Event()
    b_is_calling = threading.Event()
    a_may_decide = threading.Event()
    pids = {}
    outcome = {}

    def accept_in_a():
        try:
            pids["a"] = _backend_pid()
            with transaction.atomic():
                Accession.objects.select_for_update().get(pk=accession.pk)
                a_holds_lock.set()
                if not a_may_decide.wait(THREAD_TIMEOUT):
                    raise TimeoutError("thread A was never told to decide")
                outcome["a"] = accession_accept(
                    accession=accession, user=accepter, joined_on=today()
                )
        except Exception as error:  # handed to the test thread
            outcome["a"] = error
        finally:
            a_holds_lock.set()
            connection.close()

    def return_in_b():
        try:
            pids["b"] = _backend_pid()
            with connection.cursor() as cursor:
                # Should the lock never be released, B fails instead of waiting forever.
                cursor.execute("SET lock_timeout = '15s'")
            b_is_calling.set()
            outcome["b"] = accession_return(
                accession=accession, user=returner, reasons="Die Unterschrift fehlt."
            )
        except Exception as error:  # handed to the test thread
            outcome["b"] = error
        finally:
            b_is_calling.set()
            connection.close()

    thread_a = threading.Thread(target=accept_in_a, daemon=True)
    thread_b = threading.Thread(target=return_in_b, daemon=True)
    try:
        thread_a.start()
        assert a_holds_lock.wait(THREAD_TIMEOUT)
        assert "a" not in outcome, outcome.get("a")
        thread_b.start()
        assert b_is_calling.wait(THREAD_TIMEOUT)
        assert _wait_until_blocked(pids.get("b"), pids["a"]), outcome.get("b")
        assert thread_b.is_alive()
        assert "b" not in outcome
    finally:
        a_may_decide.set()
        thread_a.join(THREAD_TIMEOUT)
        thread_b.join(THREAD_TIMEOUT)
    assert not thread_a.is_alive()
    assert not thread_b.is_alive()

    assert isinstance(outcome["a"], Accession), outcome["a"]
    assert isinstance(outcome["b"], AccessionStateError), outcome["b"]
    message = str(outcome["b"])
    assert message.startswith("Der Beitritt ist inzwischen „beigetreten“.")
    assert "von Anna Annehmer am" in message
    accession.refresh_from_db()
    assert accession.status == AccessionStatus.ACCEPTED
    assert accession.joined_on == today()
    assert accession.return_reasons == ""
    events = AuditEvent.objects.for_object(accession)
    assert [(e.action, e.actor) for e in events] == [("accession_accepted", accepter)]
    assert [mail.subject for mail in mailoutbox] == [
        "Beitritt angenommen: Rahmenvereinbarung Inklusion NRW"
    ]


@pytest.mark.long  # every step, read back for every role: started first
def test_the_whole_way_in_another_state_hessen(
    nrw, hessen, users, django_capture_on_commit_callbacks, readback
):
    # The same pattern in Hessen: its jobcenter, its ministry, its association's members.
    agreement = factories.AgreementFactory(
        state="HE", short_title="Kooperationsvereinbarung Arbeitsmarkt Hessen"
    )
    action_field = factories.ActionFieldFactory(agreement=agreement, number=1)
    manager = factories.UserFactory(organisation=hessen.city_jobcenter, role="jobcenter_manager")
    ministry = factories.UserFactory(organisation=hessen.ministry, role="ministry_staff")
    # Its member's association reads it along (Kassel is a city: the Städtetag).
    factories.UserFactory(organisation=hessen.staedtetag, role="association_staff")
    measures = [(action_field, "Jugendberufsagentur Kassel")]

    with django_capture_on_commit_callbacks(execute=True):
        accession = accession_start(
            jobcenter=hessen.city_jobcenter, agreement=agreement, user=manager
        )
        readback(accession, "Entwurf")
        accession_save(
            accession=accession,
            user=manager,
            data=form_data(jobcenter_name="Jobcenter Stadt Kassel", city="Kassel"),
            planned_measures=measures,
            signed_form=signed_pdf(),
        )
        readback(accession, "Jugendberufsagentur Kassel", "Jobcenter Stadt Kassel")
        accession_submit(accession=accession, user=manager)
        readback(accession, "eingereicht")
        accession_accept(accession=accession, user=ministry, joined_on=today())
        readback(accession, "beigetreten")


@pytest.mark.long  # every step, read back for every role: started first
def test_the_whole_way_of_a_local_agreement_jobcenterjugend(
    nrw, users, django_capture_on_commit_callbacks, readback
):
    # Like JobCenterJugend Kamen und Unna: only the jobcenter it names may join.
    agreement = factories.AgreementFactory(
        short_title="JobCenterJugend", accession_scope=AccessionScope.LISTED
    )
    agreement.accession_jobcenters.add(nrw.kreis_jobcenter)
    action_field = factories.ActionFieldFactory(agreement=agreement, number=1)
    measures = [(action_field, "Beratung unter 25 an einem Ort")]

    with pytest.raises(ValidationError):
        accession_start(jobcenter=nrw.city_jobcenter, agreement=agreement, user=users.city_manager)
    with django_capture_on_commit_callbacks(execute=True):
        accession = accession_start(
            jobcenter=nrw.kreis_jobcenter, agreement=agreement, user=users.kreis_manager
        )
        readback(accession, "Entwurf")
        accession_save(
            accession=accession,
            user=users.kreis_manager,
            data=form_data(),
            planned_measures=measures,
            signed_form=signed_pdf(),
        )
        accession_submit(accession=accession, user=users.kreis_manager)
        readback(accession, "eingereicht", "Beratung unter 25 an einem Ort")
        accession_accept(accession=accession, user=users.ministry, joined_on=today())
        readback(accession, "beigetreten")
