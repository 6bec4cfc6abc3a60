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


def job_stage(job, patience):
    """Where a job (a ``Rendering``, an ``Export``) stands, in more detail than its
    ``status``: running longer than ``patience`` is stuck; queued without a task, it waits
    for the broker; queued longer than ``QUEUED_PATIENCE``, it was most likely lost."""
    now = timezone.now()
    if job.status == RenderingStatus.RUNNING:
        running_for = now - (job.started_at or now)
        return RenderingStage.STUCK if running_for > patience else job.status
    if job.status != RenderingStatus.QUEUED:
        return job.status
    if now - job.queued_at > QUEUED_PATIENCE:
        return RenderingStage.WAITING_LONG
    return RenderingStage.QUEUED if job.task_id else RenderingStage.UNDISPATCHED


# Failed; running past its time limit (its worker is gone); or waiting for a worker longer
# than ``QUEUED_PATIENCE`` (Redis was down or lost it): the page offers to ask again.
RETRYABLE_STAGES = (RenderingStage.FAILED, RenderingStage.STUCK, RenderingStage.WAITING_LONG)


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
    # An overview's or profile's scope and the state of the data it shows
    # (``reports.states``): a second request for the same key gets this PDF, queued,
    # running or done. Empty: every request makes its own (circulars, Readers).
    data_state = models.CharField(_("Datenstand"), max_length=64, blank=True, editable=False)
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
            # One PDF per data state: two requests at the same moment get one row.
            models.UniqueConstraint(
                fields=["data_state"],
                condition=~Q(data_state="") & ~Q(status=RenderingStatus.FAILED),
                name="rendering_one_per_data_state",
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
        return job_stage(self, running_patience())

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
        return self.stage in RETRYABLE_STAGES

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


class ExportSource(models.TextChoices):
    """The lists whose rows an XLSX export holds (``reports.exports``)."""

    JOBCENTERS = "jobcenters", _("Jobcenter")
    ACCESSIONS = "accessions", _("Beitritte")
    MEASURES = "measures", _("Maßnahmen")
    KEY_FIGURES = "key_figures", _("Kennzahlen")


def export_file_name(instance, filename) -> str:
    # One fixed name per row, as a rendering's: a task that runs twice overwrites.
    return f"exports/{instance.pk}.xlsx"


def export_patience():
    """An export running longer than its hard time limit (and a little) has lost its
    worker (``reports.tasks.build_export``: the default task limits)."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)


class Export(models.Model):
    """One XLSX export of a list, built by a Celery worker: which list with which filters,
    for whom, and how many of its rows are written.

    A row of its own rather than a kind of ``Rendering``: it has a query, a language and a
    progress and no PDF, page count or circular; what both share is how a job moves on
    (``status``, the times, the sweep).
    """

    source = models.CharField(_("Liste"), max_length=20, choices=ExportSource.choices)
    # The list's filters, as its page had them in its address.
    query = models.TextField(_("Filter"), blank=True)
    agreement = models.ForeignKey(
        "agreements.FrameworkAgreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vereinbarung"),
    )
    # The headers, sheet and file name are in the language of the page it was asked on.
    language = models.CharField(_("Sprache"), max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    # Whose list it is: colleagues of the same organisation and role see the same rows.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("für"),
    )
    role = models.CharField(_("Rolle"), max_length=30, blank=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=RenderingStatus.choices, default=RenderingStatus.QUEUED
    )
    task_id = models.CharField(_("Aufgaben-ID"), max_length=50, blank=True)
    file = models.FileField(_("Datei"), upload_to=export_file_name, blank=True)
    file_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(_("Zeilen"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("Zeilen geschrieben"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    queued_at = models.DateTimeField(_("in Auftrag seit"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("an den Worker übergeben am"), null=True, blank=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel-Export")
        verbose_name_plural = _("Excel-Exporte")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RenderingStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(source=ExportSource.ACCESSIONS) | Q(agreement__isnull=False),
                name="export_accessions_has_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(status=RenderingStatus.DONE) | ~Q(file=""),
                name="export_done_has_file",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("exports:detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.status in (RenderingStatus.QUEUED, RenderingStatus.RUNNING)

    @property
    def stage(self):
        """Where it stands (``RenderingStage``), as a rendering's."""
        return job_stage(self, export_patience())

    @property
    def can_retry(self):
        return self.stage in RETRYABLE_STAGES

    @property
    def list_url(self):
        """The list it came from, with the same filters."""
        if self.source == ExportSource.ACCESSIONS:
            url = reverse("accessions:jobcenters", args=[self.agreement_id])
        elif self.source == ExportSource.MEASURES:
            url = reverse("measures:list")
        elif self.source == ExportSource.KEY_FIGURES:
            url = reverse("measures:key-figures")
        else:
            url = reverse("jobcenters:list")
        return f"{url}?{self.query}" if self.query else url
