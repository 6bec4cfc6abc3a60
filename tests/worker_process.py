"""Loaded only by the real Celery worker the suite starts (``CELERY_IMPORTS``, tests/settings.py).

One worker serves every test of a module (``celery_worker``), and after each test the
database is emptied: its content types come back with new keys, which the test process
learns from the flush and the worker would not. In production they never change; here the
worker forgets them before each task and looks them up again.
"""

from celery.signals import task_prerun
from django.contrib.contenttypes.models import ContentType


@task_prerun.connect
def forget_content_types(**kwargs):
    ContentType.objects.clear_cache()
