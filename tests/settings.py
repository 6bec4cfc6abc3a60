"""Settings for the test suite: the project's own, with what plain ``pytest`` needs.

pytest-django loads settings before any conftest, so the defaults a test run needs
(a secret key, plain http, static files without a manifest) are set here, and only where
the environment does not set them. The Celery worker the suite starts inherits them.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("DJANGO_HTTPS", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")

from config import settings as _project
from config.settings import *  # noqa: F403

# Under pytest-xdist every worker (gw0, gw1, …) has its own test database; the queues on
# the shared Redis are its own too, so a real Celery worker started by gw0 never takes a
# task that gw1 queued for its database. The worker process inherits PYTEST_XDIST_WORKER
# and so routes the tasks it queues itself the same way.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _queue(name):
    return f"{name}-{_XDIST_WORKER}" if _XDIST_WORKER else name


CELERY_TASK_DEFAULT_QUEUE = _queue("celery")
CELERY_TASK_ROUTES = {
    task: {**route, "queue": _queue(route["queue"])}
    for task, route in _project.CELERY_TASK_ROUTES.items()
}
# The queues the test suite's worker consumes: every queue a task can be routed to.
TEST_CELERY_QUEUES = sorted(
    {CELERY_TASK_DEFAULT_QUEUE, *(route["queue"] for route in CELERY_TASK_ROUTES.values())}
)
# The same for the cache on Redis (when REDIS_URL is set).
if _XDIST_WORKER and hasattr(_project, "CACHES"):
    CACHES = {"default": {**_project.CACHES["default"], "KEY_PREFIX": _XDIST_WORKER}}
# Only the worker imports these, when it starts (tests/worker_process.py says why).
CELERY_IMPORTS = ["tests.worker_process"]
