"""seed_scale: the data set the size of Germany.

Seeding takes about ten seconds (20,000 measures): the tests that only read the data share
one seed (``germany``, rolled back after the module's last test). The tests that start
from an empty database (the demo data first, or nothing) are in
``test_seed_scale_from_scratch.py``, so that they never run inside ``germany``.
"""

import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accessions.models import NOT_STARTED, Accession, AccessionStatus, with_accession
from accounts.models import AuditEvent, Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import Circular, CircularCounter, CircularStatus
from demo.scale import CIRCULAR_YEARS, CIRCULARS_A_YEAR, PLAN, accession_status
from jobcenters.models import Jobcenter, JobcenterForm
from measures.models import KeyFigures, Measure, MeasureStatus, Publication

# Seeding takes ten seconds and more: started first (``long``, tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.long]


def seed():
    out = io.StringIO()
    call_command("seed_scale", force=True, stdout=out)
    return out.getvalue()


def counts():
    return {
        "organisations": Organisation.objects.count(),
        "jobcenters": Jobcenter.objects.count(),
        "agreements": FrameworkAgreement.objects.count(),
        "action_fields": ActionField.objects.count(),
        "accessions": Accession.objects.count(),
        "measures": Measure.objects.count(),
        "further_action_fields": Measure.further_action_fields.through.objects.count(),
        "key_figures": KeyFigures.objects.count(),
        "circulars": Circular.objects.count(),
    }


@pytest.fixture(scope="module")
def germany(django_db_setup, django_db_blocker):
    """seed_scale once for the module; returns its output. Rolled back after the last test.

    Each test runs in a savepoint inside this transaction (pytest-django wraps tests in
    higher-scoped transactions), so what a test changes is gone for the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_it_creates_a_germany_sized_data_set(germany):
    output = germany

    assert Jobcenter.objects.count() == 405
    assert set(Jobcenter.objects.values_list("state", flat=True)) == set(State.values)
    assert FrameworkAgreement.objects.count() == 16
    assert ActionField.objects.count() == 96
    assert "405 Jobcenter" in output
    assert f"{Accession.objects.count()} Beitritte" in output


def test_every_state_has_its_parties_and_one_agreement_with_six_fields(germany):
    for state, plan in PLAN.items():
        kinds = Counter(Organisation.objects.filter(state=state).values_list("kind", flat=True))
        assert kinds[OrganisationKind.MINISTRY] == 1
        assert kinds[OrganisationKind.REGIONAL_DIRECTORATE] == 1
        associations = set(
            Organisation.objects.filter(
                state=state, kind=OrganisationKind.MUNICIPAL_ASSOCIATION
            ).values_list("member_region_kind", flat=True)
        )
        if plan.city_state:
            assert associations == {RegionKind.KREISFREIE_STADT}
        else:
            assert associations == {RegionKind.KREIS, RegionKind.KREISFREIE_STADT}
        agreement = FrameworkAgreement.objects.get(state=state)
        assert agreement.action_fields.count() == 6
        assert agreement.parties.count() == 2 + len(associations)


def test_city_states_have_only_city_jobcenters(germany):
    for state in (State.BE, State.HH, State.HB):
        kinds = set(Jobcenter.objects.filter(state=state).values_list("region_kind", flat=True))
        assert kinds == {RegionKind.KREISFREIE_STADT}


def test_about_two_thirds_are_joint_institutions(germany):
    share = Jobcenter.objects.filter(form=JobcenterForm.GE).count() / 405
    assert 0.6 < share < 0.75


def test_names_are_deterministic(germany):
    assert Jobcenter.objects.filter(
        state=State.BY, name="Jobcenter Landkreis Bayern 017", region_kind=RegionKind.KREIS
    ).exists()


def test_a_second_run_creates_nothing(germany):
    before = counts()

    output = seed()

    assert counts() == before
    assert "Nichts Neues" in output


def test_every_jobcenter_has_an_association(germany):
    jobcenters = Jobcenter.objects.with_association()
    assert jobcenters.count() == 405
    assert not jobcenters.filter(association_id__isnull=True).exists()
    for jobcenter in jobcenters.filter(state=State.BY)[:5]:
        assert jobcenter.association_name == jobcenter.association.name


def standings(agreement):
    return Counter(
        with_accession(Jobcenter.objects.filter(state=agreement.state), agreement).values_list(
            "accession_status", flat=True
        )
    )


def test_most_jobcenters_have_joined_and_some_stand_elsewhere(germany):
    total = Counter()
    for agreement in FrameworkAgreement.objects.all():
        total += standings(agreement)
    assert total.total() == 405
    assert 0.8 < total[AccessionStatus.ACCEPTED] / 405 < 0.9
    assert 10 <= total[AccessionStatus.SUBMITTED] <= 30
    assert 10 <= total[NOT_STARTED] <= 30
    assert 5 <= total[AccessionStatus.DRAFT] <= 20
    assert 5 <= total[AccessionStatus.RETURNED] <= 16
    # One withdrew in every state but the two smallest.
    assert total[AccessionStatus.WITHDRAWN] == 14
    assert Accession.objects.count() == 405 - total[NOT_STARTED]


def test_every_state_has_a_mix_of_its_own(germany):
    for state, plan in PLAN.items():
        counts = standings(FrameworkAgreement.objects.get(state=state))
        assert counts.total() == plan.jobcenters
        assert counts[AccessionStatus.WITHDRAWN] == (1 if plan.jobcenters >= 5 else 0)
        if plan.jobcenters >= 20:
            assert {AccessionStatus.SUBMITTED, AccessionStatus.DRAFT, NOT_STARTED} <= set(counts)
            assert counts[AccessionStatus.RETURNED] == 1
            assert 0.75 < counts[AccessionStatus.ACCEPTED] / plan.jobcenters < 0.95
    assert standings(FrameworkAgreement.objects.get(state=State.HH)) == {
        AccessionStatus.ACCEPTED: 1
    }


def test_the_status_follows_the_jobcenters_number(germany):
    bayern = Jobcenter.objects.filter(state=State.BY).order_by("name")
    for number in (5, 7, 9, 14, 17, 20):
        jobcenter = bayern[number - 1]
        status = Accession.objects.filter(jobcenter=jobcenter).values_list("status", flat=True)
        expected = accession_status(number)
        assert list(status) == ([expected] if expected else [])
    assert Accession.objects.get(jobcenter__name="Jobcenter Landkreis Bayern 005").status == (
        AccessionStatus.WITHDRAWN
    )


def test_the_accessions_have_consistent_dates_and_forms(germany):
    # The database checks the model's constraints on insert; the fields are checked here.

    for accession in Accession.objects.select_related("agreement"):
        accession.clean_fields()
        if accession.status == AccessionStatus.DRAFT:
            assert not accession.signed_form and accession.submitted_at is None
            continue
        assert accession.signed_form.name == "beitritte/scale.pdf"
        assert accession.submitted_at and accession.carriers_agreed_on
        if accession.joined_on:
            start = accession.agreement.in_force_from
            assert start <= accession.joined_on < start.replace(year=start.year + 2)
            assert accession.submitted_at.date() < accession.joined_on
        if accession.status == AccessionStatus.WITHDRAWN:
            assert accession.withdrawn_on > accession.joined_on
    accepted = Accession.objects.filter(status=AccessionStatus.ACCEPTED)
    assert 0.8 < accepted.filter(public_listing=True).count() / accepted.count() < 0.95
    # Every joined jobcenter on a day of its own within its state.
    for agreement in FrameworkAgreement.objects.all():
        days = list(agreement.accessions.filter(joined_on__isnull=False).values_list("joined_on"))
        assert len(days) == len(set(days))


def test_there_are_20000_measures_over_all_jobcenters(germany):
    per_jobcenter = dict(
        Jobcenter.objects.annotate(measures_count=Count("measures")).values_list(
            "name", "measures_count"
        )
    )

    assert Measure.objects.count() == 20_000
    assert "20000 Maßnahmen" in germany
    assert len(per_jobcenter) == 405
    assert 20 <= min(per_jobcenter.values()) < max(per_jobcenter.values()) <= 80


def test_every_jobcenter_has_ten_years_of_key_figures(germany):
    years = defaultdict(set)
    for jobcenter, year in KeyFigures.objects.values_list("jobcenter", "year"):
        years[jobcenter].add(year)

    this_year = timezone.localdate().year
    assert len(years) == 405
    assert all(reported == set(range(this_year - 10, this_year)) for reported in years.values())
    assert "4050 Kennzahlen" in germany


def test_the_key_figures_are_plausible(germany):
    for row in KeyFigures.objects.all():
        assert 400 < row.severely_disabled + row.equal_status < 3000
        assert 100 < row.rehabilitants < 800
        assert 0 < row.integrations_severely_disabled < row.severely_disabled / 5
        assert 0 < row.integrations_equal_status < row.equal_status / 5
        assert 0 < row.integrations_rehabilitants < row.rehabilitants / 5


def test_measure_titles_name_their_number_within_the_jobcenter(germany):
    titles = defaultdict(list)
    for jobcenter, title in Measure.objects.values_list("jobcenter", "title"):
        titles[jobcenter].append(title)

    for jobcenter_titles in titles.values():
        numbers = sorted(int(title.rsplit("(Nr. ", 1)[1].rstrip(")")) for title in jobcenter_titles)
        assert numbers == list(range(1, len(jobcenter_titles) + 1))
    assert Measure.objects.filter(
        jobcenter__name="Jobcenter Landkreis Bayern 017", title__endswith="(Nr. 1)"
    ).exists()


def test_the_measures_have_a_mix_of_statuses(germany):
    statuses = Counter(Measure.objects.values_list("status", flat=True))

    assert 0.15 < statuses[MeasureStatus.PLANNED] / 20_000 < 0.25
    assert 0.35 < statuses[MeasureStatus.RUNNING] / 20_000 < 0.45
    assert 0.3 < statuses[MeasureStatus.COMPLETED] / 20_000 < 0.4
    assert 0.03 < statuses[MeasureStatus.STOPPED] / 20_000 < 0.08


def test_a_small_share_of_measures_is_in_the_catalogue(germany):
    publications = Counter(Measure.objects.values_list("publication", flat=True))

    assert 0.01 < publications[Publication.PUBLISHED] / 20_000 < 0.04
    assert 0.003 < publications[Publication.PROPOSED] / 20_000 < 0.015
    assert publications[Publication.DECLINED] > 0
    assert publications[Publication.INTERNAL] > 0.95 * 20_000
    # Only what has begun goes into the catalogue.
    assert not Measure.objects.exclude(publication=Publication.INTERNAL).filter(
        status__in=[MeasureStatus.PLANNED, MeasureStatus.STOPPED]
    )


def test_measures_in_the_catalogue_have_their_contacts_consent(germany):
    public = Measure.objects.filter(publication__in=[Publication.PROPOSED, Publication.PUBLISHED])

    assert public.count() > 100
    assert not public.exclude(contact_consents=True).exists()
    assert not public.filter(contact_name="").exists()
    today = timezone.localdate()
    for measure in Measure.objects.filter(publication=Publication.PUBLISHED):
        assert measure.starts_on <= measure.published_on <= today
    assert not Measure.objects.filter(contact_consents=True, publication=Publication.INTERNAL)


def test_the_measure_dates_fit_their_status(germany):
    today = timezone.localdate()
    rows = Measure.objects.values_list("status", "starts_on", "ends_on", "agreement__in_force_from")

    for status, starts_on, ends_on, in_force_from in rows:
        if status == MeasureStatus.PLANNED:
            assert starts_on is None or starts_on > today
            assert ends_on is None or ends_on > starts_on
            continue
        assert in_force_from <= starts_on < today
        if status == MeasureStatus.RUNNING:
            assert ends_on is None or ends_on > today
        else:
            assert starts_on < ends_on < today


def test_the_measures_lie_in_their_agreements_action_fields(germany):
    measures = Measure.objects.select_related("jobcenter", "agreement", "action_field")
    further = defaultdict(list)
    for measure_id, field in Measure.further_action_fields.through.objects.values_list(
        "measure", "actionfield__agreement"
    ):
        further[measure_id].append(field)

    for measure in measures:
        assert measure.agreement.state == measure.jobcenter.state
        assert measure.action_field.agreement_id == measure.agreement_id
        assert all(agreement == measure.agreement_id for agreement in further.get(measure.pk, []))
    assert 0.25 < len(further) / 20_000 < 0.4
    # Every action field is the main one of some measures in every state.
    main = Counter(Measure.objects.values_list("action_field", flat=True))
    assert len(main) == 96
    assert not Measure.objects.filter(further_action_fields=F("action_field")).exists()


@pytest.mark.parametrize(
    ("status", "history"),
    [
        (AccessionStatus.DRAFT, ["accession_started"]),
        (
            AccessionStatus.RETURNED,
            ["accession_started", "accession_saved", "accession_submitted", "accession_returned"],
        ),
        (
            AccessionStatus.WITHDRAWN,
            [
                "accession_started",
                "accession_saved",
                "accession_submitted",
                "accession_accepted",
                "accession_withdrawn",
            ],
        ),
    ],
)
def test_a_seeded_accession_has_the_history_of_its_steps_in_order(germany, status, history):
    accession = Accession.objects.filter(status=status).order_by("pk").last()

    events = list(reversed(AuditEvent.objects.for_object(accession)))

    assert [event.action for event in events] == history
    assert [event.created_at for event in events] == sorted(event.created_at for event in events)
    if accession.joined_on:
        assert events[3].data == {"joined_on": accession.joined_on.isoformat()}


def test_every_association_has_numbered_circulars_of_the_last_years_and_drafts(germany):
    associations = Organisation.objects.filter(kind=OrganisationKind.MUNICIPAL_ASSOCIATION)
    this_year = timezone.localdate().year
    years = set(range(this_year - CIRCULAR_YEARS, this_year))

    for association in associations:
        final = Circular.objects.filter(association=association, status=CircularStatus.FINAL)
        assert final.count() == CIRCULARS_A_YEAR * len(years)
        assert set(final.values_list("year", flat=True)) == years
        for year in years:
            numbers = sorted(final.filter(year=year).values_list("number", flat=True))
            assert numbers == list(range(1, CIRCULARS_A_YEAR + 1))
            # Finalising the next one takes the number after the last.
            counter = CircularCounter.objects.get(association=association, year=year)
            assert counter.last_number == CIRCULARS_A_YEAR
        assert Circular.objects.filter(association=association, status="draft").exists()
    assert f"{Circular.objects.count()} Rundschreiben" in germany


def test_seeded_circulars_are_dated_in_their_year_and_sent(germany):
    final = Circular.objects.filter(status=CircularStatus.FINAL)

    assert not final.exclude(date__year=F("year")).exists()
    assert not final.filter(sent_at__isnull=True).exists()
    assert not final.exclude(finalised_at__date__lte=F("sent_at__date")).exists()
    # Newest first in the list: their creation follows their dates, not the seeding.
    assert final.exclude(created_at__date=F("date")).count() == 0
