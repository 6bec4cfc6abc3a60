"""The outbox: every e-mail Rahmenwerk sends is first a row here.

The row is written in the same transaction as the change the mail is about, so a mail
exists exactly when its change does; a worker sends it afterwards, once, and a beat sweep
sends what a failed dispatch or a dead worker left behind.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("wartet auf Versand")
    SENT = "sent", _("versandt")
    FAILED = "failed", _("fehlgeschlagen")


# A page that lists the e-mails its changes caused shows the newest this many.
MAILS_ON_A_PAGE = 10


class OutgoingEmailQuerySet(models.QuerySet):
    def about(self, obj):
        """The mails a change of ``obj`` caused, newest first (``enqueue(about=obj)``)."""
        return self.filter(
            about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk
        ).order_by("-created_at", "-pk")


class OutgoingEmail(models.Model):
    """One plain-text e-mail to one address."""

    to = models.CharField(_("An"), max_length=254)
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    reply_to = models.CharField(_("Antwort an"), max_length=254, blank=True)
    # The text carries a link that sets a password: it is erased once the mail is sent.
    secret = models.BooleanField(_("vertraulich"), default=False)
    status = models.CharField(
        _("Stand"), max_length=20, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("zuletzt versucht am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    # What the mail is about, so that its page can say whether it went out (an accession
    # returned while Redis is down: "wartet auf Versand"). Empty for mails about no page.
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("ausgehende E-Mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MailStatus.values), name="outgoing_email_status_valid"
            ),
            # Sent means: we know when.
            models.CheckConstraint(
                condition=~Q(status=MailStatus.SENT) | Q(sent_at__isnull=False),
                name="outgoing_email_sent_has_time",
            ),
            # A header cannot carry a line break (header injection); the forms refuse them.
            models.CheckConstraint(
                condition=~Q(subject__contains="\n") & ~Q(subject__contains="\r"),
                name="outgoing_email_subject_one_line",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["about_type", "about_id", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"
