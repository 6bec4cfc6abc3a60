"""How many jobcenters the registry and the list of where they stand have is counted once
per data state in a process (``core.paging.counts``, keyed by
``reports.states.rows_state``), and what changed is counted at the next page load.

These tests commit: outside a transaction the page keeps what it counted, as a server does.
"""

import datetime

import pytest
from django.urls import reverse

from accessions.models import Accession, AccessionStatus
from accounts.models import Organisation, State
from tests import factories
from tests.kept_counts import counted_get

pytestmark = pytest.mark.django_db(transaction=True)


def shown(client, url, **query):
    """How many jobcenters the list has, and whether it counted them."""
    response, counted = counted_get(client, url, **query)
    return response.context["page"].paginator.count, counted


@pytest.fixture
def ministry(client, users, accession_world):
    client.force_login(users.ministry)
    return client


@pytest.fixture
def standings(nrw):
    return reverse("accessions:jobcenters", args=[nrw.agreement.pk])


REGISTRY = reverse("jobcenters:list")


def test_an_unchanged_registry_counts_once(ministry):
    assert (shown(ministry, REGISTRY), shown(ministry, REGISTRY)) == ((4, True), (4, False))


def test_a_new_jobcenter_is_counted_at_the_next_load(ministry, standings):
    shown(ministry, REGISTRY)
    shown(ministry, standings)

    factories.JobcenterFactory(name="Jobcenter Hagen")

    assert shown(ministry, REGISTRY) == (5, True)
    assert shown(ministry, standings) == (5, True)


def test_a_jobcenter_moved_to_another_state_leaves_the_list_at_the_next_load(ministry, nrw):
    shown(ministry, REGISTRY, form="gE")

    Organisation.objects.filter(pk=nrw.city_jobcenter.pk).update(state=State.BE)

    assert shown(ministry, REGISTRY, form="gE") == (3, True)


def test_an_unchanged_standing_filter_counts_once(ministry, standings):
    first = shown(ministry, standings, standing=AccessionStatus.SUBMITTED)

    assert first == (1, True)
    assert shown(ministry, standings, standing=AccessionStatus.SUBMITTED) == (1, False)


def test_an_accession_decided_is_counted_at_the_next_load(ministry, standings, accession_world):
    shown(ministry, standings, standing=AccessionStatus.ACCEPTED)

    Accession.objects.filter(pk=accession_world.submitted.pk).update(
        status=AccessionStatus.ACCEPTED, joined_on=datetime.date(2026, 11, 2)
    )

    assert shown(ministry, standings, standing=AccessionStatus.ACCEPTED) == (2, True)
    assert shown(ministry, standings, standing=AccessionStatus.SUBMITTED) == (0, True)


def test_a_new_accession_is_counted_at_the_next_load(ministry, standings, accession_world, nrw):
    shown(ministry, standings, standing="not_started")

    factories.AccessionFactory(jobcenter=accession_world.bochum, agreement=nrw.agreement)

    assert shown(ministry, standings, standing="not_started") == (0, True)
