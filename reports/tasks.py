"""PDF renderings, made by Celery workers on the ``pdf`` queue.

The task gets a row id, never an object: it loads the row, builds the PDF through the
same code as every other caller, and stores it (``reports.services``). It is acknowledged
only when it has finished (``acks_late``), so a worker that dies mid-render leaves the
message to be delivered again; running it twice leaves one file and one row.
"""

import logging
import resource

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings

from reports import services
from reports.documents import build_pdf
from reports.models import OUT_OF_MEMORY, TIME_LIMIT_EXCEEDED

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


class RenderTask(Task):
    """The render task, with the one failure its own code cannot see: the hard time limit.

    At ``RENDER_TIME_LIMIT`` the worker's parent kills the child and, acknowledging the
    message, calls ``on_failure`` itself (Celery 5.6+). Without this the row stayed
    "running" until the sweep handed it on again, to be killed again, five times over.
    """

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if isinstance(exc, TimeLimitExceeded) and args:
            logger.error("PDF rendering %s ran past its hard time limit.", args[0])
            services.rendering_fail(rendering_id=args[0], error=f"{TIME_LIMIT_EXCEEDED} ({exc})")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
    base=RenderTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
    soft_time_limit=settings.RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RENDER_TIME_LIMIT,
)
def render(self, rendering_id):
    """Render the PDF of one ``Rendering`` row."""
    peak_before = peak_address_space()
    try:
        rendering = services.rendering_start(rendering_id)
        if rendering is None:
            return
        pdf, page_count = build_pdf(rendering)
        services.rendering_finish(rendering=rendering, pdf=pdf, page_count=page_count)
    except MemoryError:
        # Past the child's cap (WORKER_CHILD_MEMORY_MB, config/celery.py); what the render
        # had allocated is freed again by now. Not raised on: Celery's parent process takes
        # a MemoryError in a task's result for one of its own and raises it there.
        logger.error(
            "PDF rendering %s needed more memory than a worker child may take.", rendering_id
        )
        services.rendering_fail(rendering_id=rendering_id, error=OUT_OF_MEMORY)
    except TRANSIENT_ERRORS as error:
        # Another try comes (autoretry); after the last one the row says it failed.
        if self.request.retries >= self.max_retries:
            services.rendering_fail(rendering_id=rendering_id, error=error)
        raise
    except (SoftTimeLimitExceeded, Exception) as error:
        if reached_memory_cap(peak_before):
            logger.error(
                "PDF rendering %s failed at the worker child's memory cap: %r", rendering_id, error
            )
            services.rendering_fail(rendering_id=rendering_id, error=OUT_OF_MEMORY)
            return
        services.rendering_fail(rendering_id=rendering_id, error=error)
        raise


@shared_task
def sweep_renderings():
    """Every minute (``CELERY_BEAT_SCHEDULE``): dispatch the PDFs asked for while Redis was
    down, or lost with it (``services.renderings_sweep``)."""
    count = services.renderings_sweep()
    if count:
        logger.info("Dispatched %d PDF renderings that were waiting for the broker.", count)


@shared_task
def prune_renderings():
    """Once a night (``CELERY_BEAT_SCHEDULE``): delete the PDFs nobody needs any more."""
    rows, files = services.renderings_prune()
    logger.info("Deleted %d old PDF renderings and %d files.", rows, files)
