"""Writes on renderings (the PDFs the worker makes): asking for one, its dispatch to the
worker, its start, finish and failure, the sweep of lost ones and the nightly prune."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dispatch import delay as dispatch_task
from reports.models import (
    Rendering,
    RenderingKind,
    RenderingStage,
    RenderingStatus,
    final_rendering,
    rendering_file_name,
    running_patience,
)


@transaction.atomic
def circular_render(*, circular, user):
    """Ask a worker for the circular's PDF; a final circular is rendered only once.

    Returns the ``Rendering`` to follow. A draft gets a new one each time (it may have
    changed); a final circular reuses the one that is done or under way.
    """
    existing = final_rendering(circular)
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


# A rendering not dispatched after this long is the sweep's to dispatch.
DISPATCH_GRACE = datetime.timedelta(minutes=1)
# A rendering is started at most this often (worker deaths and retries together).
MAX_ATTEMPTS = 5


def _start(rendering):
    """Dispatch the render once the row is committed (``rendering_dispatch``)."""
    pk = rendering.pk
    transaction.on_commit(lambda: rendering_dispatch(pk))


def rendering_dispatch(pk):
    """Hand the render of one row to the ``pdf`` queue and note the task on the row.

    With Redis down the row keeps no task id: its page says it waits for the background
    service, and the sweep (``renderings_sweep``) dispatches it once Redis is back.
    """
    # Here, not at the top: the task module imports this one (dispatching a task).
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
