"""Benchmark data the size of Germany: 405 jobcenters, 16 states, 16 agreements.

Every name is derived from the state and a number, so seeding twice creates nothing
new. Organisations and jobcenters that already exist (for example the NRW demo data
of ``reports.demo``) are kept and count towards a state's numbers: load the demo data
first and NRW keeps its 53 real jobcenters.

One function per kind of object (``seed_organisations``, ``seed_jobcenters``,
``seed_agreement``), so that further kinds (measures) can be added the same way.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from accounts.models import Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from jobcenters.models import Jobcenter, JobcenterForm
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
        {"Organisationen": 0, "Jobcenter": 0, "Vereinbarungen": 0, "Handlungsfelder": 0}
    )
    for state, plan in PLAN.items():
        organisations = seed_organisations(state, plan, created)
        seed_jobcenters(state, plan, created)
        seed_agreement(state, organisations, created)
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
