"""E-mails Rahmenwerk writes: rendered in German from a template pair, linked to the site.

Each kind of e-mail is built by one function of its app (``jobcenters.tasks``,
``measures.tasks``) that returns an ``EmailMessage`` or ``None`` when nobody is to get it;
the task that calls it only sends. So a kind can be routed elsewhere (an outbox) in one place.
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


def send_built(build, obj):
    """Build the e-mail about ``obj`` (gone: nothing) with ``build`` and send it, if any."""
    if obj is None:
        return
    message = build(obj)
    if message is not None:
        message.send()
