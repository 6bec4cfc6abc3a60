"""The Celery application: configured from Django's settings (``CELERY_*``)."""

import os
import resource

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rahmenwerk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def import_pdf_renderer(**kwargs):
    """Import WeasyPrint in the worker's parent process, before it forks its children
    (``core.pdf.load``): each child, the first and every one that replaces another after
    its 50 tasks, starts with it instead of importing it (about 2 s). The web never runs
    this: it loads WeasyPrint only when it makes a PDF."""
    from core.pdf import load

    load()


@worker_process_init.connect
def load_pdf_renderer(**kwargs):
    """Load the shared font configuration and the fonts in each worker child as it starts
    (``core.pdf.warm_up``), before ``limit_child_memory`` measures what the child holds.

    Otherwise the first PDF of each child paid for WeasyPrint and its fonts (6 s against
    1.1 s for the next ones) and a child reported ready held a third less than any child
    that had rendered once. The parent waits for a starting child
    (``CELERY_WORKER_PROC_ALIVE_TIMEOUT``) longer than this takes on a busy machine.
    """
    from core.pdf import warm_up

    warm_up()


@worker_process_init.connect
def limit_child_memory(**kwargs):
    """Cap the address space of each worker child at what it holds now plus
    ``WORKER_CHILD_MEMORY_MB`` (``RLIMIT_AS``; prefork: in the child, never the parent).

    ``--max-memory-per-child`` replaces a child only after its task: a render that keeps
    growing would take the machine first. With the cap, an allocation beyond it fails
    (``MemoryError``), the render fails cleanly and its page offers to try again.
    """
    from django.conf import settings

    headroom = settings.WORKER_CHILD_MEMORY_MB * 1024 * 1024
    if headroom <= 0:
        return
    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (held + headroom, held + headroom))
