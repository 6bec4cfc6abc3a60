"""Headers, the Content Security Policy and settings that keep production safe."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.pages import OK, PAGES

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def response(client, db):
    return client.get("/")


def test_every_response_carries_a_strict_content_security_policy(response):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_responses_forbid_sniffing_framing_and_leaking_referrers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_carry_hsts(client, db):
    response = client.get("/", secure=True)

    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.parametrize("page", [p for p in PAGES if OK in p.expect.values()], ids=lambda p: p.id)
@pytest.mark.usefixtures("accession_world")
def test_no_page_has_inline_script_or_style(client, users, page):
    user_kind = next(kind for kind, status in page.expect.items() if status == OK)
    if user_kind != "anonymous":
        client.force_login(getattr(users, user_kind))

    html = client.get(page.url()).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_passwords_need_twelve_characters(db):
    with pytest.raises(ValidationError) as error:
        validate_password("kurz-1234")
    assert "mindestens 12 Zeichen" in " ".join(error.value.messages)


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def _settings_in_subprocess(**env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_demo_starts_without_a_secret_key():
    assert _settings_in_subprocess(DJANGO_DEBUG="true").returncode == 0
