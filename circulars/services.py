"""Writes on circulars, their numbering, attachments and sending, each one transaction with
its event.

Numbering: finalising a circular locks its association's counter row for the year
(``SELECT … FOR UPDATE``), takes the next number and saves both in the same transaction.
Two staff finalising at once wait for each other; a rollback gives the number back, so
numbers have no gaps and never repeat. The unique constraint on (association, year,
number) is the database's second line.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import AuditAction, changed_fields, record_event
from circulars.models import (
    AttachmentDocument,
    Circular,
    CircularAttachment,
    CircularCounter,
    CircularRecipient,
    CircularStatus,
)
from circulars.selectors import circular_addressees
from outbox import services as outbox
from outbox.models import MailStatus, OutgoingEmail

CIRCULAR_FIELDS = [
    "date",
    "file_reference",
    "addressees",
    "subject",
    "summary",
    "salutation",
    "body",
    "closing",
    "signature_line",
    "signer_name",
    "signer_phone",
    "signer_email",
]


class CircularStateError(Exception):
    """The circular is final (perhaps a colleague was quicker): it cannot be changed."""


def final_circular_error(circular):
    """What a change of a final circular is told: it stays, a correction is a new one."""
    return CircularStateError(
        _(
            "Das Rundschreiben %(number)s ist abgeschlossen und kann nicht mehr geändert "
            "werden. Für eine Korrektur legen Sie ein neues Rundschreiben an."
        )
        % {"number": circular.number_label}
    )


def _lock_draft(circular):
    locked = Circular.objects.select_for_update().get(pk=circular.pk)
    if locked.is_final:
        raise final_circular_error(locked)
    return locked


@transaction.atomic
def circular_create(*, association, user, data):
    """Start a draft circular of ``association``."""
    circular = Circular(association=association, created_by=user)
    for field in CIRCULAR_FIELDS:
        setattr(circular, field, data[field])
    circular.save()
    record_event(actor=user, obj=circular, action=AuditAction.CIRCULAR_CREATED)
    return circular


@transaction.atomic
def circular_update(*, circular, user, data):
    """Change a draft; a final circular is refused (``CircularStateError``)."""
    circular = _lock_draft(circular)
    changes = changed_fields(circular, {field: data[field] for field in CIRCULAR_FIELDS})
    if changes:
        circular.save()
        record_event(
            actor=user,
            obj=circular,
            action=AuditAction.CIRCULAR_CHANGED,
            changes=changes,
        )
    return circular


def next_number(association, year):
    """Take the next number of ``association`` in ``year``. Call inside a transaction."""
    # Creating the year's row cannot race: a second INSERT of the same row does nothing,
    # and both callers then wait for the same row lock.
    CircularCounter.objects.bulk_create(
        [CircularCounter(association=association, year=year)], ignore_conflicts=True
    )
    counter = CircularCounter.objects.select_for_update().get(association=association, year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


@transaction.atomic
def circular_finalise(*, circular, user):
    """Give the draft its number (per association and year of its date) and freeze it."""
    circular = _lock_draft(circular)
    check_finalisable(circular)
    circular.year = circular.date.year
    circular.number = next_number(circular.association, circular.year)
    circular.status = CircularStatus.FINAL
    circular.finalised_at = timezone.now()
    circular.save(update_fields=["year", "number", "status", "finalised_at"])
    record_event(
        actor=user,
        obj=circular,
        action=AuditAction.CIRCULAR_FINALISED,
        data={"number": circular.number_label},
    )
    return circular


@transaction.atomic
def attachment_add(*, circular, user, title, file):
    """Add ``file`` (a checked PDF) as the next attachment of a draft."""
    return _append_attachment(circular, user, title=title, file=file)


def document_title(document, agreement):
    """What a document the system makes is called in the list of attachments."""
    if document == AttachmentDocument.AGREEMENT:
        return agreement.short_title
    titles = {
        AttachmentDocument.OVERVIEW: _("Statusübersicht %(agreement)s"),
        AttachmentDocument.ACCESSION_FORM: _("Beitrittsformular %(agreement)s"),
    }
    return titles[document] % {"agreement": agreement.short_title}


@transaction.atomic
def attachment_add_document(*, circular, user, document, agreement):
    """Add a document the system makes (``AttachmentDocument``) about ``agreement`` as the
    next attachment; it is made afresh each time the circular is rendered."""
    title = document_title(document, agreement)
    return _append_attachment(circular, user, title=title, document=document, agreement=agreement)


# Each attachment is rendered into the circular's PDF by one worker within its time limit;
# a document the system makes can be the 15-page overview of 404 jobcenters (16 s).
MAX_ATTACHMENTS = 10


def too_many_attachments_error():
    """What adding an attachment beyond ``MAX_ATTACHMENTS`` is told."""
    return CircularStateError(
        _("Ein Rundschreiben hat höchstens %(most)d Anlagen.") % {"most": MAX_ATTACHMENTS}
    )


def _append_attachment(circular, user, *, title, **fields):
    circular = _lock_draft(circular)
    if circular.attachments.count() >= MAX_ATTACHMENTS:
        raise too_many_attachments_error()
    last = circular.attachments.aggregate(last=Max("position"))["last"] or 0
    attachment = CircularAttachment.objects.create(
        circular=circular, position=last + 1, title=title, **fields
    )
    record_event(
        actor=user,
        obj=circular,
        action=AuditAction.CIRCULAR_ATTACHMENT_ADDED,
        data={"label": attachment.label, "title": title},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, user):
    """Remove an attachment of a draft; the ones after it move up (A3 becomes A2)."""
    circular = _lock_draft(attachment.circular)
    attachment = circular.attachments.filter(pk=attachment.pk).first()
    if attachment is None:
        return  # removed a moment ago (a second click)
    label, title = attachment.label, attachment.title
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        # The file goes only once the row is gone for good: a rollback keeps both.
        transaction.on_commit(lambda: storage.delete(name))
    # Ascending, one at a time: each row moves into the place just freed.
    for later in circular.attachments.filter(position__gt=attachment.position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    record_event(
        actor=user,
        obj=circular,
        action=AuditAction.CIRCULAR_ATTACHMENT_REMOVED,
        data={"label": label, "title": title},
    )


@transaction.atomic
def circular_send(*, circular, user):
    """Send a final circular to every member jobcenter of its association, once.

    Records a recipient per jobcenter with the addresses it is sent to
    (``accessions.contacts``: the registry's, else the accession's contact person, else
    the managers) and queues an e-mail to each address (a link to the circular, which only
    recipients, the association and the state's readers can open) in the outbox, in the
    same transaction: a worker sends each after the commit, and what Redis or the mail
    server held up goes out later. Returns the recipients.
    """
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if not circular.is_final:
        raise CircularStateError(_("Nur ein abgeschlossenes Rundschreiben wird versandt."))
    if circular.sent_at is not None:
        raise CircularStateError(
            _("Das Rundschreiben %(number)s ist schon versandt.")
            % {"number": circular.number_label}
        )
    link = settings.SITE_URL + circular.get_absolute_url()
    recipients, mails = [], {}
    for addressee in circular_addressees(circular):
        recipient = CircularRecipient(
            circular=circular,
            jobcenter=addressee.jobcenter,
            emails=list(addressee.addresses.emails),
        )
        mails[addressee.jobcenter.pk] = outbox.enqueue_template(
            to=recipient.emails,
            template="circulars/email/circular",
            context={"circular": circular, "recipient": recipient, "link": link},
        )
        recipients.append(recipient)
    CircularRecipient.objects.bulk_create(recipients)
    CircularRecipient.mails.through.objects.bulk_create(
        [
            CircularRecipient.mails.through(circularrecipient=recipient, outgoingemail=mail)
            for recipient in recipients
            for mail in mails[recipient.jobcenter_id]
        ]
    )
    circular.sent_at = timezone.now()
    circular.save(update_fields=["sent_at"])
    record_event(
        actor=user,
        obj=circular,
        action=AuditAction.CIRCULAR_SENT,
        data={"count": len(recipients)},
    )
    return recipients


def circular_mail_counts(circular):
    """How the e-mails of a sent circular stand: ``{status: count}`` (``MailStatus``), and
    ``"none"`` for the recipients without an address."""
    counts = dict.fromkeys(MailStatus.values, 0)
    mails = OutgoingEmail.objects.filter(pk__in=circular.recipients.values("mails"))
    for status in mails.values_list("status", flat=True):
        counts[status] += 1
    counts["none"] = circular.recipients.filter(emails=[]).count()
    return counts


@transaction.atomic
def circular_resend(*, circular, user):
    """Queue once more the e-mails of a sent circular that failed for good; returns how
    many."""
    failed = OutgoingEmail.objects.filter(
        pk__in=circular.recipients.values("mails"), status=MailStatus.FAILED
    )
    count = outbox.resend(failed)
    if count:
        record_event(
            actor=user,
            obj=circular,
            action=AuditAction.CIRCULAR_MAILS_RESENT,
            data={"count": count},
        )
    return count


def check_finalisable(circular):
    """The reasons a draft cannot be finalised yet (``ValidationError``), or nothing."""
    if not circular.body.strip():
        raise ValidationError(_("Das Rundschreiben hat noch keinen Text."))
