"""How many circulars a list has is counted once per data state in a process
(``core.paging.counts``, keyed by ``reports.states.rows_state``: the counters of migration
``reports.0004``), and what changed is counted at the next page load.

These tests commit: outside a transaction the page keeps what it counted, as a server does.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, State
from circulars.models import Circular, CircularStatus
from tests import factories
from tests.kept_counts import counted_get

pytestmark = pytest.mark.django_db(transaction=True)

LIST = reverse("circulars:list")


def shown(client):
    """How many circulars the list has, and whether it counted them."""
    response, counted = counted_get(client, LIST)
    return response.context["page"].paginator.count, counted


@pytest.fixture
def ministry(client, users, accession_world):
    client.force_login(users.ministry)
    return client


def test_an_unchanged_list_counts_once(ministry):
    assert (shown(ministry), shown(ministry)) == ((2, True), (2, False))


def test_a_new_circular_is_counted_at_the_next_load(ministry, nrw):
    shown(ministry)

    factories.CircularFactory(association=nrw.landkreistag, final=True, number=152)

    assert shown(ministry) == (3, True)


def test_a_deleted_circular_is_counted_at_the_next_load(ministry, accession_world):
    shown(ministry)

    Circular.objects.filter(pk=accession_world.unsent_circular.pk).delete()

    assert shown(ministry) == (1, True)


def test_a_draft_made_final_is_counted_at_the_next_load(ministry, accession_world):
    shown(ministry)

    Circular.objects.filter(pk=accession_world.draft_circular.pk).update(
        status=CircularStatus.FINAL, number=2, year=2026, finalised_at=timezone.now()
    )

    assert shown(ministry) == (3, True)


def test_an_association_moved_to_another_state_takes_its_circulars_along(ministry, nrw):
    shown(ministry)

    Organisation.objects.filter(pk=nrw.staedtetag.pk).update(state=State.BE)

    assert shown(ministry) == (1, True)


def test_a_jobcenters_list_is_counted_each_time(client, users, accession_world):
    # Its circulars are those sent to it: the recipients move no counter.
    client.force_login(users.kreis_manager)

    assert (shown(client), shown(client)) == ((1, True), (1, True))
