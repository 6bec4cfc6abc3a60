"""The start page names what waits for each role, with links that open it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accessions import services as accessions_services
from tests import factories

pytestmark = pytest.mark.django_db


def _section(client, user, key):
    """The start page's part on ``key`` as ``user`` sees it (empty when it has none)."""
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    start = page.find(f'aria-labelledby="wartet-{key}"')
    if start == -1:
        return ""
    return page[start : page.find("</section>", start)]


def _opens(client, user, url, text):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_the_ministry_finds_the_submitted_accessions_to_review(client, users, accession_world):
    submitted = accession_world.submitted
    hessen = factories.AccessionFactory(
        jobcenter=factories.JobcenterFactory(state="HE", name="Jobcenter Fulda"), submitted=True
    )

    section = _section(client, users.ministry, "accessions")

    assert "Jobcenter Kreis Olpe – Rahmenvereinbarung Inklusion NRW" in section
    assert f'href="{submitted.get_absolute_url()}"' in section
    assert "Jobcenter Fulda" not in section
    assert hessen.get_absolute_url() not in section
    _opens(client, users.ministry, submitted.get_absolute_url(), "Jobcenter Kreis Olpe")


def test_the_ministry_finds_the_proposals_for_the_catalogue(client, users, accession_world):
    proposal = accession_world.proposed_measure

    section = _section(client, users.ministry, "proposals")

    assert f'<a href="{proposal.get_absolute_url()}">{proposal.title}</a>' in section
    assert "Jobcenter Bochum" in section
    _opens(client, users.ministry, proposal.get_absolute_url(), proposal.title)


def test_a_decided_proposal_no_longer_waits(client, users, accession_world):
    from measures import services

    services.measure_publish(measure=accession_world.proposed_measure, user=users.ministry)

    section = _section(client, users.ministry, "proposals")
    assert accession_world.proposed_measure.title not in section
    assert "Zurzeit nichts." in section


def test_the_manager_finds_a_returned_accession_until_it_is_submitted_again(
    client, users, nrw, accession_world
):
    returned = factories.AccessionFactory(
        jobcenter=nrw.city_jobcenter,
        agreement=factories.AgreementFactory(short_title="JobCenterJugend"),
        returned=True,
    )
    factories.PlannedMeasureFactory(accession=returned)

    section = _section(client, users.city_manager, "accessions")
    assert f'href="{returned.get_absolute_url()}"' in section
    assert "zurückgegeben: bitte überarbeiten" in section
    assert returned.get_absolute_url() not in _section(client, users.kreis_manager, "accessions")
    _opens(client, users.city_manager, returned.get_absolute_url(), "Die Unterschrift fehlt.")

    accessions_services.accession_submit(accession=returned, user=users.city_manager)

    assert returned.get_absolute_url() not in _section(client, users.city_manager, "accessions")


def test_the_manager_finds_a_circular_just_sent_to_the_jobcenter(client, users, nrw):
    new = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=7, sent_at=timezone.now()
    )
    factories.CircularRecipientFactory(circular=new, jobcenter=nrw.kreis_jobcenter)
    old = factories.CircularFactory(
        association=nrw.landkreistag,
        final=True,
        number=8,
        subject="Ein altes Rundschreiben",
        sent_at=timezone.now() - datetime.timedelta(days=40),
    )
    factories.CircularRecipientFactory(circular=old, jobcenter=nrw.kreis_jobcenter)

    section = _section(client, users.kreis_manager, "circulars")

    assert f'href="{new.get_absolute_url()}"' in section
    assert f"Nr. {new.number_label}" in section
    assert old.get_absolute_url() not in section
    assert new.get_absolute_url() not in _section(client, users.city_manager, "circulars")
    _opens(client, users.kreis_manager, new.get_absolute_url(), new.subject)


def test_the_association_finds_its_drafts_and_what_it_has_not_sent(client, users, accession_world):
    draft, unsent = accession_world.draft_circular, accession_world.unsent_circular

    drafts = _section(client, users.staedtetag, "drafts")
    not_sent = _section(client, users.staedtetag, "unsent")

    assert f'href="{draft.get_absolute_url()}"' in drafts
    assert f'href="{unsent.get_absolute_url()}#versand"' in not_sent
    assert draft.get_absolute_url() not in _section(client, users.landkreistag, "drafts")
    _opens(client, users.staedtetag, unsent.get_absolute_url(), "Wer eine E-Mail erhält")


def test_a_long_queue_shows_five_and_links_all(client, users, nrw):
    for number in range(7):
        factories.AccessionFactory(
            jobcenter=factories.JobcenterFactory(name=f"Jobcenter {number}"),
            agreement=nrw.agreement,
            submitted=True,
        )

    section = _section(client, users.ministry, "accessions")

    assert section.count("<li>") == 5
    assert f'<a href="{reverse("accessions:queue")}"' in section
    assert "Alle 7 ansehen" in section


@pytest.mark.parametrize("count", [1, 8])
def test_the_ministrys_start_page_runs_a_fixed_number_of_queries(
    client, users, nrw, count, django_assert_num_queries
):
    for number in range(count):
        factories.AccessionFactory(
            jobcenter=factories.JobcenterFactory(name=f"Jobcenter {number}"),
            agreement=nrw.agreement,
            submitted=True,
        )
    client.force_login(users.ministry)

    # 6 for the page as it was; the count and the first five of the submitted accessions,
    # the count of the proposals (there are none, so no list).
    with django_assert_num_queries(9):
        assert client.get(reverse("home")).status_code == 200
