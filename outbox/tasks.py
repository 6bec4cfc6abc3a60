"""The outbox's tasks: send one mail, and the beat sweep that sends what was left behind."""

from celery import shared_task

from outbox import services


@shared_task(acks_late=True)
def send(mail_id):
    """Send one queued e-mail (a second run does nothing)."""
    services.deliver(mail_id)


@shared_task
def sweep():
    """Every minute (``CELERY_BEAT_SCHEDULE``): send the mails no dispatch brought out."""
    services.sweep()
