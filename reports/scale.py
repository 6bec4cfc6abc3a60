"""Benchmark data the size of Germany: 405 jobcenters, 16 states, 16 agreements.

Every name is derived from the state and a number, so seeding twice creates nothing
new. Organisations and jobcenters that already exist (for example the NRW demo data
of ``reports.demo``) are kept and count towards a state's numbers: load the demo data
first and NRW keeps its 53 real jobcenters.

One function per kind of object (``seed_organisations``, ``seed_jobcenters``,
``seed_agreement``, ``seed_accessions``), so that further kinds (measures) can be added the
same way.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from jobcenters.models import Accession, AccessionStatus, Jobcenter, JobcenterForm
from reports.demo import NRW_ACTION_FIELDS


@dataclass(frozen=True)
class StatePlan:
    """How many jobcenters a state gets, by the kind of region they serve."""

    kreise: int
    cities: int

    @property
    def jobcenters(self):
        return self.kreise + self.cities

    @property
    def city_state(self):
        return self.kreise == 0


# Roughly the real distribution of Germany's 405 jobcenters over the Kreise and
# kreisfreie Städte of each state; NRW as in jobcenters/data/nrw_jobcenters.csv.
PLAN = {
    State.BW: StatePlan(kreise=35, cities=9),
    State.BY: StatePlan(kreise=67, cities=24),
    State.BE: StatePlan(kreise=0, cities=12),
    State.BB: StatePlan(kreise=14, cities=4),
    State.HB: StatePlan(kreise=0, cities=2),
    State.HH: StatePlan(kreise=0, cities=1),
    State.HE: StatePlan(kreise=21, cities=5),
    State.MV: StatePlan(kreise=6, cities=2),
    State.NI: StatePlan(kreise=42, cities=8),
    State.NW: StatePlan(kreise=31, cities=22),
    State.RP: StatePlan(kreise=22, cities=12),
    State.SL: StatePlan(kreise=5, cities=1),
    State.SN: StatePlan(kreise=10, cities=3),
    State.ST: StatePlan(kreise=11, cities=3),
    State.SH: StatePlan(kreise=11, cities=4),
    State.TH: StatePlan(kreise=13, cities=5),
}

# The usual abbreviation where it differs from the official code.
ABBREVIATIONS = {State.NW: "NRW"}

REGION_PREFIX = {RegionKind.KREIS: "Landkreis", RegionKind.KREISFREIE_STADT: "Stadt"}

SEED_SIGNED_ON = datetime.date(2018, 1, 31)

# Stands in for the scanned, signed form of every accession past the draft: the benchmarks
# never open it, and a path is all the database asks for.
SEED_SIGNED_FORM = "beitritte/scale.pdf"
SEED_RETURN_REASONS = "Das hochgeladene Formular ist nicht unterschrieben."


@dataclass
class SeedResult:
    """What one run created, by kind of object (only new rows are counted)."""

    created: Counter

    def __str__(self):
        if not any(self.created.values()):
            return "Nichts Neues: alle Daten waren schon da."
        return ", ".join(f"{count} {kind}" for kind, count in self.created.items() if count)


@dataclass(frozen=True)
class StateOrganisations:
    ministry: Organisation
    directorate: Organisation
    associations: list

    @property
    def parties(self):
        return [self.ministry, self.directorate, *self.associations]


def state_name(state):
    """The German name, whatever language is active: names must not depend on it."""
    with translation.override(None):
        return str(State(state).label)


def abbreviation(state):
    return ABBREVIATIONS.get(state, State(state).value)


def jobcenter_name(state, region_kind, number):
    """E.g. ``Jobcenter Landkreis Bayern 017`` or ``Jobcenter Stadt Berlin 003``."""
    return f"Jobcenter {REGION_PREFIX[region_kind]} {state_name(state)} {number:03d}"


def jobcenter_form(number):
    """About two thirds gE, one third zkT."""
    return JobcenterForm.ZKT if number % 3 == 0 else JobcenterForm.GE


@transaction.atomic
def seed_scale():
    """Create what is missing of the benchmark data set. Returns what was created."""
    created = Counter(
        {
            "Organisationen": 0,
            "Jobcenter": 0,
            "Vereinbarungen": 0,
            "Handlungsfelder": 0,
            "Beitritte": 0,
        }
    )
    for state, plan in PLAN.items():
        organisations = seed_organisations(state, plan, created)
        seed_jobcenters(state, plan, created)
        agreement = seed_agreement(state, organisations, created)
        seed_accessions(state, agreement, created)
    return SeedResult(created)


def seed_organisations(state, plan, created):
    """The state's ministry, regional directorate and municipal associations.

    An organisation of the kind that already exists in the state (e.g. "MAGS NRW" of
    the demo data) is used as it is; there is at most one association per region kind.
    """
    label = state_name(state)
    if plan.city_state:
        ministry_name = f"Senatsverwaltung für Arbeit und Soziales {label}"
    else:
        ministry_name = f"Ministerium für Arbeit und Soziales {label}"
    ministry = _organisation(
        created,
        state=state,
        kind=OrganisationKind.MINISTRY,
        name=ministry_name,
        short_name=f"Ministerium {abbreviation(state)}",
    )
    directorate = _organisation(
        created,
        state=state,
        kind=OrganisationKind.REGIONAL_DIRECTORATE,
        name=f"Regionaldirektion {label} der Bundesagentur für Arbeit",
        short_name=f"Regionaldirektion {abbreviation(state)}",
    )
    associations = []
    if not plan.city_state:
        associations.append(
            _organisation(
                created,
                state=state,
                kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
                member_region_kind=RegionKind.KREIS,
                name=f"Landkreistag {label}",
                short_name=f"Landkreistag {abbreviation(state)}",
            )
        )
    associations.append(
        _organisation(
            created,
            state=state,
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            member_region_kind=RegionKind.KREISFREIE_STADT,
            name=f"Städtetag {label}",
            short_name=f"Städtetag {abbreviation(state)}",
        )
    )
    return StateOrganisations(ministry, directorate, associations)


def _organisation(created, *, state, kind, name, member_region_kind="", **defaults):
    existing = (
        Organisation.objects.filter(state=state, kind=kind, member_region_kind=member_region_kind)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    organisation, was_created = Organisation.objects.get_or_create(
        state=state,
        name=name,
        defaults={"kind": kind, "member_region_kind": member_region_kind, **defaults},
    )
    created["Organisationen"] += was_created
    return organisation


def seed_jobcenters(state, plan, created):
    """The state's jobcenters: as many Kreis and city jobcenters as the plan says.

    Jobcenters that are not named like the generated ones (real ones, e.g. the 53 of
    NRW in the demo data) count towards the plan, so fewer are generated.
    Jobcenter extends Organisation (multi-table inheritance), which ``bulk_create``
    cannot insert: the missing ones are saved one by one.
    """
    existing = Counter()
    names = set()
    for name, region_kind in Jobcenter.objects.filter(state=state).values_list(
        "name", "region_kind"
    ):
        names.add(name)
        if not _is_generated(state, name):
            existing[region_kind] += 1
    wanted = {RegionKind.KREIS: plan.kreise, RegionKind.KREISFREIE_STADT: plan.cities}
    for region_kind, count in wanted.items():
        for number in range(1, count - existing[region_kind] + 1):
            name = jobcenter_name(state, region_kind, number)
            if name in names:
                continue
            Jobcenter(
                state=state,
                name=name,
                form=jobcenter_form(number),
                region=name.removeprefix("Jobcenter "),
                region_kind=region_kind,
            ).save()
            created["Jobcenter"] += 1


def _is_generated(state, name):
    prefixes = [f"Jobcenter {prefix} {state_name(state)} " for prefix in REGION_PREFIX.values()]
    return any(
        name.startswith(prefix) and name.removeprefix(prefix).isdigit() for prefix in prefixes
    )


def seed_agreement(state, organisations, created):
    """The state's framework agreement with six action fields, signed by its parties.

    For NRW the short title is the demo agreement's, so with the demo data loaded that
    agreement is used (and left as it is) instead of a second one.
    """
    agreement, was_created = FrameworkAgreement.objects.get_or_create(
        state=state,
        short_title=f"Rahmenvereinbarung Inklusion {abbreviation(state)}",
        defaults={
            "title": (
                "Rahmenvereinbarung zur Verbesserung der beruflichen Integration von "
                f"arbeitsuchenden Menschen mit Beeinträchtigungen ({state_name(state)})"
            ),
            "signed_on": SEED_SIGNED_ON,
            "in_force_from": SEED_SIGNED_ON,
        },
    )
    created["Vereinbarungen"] += was_created
    agreement.parties.add(*organisations.parties)
    numbers = set(agreement.action_fields.values_list("number", flat=True))
    for number, title in enumerate(NRW_ACTION_FIELDS, start=1):
        if number not in numbers:
            ActionField.objects.create(agreement=agreement, number=number, title=title)
            created["Handlungsfelder"] += 1
    return agreement


def accession_status(number):
    """Where the ``number``-th jobcenter of a state stands: a status, or ``None`` (not started).

    About 83 % of Germany's jobcenters have joined. Every state with at least five
    jobcenters has one that withdrew (the 5th), from nine on one whose form was returned
    (the 9th); a draft at the 14th (and 54th), submitted forms at the 7th, 32nd, …, and
    jobcenters that have not started at the 17th, 42nd, …. Hamburg (one jobcenter) and
    Bremen (two) have joined in full.
    """
    if number == 5:
        return AccessionStatus.WITHDRAWN
    if number == 9:
        return AccessionStatus.RETURNED
    if number % 40 == 14:
        return AccessionStatus.DRAFT
    if number % 25 == 7:
        return AccessionStatus.SUBMITTED
    if number % 25 == 17:
        return None
    return AccessionStatus.ACCEPTED


def seed_accessions(state, agreement, created):
    """The state's jobcenters' accessions to ``agreement``, in the mix of ``accession_status``.

    Only generated jobcenters take part: real ones (the 53 of the NRW demo data, whose
    accessions tell a story of their own, with one that has not started) are left as they
    are, like any jobcenter that already has an accession to the agreement, so a second
    run creates nothing. A jobcenter's number is its place among the state's generated
    jobcenters sorted by name (by region kind, then by the number in the name), so it
    always gets the same status. Joined ones joined in the agreement's first two years,
    each on a day of its own, and most agreed to be named in public; submitted and returned
    ones were submitted in the last four weeks.
    """
    started = set(
        Accession.objects.filter(agreement=agreement).values_list("jobcenter_id", flat=True)
    )
    today = timezone.localdate()
    now = timezone.now()
    accessions = []
    jobcenters = [
        jobcenter
        for jobcenter in Jobcenter.objects.filter(state=state).order_by("name", "pk")
        if _is_generated(state, jobcenter.name)
    ]
    for number, jobcenter in enumerate(jobcenters, start=1):
        status = accession_status(number)
        if status is None or jobcenter.pk in started:
            continue
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
        )
        accessions.append(accession)
        if status == AccessionStatus.DRAFT:
            continue
        accession.management_name = f"Geschäftsführung {jobcenter.region}"
        accession.contact_name = "Ansprechperson Inklusion"
        accession.contact_function = "Inklusionsbeauftragte"
        accession.signed_form = SEED_SIGNED_FORM
        accession.public_listing = True
        if status in (AccessionStatus.ACCEPTED, AccessionStatus.WITHDRAWN):
            # 53 and 730 have no common divisor: a day of its own for each of 730 numbers.
            joined_on = agreement.in_force_from + datetime.timedelta(days=number * 53 % 730)
            accession.joined_on = min(joined_on, today)
            accession.submitted_at = _at(accession.joined_on - datetime.timedelta(days=7))
            accession.public_listing = number % 8 != 3
        else:
            accession.submitted_at = now - datetime.timedelta(days=number % 28 + 1)
        accession.signed_form_uploaded_at = accession.submitted_at
        accession.carriers_agreed_on = timezone.localdate(accession.submitted_at) - (
            datetime.timedelta(days=14)
        )
        if status == AccessionStatus.WITHDRAWN:
            accession.withdrawn_on = min(accession.joined_on + datetime.timedelta(days=900), today)
        if status == AccessionStatus.RETURNED:
            accession.return_reasons = SEED_RETURN_REASONS
    Accession.objects.bulk_create(accessions)
    created["Beitritte"] += len(accessions)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
