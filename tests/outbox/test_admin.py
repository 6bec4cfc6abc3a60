"""The outbox in the admin: every mail is listed, a password link is read by nobody."""

import pytest
from django.urls import reverse

from accessions import services as accession_services
from outbox.models import MailStatus, OutgoingEmail
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


def test_a_mail_sent_again_from_the_admin_is_sent_on_the_pages_of_its_accession(
    client, accession_world, users, readback, django_capture_on_commit_callbacks
):
    accession = accession_world.submitted
    accession_services.accession_return(
        accession=accession, user=users.ministry, reasons="Bitte die Unterschrift ergänzen."
    )
    [mail] = OutgoingEmail.objects.about(accession)
    OutgoingEmail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, attempts=5)
    client.force_login(factories.UserFactory(admin=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:outbox_outgoingemail_changelist"),
            {"action": "send_again", "_selected_action": [mail.pk]},
        )

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    readback(
        accession,
        mail.subject,
        "versandt am",
        absent=("konnte nicht versandt werden",),
        roles=("owner", "colleague", "ministry"),
    )
    # Who only reads the accession never sees its mails (tests/accessions/test_accession_mails.py)
    readback(accession, absent=(mail.subject,), roles=("directorate", "association"))
