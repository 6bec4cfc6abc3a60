"""Writes on users, organisations and the audit trail. Each is one transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, record_event
from accounts.models import ROLES_BY_ORGANISATION_KIND, AccessibilityFeedback, User


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
    from accounts.tasks import send_password_setup_email

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
    transaction.on_commit(lambda: send_password_setup_email.delay(user.pk))
    return user


def feedback_sender(address):
    """The ``sender`` of feedback from ``address``: a keyed hash, never the address."""
    if not address:
        return ""
    return salted_hmac("accounts.feedback.sender", address, algorithm="sha256").hexdigest()


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
    """
    from accounts.tasks import send_feedback_to_operator

    feedback = AccessibilityFeedback.objects.create(
        name=name,
        email=email,
        page=page,
        message=message,
        sender=sender,
        held_back=feedback_held_back(sender=sender),
    )
    if not feedback.held_back:
        transaction.on_commit(lambda: send_feedback_to_operator.delay(feedback.pk))
    return feedback
