import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, OrganisationKind, RegionKind, State
from agreements.models import ActionField, FrameworkAgreement
from jobcenters.models import Jobcenter, JobcenterForm
from reports.demo import load_demo
from reports.scale import PLAN

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
    }


def test_it_creates_a_germany_sized_data_set():
    output = seed()

    assert Jobcenter.objects.count() == 405
    assert set(Jobcenter.objects.values_list("state", flat=True)) == set(State.values)
    assert FrameworkAgreement.objects.count() == 16
    assert ActionField.objects.count() == 96
    assert "405 Jobcenter" in output


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


def test_it_refuses_to_seed_a_production_database(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_scale", stdout=io.StringIO())
    assert not Jobcenter.objects.exists()
