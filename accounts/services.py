"""Writes on users, organisations and the audit trail. Each is one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
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


@transaction.atomic
def feedback_submit(*, name, email, page, message):
    """Store a message about a barrier and forward it to the operator."""
    from accounts.tasks import send_feedback_to_operator

    feedback = AccessibilityFeedback.objects.create(
        name=name, email=email, page=page, message=message
    )
    transaction.on_commit(lambda: send_feedback_to_operator.delay(feedback.pk))
    return feedback
