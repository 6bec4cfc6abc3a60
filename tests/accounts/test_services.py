import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import AccessibilityFeedback, AuditEvent
from accounts.services import feedback_sender, feedback_submit, user_create
from outbox.models import OutgoingEmail


def test_user_create_sends_a_link_to_set_the_password(
    nrw, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(
            actor=users.admin,
            username="neu",
            email="neu@example.org",
            organisation=nrw.staedtetag,
            role="association_staff",
        )

    assert not user.has_usable_password()
    [mail] = mailoutbox
    assert mail.to == ["neu@example.org"]
    assert mail.subject == "Ihr Zugang zu Rahmenwerk"
    assert "/passwort/setzen/" in mail.body


def test_user_create_records_who_created_the_user(nrw, users):
    user = user_create(
        actor=users.admin,
        username="neu",
        email="neu@example.org",
        organisation=nrw.ministry,
        role="ministry_staff",
    )

    event = AuditEvent.objects.for_object(user).get()
    assert event.actor == users.admin
    assert event.action == "user_created"


def test_a_role_must_fit_the_organisation(nrw):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None,
            username="neu",
            email="neu@example.org",
            organisation=nrw.city_jobcenter,
            role="ministry_staff",
        )

    assert "passt nicht zu einer Organisation der Art „Jobcenter“" in error.value.messages[0]


def test_feedback_is_stored_and_forwarded_to_the_operator(
    db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(name="", email="", page="/jobcenter/", message="Kontrast zu gering")

    assert AccessibilityFeedback.objects.get().message == "Kontrast zu gering"
    [mail] = mailoutbox
    assert mail.to == [settings.OPERATOR_EMAIL]
    assert "Kontrast zu gering" in mail.body


def test_the_feedback_form_thanks_and_keeps_nothing_back(client, db, mailoutbox):
    response = client.post(
        "/barrierefreiheit/",
        {"message": "Die Tabelle ist mit dem Screenreader schwer."},
        follow=True,
    )

    assert "Vielen Dank" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 1


def _send_feedback(client, address, capture):
    with capture(execute=True):
        return client.post(
            "/barrierefreiheit/",
            {"message": "Kontrast zu gering"},
            REMOTE_ADDR=address,
            follow=True,
        )


def test_feedback_beyond_the_limit_of_one_sender_is_stored_not_e_mailed_and_says_so(
    client, db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_LIMIT_PER_SENDER = 2
    for _message in range(2):
        _send_feedback(client, "203.0.113.5", django_capture_on_commit_callbacks)

    held_back = _send_feedback(client, "203.0.113.5", django_capture_on_commit_callbacks)
    other = _send_feedback(client, "198.51.100.7", django_capture_on_commit_callbacks)

    assert "Ihre Rückmeldung ist gespeichert." in held_back.content.decode()
    assert "nicht sofort per E-Mail" in held_back.content.decode()
    assert "wurde an uns weitergeleitet" in other.content.decode()
    assert AccessibilityFeedback.objects.count() == 4
    assert AccessibilityFeedback.objects.filter(held_back=True).count() == 1
    assert len(mailoutbox) == 3


def test_feedback_beyond_the_limit_in_all_is_stored_not_e_mailed(
    client, db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_LIMIT = 2
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        _send_feedback(client, address, django_capture_on_commit_callbacks)

    assert AccessibilityFeedback.objects.count() == 3
    assert list(AccessibilityFeedback.objects.filter(held_back=True)) == [
        AccessibilityFeedback.objects.order_by("created_at").last()
    ]
    assert len(mailoutbox) == 2


def submit_at_once(senders):
    """One feedback per sender in ``senders``, each in its own thread and connection, all
    starting together (what a script firing parallel requests does)."""
    start = threading.Barrier(len(senders))
    errors = []

    def submit(sender):
        try:
            start.wait()
            feedback_submit(name="", email="", page="", message="Kontrast", sender=sender)
        except Exception as error:  # returned to the test, which names it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("setting", "senders"),
    [
        pytest.param("FEEDBACK_LIMIT_PER_SENDER", ["203.0.113.5"] * 12, id="one-sender"),
        pytest.param("FEEDBACK_LIMIT", [f"192.0.2.{n}" for n in range(12)], id="in-all"),
    ],
)
def test_parallel_feedback_is_e_mailed_no_more_often_than_the_limit(settings, setting, senders):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    setattr(settings, setting, 3)

    errors = submit_at_once([feedback_sender(address) for address in senders])

    assert errors == []
    assert AccessibilityFeedback.objects.count() == 12
    assert AccessibilityFeedback.objects.filter(held_back=False).count() == 3
    assert OutgoingEmail.objects.count() == 3


def test_an_hour_later_a_sender_is_e_mailed_again(db, settings):
    settings.FEEDBACK_LIMIT_PER_SENDER = 1
    sender = feedback_sender("203.0.113.5")
    earlier = feedback_submit(name="", email="", page="", message="eins", sender=sender)
    AccessibilityFeedback.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )

    later = feedback_submit(name="", email="", page="", message="zwei", sender=sender)

    assert not later.held_back


def test_the_sender_is_kept_as_a_hash_never_as_the_address(client, db):
    client.post("/barrierefreiheit/", {"message": "Kontrast"}, REMOTE_ADDR="203.0.113.5")

    sender = AccessibilityFeedback.objects.get().sender
    assert sender == feedback_sender("203.0.113.5")
    assert "203.0.113.5" not in sender
    assert len(sender) == 64


def test_an_empty_feedback_is_refused_at_the_field(client, db):
    response = client.post("/barrierefreiheit/", {"name": "Erika", "message": ""})

    content = response.content.decode()
    assert "Bitte beschreiben Sie die Barriere." in content
    assert 'value="Erika"' in content
    assert not AccessibilityFeedback.objects.exists()
