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

from accessions import services as accession_services
from accessions.models import Accession, AccessionStatus
from accounts.models import (
    AuditEvent,
    Organisation,
    OrganisationKind,
    RegionKind,
    Role,
    State,
    User,
)
from agreements.models import AccessionScope, ActionField, FrameworkAgreement
from demo.circulars import load_circulars, load_reader
from demo.measures import load_measures
from jobcenters.importing import jobcenters_import
from jobcenters.models import Jobcenter
from outbox.models import OutgoingEmail

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


# Where the Kreise have their seat (the demo's jobcenter sits there); a "Kreis X" not named
# here sits in X, a city in itself.
KREIS_SEATS = {
    "Ennepe-Ruhr-Kreis": "Schwelm",
    "Hochsauerlandkreis": "Meschede",
    "Kreis Lippe": "Detmold",
    "Märkischer Kreis": "Lüdenscheid",
    "Oberbergischer Kreis": "Gummersbach",
    "Rhein-Erft-Kreis": "Bergheim",
    "Rhein-Kreis Neuss": "Neuss",
    "Rhein-Sieg-Kreis": "Siegburg",
    "Rheinisch-Bergischer Kreis": "Bergisch Gladbach",
    "StädteRegion Aachen": "Aachen",
}


def demo_postal_address(jobcenter, number):
    """A fictional postal address and phone number for the ``number``-th demo jobcenter.

    The street is made up, the postal code is only shaped like one, and the phone numbers
    lie in the range the Bundesnetzagentur keeps for films and books (0221 4710 000–999),
    so that nobody real is called.
    """
    return {
        "street": f"Beispielstraße {number}",
        "postal_code": f"{40000 + number * 371:05d}",
        "city": KREIS_SEATS.get(jobcenter.region, jobcenter.region.removeprefix("Kreis ")),
        "phone": f"0221 4710 {100 + number:03d}",
    }


def _load_addresses():
    """Give the NRW jobcenters their demo addresses, keeping any entered on the site."""
    jobcenters = Jobcenter.objects.filter(state=State.NW).order_by("name")
    for number, jobcenter in enumerate(jobcenters, start=1):
        if not jobcenter.street:
            Jobcenter.objects.filter(pk=jobcenter.pk).update(
                **demo_postal_address(jobcenter, number)
            )
        if not jobcenter.email and jobcenter.name not in NO_REGISTRY_ADDRESS:
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
    reviewer = User.objects.filter(username="ministerium").first()
    managers = {
        user.organisation_id: user for user in User.objects.filter(role=Role.JOBCENTER_MANAGER)
    }
    started = set(
        Accession.objects.filter(agreement=agreement).values_list("jobcenter_id", flat=True)
    )
    first_mail = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    signed_form = _signed_form_pdf()
    for jobcenter in jobcenters:
        if jobcenter.pk in started:
            continue
        status, days_ago = OPEN_ACCESSIONS.get(jobcenter.name, (AccessionStatus.ACCEPTED, None))
        planned = [
            (action_fields[number], title)
            for number, title in PLANNED_MEASURES.get(jobcenter.name, [DEFAULT_PLANNED_MEASURE])
        ]
        _load_accession(
            jobcenter,
            agreement,
            status,
            joined_on=joined_on.get(jobcenter.name) if status == AccessionStatus.ACCEPTED else None,
            days_ago=days_ago,
            planned=planned,
            manager=managers.get(jobcenter.pk),
            reviewer=reviewer,
            signed_form=signed_form,
        )
    # The steps' e-mails went out when the steps were taken (the dates of the history), not
    # now: the demo does not send them again.
    OutgoingEmail.objects.filter(pk__gt=first_mail).delete()


def _load_accession(
    jobcenter, agreement, status, *, joined_on, days_ago, planned, manager, reviewer, signed_form
):
    """One demo accession taken through the services, step by step, as on the site; then
    its history and its dates are moved to the days the steps were taken."""
    accession = accession_services.accession_start(
        jobcenter=jobcenter, agreement=agreement, user=manager
    )
    form = {field: getattr(accession, field) for field in accession_services.FORM_FIELDS}
    if status == AccessionStatus.ACCEPTED:
        submitted_at = _at(joined_on - datetime.timedelta(days=7))
        carriers_agreed_on = joined_on - datetime.timedelta(days=21)
    elif days_ago is not None:
        submitted_at = timezone.now() - datetime.timedelta(days=days_ago)
        carriers_agreed_on = timezone.localdate() - datetime.timedelta(days=40)
    else:
        submitted_at = None
    if status != AccessionStatus.DRAFT:
        # Placeholder people, never real names (see shared/data/README).
        form.update(
            management_name="Geschäftsführung " + jobcenter.region,
            contact_name="Ansprechperson Inklusion",
            contact_function="Inklusionsbeauftragte",
            contact_email=demo_address(jobcenter, "inklusion"),
            carriers_agreed_on=carriers_agreed_on,
            public_listing=True,
        )
    accession_services.accession_save(
        accession=accession,
        user=manager,
        data=form,
        planned_measures=planned,
        signed_form=ContentFile(signed_form, name="demo.pdf")
        if status != AccessionStatus.DRAFT
        else None,
    )
    if submitted_at is None:
        # A draft: begun and saved three and two days ago.
        _date_history(
            accession, [timezone.now() - datetime.timedelta(days=days) for days in (3, 2)]
        )
        return
    accession_services.accession_submit(accession=accession, user=manager)
    # Submitted back then: the joining date is checked against the day of submitting.
    Accession.objects.filter(pk=accession.pk).update(
        submitted_at=submitted_at, signed_form_uploaded_at=submitted_at
    )
    dates = [submitted_at - datetime.timedelta(days=days) for days in (14, 13)] + [submitted_at]
    if status == AccessionStatus.RETURNED:
        accession_services.accession_return(
            accession=accession, user=reviewer, reasons=RETURN_REASONS
        )
        dates.append(submitted_at + datetime.timedelta(days=5))
    elif status == AccessionStatus.ACCEPTED:
        accession_services.accession_accept(accession=accession, user=reviewer, joined_on=joined_on)
        dates.append(_at(joined_on))
    _date_history(accession, dates)


def _date_history(accession, dates):
    """Move the accession's events, oldest first, to ``dates``: the services wrote them now."""
    events = AuditEvent.objects.for_object(accession).order_by("pk").values_list("pk", flat=True)
    for pk, when in zip(events, dates, strict=True):
        AuditEvent.objects.filter(pk=pk).update(created_at=when)


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
