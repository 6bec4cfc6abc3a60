"""PDF renderings and XLSX exports, made by Celery workers.

A circular's PDF goes to the ``circulars`` queue, every other PDF and every export to the
``reports`` queue (``CELERY_TASK_ROUTES``): a burst of overviews never holds up the PDF of a
circular its association is about to send, and each queue has workers of its own.

The task gets a row id, never an object: it loads the row, builds the PDF through the
same code as every other caller, and stores it (``reports.services``). It is acknowledged
only when it has finished (``acks_late``), so a worker that dies mid-render leaves the
message to be delivered again; running it twice leaves one file and one row.
"""

import logging
import resource
import tempfile
from contextlib import contextmanager
from pathlib import Path

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.utils import translation

from core.exports import write_xlsx
from core.memory import return_freed_memory
from reports import jobs, services
from reports.documents import build_pdf
from reports.exports import table_of
from reports.models import OUT_OF_MEMORY, TIME_LIMIT_EXCEEDED, Export, Rendering

logger = logging.getLogger(__name__)

# How close to its cap a child's address space came when a render failed for it to count as
# out of memory.
MEMORY_CAP_MARGIN = 64 * 1024 * 1024


def peak_address_space():
    """The most address space this process has held (``VmPeak``), in bytes; 0 if unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reached_memory_cap(peak_before):
    """Whether this render took the child's address space to its cap (config/celery.py).

    Past the cap, an allocation fails wherever it happens: in Python it is a MemoryError,
    inside qpdf it can surface as a parse error ("unable to find page tree"). A failure
    while the peak rose to the cap is the cap's, whatever its message says.
    """
    cap, _ = resource.getrlimit(resource.RLIMIT_AS)
    if cap == resource.RLIM_INFINITY:
        return False
    peak = peak_address_space()
    return peak > peak_before and peak >= cap - MEMORY_CAP_MARGIN


# Errors worth another try: the disk or the network had a moment.
TRANSIENT_ERRORS = (OSError,)


class JobTask(Task):
    """A task that does the job of one row (``job_model``), given its id as the first
    argument: what happens to the row when the job fails.

    One failure its own code cannot see is the hard time limit: the worker's parent kills
    the child and, acknowledging the message, calls ``on_failure`` itself (Celery 5.6+).
    Without this the row stayed "running" until the sweep handed it on again, to be killed
    again, five times over.
    """

    job_model = None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if isinstance(exc, TimeLimitExceeded) and args:
            logger.error("%s %s ran past its hard time limit.", self.job_model.__name__, args[0])
            jobs.fail(self.job_model, args[0], f"{TIME_LIMIT_EXCEEDED} ({exc})")
        super().on_failure(exc, task_id, args, kwargs, einfo)

    @contextmanager
    def failing(self, job_id, known=None):
        """Say on the row when the job fails: a transient error after its last retry (until
        then, another try comes: autoretry), any other at once, raised on. ``known(error)``
        may name an error in words for the row instead (it is then not raised on)."""
        try:
            yield
        except TRANSIENT_ERRORS as error:
            if self.request.retries >= self.max_retries:
                jobs.fail(self.job_model, job_id, error)
            raise
        except (SoftTimeLimitExceeded, Exception) as error:
            words = known(error) if known else None
            jobs.fail(self.job_model, job_id, words or error)
            if words is None:
                raise


# How every job's task runs: acknowledged when it has finished, so a worker that dies
# mid-job leaves the message to be delivered again; a transient error is tried again.
JOB_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 3,
}


class RenderTask(JobTask):
    job_model = Rendering


RENDER_OPTIONS = {
    **JOB_OPTIONS,
    "base": RenderTask,
    "soft_time_limit": settings.RENDER_SOFT_TIME_LIMIT,
    "time_limit": settings.RENDER_TIME_LIMIT,
}


@shared_task(**RENDER_OPTIONS)
def render(self, rendering_id):
    """Render the PDF of one ``Rendering`` row: an overview, a profile, a Reader."""
    _render(self, rendering_id)


@shared_task(**RENDER_OPTIONS)
def render_circular(self, rendering_id):
    """Render the PDF of a circular (its own task, so that it is routed to its own queue)."""
    _render(self, rendering_id)


def _render(self, rendering_id):
    peak_before = peak_address_space()

    def out_of_memory(error):
        if isinstance(error, MemoryError):
            # Past the child's cap (WORKER_CHILD_MEMORY_MB, config/celery.py); what the
            # render had allocated is freed again by now. Not raised on: Celery's parent
            # process takes a MemoryError in a task's result for one of its own and raises
            # it there.
            logger.error(
                "PDF rendering %s needed more memory than a worker child may take.",
                rendering_id,
            )
            return OUT_OF_MEMORY
        if reached_memory_cap(peak_before):
            logger.error(
                "PDF rendering %s failed at the worker child's memory cap: %r", rendering_id, error
            )
            return OUT_OF_MEMORY
        return None

    try:
        with self.failing(rendering_id, known=out_of_memory):
            rendering = services.rendering_start(rendering_id)
            if rendering is None:
                return
            pdf, page_count = build_pdf(rendering)
            services.rendering_finish(rendering=rendering, pdf=pdf, page_count=page_count)
    finally:
        return_freed_memory()


class ExportTask(JobTask):
    job_model = Export


@shared_task(**JOB_OPTIONS, base=ExportTask)
def build_export(self, export_id):
    """Write the XLSX of one ``Export`` row, noting its progress as it goes.

    The rows come from the database a chunk at a time and go to a temporary file
    (openpyxl's write-only mode): the worker holds a chunk, never the sheet. Runs under the
    default task time limits (``CELERY_TASK_TIME_LIMIT``).
    """
    try:
        with self.failing(export_id):
            _build_export(export_id)
    finally:
        return_freed_memory()


def _build_export(export_id):
    export = services.export_start(export_id)
    if export is None:
        return
    with translation.override(export.language), tempfile.TemporaryDirectory() as folder:
        table = table_of(export)
        if table is None:
            services.export_fail(export_id=export_id, error="the list's filters are wrong")
            return
        services.export_progress(export_id, rows_total=table.count())
        path = Path(folder) / "export.xlsx"
        rows = write_xlsx(
            table,
            path,
            progress=lambda done: services.export_progress(export_id, rows_done=done),
        )
        services.export_finish(
            export=export, path=path, file_name=table.filename("xlsx"), rows=rows
        )


@shared_task
def sweep_exports():
    """Every minute (``CELERY_BEAT_SCHEDULE``): dispatch the exports asked for while Redis
    was down, or lost with it (``services.exports_sweep``)."""
    count = services.exports_sweep()
    if count:
        logger.info("Dispatched %d exports that were waiting for the broker.", count)


@shared_task
def sweep_renderings():
    """Every minute (``CELERY_BEAT_SCHEDULE``): dispatch the PDFs asked for while Redis was
    down, or lost with it (``services.renderings_sweep``)."""
    count = services.renderings_sweep()
    if count:
        logger.info("Dispatched %d PDF renderings that were waiting for the broker.", count)


@shared_task
def prune_renderings():
    """Once a night (``CELERY_BEAT_SCHEDULE``): delete the PDFs and exports nobody needs
    any more."""
    rows, files = services.renderings_prune()
    logger.info("Deleted %d old PDF renderings and %d files.", rows, files)
    logger.info("Deleted %d old exports.", services.exports_prune())
