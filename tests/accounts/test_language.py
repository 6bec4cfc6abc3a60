import io

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.middleware import LanguageMiddleware


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


def test_a_stream_is_written_in_the_pages_language_and_a_file_is_left_alone():
    request = RequestFactory().get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Written only when sent, after the middleware returned.
    stream = LanguageMiddleware(
        lambda request: StreamingHttpResponse(gettext("Stand") for _chunk in [1])
    )(request)
    file = io.BytesIO(b"%PDF-1.7")
    download = LanguageMiddleware(lambda request: FileResponse(file))(request)

    with translation.override("de"):
        assert b"".join(stream.streaming_content) == b"Status"
    # The server sends a file itself (wsgi.file_wrapper): nothing is put in between.
    assert download.file_to_stream is file
