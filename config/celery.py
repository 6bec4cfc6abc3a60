"""The Celery application: configured from Django's settings (``CELERY_*``)."""

import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rahmenwerk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
