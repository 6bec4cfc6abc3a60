"""The accession's page lists the e-mails its steps caused and whether they went out, for
the ministry and the jobcenter's managers, who write them, not for those who only read."""

import pytest
from django.urls import reverse

from accessions import services
from outbox.models import MailStatus, OutgoingEmail
from tests import factories


@pytest.fixture
def returned(accession_world, users):
    accession = accession_world.submitted
    services.accession_return(
        accession=accession, user=users.ministry, reasons="Bitte die Unterschrift ergänzen."
    )
    return accession


def _page(client, user, accession):
    client.force_login(user)
    response = client.get(reverse("accessions:detail", args=[accession.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_return_mail_is_on_the_accession_page_until_it_goes_out(client, users, returned):
    [mail] = OutgoingEmail.objects.about(returned)
    manager = factories.UserFactory(organisation=returned.jobcenter, role="jobcenter_manager")

    queued = [_page(client, user, returned) for user in (users.ministry, manager)]
    OutgoingEmail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT, sent_at="2026-11-30T09:15:00+01:00"
    )
    sent = _page(client, manager, returned)

    for page in queued:
        assert mail.subject in page and f"An {mail.to}" in page
        assert "wartet auf Versand" in page
    assert "versandt am 30.11.2026, 09:15 Uhr" in sent and "wartet auf Versand" not in sent


@pytest.mark.parametrize("reader", ["directorate", "landkreistag"])
def test_who_only_reads_the_accession_does_not_see_its_mails(client, users, returned, reader):
    page = _page(client, getattr(users, reader), returned)

    assert 'id="emails"' not in page
    assert OutgoingEmail.objects.about(returned).get().subject not in page


def test_a_mail_that_failed_for_good_says_so(client, users, returned):
    OutgoingEmail.objects.about(returned).update(status=MailStatus.FAILED, attempts=5)

    page = _page(client, users.ministry, returned)

    assert "konnte nicht versandt werden" in page
