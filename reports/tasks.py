"""PDF renderings, made by Celery workers on the ``pdf`` queue.

The task gets a row id, never an object: it loads the row, builds the PDF through the
same code as every other caller, and stores it (``reports.services``). It is acknowledged
only when it has finished (``acks_late``), so a worker that dies mid-render leaves the
message to be delivered again; running it twice leaves one file and one row.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from reports import services
from reports.documents import build_pdf
from reports.models import CircularRecipient

# Errors worth another try: the disk, the database or the broker had a moment.
TRANSIENT_ERRORS = (OSError,)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def render(self, rendering_id):
    """Render the PDF of one ``Rendering`` row."""
    rendering = services.rendering_start(rendering_id)
    if rendering is None:
        return
    try:
        pdf, page_count = build_pdf(rendering)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.rendering_fail(rendering_id=rendering_id, error=error)
        raise
    except (SoftTimeLimitExceeded, Exception) as error:
        services.rendering_fail(rendering_id=rendering_id, error=error)
        raise
    services.rendering_finish(rendering=rendering, pdf=pdf, page_count=page_count)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_circular(circular_id):
    """E-mail each recipient of a circular that has an address and has not had it yet.

    One e-mail per jobcenter, marked as sent right after it went out: a retry after a
    failure sends only the rest.
    """
    pending = (
        CircularRecipient.objects.filter(circular_id=circular_id, emailed_at__isnull=True)
        .exclude(email="")
        .select_related("circular__association", "jobcenter")
        .order_by("pk")
    )
    for recipient in pending:
        circular = recipient.circular
        with override("de"):
            context = {
                "circular": circular,
                "recipient": recipient,
                "link": settings.SITE_URL + circular.get_absolute_url(),
            }
            send_mail(
                subject=render_to_string("reports/email/circular_subject.txt", context).strip(),
                message=render_to_string("reports/email/circular.txt", context),
                from_email=None,
                recipient_list=[recipient.email],
            )
        CircularRecipient.objects.filter(pk=recipient.pk).update(emailed_at=timezone.now())
