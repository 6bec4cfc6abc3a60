"""Writes on renderings (the PDFs the worker makes) and exports (the XLSX files it
writes): asking for one, its dispatch to the worker, its start, progress, finish and
failure, the sweep of lost ones and the nightly prune."""

import datetime
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from reports import jobs
from reports.models import (
    Export,
    ExportSource,
    JobStage,
    JobStatus,
    Rendering,
    RenderingKind,
    final_rendering,
    rendering_file_name,
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
        if existing.stage == JobStage.UNDISPATCHED:
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
    return Rendering.objects.exclude(status=JobStatus.FAILED).filter(data_state=data_state)


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
    if existing.stage == JobStage.UNDISPATCHED:
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
    if rendering.status == JobStatus.FAILED and rendering.data_state:
        # Asked for again since it failed: that one is the PDF of this data state now.
        sibling = _live_rendering(rendering.data_state).first()
        if sibling is not None:
            return sibling
    try:
        with transaction.atomic():
            jobs.requeue(rendering)
    except IntegrityError:
        # The same data state was asked for again just now, by another request.
        return _live_rendering(rendering.data_state).get()
    _start(rendering)
    return rendering


def _start(rendering):
    """Dispatch the render once the row is committed (``rendering_dispatch``)."""
    jobs.start_on_commit(rendering_dispatch, rendering.pk, rendering.kind)


def rendering_dispatch(pk, kind):
    """Hand the render of one row to its queue (``jobs.dispatch``): a circular's to
    ``circulars``, every other to ``reports`` (``CELERY_TASK_ROUTES``)."""
    # Here, not at the top: the task module imports this one (dispatching a task).
    from reports.tasks import render, render_circular

    return jobs.dispatch(
        Rendering, render_circular if kind == RenderingKind.CIRCULAR else render, pk
    )


def renderings_sweep(*, now=None):
    """Dispatch the renderings asked for and never started (``JobQuerySet.lost``: Redis was
    down, or lost them, or their worker died). Returns how many were dispatched."""
    lost = Rendering.objects.lost(now or timezone.now()).values_list("pk", "kind")
    return jobs.sweep(lost, rendering_dispatch)


def rendering_start(rendering_id):
    """Mark the rendering as running; ``None`` when there is nothing (more) to do."""
    renderings = Rendering.objects.select_related(
        "circular__association", "agreement", "organisation", "jobcenter"
    )
    return jobs.start(renderings, rendering_id)


def rendering_finish(*, rendering, pdf, page_count):
    """Store the PDF under the rendering's one file name and mark it done (``jobs.finish``:
    run twice, it overwrites the same file)."""
    return jobs.finish(rendering, ContentFile(pdf), page_count=page_count)


def rendering_fail(*, rendering_id, error):
    """Record that the rendering failed for good; the page offers to try again."""
    jobs.fail(Rendering, rendering_id, error)


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
    readers = Rendering.objects.filter(kind=RenderingKind.READER, status=JobStatus.DONE)
    for agreement_id, pk in readers.order_by("agreement", "-finished_at", "-pk").values_list(
        "agreement", "pk"
    ):
        latest_readers.setdefault(agreement_id, pk)
    old = (
        Rendering.objects.ended_before(cutoff)
        .exclude(kind=RenderingKind.CIRCULAR, of_final=True, status=JobStatus.DONE)
        .exclude(pk__in=latest_readers.values())
    )
    rows, names = jobs.prune(old)
    storage = Rendering._meta.get_field("file").storage
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
    pending = Export.objects.filter(**fields).pending().first()
    if pending is not None:
        if pending.stage == JobStage.UNDISPATCHED:
            _start_export(pending)
        return pending
    export = Export.objects.create(**fields, organisation=user.organisation, role=user.role or "")
    _start_export(export)
    return export


def _start_export(export):
    jobs.start_on_commit(export_dispatch, export.pk)


def export_dispatch(pk):
    """Hand the export to the ``reports`` queue (``jobs.dispatch``)."""
    from reports.tasks import build_export

    return jobs.dispatch(Export, build_export, pk)


def exports_sweep(*, now=None):
    """Dispatch the exports asked for and never started, as ``renderings_sweep`` does the
    PDFs. Returns how many were dispatched."""
    lost = Export.objects.lost(now or timezone.now()).values_list("pk")
    return jobs.sweep(lost, export_dispatch)


@transaction.atomic
def export_retry(*, export, user):
    """Ask again for an export that failed, hangs or waited too long (``can_retry``)."""
    export = Export.objects.select_for_update().get(pk=export.pk)
    if not export.can_retry:
        return export
    jobs.requeue(export, rows_done=0)
    _start_export(export)
    return export


def export_start(export_id):
    """Mark the export as running, no row written yet; ``None`` when there is nothing
    (more) to do."""
    exports = Export.objects.select_related("requested_by", "agreement")
    return jobs.start(exports, export_id, rows_done=0)


def export_progress(export_id, *, rows_done=None, rows_total=None):
    """Note how far the worker got, for the export's page (one UPDATE, no lock)."""
    fields = {"rows_done": rows_done, "rows_total": rows_total}
    Export.objects.filter(pk=export_id, status=JobStatus.RUNNING).update(
        **{name: value for name, value in fields.items() if value is not None}
    )


def export_finish(*, export, path, file_name, rows):
    """Store the written file under the export's one name and mark it done (``jobs.finish``:
    run twice, it overwrites the same file)."""
    with Path(path).open("rb") as written:
        return jobs.finish(
            export, File(written), file_name=file_name, rows_done=rows, rows_total=rows
        )


def export_fail(*, export_id, error):
    """Record that the export failed for good; its page offers to try again."""
    jobs.fail(Export, export_id, error)


# An export is a copy of a list for one download: a week later nobody needs it, and it
# holds contact data.
KEEP_EXPORTS = datetime.timedelta(days=7)


def exports_prune(*, now=None):
    """Delete the exports finished or failed more than ``KEEP_EXPORTS`` ago, with their
    files. Returns the number of rows deleted."""
    rows, _names = jobs.prune(Export.objects.ended_before((now or timezone.now()) - KEEP_EXPORTS))
    return rows
