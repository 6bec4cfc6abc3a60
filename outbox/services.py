"""Queue e-mails and send them, each exactly once.

    from outbox import services as outbox
    outbox.enqueue(to=user.email, subject="…", body="…")
    outbox.enqueue_template(to=[…], template="app/email/kind", context={…})
    outbox.enqueue_email(core.emails.build_email(…))

``enqueue`` is called inside the transaction of the change the mail is about. After the
commit a worker is asked to send each row (``outbox.tasks.send``); if Redis is down the
request still succeeds, the row waits, and the beat sweep (``outbox.tasks.sweep``, every
minute) sends it once Redis and the worker are back.
"""

import datetime
import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from core.dispatch import delay as dispatch_task
from core.emails import build_email
from outbox.models import MailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

# After this many failed tries a mail is marked failed; until then the sweep tries again,
# each time a little later (the server may be down for an hour).
MAX_ATTEMPTS = 8
# A queued mail the dispatch should have sent by now: the sweep takes it over.
DISPATCH_GRACE = datetime.timedelta(minutes=1)


def one_line(text):
    """A header value on one line: line breaks (header injection) become spaces."""
    return " ".join(str(text).splitlines()).strip()


def enqueue(*, to, subject, body, reply_to="", secret=False, about=None):
    """Queue one e-mail per address in ``to`` (a string or a list of strings).

    Call it inside the transaction of the change the mail is about: the mails are saved
    with it and sent by a worker after the commit. ``secret``: the body carries a link that
    sets a password; it is erased once sent. ``about``: the object whose page shows
    whether it went out (``OutgoingEmail.objects.about``). Returns the new rows (empty
    addresses are skipped).
    """
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    addresses = [to] if isinstance(to, str) else list(to)
    mails = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(
                # An address is never mended: one with a line break fails at sending.
                to=address.strip(),
                subject=one_line(subject)[:300],
                body=body,
                reply_to=reply_to.strip(),
                secret=secret,
                about_type=about_type,
                about_id=about.pk if about is not None else None,
            )
            for address in addresses
            if address and address.strip()
        ]
    )
    if mails:
        ids = [mail.pk for mail in mails]
        transaction.on_commit(lambda: dispatch(ids))
    return mails


def enqueue_email(message, *, secret=False, about=None):
    """Queue an ``EmailMessage`` built for it (``core.emails.build_email``), one row per
    address in its ``to``; ``None`` (nobody to tell) queues nothing."""
    if message is None:
        return []
    return enqueue(
        to=message.to,
        subject=message.subject,
        body=message.body,
        reply_to=message.reply_to[0] if message.reply_to else "",
        secret=secret,
        about=about,
    )


def enqueue_template(*, to, template, context, secret=False):
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in German and queue them
    (``enqueue``): the mails go to German offices whatever language the sender reads."""
    addresses = [to] if isinstance(to, str) else list(to)
    return enqueue_email(build_email(template, context, addresses), secret=secret)


def dispatch(ids):
    """Ask a worker to send each mail; without Redis they wait for the sweep."""
    from outbox.tasks import send

    for pk in ids:
        dispatch_task(send, pk)


def deliver(mail_id):
    """Send one queued mail, once: under a row lock, marked sent in the same transaction.

    A second delivery of the task finds it sent (or locked by the worker sending it right
    now) and does nothing. Any error is recorded on the row and tried again by the sweep,
    up to ``MAX_ATTEMPTS``; it never stops the mails that follow. Returns the row, or
    ``None`` when there was nothing to do.
    """
    with transaction.atomic():
        mail = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=MailStatus.QUEUED)
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        mail.last_attempt_at = timezone.now()
        try:
            EmailMessage(
                subject=mail.subject,
                body=mail.body,
                to=[mail.to],
                reply_to=[mail.reply_to] if mail.reply_to else None,
            ).send()
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: stop here, not at the next mail
        except Exception as error:
            logger.warning("E-mail %s to %s failed (try %s).", mail.pk, mail.to, mail.attempts)
            mail.error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
        else:
            mail.status = MailStatus.SENT
            mail.sent_at = mail.last_attempt_at
            mail.error = ""
            if mail.secret:
                mail.body = ""
        mail.save(
            update_fields=["status", "attempts", "last_attempt_at", "sent_at", "error", "body"]
        )
    return mail


def _retry_after(attempts):
    """How long the sweep waits before the next try: 1, 2, 4 … minutes, at most an hour."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


# The most mails one sweep takes on: it sends for at most ``SWEEP_BUDGET`` anyway, and a
# backlog of thousands (the mail server was away for a day) is read in slices, not at once.
DUE_BATCH = 500


def _due_at():
    """When a queued mail is due, in SQL: its dispatch's grace after it was queued, or after
    its last try the wait ``_retry_after`` names for its number of tries."""
    waits = [When(attempts=0, then=Value(DISPATCH_GRACE))] + [
        When(attempts=attempts, then=Value(_retry_after(attempts)))
        for attempts in range(1, MAX_ATTEMPTS + 1)
    ]
    return ExpressionWrapper(
        Coalesce("last_attempt_at", "created_at")
        + Case(*waits, default=Value(_retry_after(MAX_ATTEMPTS)), output_field=DurationField()),
        output_field=DateTimeField(),
    )


def due(*, now=None, limit=DUE_BATCH):
    """The ids of the queued mails the sweep sends now, at most ``limit``, the longest due
    first: never tried and past the dispatch, or failed before and past their wait. One
    query, whatever the backlog."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(status=MailStatus.QUEUED)
        .alias(due_at=_due_at())
        .filter(due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# The sweep sends one mail after another. It stops well inside its task's soft time
# limit (240 s): a limit that cut a send off after the mail server took the mail would
# roll its row back, and the mail would go out twice. The next sweep goes on from there.
SWEEP_BUDGET = datetime.timedelta(seconds=120)


def sweep(*, now=None, budget=SWEEP_BUDGET):
    """Send the mails that are due (``due``) for at most ``budget``; returns how many went
    out."""
    deadline = time.monotonic() + budget.total_seconds()
    sent = 0
    for pk in due(now=now):
        if time.monotonic() >= deadline:
            break
        mail = deliver(pk)
        sent += mail is not None and mail.status == MailStatus.SENT
    return sent


def resend(mails):
    """Queue the failed ones of ``mails`` once more, with fresh attempts; returns how many.

    Call it inside a transaction; they are dispatched after the commit like new ones.
    """
    failed = OutgoingEmail.objects.filter(
        pk__in=[mail.pk for mail in mails], status=MailStatus.FAILED
    )
    ids = list(failed.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=MailStatus.QUEUED, attempts=0, error="", created_at=timezone.now()
    )
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return len(ids)


def resent_message(count):
    """What the page says after ``resend``."""
    return ngettext(
        "%(count)s E-Mail wird erneut versandt.",
        "%(count)s E-Mails werden erneut versandt.",
        count,
    ) % {"count": count}
