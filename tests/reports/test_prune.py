"""Old PDFs go, with their files; what recipients and the public download stays."""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from config.celery import app
from reports import services, tasks
from reports.models import Rendering, RenderingKind, RenderingStatus
from tests import factories

pytestmark = pytest.mark.usefixtures("private_media")

OLD = timezone.now() - services.KEEP_RENDERINGS - datetime.timedelta(days=1)


def made_on(rendering, when):
    Rendering.objects.filter(pk=rendering.pk).update(created_at=when)
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


def test_an_old_pdf_of_a_draft_goes(db):
    draft = factories.CircularFactory()
    rendering = old(circular=draft)

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=rendering.pk).exists()


def test_the_pdf_of_a_final_circular_stays_however_old(db):
    rendering = old()

    services.renderings_prune()

    assert default_storage.exists(Rendering.objects.get(pk=rendering.pk).file.name)


def test_an_old_failed_pdf_of_a_final_circular_goes(db):
    failed = made_on(factories.RenderingFactory(status=RenderingStatus.FAILED), OLD)

    services.renderings_prune()

    assert not Rendering.objects.filter(pk=failed.pk).exists()


def test_only_the_latest_reader_of_an_agreement_stays(db):
    agreement = factories.AgreementFactory()
    reader = {"kind": RenderingKind.READER, "circular": None, "agreement": agreement}
    earlier = old(**reader, finished_at=OLD)
    latest = old(**reader)

    services.renderings_prune()

    assert list(Rendering.objects.values_list("pk", flat=True)) == [latest.pk]
    assert not Rendering.objects.filter(pk=earlier.pk).exists()


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
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled <= set(app.tasks)
