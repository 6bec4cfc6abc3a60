"""E-mails about accessions: one function per kind builds it (``core.emails``); the
service queues it in the outbox in its transaction (``outbox.services.enqueue_email``).
"""

from django.urls import reverse

from accessions.contacts import jobcenter_addresses, ministry_addresses
from core.emails import build_email, site_link


def _jobcenter_recipients(accession):
    """The accession's contact person, else wherever the jobcenter's messages go."""
    if accession.contact_email:
        return [accession.contact_email]
    return list(jobcenter_addresses(accession.jobcenter).emails)


def _email(accession, template, to, path=None):
    context = {"accession": accession, "link": site_link(path or accession.get_absolute_url())}
    return build_email(f"accessions/email/{template}", context, to)


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
    """To the jobcenter: the ministry returned its accession, with the reasons.

    The mail asks to revise the form, so its link opens the form (which shows the reasons
    above it), not the accession's page one click before it."""
    return _email(
        accession,
        "accession_returned",
        _jobcenter_recipients(accession),
        path=reverse("accessions:edit", args=[accession.pk]),
    )


EMAILS = {
    "submitted": submitted_email,
    "receipt": receipt_email,
    "accepted": accepted_email,
    "returned": returned_email,
}
