"""E-mails of the catalogue's steps: the ministry hears of a proposal, the jobcenter of the
decision; each e-mail's link opens the page for its reader."""

import pytest
from django.conf import settings
from django.urls import reverse

from measures import services
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(accession_world, nrw):
    """Düsseldorf and Bochum have their addresses in the registry; Bochum has a manager."""
    nrw.city_jobcenter.email = "kontakt@jobcenter-duesseldorf.example"
    nrw.city_jobcenter.save()
    accession_world.bochum.email = "kontakt@jobcenter-bochum.example"
    accession_world.bochum.save()
    return factories.UserFactory(organisation=accession_world.bochum, role="jobcenter_manager")


def _open_link(client, user, message):
    """Follow the e-mail's first link as ``user``: the response."""
    link = next(line for line in message.body.splitlines() if line.startswith("http"))
    assert link.startswith(settings.SITE_URL + "/")
    client.force_login(user)
    return client.get(link.removeprefix(settings.SITE_URL))


def test_a_proposal_is_mailed_to_the_ministry_of_the_agreements_state_only(
    client,
    users,
    accession_world,
    addressed,
    mailoutbox,
    django_capture_on_commit_callbacks,
    readback,
):
    measure = accession_world.city_measure
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_propose(measure=measure, user=users.city_manager, contact_consents=True)
    readback(measure, "vorgeschlagen")

    [message] = mailoutbox
    assert message.to == [users.ministry.email]
    assert message.subject == (
        "Vorschlag für den Katalog: Barrierefreier Eingangsbereich (Jobcenter Düsseldorf)"
    )
    response = _open_link(client, users.ministry, message)
    assert response.status_code == 200
    assert reverse("measures:publish", args=[measure.pk]) in response.content.decode()


def test_publishing_is_mailed_to_the_jobcenter_with_its_catalogue_link(
    client,
    users,
    accession_world,
    addressed,
    mailoutbox,
    django_capture_on_commit_callbacks,
    readback,
):
    measure = accession_world.proposed_measure
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_publish(measure=measure, user=users.ministry)
    readback(measure, "veröffentlicht")

    [message] = mailoutbox
    assert message.to == ["kontakt@jobcenter-bochum.example"]
    assert message.subject.startswith("Im Katalog veröffentlicht: Netzwerk psychische")
    response = _open_link(client, addressed, message)
    assert response.status_code == 200
    assert measure.title in response.content.decode()
    client.logout()
    catalogue = settings.SITE_URL + reverse("catalogue:detail", args=[measure.pk])
    assert catalogue in message.body.splitlines()
    public = client.get(catalogue.removeprefix(settings.SITE_URL))
    assert public.status_code == 200
    assert measure.title in public.content.decode()


def test_declining_is_mailed_to_the_jobcenter_with_the_reason(
    client,
    users,
    accession_world,
    addressed,
    mailoutbox,
    django_capture_on_commit_callbacks,
    readback,
):
    measure = accession_world.proposed_measure
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_decline(measure=measure, user=users.ministry, reason="Zu allgemein.")
    readback(measure, "abgelehnt", "Zu allgemein.")

    [message] = mailoutbox
    assert message.to == ["kontakt@jobcenter-bochum.example"]
    assert "Zu allgemein." in message.body
    response = _open_link(client, addressed, message)
    assert response.status_code == 200
    assert "Zu allgemein." in response.content.decode()


def test_taking_it_out_of_the_catalogue_is_mailed_to_the_jobcenter(
    client,
    users,
    accession_world,
    addressed,
    mailoutbox,
    django_capture_on_commit_callbacks,
    readback,
):
    measure = accession_world.published_measure
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_unpublish(measure=measure, user=users.ministry, reason="Beendet.")
    readback(measure, "zurückgezogen", "Beendet.")

    [message] = mailoutbox
    assert message.to == ["kontakt@jobcenter-duesseldorf.example"]
    assert "Beendet." in message.body
    response = _open_link(client, users.city_manager, message)
    assert response.status_code == 200


def test_without_any_address_of_the_jobcenter_nothing_is_sent(
    users, accession_world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_publish(measure=accession_world.proposed_measure, user=users.ministry)

    assert mailoutbox == []


def test_the_decline_mail_is_on_the_measure_page_for_the_two_sides_only(
    client, users, accession_world, addressed, django_capture_on_commit_callbacks
):
    measure = accession_world.proposed_measure
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_decline(measure=measure, user=users.ministry, reason="Zu allgemein.")
    [mail] = OutgoingEmail.objects.about(measure)
    pages = {}
    for name, user in [
        ("ministry", users.ministry),
        ("manager", addressed),
        ("directorate", users.directorate),
    ]:
        client.force_login(user)
        response = client.get(measure.get_absolute_url())
        assert response.status_code == 200
        pages[name] = response.content.decode()

    for side in ("ministry", "manager"):
        assert 'id="emails"' in pages[side] and mail.subject in pages[side]
        assert f"An {mail.to}" in pages[side]
    assert 'id="emails"' not in pages["directorate"]
