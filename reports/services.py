"""Writes on circulars, their numbering and rendered PDFs, each one transaction with its event.

Numbering: finalising a circular locks its association's counter row for the year
(``SELECT … FOR UPDATE``), takes the next number and saves both in the same transaction.
Two staff finalising at once wait for each other; a rollback gives the number back, so
numbers have no gaps and never repeat. The unique constraint on (association, year,
number) is the database's second line.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import AuditAction, changed_fields, record_event
from core.dispatch import delay as dispatch_task
from outbox import services as outbox
from outbox.models import MailStatus, OutgoingEmail
from reports.models import (
    AttachmentDocument,
    Circular,
    CircularAttachment,
    CircularCounter,
    CircularRecipient,
    CircularStatus,
    Rendering,
    RenderingKind,
    RenderingStage,
    RenderingStatus,
    rendering_file_name,
    running_patience,
)

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


# A rendering not dispatched after this long is the sweep's to dispatch.
DISPATCH_GRACE = datetime.timedelta(minutes=1)

# A rendering is started at most this often (worker deaths and retries together).
MAX_ATTEMPTS = 5


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
    (``jobcenters.contacts``: the registry's, else the accession's contact person, else
    the managers) and queues an e-mail to each address (a link to the circular, which only
    recipients, the association and the state's readers can open) in the outbox, in the
    same transaction: a worker sends each after the commit, and what Redis or the mail
    server held up goes out later. Returns the recipients.
    """
    from reports.selectors import circular_addressees

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
            template="reports/email/circular",
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


@transaction.atomic
def circular_render(*, circular, user):
    """Ask a worker for the circular's PDF; a final circular is rendered only once.

    Returns the ``Rendering`` to follow. A draft gets a new one each time (it may have
    changed); a final circular reuses the one that is done or under way.
    """
    existing = circular.final_rendering()
    if existing is not None:
        if existing.stage == RenderingStage.UNDISPATCHED:
            _start(existing)  # asked again while it waits for Redis: hand it on if it is back
        return existing
    rendering = Rendering.objects.create(
        kind=RenderingKind.CIRCULAR,
        circular=circular,
        of_final=circular.is_final,
        requested_by=user,
    )
    _start(rendering)
    return rendering


@transaction.atomic
def overview_render(*, agreement, user):
    """Ask a worker for the status overview of ``agreement`` as the user's organisation sees
    it (an administrator: the whole state). Every request makes a new one: it shows today."""
    organisation = None if user.is_superuser else user.organisation
    rendering = Rendering.objects.create(
        kind=RenderingKind.OVERVIEW,
        agreement=agreement,
        organisation=organisation,
        requested_by=user,
    )
    _start(rendering)
    return rendering


@transaction.atomic
def profile_render(*, agreement, jobcenter, user):
    """Ask a worker for the profile of ``jobcenter`` under ``agreement`` as it is today."""
    rendering = Rendering.objects.create(
        kind=RenderingKind.PROFILE, agreement=agreement, jobcenter=jobcenter, requested_by=user
    )
    _start(rendering)
    return rendering


@transaction.atomic
def reader_render(*, agreement, user):
    """Ask a worker for the Reader of ``agreement``: its published measures as they are now."""
    rendering = Rendering.objects.create(
        kind=RenderingKind.READER, agreement=agreement, requested_by=user
    )
    _start(rendering)
    return rendering


@transaction.atomic
def rendering_retry(*, rendering, user):
    """Ask again for a rendering that failed, hangs past its time limit or waited too long
    for a worker (``Rendering.can_retry``); anything else stays as it is."""
    rendering = Rendering.objects.select_for_update().get(pk=rendering.pk)
    if not rendering.can_retry:
        return rendering
    rendering.status = RenderingStatus.QUEUED
    rendering.error = ""
    rendering.attempts = 0
    rendering.task_id = ""
    rendering.queued_at = timezone.now()
    rendering.save(update_fields=["status", "error", "attempts", "task_id", "queued_at"])
    _start(rendering)
    return rendering


def _start(rendering):
    """Dispatch the render once the row is committed (``rendering_dispatch``)."""
    pk = rendering.pk
    transaction.on_commit(lambda: rendering_dispatch(pk))


def rendering_dispatch(pk):
    """Hand the render of one row to the ``pdf`` queue and note the task on the row.

    With Redis down the row keeps no task id: its page says it waits for the background
    service, and the sweep (``renderings_sweep``) dispatches it once Redis is back.
    """
    from reports.tasks import render

    result = dispatch_task(render, pk)
    if result is not None:
        Rendering.objects.filter(pk=pk).update(task_id=result.id, dispatched_at=timezone.now())
    return result


# A dispatched row still queued after this long was most likely lost with Redis (restarted
# without its data): the sweep dispatches it again (a second message finds it done).
LOST_AFTER = datetime.timedelta(minutes=15)


def renderings_sweep(*, now=None):
    """Dispatch the renderings asked for and never started: not dispatched a minute after
    they were asked for (Redis was down), or queued longer than ``LOST_AFTER``, or running
    that long after their time limit with no worker left to finish or redeliver them.
    Returns how many were dispatched."""
    now = now or timezone.now()
    # A row handed on again waits LOST_AFTER for that message too.
    not_lately = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - LOST_AFTER)
    queued = Q(status=RenderingStatus.QUEUED) & (
        Q(task_id="", queued_at__lt=now - DISPATCH_GRACE)
        | (Q(queued_at__lt=now - LOST_AFTER) & not_lately)
    )
    abandoned = (
        Q(status=RenderingStatus.RUNNING, started_at__lt=now - running_patience() - LOST_AFTER)
        & not_lately
    )
    dispatched = 0
    for pk in (
        Rendering.objects.filter(queued | abandoned).order_by("pk").values_list("pk", flat=True)
    ):
        if rendering_dispatch(pk) is None:
            break  # the broker is still away; the next sweep tries again
        dispatched += 1
    return dispatched


def rendering_start(rendering_id):
    """Mark the rendering as running; ``None`` when there is nothing (more) to do."""
    with transaction.atomic():
        rendering = (
            Rendering.objects.select_for_update(of=("self",))
            .select_related("circular__association", "agreement", "organisation", "jobcenter")
            .filter(pk=rendering_id)
            .first()
        )
        if rendering is None or rendering.status == RenderingStatus.DONE:
            return None
        if rendering.attempts >= MAX_ATTEMPTS:
            # Delivered again and again (a worker dies on this PDF): stop and say so.
            rendering.status = RenderingStatus.FAILED
            rendering.error = f"given up after {rendering.attempts} attempts"
            rendering.finished_at = timezone.now()
            rendering.save(update_fields=["status", "error", "finished_at"])
            return None
        rendering.status = RenderingStatus.RUNNING
        rendering.started_at = timezone.now()
        rendering.attempts += 1
        rendering.save(update_fields=["status", "started_at", "attempts"])
    return rendering


@transaction.atomic
def rendering_finish(*, rendering, pdf, page_count):
    """Store the PDF under the rendering's one file name and mark it done.

    Run twice (a worker died after writing the file, the task was delivered again), it
    overwrites the same file: one row, one file.
    """
    rendering = Rendering.objects.select_for_update().get(pk=rendering.pk)
    if rendering.status == RenderingStatus.DONE:
        return rendering
    storage = rendering.file.storage
    name = rendering_file_name(rendering, "")
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(pdf))
    rendering.file.name = saved
    rendering.page_count = page_count
    rendering.status = RenderingStatus.DONE
    rendering.error = ""
    rendering.finished_at = timezone.now()
    rendering.save(update_fields=["file", "page_count", "status", "error", "finished_at"])
    return rendering


def rendering_fail(*, rendering_id, error):
    """Record that the rendering failed for good; the page offers to try again."""
    Rendering.objects.filter(pk=rendering_id).exclude(status=RenderingStatus.DONE).update(
        status=RenderingStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )


# Overviews, profiles and drafts' PDFs are snapshots to download at once; after this long
# nobody needs them, and every click made one.
KEEP_RENDERINGS = datetime.timedelta(days=30)


def renderings_prune(*, now=None):
    """Delete the PDFs finished more than ``KEEP_RENDERINGS`` ago that nobody needs any
    more, with their files, and the files whose row went with a deleted circular.

    Kept whatever their age: a final circular's PDF (what its recipients were sent), each
    agreement's latest Reader (what the public downloads), and whatever is queued or
    running (an old failed one that was started again). Returns the number of rows and of
    files deleted.
    """
    cutoff = (now or timezone.now()) - KEEP_RENDERINGS
    latest_readers = {}
    readers = Rendering.objects.filter(kind=RenderingKind.READER, status=RenderingStatus.DONE)
    for agreement_id, pk in readers.order_by("agreement", "-finished_at", "-pk").values_list(
        "agreement", "pk"
    ):
        latest_readers.setdefault(agreement_id, pk)
    old = (
        Rendering.objects.alias(last=Coalesce("finished_at", "created_at"))
        .filter(last__lt=cutoff, status__in=(RenderingStatus.DONE, RenderingStatus.FAILED))
        .exclude(kind=RenderingKind.CIRCULAR, of_final=True, status=RenderingStatus.DONE)
        .exclude(pk__in=latest_readers.values())
    )
    with transaction.atomic():
        # Locked, so a retry of one of them waits and then finds it gone.
        doomed = dict(old.select_for_update().values_list("pk", "file"))
        rows, _by_model = Rendering.objects.filter(pk__in=doomed).delete()
    storage = Rendering._meta.get_field("file").storage
    names = [name for name in doomed.values() if name]
    for name in names:
        storage.delete(name)
    orphans = _orphan_files(storage)
    for name in orphans:
        storage.delete(name)
    return rows, len(names) + len(orphans)


def _orphan_files(storage):
    """The files in ``renderings/`` whose row is gone (it went with its circular)."""
    folder = rendering_file_name(Rendering(pk=0), "").rpartition("/")[0]
    if not storage.exists(folder):
        return []
    _folders, files = storage.listdir(folder)
    numbered = {int(name[:-4]): name for name in files if name[:-4].isdigit()}
    existing = set(Rendering.objects.filter(pk__in=numbered).values_list("pk", flat=True))
    return [f"{folder}/{name}" for pk, name in numbered.items() if pk not in existing]
