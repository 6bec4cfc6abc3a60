"""PDFs through the real worker process: Redis, PostgreSQL, the ``pdf`` queue."""

import pytest

from reports import services
from reports.models import Rendering, RenderingStatus
from tests import factories

pytestmark = pytest.mark.worker

LONG_BODY = "\n\n".join(
    f"Absatz {number}: Die Rahmenvereinbarung beschreibt einen kontinuierlichen "
    "Verbesserungsprozess und zeigt in sechs Handlungsfeldern mögliche Maßnahmen auf. " * 4
    for number in range(400)
)


def _status(rendering):
    rendering.refresh_from_db()
    return rendering.status


def test_the_worker_renders_a_final_circular_with_its_attachment(celery_worker, wait_for, nrw):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)
    factories.CircularAttachmentFactory(circular=circular, position=1)

    rendering = services.circular_render(circular=circular, user=None)

    assert wait_for(lambda: _status(rendering) == RenderingStatus.DONE, 60), (
        celery_worker.log.read_text()
    )
    assert rendering.page_count == 3
    assert rendering.task_id
    assert rendering.file.read().startswith(b"%PDF-")


def test_a_render_cut_off_by_a_dead_worker_is_done_once_after_a_restart(
    celery_worker, wait_for, nrw, private_media
):
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=152, body=LONG_BODY
    )
    rendering = services.circular_render(circular=circular, user=None)
    assert wait_for(lambda: _status(rendering) == RenderingStatus.RUNNING, 60)

    celery_worker.kill()
    assert _status(rendering) == RenderingStatus.RUNNING  # cut off in the middle
    celery_worker.start()

    assert wait_for(lambda: _status(rendering) == RenderingStatus.DONE, 120), (
        celery_worker.log.read_text()
    )
    assert Rendering.objects.count() == 1
    assert rendering.attempts == 2
    assert [path.name for path in (private_media / "renderings").iterdir()] == [
        f"{rendering.pk}.pdf"
    ]


def test_the_worker_renders_a_status_overview(celery_worker, wait_for, accession_world, nrw, users):
    rendering = services.overview_render(agreement=nrw.agreement, user=users.landkreistag)

    assert wait_for(lambda: _status(rendering) == RenderingStatus.DONE, 60), (
        celery_worker.log.read_text()
    )
    assert rendering.organisation == nrw.landkreistag
    assert rendering.file.read().startswith(b"%PDF-")


def test_the_worker_renders_a_jobcenter_profile(celery_worker, wait_for, nrw, users):
    rendering = services.profile_render(
        agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=users.ministry
    )

    assert wait_for(lambda: _status(rendering) == RenderingStatus.DONE, 60), (
        celery_worker.log.read_text()
    )
    assert rendering.page_count == 1


def test_the_worker_renders_a_reader(celery_worker, wait_for, accession_world, nrw, users):
    rendering = services.reader_render(agreement=nrw.agreement, user=users.ministry)

    assert wait_for(lambda: _status(rendering) == RenderingStatus.DONE, 60), (
        celery_worker.log.read_text()
    )
    assert rendering.page_count == 3
