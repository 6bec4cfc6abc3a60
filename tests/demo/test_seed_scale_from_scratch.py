"""seed_scale on an empty database and beside the demo data.

Apart from ``test_seed_scale.py``, whose tests share one seeded database for the module.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from accessions.models import Accession
from accounts.models import Organisation, OrganisationKind, RegionKind, State
from agreements.models import FrameworkAgreement
from config.celery import app as celery_app
from demo.measures import HAGEN_KEY_FIGURES
from demo.nrw import NOT_STARTED as DEMO_NOT_STARTED
from demo.nrw import load_demo
from demo.scale import PLAN, key_figure_years, measure_counts, scaled_plan
from jobcenters.models import Jobcenter
from measures.models import KEY_FIGURE_FIELDS, KeyFigures, Measure
from tests.conftest import FAST_HASHERS, private_storage
from tests.demo.test_seed_scale import counts, seed

# Seeding takes ten seconds and more: started first (``long``, tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.long]


def test_it_refuses_to_seed_a_production_database(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_scale", stdout=io.StringIO())
    assert not Jobcenter.objects.exists()
    assert not Accession.objects.exists()
    assert not Measure.objects.exists()


@pytest.fixture(scope="class")
def demo_then_seed(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_scale run once on the demo data, for the tests of ``TestBesideTheDemoData``.

    The demo is loaded and seeded inside a transaction around the class (about a minute
    of work), rolled back after its last test, as ``germany`` in ``test_seed_scale.py``;
    each test runs in a savepoint inside it. Returns what the demo held before the seed:
    NRW's jobcenters, the accessions, measures and key figures.
    """
    eager = celery_app.conf.task_always_eager
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            STORAGES=private_storage(tmp_path_factory.mktemp("demo-seeded")),
        ),
        transaction.atomic(),
    ):
        # The demo's circular PDF is made in-process, as in a test (``celery_eager``).
        celery_app.conf.task_always_eager = True
        try:
            load_demo()
        finally:
            celery_app.conf.task_always_eager = eager
        nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
        before = SimpleNamespace(
            nrw_jobcenters=set(
                Jobcenter.objects.filter(state=State.NW).values_list("pk", flat=True)
            ),
            accessions={
                accession.pk: (accession.jobcenter_id, accession.status, accession.updated_at)
                for accession in Accession.objects.filter(agreement=nrw)
            },
            measures={
                measure.pk: (
                    measure.title,
                    measure.status,
                    measure.publication,
                    measure.updated_at,
                )
                for measure in Measure.objects.all()
            },
            figures={
                (row.jobcenter_id, row.year): [getattr(row, name) for name in KEY_FIGURE_FIELDS]
                for row in KeyFigures.objects.all()
            },
        )
        seed()
        yield before
        transaction.set_rollback(True)


class TestBesideTheDemoData:
    """The demo data, then seed_scale (``demo_then_seed``, once for the class).

    A class keeps its tests together in any order (pytest-randomly shuffles within it), so
    no other test of the module runs inside the seeded data.
    """

    def test_with_the_demo_data_nrw_keeps_its_53_real_jobcenters(self, demo_then_seed):
        nrw_before = demo_then_seed.nrw_jobcenters
        assert len(nrw_before) == 53

        assert set(Jobcenter.objects.filter(state=State.NW).values_list("pk", flat=True)) == (
            nrw_before
        )
        assert Jobcenter.objects.count() == 405
        # The demo's NRW agreement and parties are used, not duplicated.
        nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
        assert nrw.action_fields.count() == 6
        assert nrw.parties.filter(kind=OrganisationKind.MUNICIPAL_ASSOCIATION).count() == 2
        assert (
            Organisation.objects.filter(state=State.NW, kind=OrganisationKind.MINISTRY).count() == 1
        )
        assert not Jobcenter.objects.with_association().filter(association_id__isnull=True).exists()

    def test_the_demo_data_is_left_alone(self, demo_then_seed):
        nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
        demo = demo_then_seed.accessions
        demo_measures = demo_then_seed.measures
        demo_figures = demo_then_seed.figures
        assert demo and demo_measures and demo_figures

        nrw_accessions = Accession.objects.filter(agreement=nrw)
        for accession in nrw_accessions.filter(pk__in=demo):
            assert demo[accession.pk] == (
                accession.jobcenter_id,
                accession.status,
                accession.updated_at,
            )
        # The real jobcenters are the demo's: the one it leaves without an accession stays so.
        assert nrw_accessions.count() == len(demo)
        assert not Accession.objects.filter(jobcenter__name__in=DEMO_NOT_STARTED).exists()
        # The other states have theirs.
        assert Accession.objects.exclude(agreement=nrw).count() > 300
        # The demo's measures and key figures are kept; the seeded ones come on top, and only
        # the years a jobcenter has not reported are added (Hagen reported 2018 to 2025).
        for measure in Measure.objects.filter(pk__in=demo_measures):
            assert demo_measures[measure.pk] == (
                measure.title,
                measure.status,
                measure.publication,
                measure.updated_at,
            )
        assert Measure.objects.count() == len(demo_measures) + 20_000
        figures = {
            (row.jobcenter_id, row.year): [getattr(row, name) for name in KEY_FIGURE_FIELDS]
            for row in KeyFigures.objects.all()
        }
        assert {key: figures[key] for key in demo_figures} == demo_figures
        hagen = KeyFigures.objects.filter(jobcenter__name="Jobcenter Hagen")
        assert set(hagen.values_list("year", flat=True)) == (
            set(key_figure_years()) | set(HAGEN_KEY_FIGURES)
        )
        outside = sum(1 for _jobcenter, year in demo_figures if year not in key_figure_years())
        assert len(figures) == 405 * 10 + outside
        before = counts()
        assert "Nichts Neues" in seed()
        assert counts() == before


def test_factor_two_seeds_twice_germany_and_a_second_run_creates_nothing():
    out = io.StringIO()

    call_command("seed_scale", force=True, factor=2, stdout=out)

    assert Jobcenter.objects.count() == 810
    assert Measure.objects.count() == 40_000
    assert FrameworkAgreement.objects.count() == 16
    for state, plan in PLAN.items():
        jobcenters = Jobcenter.objects.filter(state=state)
        assert jobcenters.filter(region_kind=RegionKind.KREIS).count() == 2 * plan.kreise
        assert jobcenters.filter(region_kind=RegionKind.KREISFREIE_STADT).count() == 2 * plan.cities
    assert Jobcenter.objects.filter(name="Jobcenter Landkreis Bayern 134").exists()
    assert "Ziel: 810 Jobcenter in 16 Ländern." in out.getvalue()
    before = counts()
    call_command("seed_scale", force=True, factor=2, stdout=io.StringIO())
    assert counts() == before


def test_four_times_germany_has_80000_measures_of_about_25_to_75_a_jobcenter():
    counts = measure_counts(scaled_plan(4), 80_000)

    assert len(counts) == 1620
    assert sum(counts) == 80_000
    assert min(counts) >= 20 and max(counts) <= 80


def test_a_factor_below_one_is_refused():
    with pytest.raises(CommandError, match="--factor"):
        call_command("seed_scale", force=True, factor=0, stdout=io.StringIO())
    assert not Jobcenter.objects.exists()
