"""Renderings: every PDF the worker makes (a circular, a status overview, a profile, a Reader)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
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


class JobStatus(models.TextChoices):
    """How far a worker's job (a ``Rendering``, an ``Export``) got."""

    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("wird erstellt")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class JobStage(models.TextChoices):
    """``JobStatus`` as the page tells it: who it waits for, and whether it is stuck."""

    UNDISPATCHED = "undispatched", _("wartet auf den Hintergrunddienst")
    QUEUED = "queued", _("wartet")
    WAITING_LONG = "waiting_long", _("wartet ungewöhnlich lange")
    RUNNING = "running", _("wird erstellt")
    STUCK = "stuck", _("hängt")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


# What ``Job.error`` starts with when the job took more memory than a worker child may
# (``WORKER_CHILD_MEMORY_MB``): its page says so.
OUT_OF_MEMORY = "MemoryError: more than WORKER_CHILD_MEMORY_MB"
# What it starts with when the worker stopped the job at its hard time limit: its page says
# so.
TIME_LIMIT_EXCEEDED = "TimeLimitExceeded: longer than RENDER_TIME_LIMIT"

# Failed; running past its time limit (its worker is gone); or waiting for a worker longer
# than ``QUEUED_PATIENCE`` (Redis was down or lost it): the page offers to ask again.
RETRYABLE_STAGES = (JobStage.FAILED, JobStage.STUCK, JobStage.WAITING_LONG)

# A job not dispatched after this long is the sweep's to dispatch.
DISPATCH_GRACE = datetime.timedelta(minutes=1)
# A dispatched job still queued after this long was most likely lost with Redis (restarted
# without its data): the sweep dispatches it again (a second message finds it done).
LOST_AFTER = datetime.timedelta(minutes=15)


class JobQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))

    def lost(self, now):
        """The jobs asked for and never started: not dispatched a minute after they were
        asked for (Redis was down), queued longer than ``LOST_AFTER``, or running that long
        after their time limit (``patience``) with no worker left to finish or redeliver
        them."""
        # A row handed on again waits LOST_AFTER for that message too.
        not_lately = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - LOST_AFTER)
        queued = Q(status=JobStatus.QUEUED) & (
            Q(task_id="", queued_at__lt=now - DISPATCH_GRACE)
            | (Q(queued_at__lt=now - LOST_AFTER) & not_lately)
        )
        patience = self.model.patience()
        abandoned = (
            Q(status=JobStatus.RUNNING, started_at__lt=now - patience - LOST_AFTER) & not_lately
        )
        return self.filter(queued | abandoned).order_by("pk")

    def ended_before(self, cutoff):
        """Done or failed before ``cutoff`` (never started: asked for before it)."""
        return self.alias(last=Coalesce("finished_at", "created_at")).filter(
            last__lt=cutoff, status__in=(JobStatus.DONE, JobStatus.FAILED)
        )


class Job(models.Model):
    """What every job a worker does for a page has (a ``Rendering``, an ``Export``): how it
    moves on (``status``, its times and attempts) and how its page tells it (``stage``).

    Each kind adds what it makes, a ``file`` with a fixed name per row (a task that runs
    twice overwrites, never adds a second file), and says how long it may run
    (``patience``).
    """

    # The view of the data it shows: of which agreement, and whose (an association sees its
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
    status = models.CharField(
        _("Stand"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    task_id = models.CharField(_("Aufgaben-ID"), max_length=50, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    # When it was last asked for (a retry asks again): how long it has waited for a worker.
    queued_at = models.DateTimeField(_("in Auftrag seit"), default=timezone.now)
    # When its task last went to the broker: the sweep hands a lost row on again only
    # this long after, not once a minute (each message would start the job again).
    dispatched_at = models.DateTimeField(_("an den Worker übergeben am"), null=True, blank=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="%(class)s_status_valid"
            ),
            # Done means there is a file to hand out.
            models.CheckConstraint(
                condition=~Q(status=JobStatus.DONE) | ~Q(file=""),
                name="%(class)s_done_has_file",
            ),
        ]

    # The setting that holds its task's hard time limit, in seconds.
    time_limit_setting = "CELERY_TASK_TIME_LIMIT"

    @classmethod
    def patience(cls):
        """How long it may run: longer (and a little), it has lost its worker, since the
        hard time limit kills any job that takes longer."""
        return datetime.timedelta(seconds=getattr(settings, cls.time_limit_setting) + 30)

    @property
    def is_pending(self):
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def stage(self):
        """Where it stands, in more detail than ``status``, for its page (``JobStage``):
        running longer than ``patience`` is stuck; queued without a task, it waits for the
        broker; queued longer than ``QUEUED_PATIENCE``, it was most likely lost."""
        now = timezone.now()
        if self.status == JobStatus.RUNNING:
            running_for = now - (self.started_at or now)
            return JobStage.STUCK if running_for > self.patience() else self.status
        if self.status != JobStatus.QUEUED:
            return self.status
        if now - self.queued_at > QUEUED_PATIENCE:
            return JobStage.WAITING_LONG
        return JobStage.QUEUED if self.task_id else JobStage.UNDISPATCHED

    @property
    def can_retry(self):
        """Failed; running past its time limit (its worker is gone); or waiting for a worker
        longer than ``QUEUED_PATIENCE`` (Redis was down or lost it)."""
        return self.stage in RETRYABLE_STAGES

    @property
    def out_of_memory(self):
        return self.status == JobStatus.FAILED and self.error.startswith(OUT_OF_MEMORY)

    @property
    def timed_out(self):
        return self.status == JobStatus.FAILED and self.error.startswith(TIME_LIMIT_EXCEEDED)


def rendering_file_name(instance, filename) -> str:
    # One fixed name per row: a task that runs twice overwrites, never adds a second file.
    return f"renderings/{instance.pk}.pdf"


class Rendering(Job):
    """One PDF to be made by a Celery worker: what, for whom, and how far it got (a status
    overview: of ``agreement`` as ``organisation`` sees it)."""

    kind = models.CharField(_("Art"), max_length=20, choices=RenderingKind.choices)
    circular = models.ForeignKey(
        Circular,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="renderings",
        verbose_name=_("Rundschreiben"),
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
    file = models.FileField(_("Datei"), upload_to=rendering_file_name, blank=True)
    page_count = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)

    time_limit_setting = "RENDER_TIME_LIMIT"

    class Meta(Job.Meta):
        verbose_name = _("PDF-Erstellung")
        verbose_name_plural = _("PDF-Erstellungen")
        constraints = [
            *Job.Meta.constraints,
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
                condition=~Q(data_state="") & ~Q(status=JobStatus.FAILED),
                name="rendering_one_per_data_state",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("renderings:detail", args=[self.pk])

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
        .exclude(status=JobStatus.FAILED)
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


class Export(Job):
    """One XLSX export of a list, built by a Celery worker: which list with which filters,
    for whom, and how many of its rows are written.

    A job of its own rather than a kind of ``Rendering``: it has a query, a language and a
    progress and no PDF, page count or circular; what both share is ``Job``, how a job
    moves on (``status``, the times, the sweep).
    """

    source = models.CharField(_("Liste"), max_length=20, choices=ExportSource.choices)
    # The list's filters, as its page had them in its address.
    query = models.TextField(_("Filter"), blank=True)
    # The headers, sheet and file name are in the language of the page it was asked on.
    language = models.CharField(_("Sprache"), max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    # Whose list it is (with ``organisation``): colleagues of the same organisation and
    # role see the same rows.
    role = models.CharField(_("Rolle"), max_length=30, blank=True)
    file = models.FileField(_("Datei"), upload_to=export_file_name, blank=True)
    file_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(_("Zeilen"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("Zeilen geschrieben"), default=0)

    # The export task runs under the default task limits (``reports.tasks.build_export``).
    time_limit_setting = "CELERY_TASK_TIME_LIMIT"

    class Meta(Job.Meta):
        verbose_name = _("Excel-Export")
        verbose_name_plural = _("Excel-Exporte")
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(source=ExportSource.ACCESSIONS) | Q(agreement__isnull=False),
                name="export_accessions_has_agreement",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("exports:detail", args=[self.pk])

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


class DataVersion(models.Model):
    """How often the rows under one scope have changed: the database counts, not Python.

    Triggers of migration ``reports.0003`` move ``version`` on every INSERT, UPDATE and
    DELETE of the tables an overview or profile PDF shows, however the row was written (a
    service, the admin, ``queryset.update()``, ``bulk_create``, raw SQL); ``reports.states``
    reads them as the data-state key. The scopes are named in ``reports.states``.
    """

    scope = models.CharField(_("Bereich"), max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(_("Stand"), default=0)

    class Meta:
        verbose_name = _("Datenstand")
        verbose_name_plural = _("Datenstände")
        indexes = [
            # What every list's GET reads (``reports.states._list_versions``): the counters
            # but the jobcenters' own, in order. Without it PostgreSQL read and dropped a
            # row per jobcenter on every list page (0.24 ms at 4× Germany, growing with
            # the jobcenters); with it, the 77 rows it returns (0.03 ms). ``version`` is a
            # key column, not ``include``d: the same index-only scan, and SQLite (``make
            # run``) has no included columns (check W040 on every command).
            models.Index(
                fields=["scope", "version"],
                condition=~Q(scope__startswith="jobcenter:"),
                name="dataversion_list_scopes",
            ),
        ]

    def __str__(self):
        return f"{self.scope}: {self.version}"
