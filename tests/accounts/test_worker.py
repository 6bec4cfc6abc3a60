"""The real worker process sends what the services queue (Redis, PostgreSQL)."""

import email
import re

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import user_create

pytestmark = pytest.mark.worker


def _mails(mail_dir):
    if not mail_dir.exists():
        return []
    messages = []
    for path in sorted(mail_dir.iterdir()):
        # The file backend writes each message followed by a line of dashes.
        for part in path.read_text().split("-" * 79):
            if part.strip():
                messages.append(email.message_from_string(part.strip()))
    return messages


def test_a_new_user_can_set_a_password_through_the_link_the_worker_sends(
    celery_worker, wait_for, client, nrw
):
    user_create(
        actor=None,
        username="neu",
        email="neu@example.org",
        organisation=nrw.ministry,
        role="ministry_staff",
    )

    assert wait_for(lambda: _mails(celery_worker.mail_dir), 60), celery_worker.log.read_text()
    [message] = _mails(celery_worker.mail_dir)
    assert message["To"] == "neu@example.org"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+(/passwort/setzen/\S+/)", body).group(1)

    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "ein-langes-passwort-2026", "new_password2": "ein-langes-passwort-2026"},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert User.objects.get(username="neu").check_password("ein-langes-passwort-2026")
