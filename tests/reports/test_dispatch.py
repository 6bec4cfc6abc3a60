"""A PDF asked for is never lost: the page says honestly where it stands, offers to ask
again when it hangs or waits too long, and the sweep dispatches what no task carries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from reports import services
from reports.models import JobStage, JobStatus, Rendering
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]
RENDER = "reports.tasks.render_circular"


def _ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture
def page(client, users, accession_world):
    """The rendering page of a final circular's PDF, as its association sees it."""
    client.force_login(users.landkreistag)

    def read(**fields):
        rendering = factories.RenderingFactory(circular=accession_world.final_circular, **fields)
        return rendering, client.get(rendering.get_absolute_url()).content.decode()

    return read


def test_a_pdf_no_task_carries_says_it_waits_for_the_background_service(page):
    rendering, content = page(undispatched=True)

    assert rendering.stage == JobStage.UNDISPATCHED
    assert "Das PDF wartet auf den Hintergrunddienst." in content
    assert "Noch einmal versuchen" not in content


def test_a_queued_pdf_says_since_when_it_waits(page):
    _rendering, content = page(queued_at=_ago(minutes=2))

    assert "wartet auf einen freien Hintergrunddienst, seit 2\xa0Minuten" in content
    assert "Noch einmal versuchen" not in content


def test_a_running_pdf_says_since_when_it_runs(page):
    _rendering, content = page(running=True, started_at=_ago(minutes=1))

    assert "Stand: wird erstellt, seit 1\xa0Minute." in content
    assert "Noch einmal versuchen" not in content


@pytest.mark.parametrize(
    ("fields", "moment", "shown"),
    [
        ({}, "queued_at", "wartet auf einen freien Hintergrunddienst, seit eben."),
        ({"running": True}, "started_at", "Stand: wird erstellt, seit eben."),
    ],
)
def test_a_pdf_asked_for_a_moment_ago_says_so_not_0_minutes(page, fields, moment, shown):
    # The defect: "wartet auf einen freien Hintergrunddienst, seit 0 Minuten."
    _rendering, content = page(**fields, **{moment: _ago(seconds=20)})

    assert shown in content
    assert "0\xa0Minuten" not in content


def test_a_pdf_running_past_its_time_limit_is_offered_again(page):
    rendering, content = page(running=True, started_at=_ago(seconds=200))

    assert rendering.stage == JobStage.STUCK
    assert "länger als die erlaubten 3 Minuten" in content
    assert "spätestens 10 Minuten nach dem Beginn" in content
    assert "Noch einmal versuchen" in content


def test_a_pdf_waiting_too_long_is_offered_again(page):
    rendering, content = page(queued_at=_ago(minutes=6))

    assert rendering.stage == JobStage.WAITING_LONG
    assert "Das PDF wartet seit 6\xa0Minuten auf den Hintergrunddienst." in content
    assert "Noch einmal versuchen" in content


def test_retry_is_offered_before_the_broker_would_hand_the_task_on(settings):
    # Otherwise the page would offer nothing while a dead worker's task waits for redelivery.
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert Rendering.patience().total_seconds() < visibility_timeout


def test_asking_again_for_a_hanging_pdf_makes_it_once(
    client, users, accession_world, django_capture_on_commit_callbacks, readback
):
    rendering = factories.RenderingFactory(
        circular=accession_world.final_circular, running=True, started_at=_ago(minutes=4)
    )
    client.force_login(users.landkreistag)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("renderings:retry", args=[rendering.pk]))

    assert response.url == rendering.get_absolute_url()
    rendering.refresh_from_db()
    assert (rendering.status, rendering.attempts) == (JobStatus.DONE, 1)
    assert rendering.file.read().startswith(b"%PDF-")
    readback(rendering, "PDF herunterladen", absent=["Noch einmal versuchen"])


def test_a_fresh_queued_pdf_is_not_started_twice_on_request(client, users, accession_world):
    rendering = factories.RenderingFactory(circular=accession_world.final_circular)
    before = (rendering.status, rendering.task_id, rendering.queued_at)
    client.force_login(users.landkreistag)

    client.post(reverse("renderings:retry", args=[rendering.pk]))

    rendering.refresh_from_db()
    assert (rendering.status, rendering.task_id, rendering.queued_at) == before


def test_asking_again_for_a_final_circular_s_waiting_pdf_hands_it_on(
    accession_world, django_capture_on_commit_callbacks
):
    circular = factories.CircularFactory(
        association=accession_world.final_circular.association, final=True, number=160
    )
    waiting = factories.RenderingFactory(circular=circular, undispatched=True)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.circular_render(circular=circular, user=None)

    assert again == waiting
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.DONE
    assert waiting.task_id


@pytest.mark.parametrize(
    ("fields", "swept"),
    [
        ({"undispatched": True, "queued_at": datetime.timedelta(minutes=2)}, True),
        (
            {"undispatched": True, "queued_at": datetime.timedelta(seconds=20)},
            False,
        ),  # its dispatch runs
        ({"queued_at": datetime.timedelta(minutes=2)}, False),  # a task carries it
        ({"queued_at": datetime.timedelta(minutes=16)}, True),  # lost with Redis
        (
            {"running": True, "started_at": datetime.timedelta(minutes=5)},
            False,
        ),  # the broker hands it on
        ({"running": True, "started_at": datetime.timedelta(minutes=25)}, True),  # nobody will
        ({"done": True, "undispatched": True, "queued_at": datetime.timedelta(days=1)}, False),
        (
            {
                "status": JobStatus.FAILED,
                "undispatched": True,
                "queued_at": datetime.timedelta(days=1),
            },
            False,
        ),
    ],
)
def test_the_sweep_dispatches_what_no_task_carries_and_nothing_else(nrw, fields, swept):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=170)
    # Ages, not times: the parameters are made when the tests are collected.
    ages = {name: timezone.now() - age for name, age in fields.items() if name.endswith("_at")}
    rendering = factories.RenderingFactory(circular=circular, **{**fields, **ages})
    before = rendering.status

    assert services.renderings_sweep() == int(swept)

    rendering.refresh_from_db()
    assert rendering.status == (JobStatus.DONE if swept else before)


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "reports.tasks.sweep_renderings" in tasks


@pytest.mark.parametrize(
    "fields",
    [
        {"queued_at": datetime.timedelta(minutes=16)},  # lost with Redis
        {"running": True, "started_at": datetime.timedelta(minutes=25)},  # no worker left
    ],
)
def test_the_sweep_hands_a_lost_pdf_on_once_not_every_minute(nrw, fields, settings):
    # Not eager: the message stays with the broker, as it does while workers are busy.
    # Every message would start a render of its own, so a second sweep a minute later
    # must leave the row alone.
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL) to hold the message")
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=171)
    ages = {name: timezone.now() - age for name, age in fields.items() if name.endswith("_at")}
    rendering = factories.RenderingFactory(circular=circular, **{**fields, **ages})
    celery_app.conf.task_always_eager = False
    try:
        first = services.renderings_sweep()
        second = services.renderings_sweep(now=timezone.now() + datetime.timedelta(minutes=1))
    finally:
        celery_app.conf.task_always_eager = True
        with celery_app.connection_for_write() as broker:
            broker.default_channel.queue_purge(settings.CELERY_TASK_ROUTES[RENDER]["queue"])

    rendering.refresh_from_db()
    assert (first, second) == (1, 0)
    assert rendering.dispatched_at is not None
