"""Writes on users, organisations and the audit trail. Each is one transaction."""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.audit import AuditAction, record_event
from accounts.models import ROLES_BY_ORGANISATION_KIND, AccessibilityFeedback, User
from outbox import services as outbox


def changed_fields(instance, data):
    """Set ``data`` on ``instance`` and return ``{field: [old, new]}`` for what differs."""
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(instance, field, new)
    return changes


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def validate_role(*, organisation, role):
    """A role must fit the kind of organisation (e.g. only jobcenter staff manage a jobcenter)."""
    if organisation is None:
        if role:
            raise ValidationError({"role": _("Eine Rolle gibt es nur mit einer Organisation.")})
        return
    if role not in ROLES_BY_ORGANISATION_KIND[organisation.kind]:
        raise ValidationError(
            {
                "role": _("Diese Rolle passt nicht zu einer Organisation der Art „%(kind)s“.")
                % {"kind": organisation.get_kind_display()}
            }
        )


@transaction.atomic
def user_create(
    *,
    actor,
    username,
    email,
    first_name="",
    last_name="",
    organisation=None,
    role="",
    is_staff=False,
    is_superuser=False,
):
    """Create a user without a password and e-mail them a link to set one."""
    validate_role(organisation=organisation, role=role)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_event(
        actor=actor,
        obj=user,
        action=AuditAction.USER_CREATED,
        changes={"organisation": str(organisation or ""), "role": role},
    )
    _queue_password_setup(user)
    return user


def _queue_password_setup(user):
    """The link to choose a password (Django's reset token), queued with the new user."""
    if not user.email:
        return
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    outbox.enqueue_template(
        to=user.email,
        template="accounts/email/password_setup",
        context={"user": user, "link": link},
        secret=True,
    )


def feedback_sender(address):
    """The ``sender`` of feedback from ``address``: a keyed hash, never the address."""
    if not address:
        return ""
    return salted_hmac("accounts.feedback.sender", address, algorithm="sha256").hexdigest()


# The advisory lock every feedback transaction takes before it counts (PostgreSQL). Both
# limits span many rows (one sender's, everyone's), so there is no one row to lock: without
# it, parallel requests all count the same hour and all are e-mailed.
FEEDBACK_LOCK = 0x52570001  # "RW" 1: a number of its own among the app's advisory locks


def _lock_feedback():
    """Wait until no other feedback transaction is between its count and its insert; the
    lock is held to the end of this transaction. SQLite (demo) has one writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEEDBACK_LOCK])


def feedback_held_back(*, sender):
    """Whether a message now would be one too many to e-mail: per sender and in all, an hour."""
    recent = AccessibilityFeedback.objects.filter(
        created_at__gte=timezone.now() - datetime.timedelta(hours=1)
    )
    return (
        bool(sender) and recent.filter(sender=sender).count() >= settings.FEEDBACK_LIMIT_PER_SENDER
    ) or recent.filter(held_back=False).count() >= settings.FEEDBACK_LIMIT


@transaction.atomic
def feedback_submit(*, name, email, page, message, sender=""):
    """Store a message about a barrier and forward it to the operator.

    Every message is stored. Beyond ``FEEDBACK_LIMIT_PER_SENDER`` messages of one sender or
    ``FEEDBACK_LIMIT`` e-mails in all within an hour it is held back, not e-mailed, so that
    a script cannot flood the operator's mailbox; the admin lists what was held back.
    Submissions are counted one after another (``_lock_feedback``), also in parallel.
    """
    _lock_feedback()
    feedback = AccessibilityFeedback.objects.create(
        name=name,
        email=email,
        page=page,
        message=message,
        sender=sender,
        held_back=feedback_held_back(sender=sender),
    )
    if feedback.held_back:
        return feedback
    with override("de"):
        outbox.enqueue(
            to=settings.OPERATOR_EMAIL,
            subject=f"Rückmeldung zur Barrierefreiheit vom {feedback.created_at:%d.%m.%Y}",
            body=render_to_string("accounts/email/feedback.txt", {"feedback": feedback}),
            reply_to=email,
        )
    return feedback
