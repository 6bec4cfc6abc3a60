"""The error pages a user meets: German (English when chosen), with the site around them.

Django's own are one English line without ``lang``, navigation or a way back.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from accessions.models import Accession, AccessionStatus


def _main(response):
    text = response.content.decode()
    return text[text.index('<main id="inhalt"') :]


@pytest.mark.django_db
def test_a_missing_page_says_so_in_german_with_the_navigation(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="de">' in text
    assert "<h1>Seite nicht gefunden</h1>" in text
    assert 'aria-label="Hauptnavigation"' in text
    assert f'href="{reverse("public-home")}">Zur Startseite</a>' in _main(response)


@pytest.mark.django_db
def test_a_missing_page_speaks_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/gibt-es-nicht/")

    assert '<html lang="en">' in response.content.decode()
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_foreign_object_is_a_404_page_that_leads_home(client, users, accession_world):
    client.force_login(users.hessen_manager)
    foreign = reverse("accessions:detail", args=[accession_world.draft.pk])

    response = client.get(foreign)

    assert response.status_code == 404
    assert f'href="{reverse("home")}">Zur Startseite</a>' in _main(response)


@pytest.mark.django_db
def test_a_refused_step_says_nothing_changed_and_leads_back(client, users, accession_world):
    client.force_login(users.kreis_manager)
    draft = accession_world.draft
    Accession.objects.filter(pk=draft.pk).update(
        status=AccessionStatus.SUBMITTED, signed_form="signed-forms/0.pdf"
    )
    here = "http://testserver" + reverse("accessions:detail", args=[draft.pk])

    response = client.get(reverse("accessions:edit", args=[draft.pk]), HTTP_REFERER=here)

    assert response.status_code == 403
    assert "<h1>Nicht erlaubt</h1>" in response.content.decode()
    assert "Es wurde nichts geändert." in response.content.decode()
    assert f'href="{here}">Zurück zur vorigen Seite</a>' in _main(response)


@pytest.mark.django_db
def test_an_expired_form_says_what_to_do():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "<h1>Formular abgelaufen</h1>" in response.content.decode()
    assert "Es wurde nichts gespeichert." in response.content.decode()


def test_a_server_error_page_needs_neither_database_nor_user():
    # No django_db mark: a database query here would fail the test.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="de">' in text
    assert "<h1>Ein Fehler ist aufgetreten</h1>" in text
    assert 'href="/">Zur Startseite</a>' in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "referer", ["https://evil.example/phish", "javascript:alert(1)", "//evil.example/"]
)
def test_a_refused_step_leads_back_only_to_our_own_pages(client, users, accession_world, referer):
    client.force_login(users.kreis_manager)
    draft = accession_world.draft
    Accession.objects.filter(pk=draft.pk).update(
        status=AccessionStatus.SUBMITTED, signed_form="signed-forms/0.pdf"
    )

    response = client.get(reverse("accessions:edit", args=[draft.pk]), HTTP_REFERER=referer)

    assert response.status_code == 403
    assert "Zurück zur vorigen Seite" not in response.content.decode()
    assert "evil.example" not in response.content.decode()
