"""Every page, opened by every kind of user: the status the access rules promise.

The table is ``tests/pages.py``. An owner, a colleague of another organisation, an
association of the other kind, an outsider of another state and an anonymous visitor
are all among ``USERS``.
"""

import pytest
from django.urls import reverse

from tests.conftest import private_storage
from tests.pages import LOGIN, OK, PAGES, USERS

FORMS = [page for page in PAGES if page.invalid_post]
# Pages with a form that shows errors: sent by POST, or (search forms) by GET.
ALL_FORMS = [page for page in PAGES if page.invalid_data]

pytestmark = pytest.mark.django_db


# The tests only read: they share one world for the module (``shared_world``), each in a
# savepoint, instead of building it 800 times.
@pytest.fixture
def users(shared_world):
    return shared_world.users


@pytest.fixture(autouse=True)
def private_media(settings, shared_world):
    settings.STORAGES = private_storage(shared_world.media)
    return shared_world.media


def _client_for(client, users, user_kind):
    if user_kind != "anonymous":
        client.force_login(getattr(users, user_kind))
    return client


def _assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_get_answers_as_the_rules_say(client, users, page, user_kind):
    response = _client_for(client, users, user_kind).get(page.url())
    _assert_status(response, page.expect[user_kind])


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize("page", FORMS, ids=lambda page: page.id)
def test_post_answers_as_the_rules_say(client, users, page, user_kind):
    response = _client_for(client, users, user_kind).post(page.url(), page.invalid_post)
    _assert_status(response, page.expect[user_kind])


@pytest.mark.parametrize("page", ALL_FORMS, ids=lambda page: page.id)
def test_invalid_data_shows_the_form_with_errors_at_the_fields(client, users, page):
    user_kind = next(kind for kind in USERS if page.expect[kind] == OK)
    client = _client_for(client, users, user_kind)
    if page.invalid_post:
        response = client.post(page.url(), page.invalid_post)
    else:
        response = client.get(page.url(), page.invalid_query)
    assert response.status_code == OK
    content = response.content.decode()
    assert 'class="alert alert-danger error-summary"' in content
    assert 'aria-invalid="true"' in content
