"""A list whose filter choices were kept (``core.forms.remembered``) is the same page as one
that read them: for every role, the second load of each list with such a filter.

These tests commit: outside a transaction the pages keep what they read, as a server does.
"""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobcenters.models import Jobcenter
from reports.middleware import DataVersionsOncePerRequest
from reports.states import filter_choices_state, read_once, rows_state
from tests import factories
from tests.pages import USERS

pytestmark = pytest.mark.django_db(transaction=True)

# Each response masks the CSRF token anew.
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')

LISTS = {
    "measures": lambda nrw: reverse("measures:list"),
    "registry": lambda nrw: reverse("jobcenters:list"),
    "key figures": lambda nrw: reverse("measures:key-figures"),
    "accession overview": lambda nrw: reverse("accessions:jobcenters", args=[nrw.agreement.pk]),
    "coverage": lambda nrw: reverse("measures:coverage", args=[nrw.agreement.pk]),
}


def _load(client, url):
    response = client.get(url)
    return response.status_code, _TOKEN.sub("", response.content.decode())


@pytest.mark.parametrize("name", LISTS)
def test_a_list_with_kept_choices_is_the_page_that_read_them(client, users, nrw, name):
    url = LISTS[name](nrw)
    for kind in USERS[1:]:
        client.force_login(getattr(users, kind))
        first = _load(client, url)

        assert _load(client, url) == first, kind


def _counter_reads(queries):
    return sum('FROM "reports_dataversion"' in query["sql"] for query in queries)


@pytest.mark.parametrize("name", ["measures", "registry", "accession overview"])
def test_a_list_reads_the_data_state_counters_once_for_its_choices_and_its_count(
    client, users, nrw, name
):
    client.force_login(users.ministry)
    url = LISTS[name](nrw)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    # The filter choices' key and the count's key, from one read (DataVersionsOncePerRequest).
    assert _counter_reads(queries.captured_queries) == 1


def test_the_keys_read_the_counters_afresh_outside_a_reading_request(nrw):
    with CaptureQueriesContext(connection) as queries:
        filter_choices_state(None)
        rows_state(Jobcenter.objects.all(), "count")
    with CaptureQueriesContext(connection) as once, read_once():
        filter_choices_state(None)
        rows_state(Jobcenter.objects.all(), "count")

    assert _counter_reads(queries.captured_queries) == 2
    assert _counter_reads(once.captured_queries) == 1


def test_a_post_reads_the_counters_afresh_after_its_write(nrw):
    """A POST may move the counters between two keys: it never shares one read."""
    seen = []
    request = RequestFactory().post("/")

    def view(request):
        seen.append(filter_choices_state(None))
        factories.JobcenterFactory(state=nrw.agreement.state)  # moves state:<code>
        seen.append(filter_choices_state(None))
        return HttpResponse()

    DataVersionsOncePerRequest(view)(request)

    assert seen[0] != seen[1]
