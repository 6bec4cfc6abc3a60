"""The accession pages: the jobcenter fills in, uploads and submits; the ministry decides."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accessions.models import Accession, AccessionStatus
from accounts.services import AuditAction, record_event
from agreements.models import AccessionScope
from outbox import services as outbox
from tests import factories
from tests.core import corpus


def _edit_data(accession, **changes):
    """The edit form as the browser sends it: every field, three measure rows."""
    data = {
        "jobcenter_name": accession.jobcenter.name,
        "street": "Am Bonneshof 35",
        "postal_code": "48565",
        "city": "Steinfurt",
        "management_name": "Dr. Erika Beispiel",
        "contact_name": "Max Muster",
        "contact_function": "Inklusionsbeauftragter",
        "contact_email": "inklusion@jobcenter.example",
        "contact_phone": "02551 690",
        "carriers_agreed_on": "01.03.2018",
        "public_listing": "on",
        "massnahmen-TOTAL_FORMS": "3",
        "massnahmen-INITIAL_FORMS": "0",
        "massnahmen-MIN_NUM_FORMS": "0",
        "massnahmen-MAX_NUM_FORMS": "30",
        "massnahmen-0-action_field": str(
            factories.ActionFieldFactory(agreement=accession.agreement).pk
        ),
        "massnahmen-0-title": "Schulung der Integrationsfachkräfte",
        "action": "save",
    }
    data.update(changes)
    return data


def _pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, factories.minimal_pdf(), content_type="application/pdf")


@pytest.fixture
def draft(accession_world):
    return accession_world.draft


@pytest.fixture
def manager_client(client, users):
    client.force_login(users.kreis_manager)
    return client


# Starting


def test_the_manager_starts_an_accession_from_the_jobcenter_page(client, users, nrw, readback):
    client.force_login(users.city_manager)
    url = reverse("accessions:start", args=[nrw.city_jobcenter.pk, nrw.agreement.pk])

    response = client.post(url)

    accession = Accession.objects.get(jobcenter=nrw.city_jobcenter)
    assert response.url == reverse("accessions:edit", args=[accession.pk])
    assert accession.status == AccessionStatus.DRAFT
    readback(accession, "Entwurf")


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("kreis_manager", 404), ("hessen_ministry", 404), ("ministry", 403), ("staedtetag", 403)],
)
def test_only_the_jobcenter_itself_starts_its_accession(client, users, nrw, user_kind, status):
    client.force_login(getattr(users, user_kind))
    url = reverse("accessions:start", args=[nrw.city_jobcenter.pk, nrw.agreement.pk])

    assert client.post(url).status_code == status
    assert not Accession.objects.exists()


def test_starting_needs_a_login_and_a_post(client, users, nrw):
    url = reverse("accessions:start", args=[nrw.city_jobcenter.pk, nrw.agreement.pk])

    assert client.post(url).url.startswith(reverse("login"))
    client.force_login(users.city_manager)
    assert client.get(url).status_code == 405


def test_a_second_start_is_refused_with_a_message(client, users, accession_world, nrw):
    client.force_login(users.kreis_manager)
    url = reverse("accessions:start", args=[nrw.kreis_jobcenter.pk, nrw.agreement.pk])

    response = client.post(url, follow=True)

    assert "schon einen offenen Beitritt" in response.content.decode()
    assert Accession.objects.filter(jobcenter=nrw.kreis_jobcenter).count() == 1


def test_the_jobcenter_page_offers_the_start_only_to_its_manager(client, users, nrw):
    url = reverse("jobcenters:detail", args=[nrw.city_jobcenter.pk])
    client.force_login(users.city_manager)
    assert "Beitritt zu „Rahmenvereinbarung Inklusion NRW“ beginnen" in client.get(url).text
    client.force_login(users.ministry)
    assert "beginnen" not in client.get(url).text


@pytest.fixture
def local_agreement(nrw):
    """Like JobCenterJugend Kamen und Unna: only the Kreis Steinfurt jobcenter may join."""
    agreement = factories.AgreementFactory(
        short_title="JobCenterJugend", accession_scope=AccessionScope.LISTED
    )
    agreement.accession_jobcenters.add(nrw.kreis_jobcenter)
    return agreement


def test_a_local_agreement_is_offered_only_to_the_jobcenters_it_names(
    client, users, nrw, local_agreement
):
    offer = "Beitritt zu „JobCenterJugend“ beginnen"
    client.force_login(users.city_manager)
    city_page = client.get(reverse("jobcenters:detail", args=[nrw.city_jobcenter.pk])).text
    client.force_login(users.kreis_manager)
    kreis_page = client.get(reverse("jobcenters:detail", args=[nrw.kreis_jobcenter.pk])).text

    assert "JobCenterJugend" not in city_page
    assert "Beitritt zu „Rahmenvereinbarung Inklusion NRW“ beginnen" in city_page
    assert offer in kreis_page


def test_a_jobcenter_a_local_agreement_does_not_name_cannot_join_it(
    client, users, nrw, local_agreement
):
    client.force_login(users.city_manager)
    url = reverse("accessions:start", args=[nrw.city_jobcenter.pk, local_agreement.pk])

    response = client.post(url, follow=True)

    assert "Dieses Jobcenter kann dieser Vereinbarung nicht beitreten." in response.text
    assert not Accession.objects.exists()
    client.force_login(users.kreis_manager)
    client.post(reverse("accessions:start", args=[nrw.kreis_jobcenter.pk, local_agreement.pk]))
    assert Accession.objects.get().agreement == local_agreement


# Filling in


def test_saving_a_draft_keeps_it_a_draft(manager_client, draft, readback):
    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), _edit_data(draft))

    draft.refresh_from_db()
    assert response.url == draft.get_absolute_url()
    assert draft.status == AccessionStatus.DRAFT
    assert draft.management_name == "Dr. Erika Beispiel"
    assert draft.carriers_agreed_on == datetime.date(2018, 3, 1)
    assert list(draft.planned_measures.values_list("title", flat=True)) == [
        "Schulung der Integrationsfachkräfte"
    ]
    readback(draft, "Dr. Erika Beispiel", "01.03.2018", "Schulung der Integrationsfachkräfte")


def test_submitting_without_a_signed_form_names_it_at_the_field(manager_client, draft):
    response = manager_client.post(
        reverse("accessions:edit", args=[draft.pk]), _edit_data(draft, action="submit")
    )

    draft.refresh_from_db()
    assert draft.status == AccessionStatus.DRAFT
    assert draft.management_name == "Dr. Erika Beispiel"  # saved as a draft all the same
    assert response.context["form"].errors["signed_form"] == [
        "Bitte laden Sie das unterschriebene Beitrittsformular als PDF hoch."
    ]


def test_submitting_without_a_measure_names_it_at_the_measures(manager_client, draft):
    data = _edit_data(
        draft, action="submit", **{"massnahmen-0-title": "", "massnahmen-0-action_field": ""}
    )
    data["signed_form"] = _pdf()

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert response.context["formset"].non_form_errors() == [
        "Bitte nennen Sie mindestens eine geplante Maßnahme."
    ]
    assert 'aria-describedby="massnahmen-fehler"' in response.text


def test_a_complete_form_with_its_signed_pdf_is_submitted(
    manager_client, draft, mailoutbox, readback
):
    data = _edit_data(draft, action="submit", signed_form=_pdf())

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert response.url == draft.get_absolute_url()
    assert draft.status == AccessionStatus.SUBMITTED
    assert draft.signed_form.name.startswith("signed-forms/")
    readback(draft, "eingereicht", "Schulung der Integrationsfachkräfte")


def test_a_refused_file_is_named_at_the_field_and_the_typing_stays(manager_client, draft):
    html_as_pdf = SimpleUploadedFile("formular.pdf", b"<html><script>alert(1)</script></html>")
    data = _edit_data(draft, action="submit", signed_form=html_as_pdf)

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["signed_form"] == ["Die Datei ist kein PDF."]
    assert 'value="Dr. Erika Beispiel"' in response.text
    assert 'value="Schulung der Integrationsfachkräfte"' in response.text
    draft.refresh_from_db()
    assert not draft.signed_form


@pytest.mark.long  # the upload check parses for seconds: started first
def test_a_pdf_of_900000_pages_is_refused_at_the_field(manager_client, draft):
    data = _edit_data(
        draft, action="submit", signed_form=SimpleUploadedFile("f.pdf", corpus.many_pages())
    )

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert response.context["form"].errors["signed_form"] == [
        "Das PDF besteht aus ungewöhnlich vielen Teilen (Objekten). Bitte speichern Sie es neu, "
        "etwa über „Drucken als PDF“, und laden Sie es noch einmal hoch."
    ]
    assert 'value="Dr. Erika Beispiel"' in response.text
    draft.refresh_from_db()
    assert not draft.signed_form


def test_a_good_file_is_kept_while_another_field_needs_correcting(manager_client, draft):
    data = _edit_data(draft, contact_email="kein-at-zeichen", signed_form=_pdf())

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert response.context["form"].errors["contact_email"]
    assert 'value="kein-at-zeichen"' in response.text
    draft.refresh_from_db()
    assert draft.signed_form


def test_a_submitted_accession_cannot_be_edited(client, users, accession_world):
    client.force_login(users.kreis_manager)
    draft = accession_world.draft
    Accession.objects.filter(pk=draft.pk).update(
        status=AccessionStatus.SUBMITTED, signed_form="signed-forms/0.pdf"
    )

    assert client.get(reverse("accessions:edit", args=[draft.pk])).status_code == 403


# The signed PDF


@pytest.mark.parametrize(
    ("user_kind", "to_sign"),
    [("kreis_manager", True), ("directorate", False), ("ministry", False), ("landkreistag", False)],
)
def test_only_the_jobcenter_is_offered_the_form_to_sign(
    client, users, accession_world, user_kind, to_sign
):
    client.force_login(getattr(users, user_kind))

    page = client.get(accession_world.draft.get_absolute_url()).content.decode()

    assert "Beitrittserklärung als PDF herunterladen" in page
    assert ("(zum Unterschreiben)" in page) is to_sign


def test_the_signed_pdf_is_a_sandboxed_download(client, users, accession_world):
    client.force_login(users.ministry)

    response = client.get(reverse("accessions:signed-form", args=[accession_world.joined.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [
        ("city_manager", 200),
        ("staedtetag", 200),
        ("kreis_manager", 404),
        ("landkreistag", 404),
        ("hessen_ministry", 404),
    ],
)
def test_the_signed_pdf_follows_the_access_rules(client, users, accession_world, user_kind, status):
    client.force_login(getattr(users, user_kind))

    response = client.get(reverse("accessions:signed-form", args=[accession_world.joined.pk]))

    assert response.status_code == status


def test_the_signed_pdf_needs_a_login(client, accession_world):
    response = client.get(reverse("accessions:signed-form", args=[accession_world.joined.pk]))

    assert response.url.startswith(reverse("login"))


def test_no_signed_pdf_yet_is_a_404(manager_client, draft):
    assert manager_client.get(reverse("accessions:signed-form", args=[draft.pk])).status_code == 404


# Review


def test_the_queue_lists_the_oldest_first_with_the_days_waiting(ministry_client, nrw):
    now = timezone.now()
    for name, days in [("Jobcenter Hamm", 3), ("Jobcenter Bonn", 12)]:
        factories.AccessionFactory(
            jobcenter=factories.JobcenterFactory(name=name),
            agreement=nrw.agreement,
            submitted=True,
            submitted_at=now - datetime.timedelta(days=days),
        )

    response = ministry_client.get(reverse("accessions:queue"))

    rows = [(accession.jobcenter.name, days) for accession, days in response.context["rows"]]
    assert rows == [("Jobcenter Bonn", 12), ("Jobcenter Hamm", 3)]
    assert "12 Tagen" in response.text


@pytest.mark.parametrize(("days", "shown"), [(0, "heute"), (1, "gestern"), (2, "2 Tagen")])
def test_the_queue_says_today_and_yesterday_rather_than_counting_days(
    ministry_client, nrw, days, shown
):
    factories.AccessionFactory(
        agreement=nrw.agreement,
        submitted=True,
        submitted_at=timezone.now() - datetime.timedelta(days=days),
    )

    response = ministry_client.get(reverse("accessions:queue"))

    cell = response.text.split('<td class="text-end">', 1)[1].split("</td>", 1)[0]
    assert cell == shown


@pytest.mark.parametrize("count", [2, 40])
def test_the_queue_runs_the_same_queries_for_any_length(
    ministry_client, nrw, count, django_assert_num_queries
):
    for _number in range(count):
        factories.AccessionFactory(agreement=nrw.agreement, submitted=True)
    # session, user, organisation; the accessions with jobcenter and agreement.
    with django_assert_num_queries(4):
        ministry_client.get(reverse("accessions:queue"))


def test_the_accept_form_proposes_today(ministry_client, accession_world):
    response = ministry_client.get(
        reverse("accessions:accept", args=[accession_world.submitted.pk])
    )

    assert response.context["form"].initial["joined_on"] == timezone.localdate()


def test_accepting_on_a_future_date_is_refused_at_the_field(ministry_client, accession_world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("accessions:accept", args=[accession_world.submitted.pk])

    response = ministry_client.post(url, {"joined_on": tomorrow.strftime("%d.%m.%Y")})

    assert response.context["form"].errors["joined_on"] == [
        "Das Beitrittsdatum darf nicht in der Zukunft liegen."
    ]


def test_accepting_records_the_date(ministry_client, accession_world, readback):
    url = reverse("accessions:accept", args=[accession_world.submitted.pk])

    today = timezone.localdate()

    response = ministry_client.post(url, {"joined_on": today.strftime("%d.%m.%Y")})

    accession = Accession.objects.get(pk=accession_world.submitted.pk)
    assert response.url == accession.get_absolute_url()
    assert accession.status == AccessionStatus.ACCEPTED
    assert accession.joined_on == today
    readback(accession, "beigetreten", today.strftime("%d.%m.%Y"))


def test_returning_shows_the_reasons_to_the_jobcenter(client, users, accession_world, readback):
    client.force_login(users.ministry)
    url = reverse("accessions:return", args=[accession_world.submitted.pk])
    client.post(url, {"reasons": "Die Unterschrift der Geschäftsführung fehlt."})
    readback(accession_world.submitted, "Die Unterschrift der Geschäftsführung fehlt.")

    olpe_manager = factories.UserFactory(
        organisation=accession_world.olpe, role="jobcenter_manager"
    )
    client.force_login(olpe_manager)
    response = client.get(accession_world.submitted.get_absolute_url())

    assert "Die Unterschrift der Geschäftsführung fehlt." in response.text
    assert "bearbeiten und einreichen" in response.text


def test_deciding_on_an_accession_decided_meanwhile_says_so(ministry_client, accession_world):
    url = reverse("accessions:return", args=[accession_world.submitted.pk])
    ministry_client.post(
        reverse("accessions:accept", args=[accession_world.submitted.pk]),
        {"joined_on": timezone.localdate().strftime("%d.%m.%Y")},
    )

    response = ministry_client.post(url, {"reasons": "zu spät"}, follow=True)

    assert response.status_code == 200
    assert "beigetreten" in response.text
    assert Accession.objects.get(pk=accession_world.submitted.pk).status == "accepted"


def test_withdrawing_records_date_and_reason(ministry_client, accession_world, readback):
    url = reverse("accessions:withdraw", args=[accession_world.joined.pk])

    ministry_client.post(url, {"withdrawn_on": "01.10.2026", "reason": "Neuordnung"})

    accession = Accession.objects.get(pk=accession_world.joined.pk)
    assert accession.status == AccessionStatus.WITHDRAWN
    assert accession.withdrawn_on == datetime.date(2026, 10, 1)
    readback(accession, "ausgetreten", "01.10.2026", "Neuordnung")


@pytest.mark.parametrize("count", [1, 25])
def test_the_accession_page_runs_the_same_queries_for_any_number_of_rows(
    ministry_client, users, accession_world, count, django_assert_num_queries
):
    accession = accession_world.joined
    for number in range(count):
        factories.PlannedMeasureFactory(accession=accession)
        record_event(
            actor=users.ministry,
            obj=accession,
            action=AuditAction.ACCESSION_RETURNED,
            reason=f"Nr. {number}",
        )
        outbox.enqueue(
            to="inklusion@jobcenter.example", subject=f"Nr. {number}", body="…", about=accession
        )
    # session, user, organisation; accession; measures; history; e-mails.
    with django_assert_num_queries(7):
        assert ministry_client.get(accession.get_absolute_url()).status_code == 200


def test_english_pages_take_german_dates_too(ministry_client, accession_world, settings):
    ministry_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("accessions:accept", args=[accession_world.submitted.pk])

    today = timezone.localdate()

    ministry_client.post(url, {"joined_on": today.strftime("%d.%m.%Y")})

    assert Accession.objects.get(pk=accession_world.submitted.pk).joined_on == today


# Every problem in one round


def test_submitting_names_a_wrong_email_the_empty_fields_and_the_pdf_at_once(manager_client, draft):
    # The defect: the e-mail first, the empty fields one round later, the PDF after that.
    data = _edit_data(
        draft, action="submit", contact_email="kein-at-zeichen", management_name="", city=""
    )

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    errors = response.context["form"].errors
    assert errors == {
        "contact_email": ["Bitte geben Sie eine gültige E-Mail-Adresse an."],
        "management_name": ["Bitte nennen Sie die Geschäftsführerin oder den Geschäftsführer."],
        "city": ["Bitte geben Sie den Ort an."],
        "signed_form": ["Bitte laden Sie das unterschriebene Beitrittsformular als PDF hoch."],
    }
    assert response.context["formset"].non_form_errors() == []


def test_submitting_with_a_wrong_field_names_a_missing_measure_too(manager_client, draft):
    data = _edit_data(
        draft,
        action="submit",
        postal_code="4856",
        signed_form=_pdf(),
        **{"massnahmen-0-title": "", "massnahmen-0-action_field": ""},
    )

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert set(response.context["form"].errors) == {"postal_code"}
    assert response.context["formset"].non_form_errors() == [
        "Bitte nennen Sie mindestens eine geplante Maßnahme."
    ]


def test_a_half_typed_measure_is_named_at_its_row_not_as_missing(manager_client, draft):
    data = _edit_data(
        draft, action="submit", contact_email="kein-at-zeichen", **{"massnahmen-0-action_field": ""}
    )

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    formset = response.context["formset"]
    assert formset.forms[0].errors == {
        "action_field": ["Bitte wählen Sie das Handlungsfeld der Maßnahme."]
    }
    assert formset.non_form_errors() == []


def test_a_failed_submit_says_nothing_was_saved_and_keeps_the_typing(manager_client, draft):
    data = _edit_data(draft, action="submit", contact_email="kein-at-zeichen")

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    summary = response.text.split('class="alert alert-danger error-summary"')[1]
    assert "Nicht eingereicht. Nichts ist gespeichert. Ihre Eingaben stehen noch im Formular." in (
        summary
    )
    assert 'value="Dr. Erika Beispiel"' in response.text
    draft.refresh_from_db()
    assert draft.management_name == ""
    assert draft.status == AccessionStatus.DRAFT


def test_a_failed_submit_with_a_good_pdf_says_only_the_pdf_was_saved(manager_client, draft):
    data = _edit_data(draft, action="submit", contact_email="kein-at-zeichen", signed_form=_pdf())

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert "Nicht eingereicht. Nur das unterschriebene Formular ist gespeichert." in response.text
    assert "signed_form" not in response.context["form"].errors


def test_an_incomplete_submit_says_the_draft_was_saved_but_not_submitted(
    client, users, manager_client, draft
):
    data = _edit_data(draft, action="submit")

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    summary = response.text.split('class="alert alert-danger error-summary"')[1]
    assert "Der Entwurf ist gespeichert, aber nicht eingereicht." in summary
    for role in ("kreis_manager", "ministry", "landkreistag"):
        client.force_login(getattr(users, role))
        page = client.get(draft.get_absolute_url())
        assert page.status_code == 200
        assert "Dr. Erika Beispiel" in page.text
        assert "Entwurf" in page.text


def test_the_pdf_link_says_it_holds_the_saved_state(manager_client, draft):
    response = manager_client.get(reverse("accessions:edit", args=[draft.pk]))

    assert "Das PDF enthält den zuletzt gespeicherten Stand" in response.text
    assert 'aria-describedby="pdf-stand"' in response.text


# Next steps


def test_next_steps_name_each_missing_field_once(manager_client, draft):
    # The defect: the same sentence nine times.
    response = manager_client.get(draft.get_absolute_url())

    steps = response.text.split('id="naechste-schritte"')[1].split("</ul>")[0]
    items = re.findall(r"<li><a href=\"[^\"]+\">([^<]+)</a></li>", steps)
    assert len(items) == 12  # the ten fields to fill in, a measure and the signed PDF
    assert len(set(items)) == len(items)
    assert "Bitte nennen Sie die Geschäftsführerin oder den Geschäftsführer." in items
    edit = reverse("accessions:edit", args=[draft.pk])
    assert f'href="{edit}#id_management_name"' in steps
    assert f'href="{edit}#massnahmen"' in steps


def test_a_postal_code_of_other_digits_is_named_at_the_field(manager_client, draft):
    data = _edit_data(draft, action="save", postal_code="⁴⁸⁵⁶⁵")

    response = manager_client.post(reverse("accessions:edit", args=[draft.pk]), data)

    assert response.context["form"].errors["postal_code"] == [
        "Bitte geben Sie eine fünfstellige Postleitzahl an."
    ]
