"""Writes on renderings (the PDFs the worker makes) and exports (the XLSX files it
writes): asking for one, its dispatch to the worker, its start, progress, finish and
failure, the sweep of lost ones and the nightly prune."""

import datetime
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from core.dispatch import delay as dispatch_task
from reports.models import (
    Export,
    ExportSource,
    Rendering,
    RenderingKind,
    RenderingStage,
    RenderingStatus,
    export_file_name,
    export_patience,
    final_rendering,
    rendering_file_name,
    running_patience,
)
from reports.states import overview_state, profile_state


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
    it (an administrator: the whole state).

    One PDF per organisation and data state (``reports.states``): asked for again while it
    is queued or running, or after it is done with the data unchanged, it is that one; a
    change to the data makes a new one.
    """
    organisation = None if user.is_superuser else user.organisation
    return _render_once(
        overview_state(organisation, agreement),
        kind=RenderingKind.OVERVIEW,
        agreement=agreement,
        organisation=organisation,
        requested_by=user,
    )


@transaction.atomic
def profile_render(*, agreement, jobcenter, user):
    """Ask a worker for the profile of ``jobcenter`` under ``agreement`` as it is today; one
    PDF per data state, as ``overview_render``."""
    return _render_once(
        profile_state(agreement, jobcenter),
        kind=RenderingKind.PROFILE,
        agreement=agreement,
        jobcenter=jobcenter,
        requested_by=user,
    )


def _live_rendering(data_state):
    return Rendering.objects.exclude(status=RenderingStatus.FAILED).filter(data_state=data_state)


def _render_once(data_state, **fields):
    """The rendering of ``data_state`` that is queued, running or done, else a new one.

    Two requests at the same moment both find none; the unique constraint
    (``rendering_one_per_data_state``) lets one insert, the other waits for its commit,
    fails, and takes the row the first made.
    """
    existing = _live_rendering(data_state).first()
    if existing is None:
        try:
            with transaction.atomic():
                rendering = Rendering.objects.create(data_state=data_state, **fields)
        except IntegrityError:
            existing = _live_rendering(data_state).get()
        else:
            _start(rendering)
            return rendering
    if existing.stage == RenderingStage.UNDISPATCHED:
        _start(existing)  # asked again while it waits for Redis: hand it on if it is back
    return existing


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
    if rendering.status == RenderingStatus.FAILED and rendering.data_state:
        # Asked for again since it failed: that one is the PDF of this data state now.
        sibling = _live_rendering(rendering.data_state).first()
        if sibling is not None:
            return sibling
    rendering.status = RenderingStatus.QUEUED
    rendering.error = ""
    rendering.attempts = 0
    rendering.task_id = ""
    rendering.queued_at = timezone.now()
    try:
        with transaction.atomic():
            rendering.save(update_fields=["status", "error", "attempts", "task_id", "queued_at"])
    except IntegrityError:
        # The same data state was asked for again just now, by another request.
        return _live_rendering(rendering.data_state).get()
    _start(rendering)
    return rendering


# A rendering not dispatched after this long is the sweep's to dispatch.
DISPATCH_GRACE = datetime.timedelta(minutes=1)
# A rendering is started at most this often (worker deaths and retries together).
MAX_ATTEMPTS = 5


def _start(rendering):
    """Dispatch the render once the row is committed (``rendering_dispatch``)."""
    pk, kind = rendering.pk, rendering.kind
    transaction.on_commit(lambda: rendering_dispatch(pk, kind))


def rendering_dispatch(pk, kind):
    """Hand the render of one row to its queue and note the task on the row: a circular's
    to ``circulars``, every other to ``reports`` (``CELERY_TASK_ROUTES``).

    With Redis down the row keeps no task id: its page says it waits for the background
    service, and the sweep (``renderings_sweep``) dispatches it once Redis is back.
    """
    # Here, not at the top: the task module imports this one (dispatching a task).
    from reports.tasks import render, render_circular

    task = render_circular if kind == RenderingKind.CIRCULAR else render
    result = dispatch_task(task, pk)
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
    lost = _lost_jobs(Rendering.objects, now or timezone.now(), running_patience())
    dispatched = 0
    for pk, kind in lost.values_list("pk", "kind"):
        if rendering_dispatch(pk, kind) is None:
            break  # the broker is still away; the next sweep tries again
        dispatched += 1
    return dispatched


def _lost_jobs(jobs, now, patience):
    """The jobs (renderings, exports) asked for and never started: not dispatched a minute
    after they were asked for, queued longer than ``LOST_AFTER``, or running that long
    after their time limit (``patience``)."""
    # A row handed on again waits LOST_AFTER for that message too.
    not_lately = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - LOST_AFTER)
    queued = Q(status=RenderingStatus.QUEUED) & (
        Q(task_id="", queued_at__lt=now - DISPATCH_GRACE)
        | (Q(queued_at__lt=now - LOST_AFTER) & not_lately)
    )
    abandoned = (
        Q(status=RenderingStatus.RUNNING, started_at__lt=now - patience - LOST_AFTER) & not_lately
    )
    return jobs.filter(queued | abandoned).order_by("pk")


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


# Exports


@transaction.atomic
def export_request(*, user, source, query, agreement=None):
    """Ask a worker for the XLSX of a list (``ExportSource``) with the filters in ``query``
    (a ``QueryDict``, as the list had it), in the language of the page.

    The same export of the same user that is still queued or running is that one: a
    second click (or a page that made the browser ask) starts no second file.
    """
    if source not in ExportSource.values:
        raise ValueError(f"no such export: {source}")
    fields = {
        "source": source,
        "query": query.urlencode(),
        "agreement": agreement,
        "language": translation.get_language() or "de",
        "requested_by": user,
    }
    pending = Export.objects.filter(
        **fields, status__in=(RenderingStatus.QUEUED, RenderingStatus.RUNNING)
    ).first()
    if pending is not None:
        if pending.stage == RenderingStage.UNDISPATCHED:
            _start_export(pending)
        return pending
    export = Export.objects.create(**fields, organisation=user.organisation, role=user.role or "")
    _start_export(export)
    return export


def _start_export(export):
    pk = export.pk
    transaction.on_commit(lambda: export_dispatch(pk))


def export_dispatch(pk):
    """Hand the export to the ``reports`` queue and note the task (``rendering_dispatch``)."""
    from reports.tasks import build_export

    result = dispatch_task(build_export, pk)
    if result is not None:
        Export.objects.filter(pk=pk).update(task_id=result.id, dispatched_at=timezone.now())
    return result


def exports_sweep(*, now=None):
    """Dispatch the exports asked for while Redis was down or lost with it, as
    ``renderings_sweep`` does the PDFs. Returns how many were dispatched."""
    dispatched = 0
    lost = _lost_jobs(Export.objects, now or timezone.now(), export_patience())
    for pk in lost.values_list("pk", flat=True):
        if export_dispatch(pk) is None:
            break
        dispatched += 1
    return dispatched


@transaction.atomic
def export_retry(*, export, user):
    """Ask again for an export that failed, hangs or waited too long (``can_retry``)."""
    export = Export.objects.select_for_update().get(pk=export.pk)
    if not export.can_retry:
        return export
    export.status = RenderingStatus.QUEUED
    export.error = ""
    export.attempts = 0
    export.rows_done = 0
    export.task_id = ""
    export.queued_at = timezone.now()
    export.save(update_fields=["status", "error", "attempts", "rows_done", "task_id", "queued_at"])
    _start_export(export)
    return export


def export_start(export_id):
    """Mark the export as running; ``None`` when there is nothing (more) to do."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(of=("self",))
            .select_related("requested_by", "agreement")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status == RenderingStatus.DONE:
            return None
        if export.attempts >= MAX_ATTEMPTS:
            export.status = RenderingStatus.FAILED
            export.error = f"given up after {export.attempts} attempts"
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "error", "finished_at"])
            return None
        export.status = RenderingStatus.RUNNING
        export.started_at = timezone.now()
        export.attempts += 1
        export.rows_done = 0
        export.save(update_fields=["status", "started_at", "attempts", "rows_done"])
    return export


def export_progress(export_id, *, rows_done=None, rows_total=None):
    """Note how far the worker got, for the export's page (one UPDATE, no lock)."""
    fields = {"rows_done": rows_done, "rows_total": rows_total}
    Export.objects.filter(pk=export_id, status=RenderingStatus.RUNNING).update(
        **{name: value for name, value in fields.items() if value is not None}
    )


@transaction.atomic
def export_finish(*, export, path, file_name, rows):
    """Store the written file under the export's one name and mark it done (run twice, it
    overwrites the same file)."""
    export = Export.objects.select_for_update().get(pk=export.pk)
    if export.status == RenderingStatus.DONE:
        return export
    storage = export.file.storage
    name = export_file_name(export, "")
    if storage.exists(name):
        storage.delete(name)
    with Path(path).open("rb") as written:
        export.file.name = storage.save(name, File(written))
    export.file_name = file_name
    export.rows_done = export.rows_total = rows
    export.status = RenderingStatus.DONE
    export.error = ""
    export.finished_at = timezone.now()
    export.save(
        update_fields=[
            "file",
            "file_name",
            "rows_done",
            "rows_total",
            "status",
            "error",
            "finished_at",
        ]
    )
    return export


def export_fail(*, export_id, error):
    """Record that the export failed for good; its page offers to try again."""
    Export.objects.filter(pk=export_id).exclude(status=RenderingStatus.DONE).update(
        status=RenderingStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )


# An export is a copy of a list for one download: a week later nobody needs it, and it
# holds contact data.
KEEP_EXPORTS = datetime.timedelta(days=7)


def exports_prune(*, now=None):
    """Delete the exports finished or failed more than ``KEEP_EXPORTS`` ago, with their
    files. Returns the number of rows deleted."""
    cutoff = (now or timezone.now()) - KEEP_EXPORTS
    old = Export.objects.alias(last=Coalesce("finished_at", "created_at")).filter(
        last__lt=cutoff, status__in=(RenderingStatus.DONE, RenderingStatus.FAILED)
    )
    with transaction.atomic():
        doomed = dict(old.select_for_update().values_list("pk", "file"))
        rows, _by_model = Export.objects.filter(pk__in=doomed).delete()
    storage = Export._meta.get_field("file").storage
    for name in doomed.values():
        if name:
            storage.delete(name)
    return rows
