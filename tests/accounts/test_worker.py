"""The real worker process sends what the services queue (Redis, PostgreSQL)."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import user_create

pytestmark = pytest.mark.worker


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

    assert wait_for(lambda: celery_worker.messages(), 60), celery_worker.log.read_text()
    [message] = celery_worker.messages()
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
