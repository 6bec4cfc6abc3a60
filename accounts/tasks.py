"""E-mails, sent by Celery workers so that no request waits for a mail server."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from accounts.models import AccessibilityFeedback, User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(subject, body, recipients):
    """Send a plain-text e-mail that was rendered in the request."""
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_setup_email(user_id):
    """Send a new user the link to choose their password (Django's reset token)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email or user.has_usable_password():
        return
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with override("de"):
        context = {"user": user, "link": link}
        send_mail(
            subject=render_to_string("accounts/email/password_setup_subject.txt", context).strip(),
            message=render_to_string("accounts/email/password_setup.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_feedback_to_operator(feedback_id):
    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return
    with override("de"):
        send_mail(
            subject=f"Rückmeldung zur Barrierefreiheit vom {feedback.created_at:%d.%m.%Y}",
            message=render_to_string("accounts/email/feedback.txt", {"feedback": feedback}),
            from_email=None,
            recipient_list=[settings.OPERATOR_EMAIL],
        )
