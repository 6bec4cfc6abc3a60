"""Renderings: every PDF the worker makes (a circular, a status overview, a profile, a Reader)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from circulars.models import Circular

# A rendering queued this long without a worker taking it has been lost (Redis was down
# or restarted): its page offers to ask again, and the sweep dispatches it again.
QUEUED_PATIENCE = datetime.timedelta(minutes=5)


class RenderingKind(models.TextChoices):
    CIRCULAR = "circular", _("Rundschreiben")
    OVERVIEW = "overview", _("Statusübersicht")
    PROFILE = "profile", _("Profil eines Jobcenters")
    READER = "reader", _("Reader guter Praxis")


class RenderingStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("wird erstellt")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class RenderingStage(models.TextChoices):
    """``RenderingStatus`` as the page tells it: who it waits for, and whether it is stuck."""

    UNDISPATCHED = "undispatched", _("wartet auf den Hintergrunddienst")
    QUEUED = "queued", _("wartet")
    WAITING_LONG = "waiting_long", _("wartet ungewöhnlich lange")
    RUNNING = "running", _("wird erstellt")
    STUCK = "stuck", _("hängt")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


# What ``Rendering.error`` starts with when the render took more memory than a worker child
# may (``WORKER_CHILD_MEMORY_MB``): its page says so.
OUT_OF_MEMORY = "MemoryError: more than WORKER_CHILD_MEMORY_MB"
# What it starts with when the worker stopped the render at its hard time limit
# (``RENDER_TIME_LIMIT``): its page says so.
TIME_LIMIT_EXCEEDED = "TimeLimitExceeded: longer than RENDER_TIME_LIMIT"


def running_patience():
    """A rendering running longer than its hard time limit (and a little) has lost its
    worker: the limit kills any render that takes longer."""
    return datetime.timedelta(seconds=settings.RENDER_TIME_LIMIT + 30)


def rendering_file_name(instance, filename) -> str:
    # One fixed name per row: a task that runs twice overwrites, never adds a second file.
    return f"renderings/{instance.pk}.pdf"


class Rendering(models.Model):
    """One PDF to be made by a Celery worker: what, for whom, and how far it got."""

    kind = models.CharField(_("Art"), max_length=20, choices=RenderingKind.choices)
    circular = models.ForeignKey(
        Circular,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="renderings",
        verbose_name=_("Rundschreiben"),
    )
    # A status overview: of which agreement, and whose view (an association sees its
    # members, a ministry or directorate its state; none: an administrator, everything).
    agreement = models.ForeignKey(
        "agreements.FrameworkAgreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vereinbarung"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("für"),
    )
    # A profile: one jobcenter with the agreement above.
    jobcenter = models.ForeignKey(
        "jobcenters.Jobcenter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Jobcenter"),
    )
    # Whether the circular was final when this PDF was asked for: a draft's PDF stays a
    # draft's PDF (marked "ENTWURF"), even after the circular is finalised.
    of_final = models.BooleanField(_("vom abgeschlossenen Rundschreiben"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=RenderingStatus.choices, default=RenderingStatus.QUEUED
    )
    task_id = models.CharField(_("Aufgaben-ID"), max_length=50, blank=True)
    file = models.FileField(_("Datei"), upload_to=rendering_file_name, blank=True)
    page_count = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    # When it was last asked for (a retry asks again): how long it has waited for a worker.
    queued_at = models.DateTimeField(_("in Auftrag seit"), default=timezone.now)
    # When its task last went to the broker: the sweep hands a lost row on again only
    # this long after, not once a minute (each message would start another render).
    dispatched_at = models.DateTimeField(_("an den Worker übergeben am"), null=True, blank=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF-Erstellung")
        verbose_name_plural = _("PDF-Erstellungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RenderingStatus.values), name="rendering_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=RenderingKind.CIRCULAR) | Q(circular__isnull=False),
                name="rendering_circular_has_circular",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RenderingKind.OVERVIEW) | Q(agreement__isnull=False),
                name="rendering_overview_has_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RenderingKind.PROFILE)
                | Q(agreement__isnull=False, jobcenter__isnull=False),
                name="rendering_profile_has_jobcenter",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RenderingKind.READER) | Q(agreement__isnull=False),
                name="rendering_reader_has_agreement",
            ),
            # Done means there is a file to hand out.
            models.CheckConstraint(
                condition=~Q(status=RenderingStatus.DONE) | ~Q(file=""),
                name="rendering_done_has_file",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("renderings:detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.status in (RenderingStatus.QUEUED, RenderingStatus.RUNNING)

    @property
    def stage(self):
        """Where it stands, in more detail than ``status``, for its page (``RenderingStage``)."""
        now = timezone.now()
        if self.status == RenderingStatus.RUNNING:
            running_for = now - (self.started_at or now)
            return RenderingStage.STUCK if running_for > running_patience() else self.status
        if self.status != RenderingStatus.QUEUED:
            return self.status
        if now - self.queued_at > QUEUED_PATIENCE:
            return RenderingStage.WAITING_LONG
        return RenderingStage.QUEUED if self.task_id else RenderingStage.UNDISPATCHED

    @property
    def out_of_memory(self):
        return self.status == RenderingStatus.FAILED and self.error.startswith(OUT_OF_MEMORY)

    @property
    def timed_out(self):
        return self.status == RenderingStatus.FAILED and self.error.startswith(TIME_LIMIT_EXCEEDED)

    @property
    def can_retry(self):
        """Failed; running past its time limit (its worker is gone); or waiting for a worker
        longer than ``QUEUED_PATIENCE`` (Redis was down or lost it)."""
        return self.stage in (
            RenderingStage.FAILED,
            RenderingStage.STUCK,
            RenderingStage.WAITING_LONG,
        )

    @property
    def title(self):
        """What the PDF is, in words, for its page."""
        if self.kind == RenderingKind.CIRCULAR:
            if self.of_final:
                return _("Rundschreiben %(number)s") % {
                    "number": self.circular.number_with_association
                }
            return _("Entwurf: %(subject)s") % {"subject": self.circular.subject}
        if self.kind == RenderingKind.PROFILE:
            return _("Profil %(jobcenter)s") % {"jobcenter": self.jobcenter.name}
        if self.kind == RenderingKind.READER:
            return _("Reader %(agreement)s") % {"agreement": self.agreement.short_title}
        return _("Statusübersicht %(agreement)s") % {"agreement": self.agreement.short_title}

    @property
    def subject_url(self):
        """The page of what the PDF shows."""
        if self.kind == RenderingKind.CIRCULAR:
            return self.circular.get_absolute_url()
        if self.kind == RenderingKind.PROFILE:
            return reverse("overviews:profile", args=[self.agreement_id, self.jobcenter_id])
        if self.kind == RenderingKind.READER:
            return reverse("overviews:readers")
        return reverse("overviews:status", args=[self.agreement_id])


def final_rendering(circular):
    """The PDF of a circular's final text, done or under way; ``None`` for a draft or when
    every try failed. (A function beside Rendering: circulars know nothing of renderings.)"""
    if not circular.is_final:
        return None
    return (
        circular.renderings.filter(of_final=True)
        .exclude(status=RenderingStatus.FAILED)
        .order_by("-pk")
        .first()
    )
