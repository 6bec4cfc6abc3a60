"""A circular's PDF has a queue of its own, apart from overviews, profiles and exports, and
every queue a task is routed to has a worker: in docker-compose.yml and under `make run`."""

import re
import subprocess
from pathlib import Path

import pytest

from config import settings as project
from reports import jobs, services
from reports.models import RenderingKind
from tests import factories

COMPOSE = Path(project.BASE_DIR) / "docker-compose.yml"


def _queues_of_routes():
    return {"celery"} | {route["queue"] for route in project.CELERY_TASK_ROUTES.values()}


def _compose_workers():
    """Each worker service of docker-compose.yml with the queues of its ``-Q``."""
    workers = {}
    for service, body in re.findall(
        r"^  ([\w-]+):\n((?:    .*\n|\n)+)", COMPOSE.read_text(), flags=re.M
    ):
        queues = re.search(r"- -Q\n(?:\s+#.*\n)*\s+- ([\w,]+)\n", body)
        if queues:
            workers[service] = set(queues.group(1).split(","))
    return workers


def test_circulars_and_reports_are_routed_to_queues_of_their_own():
    routes = project.CELERY_TASK_ROUTES

    assert routes["reports.tasks.render_circular"]["queue"] == "circulars"
    assert routes["reports.tasks.render"]["queue"] == "reports"
    assert routes["reports.tasks.build_export"]["queue"] == "reports"


def test_compose_has_a_worker_for_circulars_and_another_for_reports():
    workers = _compose_workers()

    assert workers["worker-circulars"] & {"reports"} == set()
    assert "circulars" in workers["worker-circulars"]
    assert workers["worker-reports"] == {"reports"}
    # Every queue a task can go to has its worker.
    assert set().union(*workers.values()) == _queues_of_routes()


def test_the_demo_worker_listens_to_every_queue(settings):
    recipe = subprocess.run(
        ["make", "-n", "run", "REDIS_URL=redis://127.0.0.1:6399/0"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker = re.search(r"celery -A config worker[^;&]*", recipe).group(0).split()

    assert set(worker[worker.index("-Q") + 1].split(",")) == _queues_of_routes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "task"),
    [(RenderingKind.CIRCULAR, "render_circular"), (RenderingKind.OVERVIEW, "render")],
)
def test_a_rendering_is_dispatched_to_the_task_of_its_kind(nrw, monkeypatch, kind, task):
    sent = []
    monkeypatch.setattr(jobs, "dispatch_task", lambda task, *args: sent.append(task.name))
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=3)
    if kind == RenderingKind.CIRCULAR:
        rendering = factories.RenderingFactory(circular=circular, undispatched=True)
    else:
        rendering = factories.RenderingFactory(
            kind=kind, circular=None, agreement=nrw.agreement, undispatched=True
        )

    services.rendering_dispatch(rendering.pk, rendering.kind)

    assert sent == [f"reports.tasks.{task}"]
