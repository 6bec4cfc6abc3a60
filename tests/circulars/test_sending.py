"""Sending a final circular: every member jobcenter once, by e-mail and on its page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from circulars import services
from circulars.models import CircularRecipient
from jobcenters.models import Jobcenter
from outbox import tasks
from outbox.models import MailStatus, OutgoingEmail
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

    recipients = services.circular_send(circular=final, user=users.landkreistag)

    jobcenters = {recipient.jobcenter for recipient in final.recipients.all()}
    assert len(recipients) == 3
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
    assert recipients["Jobcenter Kreis Lippe"].emails == []
    assert recipients["Jobcenter Kreis Lippe"].emailed_at is None
    event = AuditEvent.objects.for_object(final).first()
    assert event.summary == "An 3 Jobcenter versandt"


def test_each_e_mail_is_sent_once_however_often_its_task_runs(final, kreise, users):
    recipients = services.circular_send(circular=final, user=users.landkreistag)

    for recipient in recipients:
        for sent_mail in recipient.mails.all():
            tasks.send(sent_mail.pk)
            tasks.send(sent_mail.pk)
    tasks.sweep()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "olpe@jc.example",
        "steinfurt@jobcenter.example",
    ]


def test_an_address_that_breaks_its_mail_stops_none_of_the_others(
    client, final, kreise, users, django_capture_on_commit_callbacks
):
    # First in line, with a line break (header injection) no form would take: an import, the
    # shell. It once stopped every mail after it.
    borken = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Borken")
    Jobcenter.objects.filter(pk=borken.pk).update(email="borken@jc.example\nBcc: x@evil.example")
    client.force_login(users.landkreistag)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("circulars:send", args=[final.pk]))
    page = client.get(final.get_absolute_url()).content.decode()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "olpe@jc.example",
        "steinfurt@jobcenter.example",
    ]
    assert "2 E-Mails sind hinausgegangen, 1 wartet auf Versand." in page
    assert "noch nicht zugestellt; wird erneut versucht" in page


def test_the_failed_mails_of_a_circular_are_sent_again_on_request(
    client, final, kreise, users, django_capture_on_commit_callbacks, readback
):
    recipients = services.circular_send(circular=final, user=users.landkreistag)
    failed = next(mail for recipient in recipients for mail in recipient.mails.all())
    OutgoingEmail.objects.filter(pk=failed.pk).update(status=MailStatus.FAILED, attempts=8)
    client.force_login(users.landkreistag)
    assert (
        "Fehlgeschlagene E-Mails erneut versenden"
        in client.get(final.get_absolute_url()).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("circulars:resend", args=[final.pk]), follow=True)

    assert "1 E-Mail wird erneut versandt." in response.content.decode()
    assert [message.to for message in mail.outbox] == [[failed.to]]
    readback(final, absent=["Fehlgeschlagene E-Mails erneut versenden"])


def test_only_the_association_sends_its_failed_mails_again(client, final, kreise, users):
    services.circular_send(circular=final, user=users.landkreistag)

    for user, status in [
        (users.ministry, 403),
        (users.kreis_manager, 403),
        (users.staedtetag, 404),
        (users.hessen_ministry, 404),
    ]:
        client.force_login(user)
        assert client.post(reverse("circulars:resend", args=[final.pk])).status_code == status


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
    client, users, final, kreise, django_capture_on_commit_callbacks, readback
):
    client.force_login(users.landkreistag)
    confirm = client.get(reverse("circulars:send", args=[final.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("circulars:send", args=[final.pk]))
    page = client.get(response.url).content.decode()

    assert "Jobcenter Kreis Lippe" in confirm  # named as having no address
    assert "Das Rundschreiben ist an 3 Jobcenter versandt." in page
    assert "2 E-Mails gehen hinaus" in page
    assert "2 E-Mails sind hinausgegangen." in page
    assert "steinfurt@jobcenter.example" in page
    # Now the Kreise's managers read it too (Steinfurt's is the recipient role).
    readback(final, "151/")


def test_a_sent_circular_is_not_offered_for_sending_again(client, users, final, kreise):
    services.circular_send(circular=final, user=users.landkreistag)
    client.force_login(users.landkreistag)

    response = client.get(reverse("circulars:send", args=[final.pk]))

    assert response.status_code == 403


@pytest.fixture
def fallbacks(nrw, kreise):
    """Two Kreise without an address in the registry: one with an accession's contact person,
    one with a manager of its own."""
    hoexter = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Höxter", email="")
    factories.AccessionFactory(
        jobcenter=hoexter, agreement=nrw.agreement, submitted=True, contact_email="ap@hx.example"
    )
    borken = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Borken", email="")
    factories.UserFactory(organisation=borken, role="jobcenter_manager", email="gf@borken.example")
    return hoexter, borken


def test_without_a_registry_address_it_goes_to_the_contact_person_then_the_managers(
    final, fallbacks, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.circular_send(circular=final, user=users.landkreistag)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ap@hx.example",
        "gf@borken.example",
        "olpe@jc.example",
        "steinfurt@jobcenter.example",
    ]
    recipients = dict(final.recipients.values_list("jobcenter__name", "emails"))
    assert recipients["Jobcenter Kreis Höxter"] == ["ap@hx.example"]
    assert recipients["Jobcenter Kreis Borken"] == ["gf@borken.example"]
    assert recipients["Jobcenter Kreis Lippe"] == []


def test_each_e_mails_link_opens_the_circular_for_its_recipient(
    client, final, fallbacks, users, nrw, django_capture_on_commit_callbacks, settings
):
    hoexter, borken = fallbacks
    managers = {
        "steinfurt@jobcenter.example": users.kreis_manager,
        "olpe@jc.example": factories.UserFactory(
            organisation=Jobcenter.objects.get(name="Jobcenter Kreis Olpe"),
            role="jobcenter_manager",
        ),
        "ap@hx.example": factories.UserFactory(organisation=hoexter, role="jobcenter_manager"),
        "gf@borken.example": borken.members.get(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.circular_send(circular=final, user=users.landkreistag)

    assert len(mail.outbox) == 4
    for message in mail.outbox:
        link = re.search(r"^(http\S+)$", message.body, re.MULTILINE).group(1)
        assert link.startswith(settings.SITE_URL + "/")
        client.force_login(managers[message.to[0]])
        response = client.get(link.removeprefix(settings.SITE_URL))
        assert response.status_code == 200, message.to
        assert final.subject in response.content.decode()


def test_the_send_page_names_how_many_get_an_e_mail_and_who_has_no_address(
    client, final, fallbacks, users
):
    client.force_login(users.landkreistag)

    page = client.get(reverse("circulars:send", args=[final.pk])).content.decode()

    assert "4 von 5 Jobcentern erhalten beim Versand eine E-Mail" in page
    assert "1 Jobcenter hat keine E-Mail-Adresse" in page
    lippe = Jobcenter.objects.get(name="Jobcenter Kreis Lippe")
    # The association cannot change the registry: it is shown the jobcenter's page.
    assert f'<a href="{lippe.get_absolute_url()}">Jobcenter Kreis Lippe</a>' in page
    assert reverse("jobcenters:edit", args=[lippe.pk]) not in page
    assert "gf@borken.example" in page  # the managers' address, where it comes from
    assert "Jobcenter-Leitung" in page


def test_the_ministry_is_offered_to_enter_the_missing_address(client, final, fallbacks, users):
    lippe = Jobcenter.objects.get(name="Jobcenter Kreis Lippe")
    client.force_login(users.ministry)

    page = client.get(final.get_absolute_url()).content.decode()

    assert "4 von 5 Jobcentern erhalten beim Versand eine E-Mail" in page
    assert reverse("jobcenters:edit", args=[lippe.pk]) in page


def test_an_address_entered_by_the_ministry_is_in_the_preview_and_the_send(
    client, final, kreise, users, django_capture_on_commit_callbacks, readback
):
    lippe = Jobcenter.objects.get(name="Jobcenter Kreis Lippe")
    client.force_login(users.ministry)
    response = client.post(
        reverse("jobcenters:edit", args=[lippe.pk]),
        {**_contact_data(lippe), "email": "kontakt@jobcenter-lippe.example"},
    )
    assert response.status_code == 302
    readback(lippe, "kontakt@jobcenter-lippe.example")
    for user in (users.ministry, users.landkreistag):
        client.force_login(user)
        assert (
            "kontakt@jobcenter-lippe.example"
            in client.get(lippe.get_absolute_url()).content.decode()
        )
    client.force_login(users.landkreistag)
    assert (
        "3 von 3 Jobcentern erhalten"
        in client.get(reverse("circulars:send", args=[final.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("circulars:send", args=[final.pk]))

    assert "kontakt@jobcenter-lippe.example" in [message.to[0] for message in mail.outbox]
    page = client.get(final.get_absolute_url()).content.decode()
    assert "kontakt@jobcenter-lippe.example" in page


def _contact_data(jobcenter):
    return {
        field: getattr(jobcenter, field)
        for field in ("street", "postal_code", "city", "email", "phone", "website")
    } | {"reason": ""}
