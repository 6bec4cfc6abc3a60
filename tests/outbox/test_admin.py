"""The outbox in the admin: every mail is listed, a password link is read by nobody."""

import pytest
from django.urls import reverse

from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

LINK = "https://rahmenwerk.example/passwort/MQ/set-password-token/"


def _mail(secret):
    return OutgoingEmail.objects.create(
        to="neu@jobcenter.example", subject="Ihr Zugang", body=f"Bitte: {LINK}", secret=secret
    )


@pytest.mark.parametrize(("secret", "shown"), [(True, False), (False, True)])
def test_the_admin_shows_a_mail_s_text_unless_it_carries_a_password_link(client, secret, shown):
    client.force_login(factories.UserFactory(admin=True))
    mail = _mail(secret)

    page = client.get(reverse("admin:outbox_outgoingemail_change", args=[mail.pk]))

    assert page.status_code == 200
    assert "neu@jobcenter.example" in page.content.decode()
    assert (LINK in page.content.decode()) == shown
