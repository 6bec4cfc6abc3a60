"""A worker child dies mid-render (SIGKILL: the kernel's OOM killer, an operator, a crash
in C): the worker's parent survives, the PDF is made once, or its page offers to try again.

The worker is the production kind: ``--pool=prefork`` (here one child), so the child can
be killed while its parent lives on. How Celery 5 treats a lost child (``reports.tasks``):
the render is acknowledged late (``acks_late``) and given back to the queue at once when
its child is lost (``reject_on_worker_lost``); the row counts its starts, so a PDF that
kills every child it runs in is given up after ``MAX_ATTEMPTS``, not looped for ever.
"""

import contextlib
import os
import signal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reports import services
from reports.jobs import MAX_ATTEMPTS
from reports.models import JobStatus, Rendering
from reports.tasks import render_circular
from tests import factories
from tests.conftest import start_worker
from tests.core import corpus
from tests.reports.test_worker import LONG_BODY

pytestmark = pytest.mark.worker


# The module's shared worker while it runs: a test with a worker of its own stops it, as
# both would consume the same queues (the next test that shares it starts it again).
_shared = []


@pytest.fixture(scope="module")
def _module_prefork_worker(worker_home):
    worker = start_worker(worker_home, worker_home / "private", pool="prefork")
    _shared.append(worker)
    try:
        yield worker
    finally:
        _shared.remove(worker)
        worker.stop()


@pytest.fixture
def own_worker():
    """Start a worker of the test's own (``start_worker``), the shared one stopped first."""
    for worker in _shared:
        worker.stop()
    started = []

    def start(*args, **kwargs):
        started.append(start_worker(*args, **kwargs))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def prefork_worker(_module_prefork_worker, transactional_db, private_media):
    """The module's worker with the production pool (one child), shared by the tests that
    only kill its children: with empty queues, running again if a test killed it."""
    _module_prefork_worker.ready_for_a_test()
    return _module_prefork_worker


def _row(rendering):
    rendering.refresh_from_db()
    return rendering


def _kill_child_while_it_renders(worker, wait_for, rendering, attempt):
    """Wait for the ``attempt``-th start of the render, then SIGKILL the child doing it."""
    assert wait_for(
        lambda: _row(rendering).status == JobStatus.RUNNING and rendering.attempts == attempt,
        90,
    ), worker.log.read_text()
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)
    # The parent notices, starts a new child and gives the task back to the queue.
    assert wait_for(lambda: worker.children() not in ([], [child]), 30), worker.log.read_text()
    assert worker.process.poll() is None  # the parent lives on
    return child


def _address_space_limit(pid):
    """The soft limit of the process's address space, as /proc shows it ("unlimited")."""
    limits = Path(f"/proc/{pid}/limits").read_text()
    return next(line for line in limits.splitlines() if "address space" in line).split()[3]


def _files(private_media):
    folder = private_media / "renderings"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_child_killed_mid_render_is_replaced_and_the_pdf_is_made_once(
    prefork_worker, wait_for, client, users, nrw, private_media
):
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=154, body=LONG_BODY
    )
    client.force_login(users.landkreistag)
    response = client.post(reverse("circulars:render", args=[circular.pk]))
    rendering = Rendering.objects.get()
    parent = prefork_worker.process.pid
    assert wait_for(lambda: _row(rendering).status == JobStatus.RUNNING, 90)
    running = client.get(response.url).content.decode()

    _kill_child_while_it_renders(prefork_worker, wait_for, rendering, attempt=1)

    assert wait_for(lambda: _row(rendering).status == JobStatus.DONE, 120), (
        prefork_worker.log.read_text()
    )
    assert "Stand: wird erstellt, seit" in running
    assert "Noch einmal versuchen" not in running
    assert prefork_worker.process.pid == parent and prefork_worker.process.poll() is None
    assert rendering.attempts == 2  # the killed start and the one that made it
    assert Rendering.objects.count() == 1
    assert _files(private_media) == [f"{rendering.pk}.pdf"]
    assert "PDF herunterladen" in client.get(response.url).content.decode()
    # Asked for again, the final circular's PDF is the same row.
    again = client.post(reverse("circulars:render", args=[circular.pk]))
    assert again.url == response.url
    assert Rendering.objects.count() == 1


def test_a_pdf_that_kills_every_child_it_runs_in_is_given_up_and_offered_again(
    prefork_worker, wait_for, client, users, nrw, private_media
):
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=155, body=LONG_BODY
    )
    rendering = services.circular_render(circular=circular, user=users.landkreistag)
    client.force_login(users.landkreistag)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        _kill_child_while_it_renders(prefork_worker, wait_for, rendering, attempt)

    # The next delivery finds the row out of starts: failed, no message loop.
    assert wait_for(lambda: _row(rendering).status == JobStatus.FAILED, 60), (
        prefork_worker.log.read_text()
    )
    page = client.get(rendering.get_absolute_url()).content.decode()
    assert "Das PDF konnte nicht erstellt werden." in page
    assert "Noch einmal versuchen" in page
    assert _files(private_media) == []
    assert prefork_worker.process.poll() is None

    client.post(reverse("renderings:retry", args=[rendering.pk]))

    assert wait_for(lambda: _row(rendering).status == JobStatus.DONE, 120), (
        prefork_worker.log.read_text()
    )
    assert Rendering.objects.count() == 1
    assert _files(private_media) == [f"{rendering.pk}.pdf"]


# A worker child's cap in this test (production: 1024 MB beyond what a fresh child holds):
# room for an ordinary render (up to 210 MB of address space), not for the attachment below.
TEST_CHILD_MEMORY_MB = 320


def test_a_render_beyond_the_memory_cap_fails_cleanly_and_the_worker_lives_on(
    transactional_db, own_worker, tmp_path, private_media, wait_for, client, users, nrw
):
    worker = own_worker(
        tmp_path,
        private_media,
        pool="prefork",
        env={"WORKER_CHILD_MEMORY_MB": str(TEST_CHILD_MEMORY_MB)},
    )
    huge = factories.CircularFactory(association=nrw.landkreistag, final=True, number=156)
    # One page named three million times in its page tree: pikepdf copies it for each.
    # The upload check refuses it today; here it is a file stored before that check.
    factories.CircularAttachmentFactory(
        circular=huge, position=1, file=ContentFile(corpus.repeated_page(), name="alt.pdf")
    )
    rendering = services.circular_render(circular=huge, user=users.landkreistag)
    parent = worker.process.pid
    assert wait_for(worker.children, 30)  # the pool forks its child after "ready"
    [child] = worker.children()
    # The child sets its cap once it has warmed up (config/celery.py): wait for it.
    assert wait_for(lambda: _address_space_limit(child) != "unlimited", 60)
    assert wait_for(lambda: _row(rendering).status == JobStatus.FAILED, 180), worker.log.read_text()
    client.force_login(users.landkreistag)
    page = client.get(rendering.get_absolute_url()).content.decode()

    ordinary = factories.CircularFactory(association=nrw.landkreistag, final=True, number=157)
    after = services.circular_render(circular=ordinary, user=users.landkreistag)

    assert wait_for(lambda: _row(after).status == JobStatus.DONE, 120), worker.log.read_text()
    assert "es braucht mehr Arbeitsspeicher, als eine PDF-Erstellung haben darf" in page, (
        rendering.error
    )
    assert "Noch einmal versuchen" in page
    assert rendering.attempts == 1  # failed once, no message loop
    assert worker.process.pid == parent and worker.process.poll() is None
    assert _files(private_media) == [f"{after.pk}.pdf"]


def test_a_render_past_the_hard_time_limit_fails_once_and_offers_a_retry(
    transactional_db, own_worker, tmp_path, private_media, wait_for, client, users, nrw, monkeypatch
):
    # A render the soft limit does not stop (stuck in C, say) ends at the hard limit, where
    # the parent kills the child. Here: one second and no soft limit at all (a soft limit
    # of 0, for the task and the pool's default); this render takes longer (WeasyPrint's
    # import in a fresh child alone does). The task's limits travel in its message, so the
    # sender (this process) has them as well as the worker.
    monkeypatch.setattr(render_circular, "time_limit", 1)
    monkeypatch.setattr(render_circular, "soft_time_limit", None)
    monkeypatch.setattr(render_circular, "_exec_options", None)
    no_soft_limit = {"RENDER_SOFT_TIME_LIMIT": "0", "CELERY_TASK_SOFT_TIME_LIMIT": "0"}
    worker = own_worker(
        tmp_path, private_media, pool="prefork", env={"RENDER_TIME_LIMIT": "1", **no_soft_limit}
    )
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=158, body=LONG_BODY
    )
    rendering = services.circular_render(circular=circular, user=users.landkreistag)
    parent = worker.process.pid

    assert wait_for(lambda: _row(rendering).status == JobStatus.FAILED, 90), worker.log.read_text()
    client.force_login(users.landkreistag)
    page = client.get(rendering.get_absolute_url()).content.decode()
    # The message was acknowledged: no second delivery starts the render again.
    assert not wait_for(lambda: _row(rendering).attempts > 1, 5)

    assert "Hard time limit (1s) exceeded" in worker.log.read_text()
    assert "es hätte länger gedauert, als eine PDF-Erstellung dauern darf" in page
    assert "Noch einmal versuchen" in page
    assert rendering.attempts == 1
    assert worker.process.pid == parent and worker.process.poll() is None
    assert _files(private_media) == []


def _grandchildren(worker):
    """The pids of the processes the pool's children forked."""
    pids = []
    for child in worker.children():
        for thread in Path(f"/proc/{child}/task").glob("*"):
            with contextlib.suppress(FileNotFoundError):
                pids += [int(pid) for pid in (thread / "children").read_text().split()]
    return pids


def _ended(pid):
    """The process is gone, or a zombie waiting for whoever adopted it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_child_killed_while_its_second_process_sets_an_overview_leaves_no_process_behind(
    prefork_worker, wait_for, users, nrw, private_media
):
    for number in range(400):
        jobcenter = factories.JobcenterFactory(name=f"Jobcenter Beispiel {number:03d}")
        factories.AccessionFactory(jobcenter=jobcenter, agreement=nrw.agreement, joined=True)
    rendering = services.overview_render(agreement=nrw.agreement, user=users.ministry)
    assert wait_for(lambda: _grandchildren(prefork_worker), 90), prefork_worker.log.read_text()
    [second] = _grandchildren(prefork_worker)

    _kill_child_while_it_renders(prefork_worker, wait_for, rendering, attempt=1)

    # Its pipe has no reader now: the second process ends when it would hand its part over.
    assert wait_for(lambda: _ended(second), 60)
    assert wait_for(lambda: _row(rendering).status == JobStatus.DONE, 120), (
        prefork_worker.log.read_text()
    )
    assert rendering.attempts == 2
    assert _files(private_media) == [f"{rendering.pk}.pdf"]
    assert rendering.page_count > 10
