"""A worker is ready for its first PDF when it says so, and gives back what a PDF freed."""

from pathlib import Path

import pytest

from reports import services, tasks
from tests.conftest import run_in_fresh_interpreter


def _resident_mb():
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
        // 1024
    )


@pytest.mark.long  # a fresh interpreter imports the project: started first
def test_a_worker_loads_weasyprint_before_its_children_and_the_fonts_in_each():
    code = (
        "import sys, django; django.setup(); import config.celery\n"
        "from celery.signals import worker_init, worker_process_init\n"
        "worker_init.send(sender=None)\n"
        "from core import pdf\n"
        "print('weasyprint' in sys.modules, hasattr(pdf._fonts, 'configuration'))\n"
        "worker_process_init.send(sender=None)\n"
        "print(hasattr(pdf._fonts, 'configuration'))\n"
    )
    # The parent imports WeasyPrint and makes no fonts (its children get them by fork).
    assert run_in_fresh_interpreter(code).split() == ["True", "False", "True"]


@pytest.mark.django_db
def test_a_render_gives_back_the_memory_it_freed(monkeypatch, nrw, users, accession_world):
    trims = []
    monkeypatch.setattr(tasks, "_malloc_trim", lambda: trims.append)
    rendering = services.profile_render(
        agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=users.ministry
    )

    tasks.render.run(rendering.pk)

    rendering.refresh_from_db()
    assert rendering.page_count and trims == [0]


def test_without_glibc_nothing_is_trimmed(monkeypatch):
    monkeypatch.setattr(tasks, "_malloc_trim", lambda: None)

    tasks.return_freed_memory()


@pytest.mark.skipif(tasks._malloc_trim() is None, reason="no glibc malloc_trim here")
def test_memory_freed_in_small_pieces_goes_back_to_the_system():
    # 200 MB in 2 KB pieces (glibc's heap, not Python's small-object arenas), the last one
    # kept so that glibc cannot simply shorten its heap: freed, the pages stay resident.
    pieces = [bytes(2000) for _ in range(100_000)]
    last = bytes(2000)
    del pieces
    held = _resident_mb()

    tasks.return_freed_memory()

    assert _resident_mb() < held - 100
    assert len(last) == 2000
