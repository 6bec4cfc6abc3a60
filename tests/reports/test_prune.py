"""Old PDFs go, with their files; what recipients and the public download stays."""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from config.celery import app
from reports import services, tasks
from reports.models import JobStatus, Rendering, RenderingKind
from tests import factories

pytestmark = pytest.mark.usefixtures("private_media")

OLD = timezone.now() - services.KEEP_RENDERINGS - datetime.timedelta(days=1)


def made_on(rendering, when):
    Rendering.objects.filter(pk=rendering.pk).update(created_at=when, finished_at=when)
    return rendering


def old(**kwargs):
    return made_on(factories.RenderingFactory(done=True, **kwargs), OLD)


def overview(**kwargs):
    agreement = factories.AgreementFactory()
    return {"kind": RenderingKind.OVERVIEW, "circular": None, "agreement": agreement, **kwargs}


def test_an_old_overview_goes_with_its_file(db):
    rendering = old(**overview())
    name = rendering.file.name

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=rendering.pk).exists()
    assert not default_storage.exists(name)


def test_a_recent_overview_stays(db):
    rendering = factories.RenderingFactory(done=True, **overview())

    services.renderings_prune()

    assert default_storage.exists(Rendering.objects.get(pk=rendering.pk).file.name)


def test_an_old_pdf_of_a_draft_goes_with_its_file(db):
    draft = factories.CircularFactory()
    rendering = old(circular=draft)
    name = rendering.file.name

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=rendering.pk).exists()
    assert not default_storage.exists(name)


def test_an_old_draft_pdf_of_a_circular_final_since_goes(db):
    rendering = old(of_final=False)

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=rendering.pk).exists()


def test_a_pdf_finished_within_the_period_stays_though_asked_for_long_ago(db):
    rendering = made_on(factories.RenderingFactory(done=True, **overview()), OLD)
    Rendering.objects.filter(pk=rendering.pk).update(finished_at=timezone.now())

    services.renderings_prune()

    assert Rendering.objects.filter(pk=rendering.pk).exists()


def test_the_period_is_counted_from_now(db):
    rendering = factories.RenderingFactory(done=True, **overview())
    later = timezone.now() + services.KEEP_RENDERINGS

    services.renderings_prune(now=later - datetime.timedelta(minutes=1))
    assert Rendering.objects.filter(pk=rendering.pk).exists()

    services.renderings_prune(now=later + datetime.timedelta(minutes=1))
    assert not Rendering.objects.filter(pk=rendering.pk).exists()


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_an_old_pdf_started_again_stays(db, status):
    rendering = made_on(factories.RenderingFactory(status=status, **overview()), OLD)

    services.renderings_prune()

    assert Rendering.objects.filter(pk=rendering.pk).exists()


def test_the_pdf_of_a_final_circular_stays_however_old(db):
    rendering = old()

    services.renderings_prune()

    assert default_storage.exists(Rendering.objects.get(pk=rendering.pk).file.name)


def test_an_old_failed_pdf_of_a_final_circular_goes(db):
    failed = made_on(factories.RenderingFactory(status=JobStatus.FAILED), OLD)

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=failed.pk).exists()


def reader(agreement, finished):
    rendering = factories.RenderingFactory(
        done=True, kind=RenderingKind.READER, circular=None, agreement=agreement
    )
    Rendering.objects.filter(pk=rendering.pk).update(created_at=OLD, finished_at=finished)
    return rendering


def test_only_the_latest_reader_of_each_agreement_stays(db):
    nrw, hessen = factories.AgreementFactory(), factories.AgreementFactory()
    latest_nrw = reader(nrw, OLD)
    reader(nrw, OLD - datetime.timedelta(days=7))  # made after, but finished earlier
    latest_hessen = reader(hessen, OLD - datetime.timedelta(days=3))
    reader(hessen, OLD - datetime.timedelta(days=9))

    services.renderings_prune()

    assert set(Rendering.objects.values_list("pk", flat=True)) == {latest_nrw.pk, latest_hessen.pk}


def test_the_file_of_a_kept_pdf_under_its_own_name_stays(db):
    rendering = old()
    name = default_storage.save(f"renderings/{rendering.pk}.pdf", ContentFile(b"%PDF-1.7"))
    Rendering.objects.filter(pk=rendering.pk).update(file=name)

    services.renderings_prune()

    assert default_storage.exists(name)


def test_the_file_of_a_deleted_circulars_pdf_goes(db):
    rendering = factories.RenderingFactory(done=True)
    name = default_storage.save(f"renderings/{rendering.pk}.pdf", ContentFile(b"%PDF-1.7"))
    rendering.circular.delete()

    services.renderings_prune()

    assert not default_storage.exists(name)


def test_prune_counts_rows_and_files(db):
    old(**overview())
    old(**overview())

    assert services.renderings_prune() == (2, 2)


def test_the_nightly_task_prunes(db):
    rendering = old(**overview())

    tasks.prune_renderings()

    assert not Rendering.objects.filter(pk=rendering.pk).exists()


def test_beat_starts_only_tasks_that_exist():
    # What a starting worker imports (every app's tasks module), whatever this test process
    # happened to import before: the tasks are registered on import.
    app.autodiscover_tasks(force=True)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled <= set(app.tasks)
