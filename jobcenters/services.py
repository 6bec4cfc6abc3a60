"""Writes on the jobcenter registry, each with its audit event."""

from django.db import transaction

from accounts.services import AuditAction, changed_fields, record_event
from jobcenters.models import Jobcenter

CONTACT_FIELDS = ["street", "postal_code", "city", "email", "phone", "website"]


@transaction.atomic
def jobcenter_update(*, jobcenter, user, data, reason=""):
    """Change a jobcenter's contact data; records what changed. Returns the changes.

    The changes are taken against the stored row, locked, not against ``jobcenter``
    (a bound form may already have set the new values on it).
    """
    current = Jobcenter.objects.select_for_update().get(pk=jobcenter.pk)
    changes = changed_fields(current, {field: data[field] for field in CONTACT_FIELDS})
    if not changes:
        return changes
    current.full_clean()
    current.save(update_fields=list(changes))
    record_event(
        actor=user,
        obj=current,
        action=AuditAction.JOBCENTER_UPDATED,
        reason=reason,
        changes=changes,
    )
    return changes
