"""Benchmark data the size of Germany: 405 jobcenters, 16 states, 16 agreements, their
accessions, 20,000 measures, ten years of key figures and the associations' circulars.

Every name is derived from the state and a number, so seeding twice creates nothing
new. Organisations and jobcenters that already exist (for example the NRW demo data
of ``demo.nrw``) are kept and count towards a state's numbers: load the demo data
first and NRW keeps its 53 real jobcenters (and their demo measures and key figures).

One function per kind of object (``seed_organisations``, ``seed_jobcenters``,
``seed_agreement``, ``seed_accessions``, ``seed_measures``, ``seed_key_figures``,
``seed_circulars``), so that
further kinds can be added the same way.

Accessions, measures and key figures are inserted at once (``demo.bulk.insert_all``: COPY
on PostgreSQL), which bypasses the services: an accession is prefilled as
``accession_start`` prefills it and gets the audit events its steps would have written
(``accessions.services.steps_history``, held to the services by a test), inserted at once
too; measures and key figures get none, acceptable for benchmark data whose pages never
show a history long enough to matter.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.utils import timezone, translation
from django.utils.text import slugify

from accessions.models import Accession, AccessionStatus
from accessions.services import prefilled_accession, steps_history
from accounts.models import AuditEvent, Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import Circular, CircularCounter, CircularStatus, default_addressees
from demo.bulk import insert_all
from demo.nrw import NRW_ACTION_FIELDS
from jobcenters.models import Jobcenter, JobcenterForm
from measures.models import KeyFigures, Measure, MeasureStatus, Publication


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
SEED_WITHDRAW_REASON = "Austritt nach Beschluss der Träger."


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


def scaled_plan(factor=1):
    """``PLAN`` ``factor`` times over: N× Germany for the benchmarks' growth figures."""
    return {
        state: StatePlan(kreise=plan.kreise * factor, cities=plan.cities * factor)
        for state, plan in PLAN.items()
    }


@transaction.atomic
def seed_scale(factor=1):
    """Create what is missing of the benchmark data set, ``factor`` times Germany (405 ×
    ``factor`` jobcenters, 20,000 × ``factor`` measures). Returns what was created."""
    created = Counter(
        {
            "Organisationen": 0,
            "Jobcenter": 0,
            "Vereinbarungen": 0,
            "Handlungsfelder": 0,
            "Beitritte": 0,
            "Maßnahmen": 0,
            "Kennzahlen": 0,
            "Rundschreiben": 0,
        }
    )
    scaled = scaled_plan(factor)
    counts = measure_counts(scaled, SEED_MEASURES * factor)
    position = 0  # of the state's first jobcenter among all of the plan's
    for state, plan in scaled.items():
        organisations = seed_organisations(state, plan, created)
        seed_jobcenters(state, plan, created)
        agreement = seed_agreement(state, organisations, created)
        seed_accessions(state, agreement, created)
        jobcenters = planned_jobcenters(state, plan)
        seed_measures(agreement, jobcenters, counts[position : position + plan.jobcenters], created)
        seed_key_figures(jobcenters, position, created)
        seed_circulars(organisations.associations, factor, created)
        position += plan.jobcenters
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
        accession = prefilled_accession(jobcenter=jobcenter, agreement=agreement, status=status)
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
    insert_all(accessions)
    _seed_histories(accessions, now)
    created["Beitritte"] += len(accessions)


def _seed_histories(accessions, now):
    """The audit events the services would have written for ``accessions``
    (``accessions.services.steps_history``), inserted at once and dated to their steps."""
    events, dates = [], []
    for accession in accessions:
        history = steps_history(accession, reason=SEED_WITHDRAW_REASON)
        for event, when in zip(history, _step_dates(accession, now), strict=True):
            events.append(event)
            dates.append(when)
    insert_all(events, batch_size=BATCH_SIZE)
    # ``created_at`` is set on inserting (auto_now_add): dated in one update a batch.
    for start in range(0, len(events), BATCH_SIZE):
        batch = list(
            zip(events[start : start + BATCH_SIZE], dates[start : start + BATCH_SIZE], strict=True)
        )
        AuditEvent.objects.filter(pk__in=[event.pk for event, _when in batch]).update(
            created_at=Case(
                *(When(pk=event.pk, then=Value(when)) for event, when in batch),
                output_field=DateTimeField(),
            )
        )


def _step_dates(accession, now):
    """When the steps of ``steps_history`` were taken, oldest first: a draft (the bare
    prefill, never saved) was begun now; a submitted form was begun two weeks before."""
    if accession.submitted_at is None:
        return [now]
    dates = [accession.submitted_at - datetime.timedelta(days=days) for days in (14, 13)]
    dates.append(accession.submitted_at)
    if accession.status == AccessionStatus.RETURNED:
        dates.append(min(accession.submitted_at + datetime.timedelta(days=1), now))
    if accession.joined_on:
        dates.append(_at(accession.joined_on))
    if accession.withdrawn_on:
        dates.append(_at(accession.withdrawn_on))
    return dates


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


# Measures and key figures

SEED_MEASURES = 20_000
BATCH_SIZE = 1000

# What a generated measure is about, by action field (the numbers of ``NRW_ACTION_FIELDS``):
# (topic, description, target group, partners). The title is the topic and a number.
MEASURE_TOPICS = {
    1: [
        (
            "Inklusionstag im Jobcenter",
            "Ein Tag für alle Beschäftigten mit Parcours, Gesprächen und Workshops.",
            "Beschäftigte des Jobcenters",
            "Agentur für Arbeit",
        ),
        (
            "Aktionsplan Inklusion",
            "Ein eigener Aktionsplan mit Zielen für jedes Team, jährlich fortgeschrieben.",
            "Führungskräfte",
            "Schwerbehindertenvertretung",
        ),
        (
            "Inklusionsbeauftragte in jedem Team",
            "Jedes Team benennt eine Ansprechperson, die sich regelmäßig austauscht.",
            "Beschäftigte des Jobcenters",
            "",
        ),
    ],
    2: [
        (
            "Barrierefreier Eingangsbereich",
            "Rampe, automatische Türen und ein Leitsystem am Hauptstandort.",
            "Kundinnen und Kunden",
            "Bauamt",
        ),
        (
            "Bescheide in Leichter Sprache",
            "Häufige Schreiben und Bescheide in Leichter Sprache, geprüft von einer Prüfgruppe.",
            "Menschen mit Lernschwierigkeiten",
            "Prüfgruppe Leichte Sprache",
        ),
        (
            "Induktive Höranlagen an den Empfangstresen",
            "Höranlagen an allen Empfangstresen und in zwei Besprechungsräumen.",
            "Kundinnen und Kunden mit Hörbehinderung",
            "",
        ),
    ],
    3: [
        (
            "Schulung zu psychischen Erkrankungen",
            "Alle Integrationsfachkräfte werden zu psychischen und Suchterkrankungen geschult.",
            "Integrationsfachkräfte",
            "Sozialpsychiatrischer Dienst",
        ),
        (
            "Fortbildung berufliche Rehabilitation",
            "Seminare zum Reha-Verfahren und zu den Leistungen der Reha-Träger.",
            "Integrationsfachkräfte",
            "Deutsche Rentenversicherung",
        ),
        (
            "Fallbesprechungen mit dem Reha-Team",
            "Monatliche Fallbesprechungen mit dem Reha-Team der Agentur für Arbeit.",
            "Integrationsfachkräfte",
            "Agentur für Arbeit",
        ),
    ],
    4: [
        (
            "Arbeitgeberfrühstück Inklusion",
            "Arbeitgeber der Region erfahren, wie Einstellungen gefördert werden.",
            "Arbeitgeber",
            "Industrie- und Handelskammer, Handwerkskammer",
        ),
        (
            "Stellenakquise für schwerbehinderte Menschen",
            "Gezielte Stellenakquise und Probebeschäftigungen.",
            "schwerbehinderte und gleichgestellte Menschen",
            "Arbeitgeber der Region",
        ),
        (
            "Beratung zu Eingliederungszuschüssen",
            "Sprechstunde für Arbeitgeber zu Zuschüssen und technischen Hilfen.",
            "Arbeitgeber",
            "Integrationsamt",
        ),
    ],
    5: [
        (
            "Übergang Schule–Beruf",
            "Sprechstunden in Förderschulen und Berufskollegs ab der Vorabgangsklasse.",
            "junge Menschen mit Beeinträchtigungen",
            "Förderschulen, Berufskollegs",
        ),
        (
            "Ausbildung in Teilzeit",
            "Betriebe werden für Ausbildungen in Teilzeit gewonnen und begleitet.",
            "junge Menschen mit Beeinträchtigungen",
            "Kammern",
        ),
        (
            "Jugendberufsagentur inklusiv",
            "Gemeinsame Beratung mit Jugendhilfe und Agentur für Arbeit unter einem Dach.",
            "junge Menschen unter 25",
            "Jugendamt, Agentur für Arbeit",
        ),
    ],
    6: [
        (
            "Netzwerk psychische Gesundheit",
            "Ein örtliches Netzwerk mit Beratungsstellen, Kliniken und Trägern.",
            "Menschen mit psychischen Erkrankungen",
            "Beratungsstellen, Kliniken",
        ),
        (
            "Runder Tisch mit dem Integrationsfachdienst",
            "Vierteljährliche Treffen zu gemeinsamen Kundinnen und Kunden.",
            "schwerbehinderte Menschen",
            "Integrationsfachdienst",
        ),
        (
            "Kooperation mit der Werkstatt für behinderte Menschen",
            "Übergänge aus der Werkstatt auf den allgemeinen Arbeitsmarkt.",
            "Beschäftigte der Werkstatt",
            "Werkstatt für behinderte Menschen",
        ),
    ],
}
# The main action fields in turn: the first four are the most common.
MAIN_FIELDS = [1, 2, 3, 4, 1, 3, 4, 2, 5, 6, 4, 1, 3, 2, 6, 5, 4, 3]
SEED_DECLINE_REASON = "Die Beschreibung ist für den Katalog noch zu knapp."


def planned_jobcenters(state, plan):
    """The state's jobcenters that get measures and key figures, sorted by name.

    At most as many as the plan has (real ones count as in ``seed_jobcenters``), so that
    the measures add up to ``SEED_MEASURES`` with the demo data loaded or not.
    """
    return list(Jobcenter.objects.filter(state=state).order_by("name", "pk")[: plan.jobcenters])


def measure_counts(plan=PLAN, measures=SEED_MEASURES):
    """How many measures each jobcenter of ``plan`` gets: ``measures`` in all (20,000 for
    Germany), about 25 to 75 each.

    The ``position``-th jobcenter of the plan (the states in the plan's order) weighs
    25 to 75; rounding the running sum keeps the total exact.
    """
    total = sum(state_plan.jobcenters for state_plan in plan.values())
    weights = [25 + position * 37 % 51 for position in range(total)]
    whole = sum(weights)
    counts, running = [], 0
    for weight in weights:
        before = measures * running // whole
        running += weight
        counts.append(measures * running // whole - before)
    return counts


def measure_status(key):
    """A fifth planned, two fifths running, a third completed, one in twenty stopped."""
    key %= 20
    if key < 4:
        return MeasureStatus.PLANNED
    if key < 12:
        return MeasureStatus.RUNNING
    if key < 19:
        return MeasureStatus.COMPLETED
    return MeasureStatus.STOPPED


def measure_publication(status, key):
    """Of running and completed measures 3 % are published, 1 % proposed, 0.5 % declined."""
    if status not in (MeasureStatus.RUNNING, MeasureStatus.COMPLETED):
        return Publication.INTERNAL
    key %= 200
    if key < 6:
        return Publication.PUBLISHED
    if key < 8:
        return Publication.PROPOSED
    if key < 9:
        return Publication.DECLINED
    return Publication.INTERNAL


def measure_title(topic, number):
    """E.g. ``Aktionsplan Inklusion (Nr. 7)``: unique within its jobcenter."""
    return f"{topic} (Nr. {number})"


def seed_measures(agreement, jobcenters, counts, created):
    """``counts[i]`` measures of the ``i``-th of ``jobcenters`` under ``agreement``.

    A measure is the ``number``-th of its jobcenter; its title names the number, so one
    that exists (with the same title, e.g. from a first run) is not created again, and
    other measures (the demo's) are left alone. Status, action fields, dates and the
    catalogue follow from the number and the jobcenter's place: started and ended
    between the agreement coming into force and today (completed and stopped ones),
    running ones started and maybe end in the future, planned ones start in the future
    or have no date yet. About a third have further action fields. Inserted with
    ``bulk_create`` (no audit events, see the module's docstring).
    """
    fields = {field.number: field for field in agreement.action_fields.all()}
    existing = set(
        Measure.objects.filter(agreement=agreement, jobcenter__in=jobcenters).values_list(
            "jobcenter_id", "title"
        )
    )
    today = timezone.localdate()
    first = agreement.in_force_from or SEED_SIGNED_ON
    span = max((today - first).days, 120)
    measures, further = [], []
    for index, (jobcenter, count) in enumerate(zip(jobcenters, counts, strict=False)):
        email = f"inklusion@{slugify(jobcenter.region or jobcenter.name)}.jobcenter.example"
        for number in range(1, count + 1):
            key = index * 7 + number * 13
            main = MAIN_FIELDS[(index * 5 + number) % len(MAIN_FIELDS)]
            topic, description, target_group, partners = MEASURE_TOPICS[main][
                (index + number) % len(MEASURE_TOPICS[main])
            ]
            title = measure_title(topic, number)
            if (jobcenter.pk, title) in existing:
                continue
            status = measure_status(key)
            starts_on, ends_on = _measure_dates(status, key, first, today, span)
            publication = measure_publication(status, index * 31 + number * 17)
            measure = Measure(
                jobcenter=jobcenter,
                agreement=agreement,
                title=title,
                description=description,
                action_field=fields[main],
                status=status,
                starts_on=starts_on,
                ends_on=ends_on,
                target_group=target_group,
                partners=partners,
                locations=jobcenter.region,
                contact_name="Ansprechperson Inklusion",
                contact_email=email,
                publication=publication,
                contact_consents=publication != Publication.INTERNAL,
            )
            if publication == Publication.PUBLISHED:
                measure.published_on = min(starts_on + datetime.timedelta(days=90), today)
            if publication == Publication.DECLINED:
                measure.decline_reason = SEED_DECLINE_REASON
            measures.append(measure)
            if number % 3 == 0:
                # One further action field, every ninth measure two: never the main one.
                extra = 2 if number % 9 == 0 else 1
                others = [n for n in sorted(fields) if n != main]
                start = (index + number) % len(others)
                further.append((measure, [others[(start + i) % len(others)] for i in range(extra)]))
    insert_all(measures, batch_size=BATCH_SIZE)
    through = Measure.further_action_fields.through
    insert_all(
        [
            through(measure_id=measure.pk, actionfield_id=fields[number].pk)
            for measure, numbers in further
            for number in numbers
        ],
        batch_size=BATCH_SIZE,
    )
    created["Maßnahmen"] += len(measures)


def _measure_dates(status, key, first, today, span):
    """(starts_on, ends_on) that fit ``status``, between ``first`` and a year from today."""
    day = datetime.timedelta
    if status == MeasureStatus.PLANNED:
        if key % 5 == 0:
            return None, None
        starts_on = today + day(days=14 + key * 7 % 350)
        return starts_on, (starts_on + day(days=180 + key % 540) if key % 2 else None)
    if status == MeasureStatus.RUNNING:
        starts_on = first + day(days=key * 53 % span)
        starts_on = min(starts_on, today - day(days=1))
        return starts_on, (today + day(days=30 + key % 400) if key % 2 else None)
    # Completed and stopped: ended before today, at least two months after the start.
    starts_on = first + day(days=key * 53 % (span - 60))
    ends_on = min(starts_on + day(days=60 + key * 11 % 700), today - day(days=1))
    return starts_on, ends_on


# Hagen (``demo.measures``): about 1,100 customers with a severe disability or equal
# status (820 + 280) and about 300 rehabilitants; integrations as a share of each.
KEY_FIGURE_BASE = (820, 280, 300)
INTEGRATION_SHARES = (0.08, 0.09, 0.13)
KEY_FIGURE_YEARS = 10


def key_figure_years():
    """The ten years before this one."""
    this_year = timezone.localdate().year
    return range(this_year - KEY_FIGURE_YEARS, this_year)


def seed_key_figures(jobcenters, position, created):
    """Ten years of key figures for each of ``jobcenters``, where a year is missing.

    A jobcenter is 0.4 to 1.6 times the size of Hagen (city jobcenters a quarter more),
    depending on its place in the plan (``position`` is the first one's); customers with
    a severe disability grow a little from year to year, rehabilitants shrink, and every
    figure wobbles by up to 3 %. Years a jobcenter has reported (the demo's) are left
    alone. Inserted with ``bulk_create`` (no audit events, see the module's docstring).
    """
    years = key_figure_years()
    reported = set(
        KeyFigures.objects.filter(jobcenter__in=jobcenters, year__in=years).values_list(
            "jobcenter_id", "year"
        )
    )
    rows = []
    for index, jobcenter in enumerate(jobcenters, start=position):
        size = 0.4 + index * 29 % 97 / 80
        if jobcenter.region_kind == RegionKind.KREISFREIE_STADT:
            size *= 1.25
        for offset, year in enumerate(years):
            if (jobcenter.pk, year) in reported:
                continue
            grow = 1 + offset / 80
            wobble = 1 + ((index * 7 + year * 3) % 13 - 6) / 200
            customers = [
                KEY_FIGURE_BASE[0] * size * grow * wobble,
                KEY_FIGURE_BASE[1] * size * grow / wobble,
                KEY_FIGURE_BASE[2] * size / grow * wobble,
            ]
            integrations = [
                count * share * (1 + ((index + year) % 5 - 2) / 20)
                for count, share in zip(customers, INTEGRATION_SHARES, strict=True)
            ]
            rows.append(
                KeyFigures(
                    jobcenter=jobcenter,
                    year=year,
                    severely_disabled=round(customers[0]),
                    equal_status=round(customers[1]),
                    rehabilitants=round(customers[2]),
                    integrations_severely_disabled=round(integrations[0]),
                    integrations_equal_status=round(integrations[1]),
                    integrations_rehabilitants=round(integrations[2]),
                )
            )
    insert_all(rows, batch_size=BATCH_SIZE)
    created["Kennzahlen"] += len(rows)


# Circulars

# An association's numbered circulars a year at 1× Germany (N× at factor N: the Landkreistag
# NRW was at 150 in 2018), over the last years; and a few drafts of its staff.
CIRCULARS_A_YEAR = 40
CIRCULAR_YEARS = 3
CIRCULAR_DRAFTS = 2
CIRCULAR_TOPICS = [
    "Rahmenvereinbarung Inklusion: Stand der Beitritte",
    "Kennzahlen des Vorjahres",
    "Katalog guter Praxis: neue Maßnahmen",
    "Fachtag Inklusion im Jobcenter",
    "Änderungen im SGB II und SGB IX",
    "Barrierefreie Bescheide",
]


def seed_circulars(associations, factor, created):
    """Each of ``associations``: ``CIRCULARS_A_YEAR × factor`` final circulars in each of the
    last ``CIRCULAR_YEARS`` years, numbered from 1, dated through the year, finalised and
    sent on their day (without recipients: no list of the benchmarks reads them), with its
    counters at the last number; and ``CIRCULAR_DRAFTS`` drafts. A number or draft that
    exists (the demo's 151/18) is left alone. Inserted with ``bulk_create``, then dated in
    one update (``created_at`` is set on inserting)."""
    this_year = timezone.localdate().year
    years = range(this_year - CIRCULAR_YEARS, this_year)
    a_year = CIRCULARS_A_YEAR * factor
    rows = []
    for association in associations:
        taken = set(Circular.objects.filter(association=association).values_list("year", "number"))
        drafts = set(
            Circular.objects.filter(
                association=association, status=CircularStatus.DRAFT
            ).values_list("subject", flat=True)
        )
        common = {
            "association": association,
            "addressees": default_addressees(association),
            "signer_name": "Referentin Inklusion",
            "body": "Sehr geehrte Damen und Herren,\n\nwir informieren Sie über den Stand.",
        }
        for year in years:
            for number in range(1, a_year + 1):
                if (year, number) in taken:
                    continue
                day = datetime.date(year, 1, 1) + datetime.timedelta(days=number * 364 // a_year)
                at = _at(day)
                rows.append(
                    Circular(
                        status=CircularStatus.FINAL,
                        year=year,
                        number=number,
                        date=day,
                        subject=CIRCULAR_TOPICS[number % len(CIRCULAR_TOPICS)],
                        finalised_at=at,
                        sent_at=at + datetime.timedelta(hours=1),
                        **common,
                    )
                )
            counter, _created = CircularCounter.objects.get_or_create(
                association=association, year=year
            )
            if counter.last_number < a_year:
                counter.last_number = a_year
                counter.save(update_fields=["last_number"])
        for number in range(1, CIRCULAR_DRAFTS + 1):
            subject = f"Entwurf {number}: {CIRCULAR_TOPICS[number]}"
            if subject not in drafts:
                rows.append(Circular(date=timezone.localdate(), subject=subject, **common))
    insert_all(rows, batch_size=BATCH_SIZE)
    final = [row.pk for row in rows if row.status == CircularStatus.FINAL]
    for start in range(0, len(final), BATCH_SIZE):
        # Written on their day, an hour before they were finalised. From finalised_at, a
        # datetime: "date + 9 hours" gave SQLite a text its date functions cannot read.
        Circular.objects.filter(pk__in=final[start : start + BATCH_SIZE]).update(
            created_at=F("finalised_at") - Value(datetime.timedelta(hours=1))
        )
    created["Rundschreiben"] += len(rows)
