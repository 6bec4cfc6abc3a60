"""The measures list's filter choices: read once per data state in a process, and what
changed is offered at the next page load (``core.forms.remembered``).

These tests commit: outside a transaction the page keeps what it read, as a server does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from agreements.models import ActionField, FrameworkAgreement
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def measure_list(client):
    """The page's HTML, and whether it read the filter's choices (their union query)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("measures:list"))
    assert response.status_code == 200
    read = any("choice_part" in query["sql"] for query in queries.captured_queries)
    return response.content.decode(), read


@pytest.fixture
def ministry(client, users):
    client.force_login(users.ministry)
    return client


def test_an_unchanged_filter_reads_its_choices_once(ministry):
    _html, first = measure_list(ministry)
    _html, second = measure_list(ministry)

    assert (first, second) == (True, False)


def test_another_organisation_gets_its_own_choices(ministry, client, users):
    measure_list(ministry)
    client.force_login(users.hessen_ministry)

    html, read = measure_list(client)

    assert read
    assert "Entwurf Hessen" in html
    assert "Rahmenvereinbarung Inklusion NRW" not in html


def rename_association(nrw):
    Organisation.objects.filter(pk=nrw.landkreistag.pk).update(name="Landkreistag Nordrhein")


def add_action_field(nrw):
    ActionField.objects.create(agreement=nrw.agreement, number=7, title="Mobilität")


def add_agreement(nrw):
    factories.AgreementFactory(short_title="Vereinbarung Jugend NRW")


@pytest.mark.parametrize(
    ("change", "offered"),
    [
        (rename_association, ">Landkreistag Nordrhein</option>"),
        (add_action_field, ">Rahmenvereinbarung Inklusion NRW: 7. Mobilität</option>"),
        (add_agreement, ">Vereinbarung Jugend NRW</option>"),
    ],
)
def test_what_changed_is_offered_at_the_next_load(ministry, nrw, change, offered):
    measure_list(ministry)
    change(nrw)

    html, read = measure_list(ministry)

    assert read
    assert offered in html


def test_a_deleted_agreement_is_no_longer_offered(ministry, nrw):
    measure_list(ministry)
    FrameworkAgreement.objects.filter(pk=nrw.agreement.pk).delete()

    html, read = measure_list(ministry)

    assert read
    assert "Rahmenvereinbarung Inklusion NRW" not in html


def test_another_states_change_keeps_the_choices(ministry, hessen):
    measure_list(ministry)
    Organisation.objects.filter(pk=hessen.landkreistag.pk).update(name="Hessischer Landkreistag")

    _html, read = measure_list(ministry)

    assert not read
