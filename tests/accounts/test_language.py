from django.conf import settings
from django.urls import reverse


def test_pages_are_german_even_for_an_english_browser(client, db):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="de">' in response.content.decode()
    assert "Rahmenvereinbarungen Inklusion" in response.content.decode()


def test_the_language_switch_turns_the_site_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Inclusion framework agreements" in html

    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_german(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    assert '<html lang="de">' in client.get("/").content.decode()
