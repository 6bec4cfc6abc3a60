"""A worker is ready for its first PDF when it says so, and gives back what a PDF freed."""

import pytest

from core import memory
from reports import services, tasks
from tests.conftest import run_in_fresh_interpreter


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
    monkeypatch.setattr(memory, "_malloc_trim", lambda: trims.append)
    rendering = services.profile_render(
        agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=users.ministry
    )

    tasks.render.run(rendering.pk)

    rendering.refresh_from_db()
    assert rendering.page_count and trims == [0]
