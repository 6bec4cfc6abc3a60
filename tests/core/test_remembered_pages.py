"""A list whose filter choices were kept (``core.forms.remembered``) is the same page as one
that read them: for every role, the second load of each list with such a filter.

These tests commit: outside a transaction the pages keep what they read, as a server does.
"""

import re

import pytest
from django.urls import reverse

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
