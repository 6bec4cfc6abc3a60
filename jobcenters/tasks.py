"""E-mails about accessions, sent by Celery workers after the change is committed."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import override

from accounts.models import Role, User
from jobcenters.models import Accession

# Who hears of which step: the ministry of a submission, the jobcenter of a decision.
EVENTS = {"submitted", "accepted", "returned"}


def _recipients(accession, event):
    if event == "submitted":
        reviewers = User.objects.filter(
            is_active=True,
            role=Role.MINISTRY_STAFF,
            organisation__state=accession.agreement.state,
        ).exclude(email="")
        return sorted(reviewers.values_list("email", flat=True))
    if accession.contact_email:
        return [accession.contact_email]
    managers = User.objects.filter(
        is_active=True, role=Role.JOBCENTER_MANAGER, organisation=accession.jobcenter_id
    ).exclude(email="")
    return sorted(managers.values_list("email", flat=True))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_accession_email(accession_id, event):
    """Tell the ministry of a submitted accession, or the jobcenter of the decision on it."""
    if event not in EVENTS:
        raise ValueError(event)
    accession = (
        Accession.objects.select_related("jobcenter", "agreement").filter(pk=accession_id).first()
    )
    if accession is None:
        return
    recipients = _recipients(accession, event)
    if not recipients:
        return
    with override("de"):
        context = {
            "accession": accession,
            "link": settings.SITE_URL + accession.get_absolute_url(),
        }
        send_mail(
            subject=render_to_string(
                f"jobcenters/email/accession_{event}_subject.txt", context
            ).strip(),
            message=render_to_string(f"jobcenters/email/accession_{event}.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
