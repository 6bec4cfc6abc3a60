import pytest
from django.urls import reverse

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")

LOGIN = reverse("login")


def test_a_user_logs_in_and_lands_on_the_start_page(client, users, password):
    response = client.post(LOGIN, {"username": users.ministry.username, "password": password})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_password_is_named_in_german_at_the_password_field(client, users):
    response = client.post(LOGIN, {"username": users.ministry.username, "password": "falsch"})

    content = response.content.decode()
    assert "Benutzername oder Passwort stimmen nicht." in content
    assert 'aria-describedby="id_password_error"' in content
    assert f'value="{users.ministry.username}"' in content


@pytest.mark.parametrize("username", ["x" * 300, "nie\x00mand"])
def test_a_user_name_no_account_can_have_is_named_at_its_field(client, db, username):
    response = client.post(LOGIN, {"username": username, "password": "falsch"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_repeated_failed_logins_lock_the_account_for_a_while(client, users, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": users.ministry.username, "password": "falsch"})

    response = client.post(LOGIN, {"username": users.ministry.username, "password": password})

    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()


def test_a_lockout_does_not_touch_other_users(client, users, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": users.ministry.username, "password": "falsch"})

    response = client.post(LOGIN, {"username": users.staedtetag.username, "password": password})

    assert response.status_code == 302


def test_behind_the_proxy_a_lockout_holds_one_client_not_everybody(
    client, users, password, settings
):
    settings.PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "REMOTE_ADDR": "10.0.0.2"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    wrong = {"username": users.ministry.username, "password": "falsch"}
    right = {"username": users.ministry.username, "password": password}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, wrong, **attacker)

    locked = client.post(LOGIN, right, **attacker)
    # What the attacker writes into the header stands left of what the proxy adds.
    spoofed = client.post(
        LOGIN, right, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5", REMOTE_ADDR="10.0.0.2"
    )
    allowed = client.post(LOGIN, right, **colleague)

    assert (locked.status_code, spoofed.status_code) == (429, 429)
    assert allowed.status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, users):
    client.force_login(users.ministry)

    response = client.post(reverse("logout"))

    assert response.url == reverse("public-home")
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_refused(client, users):
    client.force_login(users.ministry)

    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.parametrize(
    ("user_kind", "text"),
    [
        ("ministry", "Jobcenter im Land"),
        ("directorate", "zum Lesen"),
        ("landkreistag", "Jobcenter Ihrer Mitglieder"),
        ("city_manager", "Jobcenter Düsseldorf"),
        ("admin", "Jobcenter aus CSV einlesen"),
    ],
)
def test_the_start_page_offers_what_the_role_comes_to_do(client, users, user_kind, text):
    client.force_login(getattr(users, user_kind))

    assert text in client.get(reverse("home")).content.decode()
