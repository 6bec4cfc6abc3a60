"""E-mails about accessions, sent by Celery workers after the change is committed.

One function per kind builds the e-mail (``core.emails``); ``send_accession_email`` sends it.
"""

from celery import shared_task

from core.emails import build_email, send_built, site_link
from jobcenters.contacts import jobcenter_addresses, ministry_addresses
from jobcenters.models import Accession


def _jobcenter_recipients(accession):
    """The accession's contact person, else wherever the jobcenter's messages go."""
    if accession.contact_email:
        return [accession.contact_email]
    return list(jobcenter_addresses(accession.jobcenter).emails)


def _email(accession, template, to):
    context = {"accession": accession, "link": site_link(accession.get_absolute_url())}
    return build_email(f"jobcenters/email/{template}", context, to)


def submitted_email(accession):
    """To the ministry of the agreement's state: an accession waits for its review."""
    return _email(accession, "accession_submitted", ministry_addresses(accession.agreement.state))


def receipt_email(accession):
    """To the jobcenter: its accession reached the ministry."""
    return _email(accession, "accession_receipt", _jobcenter_recipients(accession))


def accepted_email(accession):
    """To the jobcenter: the ministry accepted its accession."""
    return _email(accession, "accession_accepted", _jobcenter_recipients(accession))


def returned_email(accession):
    """To the jobcenter: the ministry returned its accession, with the reasons."""
    return _email(accession, "accession_returned", _jobcenter_recipients(accession))


EMAILS = {
    "submitted": submitted_email,
    "receipt": receipt_email,
    "accepted": accepted_email,
    "returned": returned_email,
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_accession_email(accession_id, event):
    """Send the e-mail of kind ``event`` (``EMAILS``) about one accession."""
    build = EMAILS[event]
    accession = (
        Accession.objects.select_related("jobcenter", "agreement").filter(pk=accession_id).first()
    )
    send_built(build, accession)
