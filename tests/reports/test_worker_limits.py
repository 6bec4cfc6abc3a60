"""What one PDF render may take of a worker: its time, and its child's tasks and memory."""

from django.conf import settings

from config.celery import app as celery_app
from reports.tasks import render


def test_a_render_is_stopped_softly_before_it_is_killed():
    assert render.soft_time_limit == settings.RENDER_SOFT_TIME_LIMIT == 120
    assert render.time_limit == settings.RENDER_TIME_LIMIT == 150


def test_a_render_is_stopped_before_its_message_would_be_delivered_again():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert render.time_limit < visibility


def test_the_parent_waits_longer_for_a_new_child_than_its_fonts_take():
    # A child loads the PDF fonts before it says it is alive (config/celery.py).
    assert celery_app.conf.worker_proc_alive_timeout == 60


def test_a_worker_child_is_replaced_after_50_tasks():
    assert celery_app.conf.worker_max_tasks_per_child == 50


def test_a_worker_child_is_replaced_once_a_task_left_it_above_600_mb():
    assert celery_app.conf.worker_max_memory_per_child == 600_000


def test_a_worker_child_may_take_a_gigabyte_beyond_what_it_starts_with():
    # config/celery.py sets it as RLIMIT_AS in each child (tests/faults/test_worker_child.py)
    assert settings.WORKER_CHILD_MEMORY_MB == 1024


def test_a_dead_worker_s_task_is_looked_for_every_10_seconds_not_every_100():
    # Kombu scans for unacknowledged tasks every interval × throttle seconds (10 × 10 by
    # default); tests/reports/test_worker.py waits for it after killing a worker.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    assert options.get("unacked_restore_interval", 10) * options["unacked_restore_throttle"] == 10
