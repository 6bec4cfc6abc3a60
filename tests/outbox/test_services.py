"""The outbox: a mail is a row first, sent once after the commit, and tried again later."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox import services
from outbox.models import MailStatus, OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_mail_is_sent_only_after_its_change_is_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue(to="a@example.org", subject="Betreff", body="Text")
        assert mail.outbox == []

    [message] = mail.outbox
    assert message.to == ["a@example.org"]
    assert OutgoingEmail.objects.get().status == MailStatus.SENT


def test_a_rolled_back_change_leaves_no_mail(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        services.enqueue(to="a@example.org", subject="Betreff", body="Text")
        1 / 0  # noqa: B018

    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_every_address_gets_its_own_mail():
    mails = services.enqueue(to=["a@example.org", "", "b@example.org"], subject="S", body="T")

    assert [row.to for row in mails] == ["a@example.org", "b@example.org"]


def test_a_mail_is_sent_once_however_often_it_is_delivered():
    [row] = services.enqueue(to="a@example.org", subject="Betreff", body="Text")

    services.deliver(row.pk)
    services.deliver(row.pk)
    services.sweep(now=timezone.now() + datetime.timedelta(hours=2))

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)


def test_line_breaks_in_a_subject_become_spaces():
    [row] = services.enqueue(to="a@example.org", subject="Eins\r\nBcc: x@evil.example", body="")

    assert row.subject == "Eins Bcc: x@evil.example"


def test_a_mail_that_cannot_be_sent_keeps_its_error_and_waits():
    [bad, good] = services.enqueue(
        to=["kaputt@example.org\nBcc: x@evil.example", "gut@example.org"], subject="S", body="T"
    )
    services.deliver(bad.pk)
    services.deliver(good.pk)

    bad.refresh_from_db()
    assert (bad.status, bad.attempts) == (MailStatus.QUEUED, 1)
    assert bad.error
    assert [message.to for message in mail.outbox] == [["gut@example.org"]]


def test_the_sweep_tries_a_failed_mail_again_after_a_while_and_gives_up_in_the_end():
    row = factories.OutgoingEmailFactory(to="kaputt@example.org\nX: y")
    later = timezone.now()

    for _attempt in range(services.MAX_ATTEMPTS):
        later += datetime.timedelta(hours=1)
        services.sweep(now=later)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.FAILED, services.MAX_ATTEMPTS)
    assert services.due(now=later + datetime.timedelta(days=1)) == []


def test_the_sweep_stops_when_its_time_is_up_and_the_next_one_goes_on():
    rows = [factories.OutgoingEmailFactory(to=f"jc{n}@example.org") for n in range(3)]
    later = timezone.now() + datetime.timedelta(minutes=5)

    assert services.sweep(now=later, budget=datetime.timedelta(0)) == 0
    assert services.sweep(now=later) == 3
    assert {row.to for row in rows} == {message.to[0] for message in mail.outbox}


def test_the_sweep_leaves_a_fresh_mail_to_its_dispatch():
    row = factories.OutgoingEmailFactory()

    assert services.due(now=row.created_at + datetime.timedelta(seconds=30)) == []
    assert services.due(now=row.created_at + datetime.timedelta(minutes=2)) == [row.pk]


def test_a_failed_mail_is_sent_again_on_request(django_capture_on_commit_callbacks):
    row = factories.OutgoingEmailFactory(failed=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend([row]) == 1

    row.refresh_from_db()
    assert row.status == MailStatus.SENT
    assert len(mail.outbox) == 1


def test_the_text_of_a_secret_mail_is_erased_once_sent():
    [row] = services.enqueue(to="a@example.org", subject="S", body="Link: …/token/", secret=True)

    services.deliver(row.pk)

    row.refresh_from_db()
    assert row.body == ""
    assert "token" in mail.outbox[0].body


def test_the_password_reset_mail_goes_through_the_outbox(
    client, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": users.ministry.email})

    assert response.status_code == 302
    row = OutgoingEmail.objects.get(to=users.ministry.email)
    assert (row.status, row.body) == (MailStatus.SENT, "")  # the link is not kept
    [message] = mail.outbox
    assert "/passwort/setzen/" in message.body


def test_the_password_reset_link_is_on_the_site_address_not_the_requested_host(
    client, users, settings, django_capture_on_commit_callbacks
):
    # Any host in ALLOWED_HOSTS reaches the form (an internal name, say); the link in
    # the mail must still be the site's own, like every other mail's.
    settings.SITE_URL = "https://rahmenwerk.example.org"
    settings.ALLOWED_HOSTS = ["intern.example", "rahmenwerk.example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"), {"email": users.ministry.email}, HTTP_HOST="intern.example"
        )

    [message] = mail.outbox
    assert "https://rahmenwerk.example.org/passwort/setzen/" in message.body
    assert "intern.example" not in message.body


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "outbox.tasks.sweep" in tasks


def test_a_template_mail_to_one_address_is_one_mail():
    user = factories.UserFactory(email="neu@example.org")

    mails = services.enqueue_template(
        to=user.email,
        template="accounts/email/password_setup",
        context={"user": user, "link": "https://example.org/"},
    )

    assert [row.to for row in mails] == ["neu@example.org"]
    assert mails[0].subject == "Ihr Zugang zu Rahmenwerk"


def test_the_sweep_reads_a_big_backlog_in_one_bounded_query(django_assert_num_queries):
    # A day without a mail server: thousands queued. The sweep reads one slice, the longest
    # due first, in one query that PostgreSQL bounds (LIMIT), never every row into Python.
    start = timezone.now() - datetime.timedelta(days=1)
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            to=f"jc{n}@example.org",
            subject="S",
            body="T",
            created_at=start + datetime.timedelta(seconds=n),
        )
        for n in range(services.DUE_BATCH * 2 + 100)
    )
    oldest = list(
        OutgoingEmail.objects.order_by("created_at").values_list("pk", flat=True)[
            : services.DUE_BATCH
        ]
    )

    with django_assert_num_queries(1) as captured:
        due = services.due()

    assert due == oldest
    assert "LIMIT" in captured.captured_queries[0]["sql"].upper()


def test_a_mail_is_due_after_the_wait_its_tries_ask_for():
    last_try = timezone.now() - datetime.timedelta(hours=3)
    rows = {
        attempts: factories.OutgoingEmailFactory(
            to=f"try{attempts}@example.org", attempts=attempts, last_attempt_at=last_try
        )
        for attempts in range(1, services.MAX_ATTEMPTS)
    }

    for attempts, row in rows.items():
        wait = services._retry_after(attempts)
        assert row.pk not in services.due(now=last_try + wait - datetime.timedelta(seconds=1))
        assert row.pk in services.due(now=last_try + wait)
