"""Sending a final circular: every member jobcenter once, by e-mail and on its page."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from reports import services
from reports.models import CircularRecipient
from reports.tasks import send_circular
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(nrw):
    return factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)


@pytest.fixture
def kreise(nrw):
    """Steinfurt (from ``nrw``) and two more Kreise; one has no e-mail address."""
    nrw.kreis_jobcenter.email = "steinfurt@jobcenter.example"
    nrw.kreis_jobcenter.save()
    return [
        nrw.kreis_jobcenter,
        factories.JobcenterFactory(
            kreis=True, name="Jobcenter Kreis Olpe", email="olpe@jc.example"
        ),
        factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Lippe", email=""),
    ]


def test_a_circular_goes_to_every_member_jobcenter_and_no_other(final, kreise, nrw, users):
    with_hessen = factories.JobcenterFactory(kreis=True, state="HE", name="Jobcenter Fulda")

    count = services.circular_send(circular=final, user=users.landkreistag)

    jobcenters = {recipient.jobcenter for recipient in final.recipients.all()}
    assert count == 3
    assert jobcenters == set(kreise)
    assert nrw.city_jobcenter not in jobcenters
    assert with_hessen not in jobcenters


def test_each_member_with_an_address_gets_one_e_mail_with_the_link(
    final, kreise, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.circular_send(circular=final, user=users.landkreistag)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "olpe@jc.example",
        "steinfurt@jobcenter.example",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("Rundschreiben 151/18 des Landkreistages NRW:")
    assert final.get_absolute_url() in message.body


def test_who_received_it_is_recorded(final, kreise, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.circular_send(circular=final, user=users.landkreistag)

    recipients = {r.jobcenter.name: r for r in final.recipients.select_related("jobcenter")}
    assert recipients["Jobcenter Kreis Olpe"].emailed_at is not None
    assert recipients["Jobcenter Kreis Lippe"].email == ""
    assert recipients["Jobcenter Kreis Lippe"].emailed_at is None
    event = AuditEvent.objects.for_object(final).first()
    assert event.summary == "An 3 Jobcenter versandt"


def test_a_second_run_of_the_task_sends_only_what_is_still_missing(final, kreise, users):
    services.circular_send(circular=final, user=users.landkreistag)
    CircularRecipient.objects.filter(jobcenter__name="Jobcenter Kreis Olpe").update(
        emailed_at="2018-03-12T10:00:00Z"
    )

    send_circular(final.pk)
    send_circular(final.pk)

    assert [message.to for message in mail.outbox] == [["steinfurt@jobcenter.example"]]


def test_a_circular_is_sent_only_once(final, kreise, users):
    services.circular_send(circular=final, user=users.landkreistag)

    with pytest.raises(services.CircularStateError, match="schon versandt"):
        services.circular_send(circular=final, user=users.landkreistag)

    assert final.recipients.count() == 3


def test_a_draft_is_not_sent(nrw, kreise, users):
    draft = factories.CircularFactory(association=nrw.landkreistag)

    with pytest.raises(services.CircularStateError):
        services.circular_send(circular=draft, user=users.landkreistag)

    assert not CircularRecipient.objects.exists()


def test_the_manager_of_a_recipient_finds_it_under_circulars(client, users, final, kreise):
    services.circular_send(circular=final, user=users.landkreistag)
    client.force_login(users.kreis_manager)

    content = client.get(reverse("circulars:list")).content.decode()

    assert final.subject in content


def test_the_manager_of_another_jobcenter_does_not(client, users, final, kreise):
    services.circular_send(circular=final, user=users.landkreistag)
    client.force_login(users.city_manager)

    assert final.subject not in client.get(reverse("circulars:list")).content.decode()
    assert client.get(final.get_absolute_url()).status_code == 404


def test_sending_through_the_page_names_the_count(
    client, users, final, kreise, django_capture_on_commit_callbacks
):
    client.force_login(users.landkreistag)
    confirm = client.get(reverse("circulars:send", args=[final.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("circulars:send", args=[final.pk]))
    page = client.get(response.url).content.decode()

    assert "Jobcenter Kreis Lippe" in confirm  # named as having no address
    assert "Das Rundschreiben ist an 3 Jobcenter versandt." in page
    assert "steinfurt@jobcenter.example" in page


def test_a_sent_circular_is_not_offered_for_sending_again(client, users, final, kreise):
    services.circular_send(circular=final, user=users.landkreistag)
    client.force_login(users.landkreistag)

    response = client.get(reverse("circulars:send", args=[final.pk]))

    assert response.status_code == 403
