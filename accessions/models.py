"""Accessions of jobcenters to agreements, with the measures each plans."""

from django.db import models
from django.db.models import CharField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accessions.uploads import signed_form_name
from agreements.models import ActionField, FrameworkAgreement
from core.choices import ChoiceLabels
from core.dates import EARLIEST_DATE
from jobcenters.models import Jobcenter


class AccessionStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    ACCEPTED = "accepted", _("beigetreten")
    WITHDRAWN = "withdrawn", _("ausgetreten")


# The jobcenter edits its form in these states; in the others it is with the ministry or done.
EDITABLE_STATUSES = [AccessionStatus.DRAFT, AccessionStatus.RETURNED]
# An accession in these states has a date of joining.
JOINED_STATUSES = [AccessionStatus.ACCEPTED, AccessionStatus.WITHDRAWN]

# Where a jobcenter stands with an agreement, for overviews: a status, or not started at all.
NOT_STARTED = "not_started"
STANDINGS = [
    (AccessionStatus.ACCEPTED, AccessionStatus.ACCEPTED.label),
    (AccessionStatus.SUBMITTED, AccessionStatus.SUBMITTED.label),
    (AccessionStatus.RETURNED, AccessionStatus.RETURNED.label),
    (AccessionStatus.DRAFT, AccessionStatus.DRAFT.label),
    (NOT_STARTED, _("nicht begonnen")),
    (AccessionStatus.WITHDRAWN, AccessionStatus.WITHDRAWN.label),
]


class AccessionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AccessionStatus.WITHDRAWN)

    def publicly_listed(self):
        """Joined jobcenters that agreed to be named, of published agreements."""
        return self.filter(
            status=AccessionStatus.ACCEPTED, public_listing=True, agreement__is_published=True
        )


class Accession(ChoiceLabels, models.Model):
    """A jobcenter joining an agreement (Beitritt), with the accession form it signs."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, related_name="accessions", verbose_name=_("Jobcenter")
    )
    agreement = models.ForeignKey(
        FrameworkAgreement,
        on_delete=models.PROTECT,
        related_name="accessions",
        verbose_name=_("Vereinbarung"),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=AccessionStatus.choices, default=AccessionStatus.DRAFT
    )
    # The accession form: prefilled from the registry, corrected by the jobcenter.
    # A draft may be incomplete; ``services.accession_submit`` asks for every field.
    jobcenter_name = models.CharField(_("Name des Jobcenters"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    management_name = models.CharField(
        _("Geschäftsführung"),
        max_length=200,
        blank=True,
        help_text=_("Name der Geschäftsführerin oder des Geschäftsführers, die unterschreiben."),
    )
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_function = models.CharField(_("Funktion"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    carriers_agreed_on = models.DateField(
        _("Zustimmung der Träger am"),
        null=True,
        blank=True,
        help_text=_("Der Tag, an dem die Träger dem Beitritt zugestimmt haben, z. B. 12.03.2018."),
    )
    public_listing = models.BooleanField(
        _("öffentlich als Mitglied nennen"),
        default=False,
        help_text=_("Das Jobcenter ist einverstanden, öffentlich als Mitglied genannt zu werden."),
    )
    signed_form = models.FileField(
        _("unterschriebenes Beitrittsformular"), upload_to=signed_form_name, blank=True
    )
    signed_form_uploaded_at = models.DateTimeField(
        _("Formular hochgeladen am"), null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    return_reasons = models.TextField(_("Gründe der Rückgabe"), blank=True)
    joined_on = models.DateField(_("beigetreten am"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ausgetreten am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = AccessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beitritt")
        verbose_name_plural = _("Beitritte")
        ordering = ["agreement", "jobcenter__name"]
        # A jobcenter's newest accession of an agreement (``with_accession``), once per row
        # of the list of jobcenters with their standing.
        indexes = [
            models.Index(
                fields=["jobcenter", "agreement", "-created_at", "-id"],
                name="accession_newest",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["jobcenter", "agreement"],
                condition=~Q(status=AccessionStatus.WITHDRAWN),
                name="accession_one_open_per_jobcenter_and_agreement",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AccessionStatus.values), name="accession_status_valid"
            ),
            # Whoever joined has a date of joining; nobody else has one.
            models.CheckConstraint(
                condition=Q(status__in=JOINED_STATUSES, joined_on__isnull=False)
                | (~Q(status__in=JOINED_STATUSES) & Q(joined_on__isnull=True)),
                name="accession_joined_on_when_joined",
            ),
            models.CheckConstraint(
                condition=Q(status=AccessionStatus.WITHDRAWN, withdrawn_on__isnull=False)
                | (~Q(status=AccessionStatus.WITHDRAWN) & Q(withdrawn_on__isnull=True)),
                name="accession_withdrawn_on_when_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("joined_on")),
                name="accession_withdrawn_after_joined",
            ),
            # No date before Rahmenwerk's earliest (an "01.01.0001" drew 2,026 years of
            # course); the bounds of each agreement and of today are the services'.
            models.CheckConstraint(
                condition=(Q(joined_on__isnull=True) | Q(joined_on__gte=EARLIEST_DATE))
                & (Q(carriers_agreed_on__isnull=True) | Q(carriers_agreed_on__gte=EARLIEST_DATE)),
                name="accession_dates_plausible",
            ),
            # Nothing leaves the jobcenter's hands without its signed form.
            models.CheckConstraint(
                condition=Q(status__in=EDITABLE_STATUSES) | ~Q(signed_form=""),
                name="accession_signed_form_when_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.jobcenter} – {self.agreement}"

    def get_absolute_url(self):
        return reverse("accessions:detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES


class PlannedMeasure(models.Model):
    """A measure the jobcenter plans with its accession, named on the accession form."""

    accession = models.ForeignKey(
        Accession, on_delete=models.CASCADE, related_name="planned_measures"
    )
    action_field = models.ForeignKey(
        ActionField, on_delete=models.PROTECT, verbose_name=_("Handlungsfeld")
    )
    title = models.CharField(_("Titel der Maßnahme"), max_length=200)

    class Meta:
        verbose_name = _("geplante Maßnahme")
        verbose_name_plural = _("geplante Maßnahmen")
        ordering = ["accession", "action_field__number", "pk"]

    def __str__(self):
        return self.title


# What ``with_accession`` annotates of the newest accession, each as ``accession_<column>``.
ACCESSION_COLUMNS = ("id", "status", "submitted_at", "joined_on", "withdrawn_on")


def with_accession(jobcenters, agreement, columns=ACCESSION_COLUMNS):
    """Annotate where each jobcenter stands with ``agreement``: its newest accession's
    ``columns`` (of ``ACCESSION_COLUMNS``) as ``accession_<column>``.

    ``accession_status`` is ``NOT_STARTED`` for a jobcenter without one. The newest is
    the current one: a jobcenter starts again only after it withdrew. Each column is a
    subquery: a page asks only for what it shows (building and compiling one is a tenth of
    a millisecond, a page's query is a few).
    """
    newest = Accession.objects.filter(jobcenter=OuterRef("pk"), agreement=agreement).order_by(
        "-created_at", "-pk"
    )
    annotations = {}
    for column in columns:
        value = Subquery(newest.values(column)[:1])
        if column == "status":
            value = Coalesce(value, Value(NOT_STARTED), output_field=CharField())
        annotations[f"accession_{column}"] = value
    return jobcenters.annotate(**annotations)


class StandingPlace(Func):
    """``CASE accession_status WHEN … THEN 0 … END``: the place of each jobcenter's standing
    in ``STANDINGS``, what the lists sort by "Stand" (after ``with_accession``).

    The status (a subquery) is written once: a ``Case`` of a ``When`` per standing repeated
    it six times, and compiling those was most of the cost of the list's queries."""

    output_field = IntegerField()

    def __init__(self):
        super().__init__(F("accession_status"))

    def as_sql(self, compiler, connection, **extra):
        status, params = compiler.compile(self.source_expressions[0])
        for place, (standing, _label) in enumerate(STANDINGS):
            params = [*params, str(standing), place]
        return f"CASE {status}{' WHEN %s THEN %s' * len(STANDINGS)} END", params


def standing_label(accession_status):
    """Where a jobcenter stands with an agreement, in words (after ``with_accession``)."""
    return dict(STANDINGS)[accession_status]
