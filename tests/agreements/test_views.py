import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.terms import agreement_term
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")


def test_the_agreement_page_shows_parties_action_fields_term_and_notice_deadline(client, nrw):
    agreement = factories.AgreementFactory(yearly=True, short_title="JobCenterJugend")
    agreement.parties.add(nrw.ministry)
    factories.ActionFieldFactory(agreement=agreement, number=1, title="Gewinnung der Arbeitgeber")
    term = agreement_term(agreement, on=timezone.localdate())

    response = client.get(reverse("agreements:detail", args=[agreement.pk]))

    content = response.content.decode()
    assert "MAGS NRW" in content
    assert "Gewinnung der Arbeitgeber" in content
    assert f"{term.current_end:%d.%m.%Y}" in content
    assert f"{term.notice_deadline:%d.%m.%Y}" in content
    assert "verlängert sich jeweils um 12 Monate" in content


def test_an_agreement_without_term_says_it_is_open_ended(client, nrw):
    response = client.get(reverse("agreements:detail", args=[nrw.agreement.pk]))

    content = response.content.decode()
    assert "unbefristet" in content
    assert "Nächste Kündigungsfrist" in content


@pytest.mark.parametrize("count", [2, 16])
def test_the_agreement_list_runs_the_same_queries_for_2_and_16_agreements(
    client, nrw, count, django_assert_num_queries
):
    for _number in range(count):
        agreement = factories.AgreementFactory()
        agreement.parties.add(nrw.ministry, nrw.staedtetag)
        factories.ActionFieldFactory(agreement=agreement)
    # agreements with their action field count; their parties.
    with django_assert_num_queries(2):
        response = client.get(reverse("agreements:list"))
    assert len(response.context["agreements"]) == count + 1


@pytest.fixture
def three_agreements(nrw):
    """As in the demo: Hessen's (signed 2016), JobCenterJugend (in force 2004), NRW's (2018)."""
    signed = datetime.date(2016, 1, 26)
    factories.AgreementFactory(
        state="HE",
        short_title="Kooperationsvereinbarung Hessen",
        signed_on=signed,
        in_force_from=signed,
    )
    factories.AgreementFactory(yearly=True, short_title="JobCenterJugend Kamen und Unna")
    return ["Rahmenvereinbarung Inklusion NRW", "JobCenterJugend Kamen und Unna"]


def test_the_start_page_shows_the_state_s_agreements_first_newest_signed_first(
    client, three_agreements
):
    response = client.get(reverse("public-home"))

    titles = [agreement.short_title for agreement in response.context["agreements"]]
    assert titles == [*three_agreements, "Kooperationsvereinbarung Hessen"]


def test_a_user_s_start_page_shows_the_own_state_s_agreements_first(
    client, users, three_agreements
):
    client.force_login(users.hessen_ministry)

    response = client.get(reverse("home"))

    titles = [agreement.short_title for agreement in response.context["agreements"]]
    # Hessen's own (its unpublished draft signed 2018 first), then the others.
    assert titles == ["Entwurf Hessen", "Kooperationsvereinbarung Hessen", *three_agreements]


def test_a_jobcenter_manager_finds_the_own_accession_on_the_agreement_page(
    client, nrw, users, accession_world
):
    # The agreement is where a jobcenter comes to join: it leads to the accession.
    client.force_login(users.kreis_manager)
    response = client.get(reverse("agreements:detail", args=[nrw.agreement.pk]))

    content = response.content.decode()
    assert "Beitritt von Jobcenter Kreis Steinfurt" in content
    assert f'href="{accession_world.draft.get_absolute_url()}">Ihr Beitritt</a>' in content
    assert "Beitritt beginnen" not in content


def test_a_jobcenter_manager_without_an_accession_can_start_it_on_the_agreement_page(client, nrw):
    jobcenter = factories.JobcenterFactory(name="Jobcenter Essen")
    client.force_login(factories.UserFactory(organisation=jobcenter, role="jobcenter_manager"))
    page = reverse("agreements:detail", args=[nrw.agreement.pk])

    content = client.get(page).content.decode()
    start = reverse("accessions:start", args=[jobcenter.pk, nrw.agreement.pk])
    assert f'action="{start}"' in content
    assert "Beitritt beginnen" in content

    response = client.post(start)
    accession = jobcenter.accessions.get()
    assert response.url == reverse("accessions:edit", args=[accession.pk])
    assert "Ihr Beitritt" in client.get(page).content.decode()


@pytest.mark.parametrize("user_kind", ["ministry", "directorate", "staedtetag", "anonymous"])
def test_who_is_no_jobcenter_manager_is_offered_no_accession_on_the_agreement_page(
    client, nrw, users, accession_world, user_kind
):
    if user_kind != "anonymous":
        client.force_login(getattr(users, user_kind))
    content = client.get(reverse("agreements:detail", args=[nrw.agreement.pk])).content.decode()

    assert "Ihr Beitritt" not in content
    assert "Beitritt beginnen" not in content


def test_a_jobcenter_the_agreement_is_not_open_to_is_offered_no_start(client, nrw, users):
    other = factories.AgreementFactory(state="HE", short_title="Hessen")
    client.force_login(users.city_manager)

    content = client.get(reverse("agreements:detail", args=[other.pk])).content.decode()

    assert "Beitritt beginnen" not in content
