"""E-mails Rahmenwerk writes: rendered in German from a template pair, linked to the site.

Each kind of e-mail is built by one function of its app (``accessions.emails``,
``measures.emails``) that returns an ``EmailMessage`` or ``None`` when nobody is to get it;
the service queues it in the outbox (``outbox.services.enqueue_email``), which sends it.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import override


def site_link(path):
    """``path`` as a link that works from an e-mail: on the configured ``SITE_URL``."""
    return settings.SITE_URL + path


def build_email(template, context, to):
    """``template.txt`` and ``template_subject.txt`` rendered in German for ``to``, or
    ``None`` when ``to`` is empty."""
    if not to:
        return None
    with override("de"):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=list(to))
