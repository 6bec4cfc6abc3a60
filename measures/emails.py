"""E-mails about the catalogue of good practice: one function per kind builds it
(``core.emails``); the service queues it in the outbox in its transaction
(``outbox.services.enqueue_email``).
"""

from django.urls import reverse

from accessions.contacts import jobcenter_addresses, ministry_addresses
from core.emails import build_email, site_link


def _email(measure, template, to, **context):
    context.update(measure=measure, link=site_link(measure.get_absolute_url()))
    return build_email(f"measures/email/{template}", context, to)


def _jobcenter(measure):
    return jobcenter_addresses(measure.jobcenter).emails


def proposed_email(measure):
    """To the ministry of the measure's agreement's state: a proposal waits for its review."""
    return _email(measure, "measure_proposed", ministry_addresses(measure.agreement.state))


def published_email(measure):
    """To the jobcenter: its measure is in the public catalogue."""
    return _email(
        measure,
        "measure_published",
        _jobcenter(measure),
        catalogue_link=site_link(reverse("catalogue:detail", args=[measure.pk])),
    )


def declined_email(measure):
    """To the jobcenter: its proposal was declined, with the reason."""
    return _email(measure, "measure_declined", _jobcenter(measure))


def unpublished_email(measure):
    """To the jobcenter: its measure was taken out of the catalogue, with the reason."""
    return _email(measure, "measure_unpublished", _jobcenter(measure))


EMAILS = {
    "proposed": proposed_email,
    "published": published_email,
    "declined": declined_email,
    "unpublished": unpublished_email,
}
