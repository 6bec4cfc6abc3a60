"""The service side of a state machine's step; ``core.steps`` is the page side.

An accession's decisions (submit, accept, return, withdraw) and a measure's catalogue
steps (propose, publish, decline, unpublish) all go alike: lock the row, refuse unless its
state allows the step (somebody may have been quicker), check the step's own rules, set
the new state and the step's fields, record the audit event and queue the e-mails, all in
one transaction. ``take_step`` does that; ``lock_in_state`` is its first half, for a
change that a state allows without leaving it (correcting an accession's joining date).

It lives here, not in ``core``, because every step writes an audit event
(``accounts.audit``), and ``core`` sits below the apps.
"""

from django.db import transaction

from accounts.audit import record_event
from outbox import services as outbox


def lock_in_state(queryset, pk, *, allowed, refused, state="status"):
    """Row ``pk`` of ``queryset``, locked until the transaction ends.

    Raises ``refused(row)`` (the app's exception, saying why in German) unless the row's
    ``state`` field is one of ``allowed``. Call it inside a transaction.
    """
    # ``of``: only the row itself is locked, not the rows ``select_related`` joins in.
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    if getattr(row, state) not in allowed:
        raise refused(row)
    return row


@transaction.atomic
def take_step(
    queryset,
    pk,
    *,
    allowed_from,
    to,
    refused,
    actor,
    action,
    state="status",
    check=None,
    values=None,
    data=None,
    reason="",
    emails=(),
):
    """Take one step on row ``pk`` of ``queryset`` and return the locked, updated row.

    In one transaction with its audit event: lock the row; ``refused(row)`` unless its
    ``state`` is in ``allowed_from``; ``check(row)`` raises the step's ``ValidationError``
    (nothing is written then); set ``state`` to ``to`` and the fields ``values`` and save
    just those (and ``updated_at``); record ``action`` by ``actor`` with ``data`` (or
    ``data(row)``, read before the row changes) and ``reason``; queue the e-mail each of
    ``emails`` builds for the row (sent once committed; its page can tell: ``about``).
    """
    row = lock_in_state(queryset, pk, allowed=allowed_from, refused=refused, state=state)
    if check is not None:
        check(row)
    if callable(data):
        data = data(row)
    changes = {state: to, **(values or {})}
    for field, value in changes.items():
        setattr(row, field, value)
    row.save(update_fields=[*changes, "updated_at"])
    record_event(actor=actor, obj=row, action=action, data=data, reason=reason)
    for email in emails:
        outbox.enqueue_email(email(row), about=row)
    return row
