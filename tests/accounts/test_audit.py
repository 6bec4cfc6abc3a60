"""The history reads as prose: every kind of event a service records, on its page, in both
languages; and no event, however odd, breaks the page it is on."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accessions import services as accessions_services
from accounts.audit import AuditAction, record_event
from accounts.models import AuditEvent
from accounts.services import user_create
from circulars import services as circulars_services
from circulars.models import AttachmentDocument
from jobcenters import importing
from jobcenters import services as jobcenters
from jobcenters.models import Jobcenter
from measures import services as measures
from measures.models import KEY_FIGURE_FIELDS, MeasureStatus
from tests import factories
from tests.accessions.test_accession_services import form_data

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")


def _pdf(name):
    return SimpleUploadedFile(name, factories.minimal_pdf(), "application/pdf")


def _day(value):
    return value.strftime("%d.%m.%Y")


@dataclass
class Shown:
    """Where an event is shown, to whom, and what the page must say in each language."""

    obj: object
    url: str
    viewer: object
    german: list = field(default_factory=list)
    english: list = field(default_factory=list)


STORIES = {}


def story(action):
    """Registers the function that drives the real service recording ``action`` once."""

    def register(function):
        STORIES[action] = function
        return function

    return register


def _strong(*texts):
    return [f"<strong>{text}</strong>" for text in texts]


def _admin_list(users, action):
    url = reverse("admin:accounts_auditevent_changelist") + f"?action={action}"
    return url, users.admin


# Users, organisations and the admin: the admin's list of events is their page.


@story(AuditAction.USER_CREATED)
def _user_created(w):
    user = user_create(
        actor=w.users.admin,
        username="neu",
        email="neu@jobcenter.example",
        organisation=w.nrw.city_jobcenter,
        role="jobcenter_manager",
    )
    url, viewer = _admin_list(w.users, AuditAction.USER_CREATED)
    return Shown(
        user,
        url,
        viewer,
        german=["Benutzerkonto angelegt; E-Mail zum Setzen des Passworts versandt"],
        english=["User account created; email for setting the password sent"],
    )


def _jobcenter_admin_data(jobcenter, **changes):
    return {
        "name": jobcenter.name,
        "short_name": "",
        "state": "NW",
        "form": jobcenter.form,
        "region": jobcenter.region,
        "region_kind": jobcenter.region_kind,
        **dict.fromkeys(["street", "postal_code", "city", "email", "phone", "website"], ""),
        **changes,
    }


def _jobcenter_page(jobcenter, w, german, english):
    return Shown(jobcenter, jobcenter.get_absolute_url(), w.users.ministry, german, english)


@story(AuditAction.ADMIN_CREATED)
def _admin_created(w):
    w.client.force_login(w.users.admin)
    data = _jobcenter_admin_data(
        factories.JobcenterFactory.build(name="Jobcenter Bonn", region="Bonn")
    )
    w.client.post(reverse("admin:jobcenters_jobcenter_add"), data)
    jobcenter = Jobcenter.objects.get(name="Jobcenter Bonn")
    return _jobcenter_page(
        jobcenter,
        w,
        german=_strong("In der Verwaltung angelegt"),
        english=_strong("Created in the administration"),
    )


# A jobcenter's form changed from gE to zkT, in German and in English: its choice labels.
FORM_CHANGE = (
    "Form: „gemeinsame Einrichtung (gE)“ → „zugelassener kommunaler Träger (zkT)“",
    "Type: “joint institution (gE)” → “licensed municipal provider (zkT)”",
)


@story(AuditAction.ADMIN_CHANGED)
def _admin_changed(w):
    jobcenter = w.nrw.city_jobcenter
    w.client.force_login(w.users.admin)
    w.client.post(
        reverse("admin:jobcenters_jobcenter_change", args=[jobcenter.pk]),
        _jobcenter_admin_data(jobcenter, form="zkT"),
    )
    return _jobcenter_page(
        jobcenter,
        w,
        german=[*_strong("In der Verwaltung geändert"), FORM_CHANGE[0]],
        english=[*_strong("Changed in the administration"), FORM_CHANGE[1]],
    )


@story(AuditAction.ADMIN_DELETED)
def _admin_deleted(w):
    jobcenter = factories.JobcenterFactory(name="Jobcenter Aufgelöst")
    w.client.force_login(w.users.admin)
    w.client.post(
        reverse("admin:jobcenters_jobcenter_delete", args=[jobcenter.pk]), {"post": "yes"}
    )
    url, viewer = _admin_list(w.users, AuditAction.ADMIN_DELETED)
    return Shown(
        jobcenter,
        url,
        viewer,
        german=["In der Verwaltung gelöscht"],
        english=["Deleted in the administration"],
    )


# The jobcenter registry


@story(AuditAction.JOBCENTER_UPDATED)
def _jobcenter_updated(w):
    jobcenter = w.nrw.city_jobcenter
    data = {name: getattr(jobcenter, name) for name in jobcenters.CONTACT_FIELDS}
    jobcenters.jobcenter_update(
        jobcenter=jobcenter,
        user=w.users.city_manager,
        data={**data, "postal_code": "40237"},
        reason="Umzug\nzum 01.04.",
    )
    return Shown(
        jobcenter,
        jobcenter.get_absolute_url(),
        w.users.city_manager,
        german=[
            *_strong("Kontaktdaten geändert"),
            "Begründung: Umzug<br>zum 01.04.",
            "Postleitzahl: (leer) → „40237“",
        ],
        english=[
            *_strong("Contact details changed"),
            "Reason: Umzug<br>zum 01.04.",
            "Postcode: (empty) → “40237”",
        ],
    )


def _import(w, line):
    importing.jobcenters_import(
        data=f"name,form,region,region_kind,state\n{line}\n".encode(), actor=w.users.admin
    )


@story(AuditAction.JOBCENTER_IMPORTED)
def _jobcenter_imported(w):
    _import(w, "Jobcenter Hagen,gE,Hagen,kreisfreie Stadt,NW")
    jobcenter = Jobcenter.objects.get(name="Jobcenter Hagen")
    return _jobcenter_page(
        jobcenter,
        w,
        german=_strong("Aus CSV-Datei angelegt"),
        english=_strong("Created from CSV file"),
    )


@story(AuditAction.JOBCENTER_REIMPORTED)
def _jobcenter_reimported(w):
    jobcenter = w.nrw.city_jobcenter
    _import(w, f"{jobcenter.name},zkT,{jobcenter.region},kreisfreie Stadt,NW")
    return _jobcenter_page(
        jobcenter,
        w,
        german=[*_strong("Aus CSV-Datei aktualisiert"), FORM_CHANGE[0]],
        english=[*_strong("Updated from CSV file"), FORM_CHANGE[1]],
    )


# Accessions


def _accession_page(accession, w, german, english):
    return Shown(accession, accession.get_absolute_url(), w.users.ministry, german, english)


def _fill_in(w, accession, **kwargs):
    return accessions_services.accession_save(
        accession=accession,
        user=w.users.kreis_manager,
        data=form_data(),
        planned_measures=[(w.world.action_field, "Schulung der Fachkräfte")],
        **kwargs,
    )


@story(AuditAction.ACCESSION_STARTED)
def _accession_started(w):
    jobcenter = factories.JobcenterFactory(name="Jobcenter Hamm")
    accession = accessions_services.accession_start(
        jobcenter=jobcenter, agreement=w.nrw.agreement, user=w.users.ministry
    )
    return _accession_page(accession, w, _strong("Beitritt begonnen"), _strong("Accession started"))


@story(AuditAction.ACCESSION_SAVED)
def _accession_saved(w):
    draft = w.world.draft
    second = factories.ActionFieldFactory(agreement=draft.agreement, title="Beratung")
    accessions_services.accession_save(
        accession=draft,
        user=w.users.kreis_manager,
        data=form_data(),
        planned_measures=[
            (w.world.action_field, "Schulung der Fachkräfte"),
            (second, "Jobcoaching"),
        ],
        signed_form=_pdf("scan.pdf"),
    )
    measures_ = f"„Schulung der Fachkräfte ({w.world.action_field})<br>Jobcoaching ({second})“"
    return _accession_page(
        draft,
        w,
        german=[
            *_strong("Beitrittsformular gespeichert"),
            "Zustimmung der Träger am: (leer) → „01.03.2018“",
            "Öffentlich als Mitglied nennen: „Nein“ → „Ja“",
            f"Geplante Maßnahmen: (leer) → {measures_}",
            "Unterschriebenes Beitrittsformular: (leer) → „scan.pdf“",
        ],
        english=[
            *_strong("Accession form saved"),
            "Carriers’ consent on: (empty) → “01.03.2018”",
            "List publicly as a member: “No” → “Yes”",
            f"Planned measures: (empty) → “{measures_[1:-1]}”",
            "Signed accession form: (empty) → “scan.pdf”",
        ],
    )


@story(AuditAction.ACCESSION_SIGNED_FORM)
def _accession_signed_form(w):
    draft = w.world.draft
    accessions_services.accession_attach_signed_form(
        accession=draft, user=w.users.kreis_manager, signed_form=_pdf("scan.pdf")
    )
    accessions_services.accession_attach_signed_form(
        accession=draft, user=w.users.kreis_manager, signed_form=_pdf("neu.pdf")
    )
    return _accession_page(
        draft,
        w,
        [
            *_strong("Unterschriebenes Formular hochgeladen"),
            "Unterschriebenes Beitrittsformular: (leer) → „scan.pdf“",
            "Unterschriebenes Beitrittsformular: „frühere Datei“ → „neu.pdf“",
        ],
        [
            *_strong("Signed form uploaded"),
            "Signed accession form: (empty) → “scan.pdf”",
            "Signed accession form: “earlier file” → “neu.pdf”",
        ],
    )


@story(AuditAction.ACCESSION_SUBMITTED)
def _accession_submitted(w):
    draft = _fill_in(w, w.world.draft, signed_form=_pdf("scan.pdf"))
    accessions_services.accession_submit(accession=draft, user=w.users.kreis_manager)
    accessions_services.accession_return(
        accession=draft, user=w.users.ministry, reasons="Datum fehlt."
    )
    accessions_services.accession_submit(accession=draft, user=w.users.kreis_manager)
    return _accession_page(
        draft,
        w,
        _strong("Eingereicht", "Erneut eingereicht"),
        _strong("Submitted", "Resubmitted"),
    )


@story(AuditAction.ACCESSION_ACCEPTED)
def _accession_accepted(w):
    submitted = w.world.submitted
    joined_on = timezone.localdate()  # the day it was submitted: joining is not before
    accessions_services.accession_accept(
        accession=submitted, user=w.users.ministry, joined_on=joined_on
    )
    return _accession_page(
        submitted,
        w,
        _strong(f"Angenommen: beigetreten am {_day(joined_on)}"),
        _strong(f"Accepted: joined on {_day(joined_on)}"),
    )


@story(AuditAction.ACCESSION_JOINED_ON_CORRECTED)
def _accession_joined_on_corrected(w):
    joined = w.world.joined  # joined on 20.03.2018
    accessions_services.accession_correct_joined_on(
        accession=joined,
        user=w.users.ministry,
        joined_on=datetime.date(2018, 4, 2),
        reason="Datum laut Beitrittserklärung",
    )
    return _accession_page(
        joined,
        w,
        [
            *_strong("Beitrittsdatum korrigiert: 02.04.2018 statt 20.03.2018"),
            "Begründung: Datum laut Beitrittserklärung",
        ],
        [
            *_strong("Accession date corrected: 02.04.2018 instead of 20.03.2018"),
            "Reason: Datum laut Beitrittserklärung",
        ],
    )


@story(AuditAction.ACCESSION_RETURNED)
def _accession_returned(w):
    submitted = w.world.submitted
    accessions_services.accession_return(
        accession=submitted,
        user=w.users.ministry,
        reasons="Die Unterschrift fehlt.\nBitte neu hochladen.",
    )
    return _accession_page(
        submitted,
        w,
        [*_strong("Zurückgegeben"), "Begründung: Die Unterschrift fehlt.<br>Bitte neu hochladen."],
        [*_strong("Returned"), "Reason: Die Unterschrift fehlt.<br>Bitte neu hochladen."],
    )


@story(AuditAction.ACCESSION_WITHDRAWN)
def _accession_withdrawn(w):
    joined = w.world.joined
    today = timezone.localdate()
    accessions_services.accession_withdraw(
        accession=joined, user=w.users.ministry, withdrawn_on=today, reason="Kündigung"
    )
    return _accession_page(
        joined,
        w,
        [*_strong(f"Ausgetreten am {_day(today)}"), "Begründung: Kündigung"],
        [*_strong(f"Withdrawn on {_day(today)}"), "Reason: Kündigung"],
    )


# Measures and key figures


def _measure_data(w, **changes):
    return {
        "title": "Inklusionstag",
        "description": "Ein Tag der offenen Tür.",
        "action_field": w.world.action_field,
        "status": MeasureStatus.PLANNED,
        "starts_on": None,
        "ends_on": None,
        "target_group": "",
        "partners": "",
        "locations": "",
        "contact_name": "Max Muster",
        "contact_email": "",
        "contact_phone": "",
        **changes,
    }


def _measure_page(measure, w, german, english):
    return Shown(measure, measure.get_absolute_url(), w.users.city_manager, german, english)


@story(AuditAction.MEASURE_CREATED)
def _measure_created(w):
    measure = measures.measure_create(
        jobcenter=w.nrw.city_jobcenter,
        agreement=w.nrw.agreement,
        user=w.users.city_manager,
        data=_measure_data(w),
    )
    return _measure_page(measure, w, _strong("Maßnahme angelegt"), _strong("Measure created"))


@story(AuditAction.MEASURE_FROM_ACCESSION)
def _measure_from_accession(w):
    submitted = w.world.submitted
    accessions_services.accession_accept(
        accession=submitted, user=w.users.ministry, joined_on=timezone.localdate()
    )
    measure = submitted.planned_measures.get().measure
    return Shown(
        measure,
        measure.get_absolute_url(),
        w.users.ministry,
        _strong("Aus dem Beitritt übernommen"),
        _strong("Taken over from the accession"),
    )


@story(AuditAction.MEASURE_UPDATED)
def _measure_updated(w):
    measure = w.world.city_measure
    further = factories.ActionFieldFactory(agreement=w.nrw.agreement, title="Netzwerke")
    data = {name: getattr(measure, name) for name in measures.MEASURE_FIELDS}
    started = _day(measure.starts_on)
    data.update(
        status=MeasureStatus.COMPLETED,
        starts_on=datetime.date(2019, 2, 1),
        description="Erste Zeile.\nZweite Zeile.",
    )
    measures.measure_update(
        measure=measure, user=w.users.city_manager, data=data, further_action_fields=[further]
    )
    return _measure_page(
        measure,
        w,
        german=[
            *_strong("Maßnahme geändert"),
            "Stand: „laufend“ → „abgeschlossen“",
            f"Beginn: „{started}“ → „01.02.2019“",
            "→ „Erste Zeile.<br>Zweite Zeile.“",
            f"Weitere Handlungsfelder: (leer) → „{further}“",
        ],
        english=[
            *_strong("Measure changed"),
            "Status: “running” → “completed”",
            f"Start: “{started}” → “01.02.2019”",
            "→ “Erste Zeile.<br>Zweite Zeile.”",
            f"Further action fields: (empty) → “{further}”",
        ],
    )


@story(AuditAction.MEASURE_NOTE_ADDED)
def _measure_note_added(w):
    measure = w.world.city_measure
    written_on = timezone.localdate() - datetime.timedelta(days=1)
    measures.measure_add_note(
        measure=measure,
        user=w.users.city_manager,
        written_on=written_on,
        text="Umbau fertig.\nEröffnung im Mai.",
    )
    note = '<p class="mb-1">Umbau fertig.<br>Eröffnung im Mai.</p>'
    return _measure_page(
        measure,
        w,
        [*_strong(f"Fortschritt vom {_day(written_on)} notiert"), note],
        [*_strong(f"Progress of {_day(written_on)} noted"), note],
    )


@story(AuditAction.MEASURE_PROPOSED)
def _measure_proposed(w):
    measure = w.world.city_measure
    measures.measure_propose(measure=measure, user=w.users.city_manager, contact_consents=True)
    return _measure_page(
        measure, w, _strong("Für den Katalog vorgeschlagen"), _strong("Proposed for the catalogue")
    )


@story(AuditAction.MEASURE_PUBLISHED)
def _measure_published(w):
    measure = w.world.proposed_measure
    measures.measure_publish(measure=measure, user=w.users.ministry)
    return Shown(
        measure,
        measure.get_absolute_url(),
        w.users.ministry,
        _strong("Im Katalog veröffentlicht"),
        _strong("Published in the catalogue"),
    )


@story(AuditAction.MEASURE_DECLINED)
def _measure_declined(w):
    measure = w.world.proposed_measure
    measures.measure_decline(measure=measure, user=w.users.ministry, reason="Zu allgemein.")
    return Shown(
        measure,
        measure.get_absolute_url(),
        w.users.ministry,
        [*_strong("Vorschlag für den Katalog abgelehnt"), "Begründung: Zu allgemein."],
        [*_strong("Proposal for the catalogue declined"), "Reason: Zu allgemein."],
    )


@story(AuditAction.MEASURE_UNPUBLISHED)
def _measure_unpublished(w):
    measure = w.world.published_measure
    measures.measure_unpublish(measure=measure, user=w.users.ministry, reason="Beendet.")
    return _measure_page(
        measure,
        w,
        [*_strong("Aus dem Katalog zurückgezogen"), "Begründung: Beendet."],
        [*_strong("Withdrawn from the catalogue"), "Reason: Beendet."],
    )


def _key_figures(w, rehabilitants, german=(), english=()):
    figures, _created = measures.key_figures_save(
        jobcenter=w.nrw.city_jobcenter,
        user=w.users.city_manager,
        year=2024,
        data={**dict.fromkeys(KEY_FIGURE_FIELDS, 10), "rehabilitants": rehabilitants},
        replace=True,  # the second call corrects the first, as the correction page does
    )
    url = reverse("measures:key-figures-edit", args=[w.nrw.city_jobcenter.pk, 2024])
    return Shown(figures, url, w.users.city_manager, list(german), list(english))


@story(AuditAction.KEY_FIGURES_ENTERED)
def _key_figures_entered(w):
    return _key_figures(
        w,
        300,
        german=[
            *_strong("Kennzahlen 2024 erfasst"),
            "Rehabilitandinnen und Rehabilitanden: (leer) → „300“",
        ],
        english=[*_strong("Key figures 2024 entered"), "Rehabilitants: (empty) → “300”"],
    )


@story(AuditAction.KEY_FIGURES_UPDATED)
def _key_figures_updated(w):
    _key_figures(w, 300)
    return _key_figures(
        w,
        310,
        german=[
            *_strong("Kennzahlen 2024 geändert"),
            "Rehabilitandinnen und Rehabilitanden: „300“ → „310“",
        ],
        english=[*_strong("Key figures 2024 changed"), "Rehabilitants: “300” → “310”"],
    )


# Circulars


def _circular_page(circular, viewer, german, english):
    return Shown(circular, circular.get_absolute_url(), viewer, german, english)


@story(AuditAction.CIRCULAR_CREATED)
def _circular_created(w):
    circular = circulars_services.circular_create(
        association=w.nrw.landkreistag,
        user=w.users.landkreistag,
        data={
            name: getattr(w.world.draft_circular, name)
            for name in circulars_services.CIRCULAR_FIELDS
        },
    )
    return _circular_page(
        circular, w.users.landkreistag, _strong("Entwurf angelegt"), _strong("Draft created")
    )


@story(AuditAction.CIRCULAR_CHANGED)
def _circular_changed(w):
    circular = w.world.draft_circular
    data = {name: getattr(circular, name) for name in circulars_services.CIRCULAR_FIELDS}
    circulars_services.circular_update(
        circular=circular,
        user=w.users.staedtetag,
        data={**data, "date": datetime.date(2026, 12, 1), "body": "Absatz eins.\nZeile zwei."},
    )
    return _circular_page(
        circular,
        w.users.staedtetag,
        [
            *_strong("Entwurf geändert"),
            "Datum: „30.11.2026“ → „01.12.2026“",
            "→ „Absatz eins.<br>Zeile zwei.“",
        ],
        [
            *_strong("Draft changed"),
            "Date: “30.11.2026” → “01.12.2026”",
            "→ “Absatz eins.<br>Zeile zwei.”",
        ],
    )


@story(AuditAction.CIRCULAR_FINALISED)
def _circular_finalised(w):
    draft = factories.CircularFactory(association=w.nrw.landkreistag)
    circular = circulars_services.circular_finalise(circular=draft, user=w.users.landkreistag)
    number = circular.number_label
    return _circular_page(
        circular,
        w.users.landkreistag,
        _strong(f"Abgeschlossen als Nr. {number}"),
        _strong(f"Finalised as no. {number}"),
    )


@story(AuditAction.CIRCULAR_ATTACHMENT_ADDED)
def _circular_attachment_added(w):
    circular = w.world.draft_circular
    attachment = circulars_services.attachment_add_document(
        circular=circular,
        user=w.users.staedtetag,
        document=AttachmentDocument.OVERVIEW,
        agreement=w.nrw.agreement,
    )
    title = attachment.title
    return _circular_page(
        circular,
        w.users.staedtetag,
        _strong(f"Anlage A2 „{title}“ hinzugefügt"),
        _strong(f"Attachment A2 “{title}” added"),
    )


@story(AuditAction.CIRCULAR_ATTACHMENT_REMOVED)
def _circular_attachment_removed(w):
    circular = w.world.draft_circular
    circulars_services.attachment_remove(
        attachment=w.world.draft_attachment, user=w.users.staedtetag
    )
    return _circular_page(
        circular,
        w.users.staedtetag,
        _strong("Anlage A1 „Übersicht der Beitritte“ entfernt"),
        _strong("Attachment A1 “Übersicht der Beitritte” removed"),
    )


@story(AuditAction.CIRCULAR_SENT)
def _circular_sent(w):
    circular = w.world.unsent_circular
    count = len(circulars_services.circular_send(circular=circular, user=w.users.staedtetag))
    return _circular_page(
        circular,
        w.users.staedtetag,
        _strong(f"An {count} Jobcenter versandt"),
        _strong(f"Sent to {count} jobcenters"),
    )


@story(AuditAction.CIRCULAR_MAILS_RESENT)
def _circular_mails_resent(w):
    circular = w.world.unsent_circular
    recipients = circulars_services.circular_send(circular=circular, user=w.users.staedtetag)
    for recipient in recipients:
        recipient.mails.update(status="failed")
    count = circulars_services.circular_resend(circular=circular, user=w.users.staedtetag)
    assert count
    return _circular_page(
        circular,
        w.users.staedtetag,
        _strong(f"{count} fehlgeschlagene E-Mail{'s' if count != 1 else ''} erneut versandt"),
        _strong(f"{count} failed email{'s' if count != 1 else ''} sent again"),
    )


@dataclass
class World:
    users: object
    nrw: object
    world: object
    client: object


def test_every_action_has_a_story():
    """A new AuditAction fails here until its story (and so its page) is tested below."""
    assert set(STORIES) == set(AuditAction)


@pytest.mark.parametrize("action", list(AuditAction), ids=str)
def test_every_event_reads_as_prose_on_its_page(action, client, users, nrw, accession_world):
    shown = STORIES[action](World(users=users, nrw=nrw, world=accession_world, client=client))

    assert AuditEvent.objects.filter(
        action=action,
        content_type=ContentType.objects.get_for_model(shown.obj),
        object_id=shown.obj.pk,
    ).exists()
    client.force_login(shown.viewer)
    for language, texts in (("de", shown.german), ("en", shown.english)):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(shown.url)
        assert response.status_code == 200
        for text in texts:
            assert text in response.text, (language, text)


# Odd rows: the page shows them rather than failing.


@pytest.mark.parametrize(
    ("action", "data", "changes", "legacy_summary", "shown"),
    [
        ("accession_frobbed", {}, {}, "etwas Altes", "<strong>etwas Altes</strong>"),
        ("accession_frobbed", {}, {}, "", "<strong>accession_frobbed</strong>"),
        (
            "accession_accepted",
            {},
            {},
            "angenommen: beigetreten am 20.03.2018",
            "<strong>angenommen: beigetreten am 20.03.2018</strong>",
        ),
        ("accession_accepted", {"joined_on": None}, {}, "", "<strong>Angenommen: beigetreten"),
        ("accession_saved", [1, 2], ["not", "a", "dict"], "", "<strong>Beitrittsformular"),
        ("accession_saved", {}, {"planned_measures": [1, 2]}, "", "Geplante Maßnahmen: „1“ → „2“"),
        ("accession_saved", {}, {"signed_form": ["", "neu hochgeladen"]}, "", "„neu hochgeladen“"),
        ("accession_saved", {}, {"gone_field": "no pair"}, "", "gone_field: (leer) → „no pair“"),
        ("accession_saved", {}, {"street": [{"a": 1}, 5]}, "", "Straße und Hausnummer: „a: 1“"),
        ("accession_saved", {}, {"joined_on": ["kein Datum", "2018-02-30"]}, "", "„2018-02-30“"),
    ],
)
def test_an_odd_event_still_reads_and_never_breaks_the_page(
    ministry_client, accession_world, action, data, changes, legacy_summary, shown
):
    accession = accession_world.submitted
    AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(accession),
        object_id=accession.pk,
        object_repr=str(accession),
        action=action,
        data=data,
        changes=changes,
        legacy_summary=legacy_summary,
    )

    response = ministry_client.get(accession.get_absolute_url())

    assert response.status_code == 200
    assert shown in response.text


def test_record_event_refuses_an_unknown_action(accession_world, users):
    with pytest.raises(ValueError):
        record_event(actor=users.ministry, obj=accession_world.draft, action="accession_frobbed")


def test_the_admin_shows_an_event_worded(client, users, accession_world):
    draft = accession_world.draft
    accessions_services.accession_save(
        accession=draft,
        user=users.kreis_manager,
        data=form_data(),
        planned_measures=[],
    )
    event = AuditEvent.objects.for_object(draft).get()
    client.force_login(users.admin)

    response = client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))

    assert response.status_code == 200
    assert "Beitrittsformular gespeichert" in response.text
    assert "Öffentlich als Mitglied nennen: Nein → Ja" in response.text


# Counts and times read as each language says them.


def _event_on_page(client, user, obj, language, created_at=None, **fields):
    event = AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj),
        **fields,
    )
    if created_at:  # auto_now_add: set afterwards
        AuditEvent.objects.filter(pk=event.pk).update(created_at=created_at)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(obj.get_absolute_url()).text


@pytest.mark.parametrize(
    ("action", "count", "language", "shown"),
    [
        ("circular_sent", 1, "de", "An 1 Jobcenter versandt"),
        ("circular_sent", 1, "en", "Sent to 1 jobcenter<"),
        ("circular_sent", 2, "en", "Sent to 2 jobcenters"),
        ("circular_mails_resent", 1, "de", "1 fehlgeschlagene E-Mail erneut versandt"),
        ("circular_mails_resent", 3, "de", "3 fehlgeschlagene E-Mails erneut versandt"),
        ("circular_mails_resent", 1, "en", "1 failed email sent again"),
        ("circular_mails_resent", 3, "en", "3 failed emails sent again"),
    ],
)
def test_a_count_in_the_history_takes_its_plural(
    client, users, accession_world, action, count, language, shown
):
    # The defect: "1 fehlgeschlagene E-Mails erneut versandt", "Sent to 1 jobcenters".
    page = _event_on_page(
        client,
        users.staedtetag,
        accession_world.unsent_circular,
        language,
        action=action,
        data={"count": count},
    )

    assert f"<strong>{shown}" in page


@pytest.mark.parametrize(
    ("language", "shown"), [("de", "14:05 Uhr</time>"), ("en", "14:05</time>")]
)
def test_the_time_of_an_event_reads_as_each_language_says_it(
    client, users, accession_world, language, shown
):
    # The defect: English read "01.12.2026, 14:05 h".
    moment = datetime.datetime(2026, 3, 2, 14, 5, tzinfo=timezone.get_current_timezone())
    page = _event_on_page(
        client,
        users.ministry,
        accession_world.submitted,
        language,
        action="accession_submitted",
        created_at=moment,
    )

    assert f"02.03.2026, {shown}" in page


def test_the_changes_of_an_event_are_listed_in_the_order_of_the_form(
    ministry_client, accession_world, users
):
    # The defect: PostgreSQL's jsonb keeps keys by length, so the history read
    # "Ort, Straße und Hausnummer, Postleitzahl" instead of the form's order.
    draft = accession_world.draft
    accessions_services.accession_save(
        accession=draft, user=users.kreis_manager, data=form_data(), planned_measures=[]
    )

    page = ministry_client.get(draft.get_absolute_url()).content.decode()

    labels = ["Straße und Hausnummer:", "Postleitzahl:", "Ort:", "Geschäftsführung:"]
    positions = [page.index(f"<li>{label}") for label in labels]
    assert positions == sorted(positions)
