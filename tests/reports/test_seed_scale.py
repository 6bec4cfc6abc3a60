import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from jobcenters.models import NOT_STARTED, Accession, AccessionStatus, Jobcenter, JobcenterForm
from reports.demo import NOT_STARTED as DEMO_NOT_STARTED
from reports.demo import load_demo
from reports.scale import PLAN, accession_status

pytestmark = pytest.mark.django_db


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
    }


def test_it_creates_a_germany_sized_data_set():
    output = seed()

    assert Jobcenter.objects.count() == 405
    assert set(Jobcenter.objects.values_list("state", flat=True)) == set(State.values)
    assert FrameworkAgreement.objects.count() == 16
    assert ActionField.objects.count() == 96
    assert "405 Jobcenter" in output
    assert f"{Accession.objects.count()} Beitritte" in output


def test_every_state_has_its_parties_and_one_agreement_with_six_fields():
    seed()

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


def test_city_states_have_only_city_jobcenters():
    seed()

    for state in (State.BE, State.HH, State.HB):
        kinds = set(Jobcenter.objects.filter(state=state).values_list("region_kind", flat=True))
        assert kinds == {RegionKind.KREISFREIE_STADT}


def test_about_two_thirds_are_joint_institutions():
    seed()

    share = Jobcenter.objects.filter(form=JobcenterForm.GE).count() / 405
    assert 0.6 < share < 0.75


def test_names_are_deterministic():
    seed()

    assert Jobcenter.objects.filter(
        state=State.BY, name="Jobcenter Landkreis Bayern 017", region_kind=RegionKind.KREIS
    ).exists()


def test_a_second_run_creates_nothing():
    seed()
    before = counts()

    output = seed()

    assert counts() == before
    assert "Nichts Neues" in output


def test_every_jobcenter_has_an_association():
    seed()

    jobcenters = Jobcenter.objects.with_association()
    assert jobcenters.count() == 405
    assert not jobcenters.filter(association_id__isnull=True).exists()
    for jobcenter in jobcenters.filter(state=State.BY)[:5]:
        assert jobcenter.association_name == jobcenter.association.name


def test_with_the_demo_data_nrw_keeps_its_53_real_jobcenters():
    load_demo()
    nrw_before = set(Jobcenter.objects.filter(state=State.NW).values_list("pk", flat=True))
    assert len(nrw_before) == 53

    seed()

    assert set(Jobcenter.objects.filter(state=State.NW).values_list("pk", flat=True)) == (
        nrw_before
    )
    assert Jobcenter.objects.count() == 405
    # The demo's NRW agreement and parties are used, not duplicated.
    nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
    assert nrw.action_fields.count() == 6
    assert nrw.parties.filter(kind=OrganisationKind.MUNICIPAL_ASSOCIATION).count() == 2
    assert Organisation.objects.filter(state=State.NW, kind=OrganisationKind.MINISTRY).count() == 1
    assert not Jobcenter.objects.with_association().filter(association_id__isnull=True).exists()


def standings(agreement):
    return Counter(
        Jobcenter.objects.filter(state=agreement.state)
        .with_accession(agreement)
        .values_list("accession_status", flat=True)
    )


def test_most_jobcenters_have_joined_and_some_stand_elsewhere():
    seed()

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


def test_every_state_has_a_mix_of_its_own():
    seed()

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


def test_the_status_follows_the_jobcenters_number():
    seed()

    bayern = Jobcenter.objects.filter(state=State.BY).order_by("name")
    for number in (5, 7, 9, 14, 17, 20):
        jobcenter = bayern[number - 1]
        status = Accession.objects.filter(jobcenter=jobcenter).values_list("status", flat=True)
        expected = accession_status(number)
        assert list(status) == ([expected] if expected else [])
    assert Accession.objects.get(jobcenter__name="Jobcenter Landkreis Bayern 005").status == (
        AccessionStatus.WITHDRAWN
    )


def test_the_accessions_have_consistent_dates_and_forms():
    # The database checks the model's constraints on insert; the fields are checked here.
    seed()

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


def test_the_demo_accessions_are_left_alone():
    load_demo()
    nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
    demo = {
        accession.pk: (accession.jobcenter_id, accession.status, accession.updated_at)
        for accession in Accession.objects.filter(agreement=nrw)
    }
    assert demo

    seed()

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
    before = counts()
    assert "Nichts Neues" in seed()
    assert counts() == before


def test_it_refuses_to_seed_a_production_database(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_scale", stdout=io.StringIO())
    assert not Jobcenter.objects.exists()
    assert not Accession.objects.exists()
