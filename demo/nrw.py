"""Demo data: NRW as in the seed documents. Loading it twice changes nothing."""

import datetime
import io
from pathlib import Path

import pikepdf
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accessions.models import Accession, AccessionStatus, PlannedMeasure
from accounts.models import (
    AuditEvent,
    Organisation,
    OrganisationKind,
    RegionKind,
    Role,
    State,
    User,
)
from accounts.services import AuditAction, record_event
from agreements.models import AccessionScope, ActionField, FrameworkAgreement
from demo.circulars import load_circulars, load_reader
from demo.measures import load_measures
from jobcenters.importing import jobcenters_import
from jobcenters.models import Jobcenter

DEMO_PASSWORD = "rahmenwerk-demo"  # noqa: S105 (demo data only, never loaded in production)

NRW_JOBCENTERS_CSV = Path(__file__).resolve().parent.parent / "jobcenters/data/nrw_jobcenters.csv"

ORGANISATIONS = [
    {
        "name": "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen",
        "short_name": "MAGS NRW",
        "kind": OrganisationKind.MINISTRY,
        "state": State.NW,
        "street": "Fürstenwall 25",
        "postal_code": "40219",
        "city": "Düsseldorf",
    },
    {
        "name": "Regionaldirektion Nordrhein-Westfalen der Bundesagentur für Arbeit",
        "short_name": "Regionaldirektion NRW",
        "kind": OrganisationKind.REGIONAL_DIRECTORATE,
        "state": State.NW,
        "street": "Josef-Gockeln-Straße 7",
        "postal_code": "40474",
        "city": "Düsseldorf",
    },
    {
        "name": "Landkreistag Nordrhein-Westfalen",
        "short_name": "Landkreistag NRW",
        "kind": OrganisationKind.MUNICIPAL_ASSOCIATION,
        "member_region_kind": RegionKind.KREIS,
        "state": State.NW,
        "street": "Kavalleriestraße 8",
        "postal_code": "40213",
        "city": "Düsseldorf",
        "phone": "+49 211 300491-0",
    },
    {
        "name": "Städtetag Nordrhein-Westfalen",
        "short_name": "Städtetag NRW",
        "kind": OrganisationKind.MUNICIPAL_ASSOCIATION,
        "member_region_kind": RegionKind.KREISFREIE_STADT,
        "state": State.NW,
        "street": "Gereonstraße 18–32",
        "postal_code": "50670",
        "city": "Köln",
    },
    # The parties of the JobCenterJugend agreement (seed 003).
    {"name": "Arbeitsamt Hamm", "kind": OrganisationKind.OTHER, "state": State.NW},
    {"name": "Kreis Unna", "kind": OrganisationKind.OTHER, "state": State.NW},
    {"name": "Stadt Kamen", "kind": OrganisationKind.OTHER, "state": State.NW},
    {"name": "Stadt Unna", "kind": OrganisationKind.OTHER, "state": State.NW},
    {"name": "Werkstatt im Kreis Unna GmbH", "kind": OrganisationKind.OTHER, "state": State.NW},
    # Hessen (seed 004): the same pattern in another state.
    {
        "name": "Hessisches Ministerium für Soziales und Integration",
        "short_name": "HMSI",
        "kind": OrganisationKind.MINISTRY,
        "state": State.HE,
    },
    {
        "name": "Regionaldirektion Hessen der Bundesagentur für Arbeit",
        "short_name": "Regionaldirektion Hessen",
        "kind": OrganisationKind.REGIONAL_DIRECTORATE,
        "state": State.HE,
    },
    {
        "name": "Hessischer Landkreistag",
        "kind": OrganisationKind.MUNICIPAL_ASSOCIATION,
        "member_region_kind": RegionKind.KREIS,
        "state": State.HE,
    },
    {
        "name": "Hessischer Städtetag",
        "kind": OrganisationKind.MUNICIPAL_ASSOCIATION,
        "member_region_kind": RegionKind.KREISFREIE_STADT,
        "state": State.HE,
    },
]

NRW_ACTION_FIELDS = [
    "Inklusion als Aufgabe für die gesamte Organisation und Führungsaufgabe",
    "Weiterentwicklung der Zugänglichkeit",
    "Weitere Stärkung der Beratungskompetenz der Mitarbeiterinnen und Mitarbeiter der Jobcenter",
    "Gewinnung der Arbeitgeber",
    "Chancen verbessern für junge Menschen mit Beeinträchtigungen",
    "Weiterentwicklung der Netzwerkarbeit",
]

AGREEMENTS = [
    {
        "short_title": "Rahmenvereinbarung Inklusion NRW",
        "title": (
            "SGB II-Rahmenvereinbarung zur Verbesserung der beruflichen Integration von "
            "arbeitsuchenden Menschen mit Beeinträchtigungen in der Grundsicherung für "
            "Arbeitsuchende"
        ),
        "state": State.NW,
        "signed_on": datetime.date(2018, 1, 31),
        "in_force_from": datetime.date(2018, 1, 31),
        "description": (
            "Im Januar 2018 von MAGS NRW, Regionaldirektion NRW, Städtetag NRW und "
            "Landkreistag NRW unterzeichnet. Ziel ist die Verbesserung der Arbeitsmarktchancen "
            "beeinträchtigter Menschen in NRW, die Leistungen der Grundsicherung für "
            "Arbeitsuchende beziehen. Jobcenter treten nach Abstimmung mit ihren Trägern bei "
            "und werden Teil der Landesinitiative „NRW inklusiv“."
        ),
        "parties": [
            "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen",
            "Regionaldirektion Nordrhein-Westfalen der Bundesagentur für Arbeit",
            "Städtetag Nordrhein-Westfalen",
            "Landkreistag Nordrhein-Westfalen",
        ],
        "action_fields": NRW_ACTION_FIELDS,
    },
    {
        "short_title": "JobCenterJugend Kamen und Unna",
        "title": (
            "Vereinbarung über die Einrichtung und den Betrieb von gemeinsamen Anlaufstellen "
            "in Kamen und Unna mit der Bezeichnung JobCenterJugend"
        ),
        "state": State.NW,
        "signed_on": None,
        "in_force_from": datetime.date(2004, 4, 1),
        "initial_term_months": 12,
        "renewal_months": 12,
        "notice_months": 3,
        "description": (
            "Gemeinsame Anlaufstellen von Arbeitsamt und Sozialhilfeträger für arbeitslose "
            "Jugendliche und junge Erwachsene unter 25 Jahren in Kamen (Bahnhofstr. 26) und "
            "Unna (Nordring 14). Gilt zunächst ein Jahr und verlängert sich um jeweils ein "
            "Jahr, wenn sie nicht spätestens drei Monate vor Ablauf gekündigt wird."
        ),
        "parties": [
            "Arbeitsamt Hamm",
            "Kreis Unna",
            "Stadt Kamen",
            "Stadt Unna",
            "Werkstatt im Kreis Unna GmbH",
        ],
        # A local agreement: only the jobcenter of its Kreis may join.
        "accession_scope": AccessionScope.LISTED,
        "accession_jobcenters": ["Jobcenter Kreis Unna"],
        "action_fields": [],
    },
    {
        "short_title": "Kooperationsvereinbarung Arbeitsmarkt Hessen",
        "title": (
            "Kooperationsvereinbarung zur Zusammenarbeit von Jobcentern, Agenturen für Arbeit "
            "und Kommunen in der Arbeitsmarkt- und Beschäftigungspolitik in Hessen"
        ),
        "state": State.HE,
        "signed_on": datetime.date(2016, 1, 26),
        "in_force_from": datetime.date(2016, 1, 26),
        "description": (
            "Auf Initiative des Hessischen Arbeitsministers von der Regionaldirektion Hessen, "
            "dem Hessischen Landkreistag und dem Hessischen Städtetag unterzeichnet."
        ),
        "parties": [
            "Hessisches Ministerium für Soziales und Integration",
            "Regionaldirektion Hessen der Bundesagentur für Arbeit",
            "Hessischer Landkreistag",
            "Hessischer Städtetag",
        ],
        "action_fields": [
            "Arbeitsmarktbüros für Geflüchtete",
            "Integration von Schwerbehinderten und Rehabilitanden",
            "Jugendberufsagenturen",
            "Gemeinsame Bildungsziel- und Maßnahmeplanung",
        ],
    },
]

# username, organisation name (None for the administrator), role, first and last name
USERS = [
    ("ministerium", "MAGS NRW", Role.MINISTRY_STAFF, "Miriam", "Beispiel"),
    ("regionaldirektion", "Regionaldirektion NRW", Role.PARTNER_READER, "Rainer", "Muster"),
    ("landkreistag", "Landkreistag NRW", Role.ASSOCIATION_STAFF, "Lena", "Probe"),
    ("staedtetag", "Städtetag NRW", Role.ASSOCIATION_STAFF, "Stefan", "Demo"),
    ("jobcenter-duesseldorf", "Jobcenter Düsseldorf", Role.JOBCENTER_MANAGER, "Jana", "Test"),
    (
        "jobcenter-steinfurt",
        "Jobcenter Kreis Steinfurt",
        Role.JOBCENTER_MANAGER,
        "Jonas",
        "Vorlage",
    ),
    ("admin", None, "", "Ada", "Admin"),
]


@transaction.atomic
def load_demo():
    """Create or bring up to date the demo organisations, jobcenters, agreements and users."""
    for data in ORGANISATIONS:
        data = dict(data)
        Organisation.objects.update_or_create(
            state=data.pop("state"), name=data.pop("name"), defaults=data
        )
    jobcenters_import(data=NRW_JOBCENTERS_CSV.read_bytes(), actor=None, default_state=State.NW)
    _load_addresses()
    for data in AGREEMENTS:
        _load_agreement(dict(data))
    for username, organisation, role, first_name, last_name in USERS:
        _load_user(username, organisation, role, first_name, last_name)
    _load_accessions()
    load_measures()
    load_circulars()
    load_reader()


def _load_agreement(data):
    parties = data.pop("parties")
    action_fields = data.pop("action_fields")
    accession_jobcenters = data.pop("accession_jobcenters", [])
    agreement, _created = FrameworkAgreement.objects.update_or_create(
        state=data.pop("state"), short_title=data.pop("short_title"), defaults=data
    )
    agreement.parties.set(Organisation.objects.filter(state=agreement.state, name__in=parties))
    agreement.accession_jobcenters.set(
        Jobcenter.objects.filter(state=agreement.state, name__in=accession_jobcenters)
    )
    for number, title in enumerate(action_fields, start=1):
        ActionField.objects.update_or_create(
            agreement=agreement, number=number, defaults={"title": title}
        )


# Jobcenters without an address in the registry, so the demo shows where circulars go then:
# Solingen to its accession's contact person; Gütersloh (no accession, no manager) nowhere.
NO_REGISTRY_ADDRESS = {"Jobcenter Solingen", "Jobcenter Kreis Gütersloh"}


def demo_address(jobcenter, mailbox="kontakt"):
    """A fictional address under the reserved ``.example`` domain (RFC 2606), e.g.
    ``kontakt@jobcenter-duesseldorf.example``: the demo really sends, to nobody."""
    umlauts = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return f"{mailbox}@jobcenter-{slugify(jobcenter.region.lower().translate(umlauts))}.example"


def _load_addresses():
    """Give the NRW jobcenters their demo addresses, keeping any entered on the site."""
    for jobcenter in Jobcenter.objects.filter(state=State.NW, email="").exclude(
        name__in=NO_REGISTRY_ADDRESS
    ):
        Jobcenter.objects.filter(pk=jobcenter.pk).update(email=demo_address(jobcenter))


# NRW as it was: Düsseldorf joined first, 47 of 53 had joined by the end of 2019.
FIRST_ACCESSIONS = {
    "Jobcenter Düsseldorf": datetime.date(2018, 3, 20),
    "Jobcenter Bochum": datetime.date(2018, 5, 14),
    "Jobcenter Hagen": datetime.date(2018, 6, 12),
}
# Open accessions: (state, days before the demo is loaded that it was submitted).
OPEN_ACCESSIONS = {
    "Jobcenter Kreis Olpe": (AccessionStatus.SUBMITTED, 23),
    "Jobcenter Remscheid": (AccessionStatus.SUBMITTED, 9),
    "Jobcenter Kreis Höxter": (AccessionStatus.SUBMITTED, 2),
    "Jobcenter Solingen": (AccessionStatus.RETURNED, 30),
    "Jobcenter Kreis Steinfurt": (AccessionStatus.DRAFT, None),
}
NOT_STARTED = {"Jobcenter Kreis Gütersloh"}
RETURN_REASONS = (
    "Das hochgeladene Formular ist nicht unterschrieben. Bitte laden Sie die "
    "unterschriebene Fassung hoch und nennen Sie das Datum des Trägerbeschlusses."
)
# Planned measures named on joining (from the G.I.B. reader): jobcenter -> (HF, title).
PLANNED_MEASURES = {
    "Jobcenter Düsseldorf": [
        (2, "Barrierefreier Eingangsbereich"),
        (1, "„Hinschauen, statt wegschauen!“ – Inklusionstag"),
    ],
    "Jobcenter Bochum": [
        (3, "Schulung aller Integrationsfachkräfte zu psychischen und Suchterkrankungen"),
        (2, "Barrierefreiheit aller sieben Standorte"),
    ],
    "Jobcenter Hagen": [(4, "Stellenakquise für schwerbehinderte Menschen")],
    "Jobcenter Dortmund": [(1, "Jobcenter Dortmund als inklusiver Arbeitgeber")],
    "Jobcenter Kreis Steinfurt": [(3, "Individuelle Stabilisierung von Gesundheit & Arbeit")],
}
DEFAULT_PLANNED_MEASURE = (3, "Schulung der Integrationsfachkräfte zu Rehabilitation")


def _load_accessions():
    agreement = FrameworkAgreement.objects.get(
        state=State.NW, short_title="Rahmenvereinbarung Inklusion NRW"
    )
    action_fields = {field.number: field for field in agreement.action_fields.all()}
    jobcenters = Jobcenter.objects.filter(state=State.NW).exclude(name__in=NOT_STARTED)
    later = [
        jc
        for jc in jobcenters
        if jc.name not in FIRST_ACCESSIONS and jc.name not in OPEN_ACCESSIONS
    ]
    joined_on = dict(FIRST_ACCESSIONS)
    for index, jobcenter in enumerate(later):
        # Spread over July 2018 to December 2019, about every twelve days.
        joined_on[jobcenter.name] = datetime.date(2018, 7, 2) + datetime.timedelta(days=12 * index)
    now = timezone.now()
    reviewer = User.objects.filter(username="ministerium").first()
    for jobcenter in jobcenters:
        if Accession.objects.filter(jobcenter=jobcenter, agreement=agreement).exists():
            continue
        status, days_ago = OPEN_ACCESSIONS.get(jobcenter.name, (AccessionStatus.ACCEPTED, None))
        accession = Accession(
            jobcenter=jobcenter,
            agreement=agreement,
            status=status,
            jobcenter_name=jobcenter.name,
            street=jobcenter.street,
            postal_code=jobcenter.postal_code,
            city=jobcenter.city,
            contact_email=jobcenter.email,
            contact_phone=jobcenter.phone,
            public_listing=status != AccessionStatus.DRAFT,
        )
        if status != AccessionStatus.DRAFT:
            # Placeholder people, never real names (see shared/data/README).
            accession.management_name = "Geschäftsführung " + jobcenter.region
            accession.contact_name = "Ansprechperson Inklusion"
            accession.contact_function = "Inklusionsbeauftragte"
            accession.contact_email = demo_address(jobcenter, "inklusion")
        if status == AccessionStatus.ACCEPTED:
            accession.joined_on = joined_on[jobcenter.name]
            accession.carriers_agreed_on = accession.joined_on - datetime.timedelta(days=21)
            accession.submitted_at = _at(accession.joined_on - datetime.timedelta(days=7))
        elif days_ago is not None:
            accession.submitted_at = now - datetime.timedelta(days=days_ago)
            accession.carriers_agreed_on = timezone.localdate() - datetime.timedelta(days=40)
        if status == AccessionStatus.RETURNED:
            accession.return_reasons = RETURN_REASONS
        if status != AccessionStatus.DRAFT:
            accession.signed_form.save("demo.pdf", ContentFile(_signed_form_pdf()), save=False)
            accession.signed_form_uploaded_at = accession.submitted_at
        accession.save()
        for number, title in PLANNED_MEASURES.get(jobcenter.name, [DEFAULT_PLANNED_MEASURE]):
            PlannedMeasure.objects.create(
                accession=accession, action_field=action_fields[number], title=title
            )
        _load_timeline(accession, reviewer)


def _load_timeline(accession, reviewer):
    """The audit events the accession would have collected, at the dates it took its steps."""
    steps = []
    if accession.submitted_at:
        steps.append((accession.submitted_at, None, AuditAction.ACCESSION_SUBMITTED, {}, ""))
    if accession.status == AccessionStatus.RETURNED:
        returned_at = accession.submitted_at + datetime.timedelta(days=5)
        steps.append((returned_at, reviewer, AuditAction.ACCESSION_RETURNED, {}, RETURN_REASONS))
    if accession.joined_on:
        data = {"joined_on": accession.joined_on}
        steps.append((_at(accession.joined_on), reviewer, AuditAction.ACCESSION_ACCEPTED, data, ""))
    for when, actor, action, data, reason in steps:
        event = record_event(actor=actor, obj=accession, action=action, data=data, reason=reason)
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _signed_form_pdf():
    """A one-page stand-in for a scanned, signed accession form."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
    )
    page.Contents = pdf.make_stream(
        rb"BT /F1 18 Tf 72 760 Td (Beitrittsformular - unterschrieben \(Demo\)) Tj ET"
    )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _load_user(username, organisation_name, role, first_name, last_name):
    organisation = None
    if organisation_name:
        organisation = Organisation.objects.get(
            Q(short_name=organisation_name) | Q(name=organisation_name)
        )
    if User.objects.filter(username=username).exists():
        return
    user = User(
        username=username,
        email=f"{username}@rahmenwerk.invalid",
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        is_staff=organisation is None,
        is_superuser=organisation is None,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()


def demo_logins():
    """The demo logins as (username, organisation, role), to print after loading."""
    return [
        (username, organisation or "–", str(role.label) if role else "Administrator")
        for username, organisation, role, _first, _last in USERS
    ]
