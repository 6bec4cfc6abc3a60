"""The association choices of the jobcenter filters (registry, accession overview): read
once per data state and scope in a process, new at the next page load after a change.

These tests commit: outside a transaction the page keeps what it read, as a server does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def page(client, url):
    """The page's HTML, and whether it read the filter's choices (their query)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    read = any("choice_part" in query["sql"] for query in queries.captured_queries)
    return response.content.decode(), read


def test_the_registry_reads_its_association_choices_once(client, users):
    client.force_login(users.ministry)
    url = reverse("jobcenters:list")

    assert [page(client, url)[1], page(client, url)[1]] == [True, False]


def test_a_renamed_association_is_offered_under_its_new_name(client, users, nrw):
    client.force_login(users.ministry)
    url = reverse("jobcenters:list")
    page(client, url)
    Organisation.objects.filter(pk=nrw.staedtetag.pk).update(name="Städtetag Nordrhein")

    html, read = page(client, url)

    assert read
    assert ">Städtetag Nordrhein</option>" in html


def test_each_scope_gets_its_own_choices(client, users, nrw, hessen):
    client.force_login(users.ministry)
    page(client, reverse("accessions:jobcenters", args=[nrw.agreement.pk]))
    client.force_login(users.hessen_ministry)

    html, read = page(client, reverse("accessions:jobcenters", args=[hessen.agreement.pk]))

    assert read
    assert f">{hessen.landkreistag.name}</option>" in html
    assert ">Landkreistag NRW</option>" not in html


@pytest.mark.parametrize("name", ["jobcenters:list", "measures:key-figures", "measures:list"])
def test_a_user_without_an_organisation_sees_empty_filters(client, nrw, name):
    client.force_login(factories.UserFactory())

    html, _read = page(client, reverse(name))

    assert "Jobcenter Düsseldorf" not in html
    assert ">Landkreistag NRW</option>" not in html
