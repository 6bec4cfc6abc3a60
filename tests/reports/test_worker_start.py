"""A worker is ready for its first PDF when it says so, and gives back what a PDF freed."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from reports import services, tasks


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
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=settings.BASE_DIR,
    )

    # The parent imports WeasyPrint and makes no fonts (its children get them by fork).
    assert result.stdout.split() == ["True", "False", "True"]


def test_a_child_waits_longer_for_a_new_child_than_the_fonts_take():
    from config.celery import app

    assert app.conf.worker_proc_alive_timeout == 60


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
