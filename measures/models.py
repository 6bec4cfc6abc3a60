"""What jobcenters do under an agreement (measures) and the key figures they report."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accessions.models import PlannedMeasure
from agreements.models import ActionField, FrameworkAgreement
from core.choices import ChoiceLabels
from core.dates import EARLIEST_DATE, LATEST_DATE
from jobcenters.models import Jobcenter


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    RUNNING = "running", _("laufend")
    COMPLETED = "completed", _("abgeschlossen")
    STOPPED = "stopped", _("abgebrochen")


# A jobcenter "covers" an action field with measures in these states.
ACTIVE_STATUSES = [MeasureStatus.RUNNING, MeasureStatus.COMPLETED]


class Publication(models.TextChoices):
    """Where a measure stands with the public best-practice catalogue."""

    INTERNAL = "internal", _("nicht vorgeschlagen")
    PROPOSED = "proposed", _("vorgeschlagen")
    PUBLISHED = "published", _("veröffentlicht")
    DECLINED = "declined", _("abgelehnt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class MeasureQuerySet(models.QuerySet):
    def published(self):
        """In the public catalogue: published, of a published agreement."""
        return self.filter(publication=Publication.PUBLISHED, agreement__is_published=True)


class Measure(ChoiceLabels, models.Model):
    """A concrete project of a jobcenter under an agreement, in one or more action fields."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, related_name="measures", verbose_name=_("Jobcenter")
    )
    agreement = models.ForeignKey(
        FrameworkAgreement,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("Vereinbarung"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    action_field = models.ForeignKey(
        ActionField,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("Handlungsfeld"),
        help_text=_("Das Handlungsfeld, in dem die Maßnahme vor allem wirkt."),
    )
    further_action_fields = models.ManyToManyField(
        ActionField,
        blank=True,
        related_name="further_measures",
        verbose_name=_("weitere Handlungsfelder"),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    target_group = models.CharField(_("Zielgruppe"), max_length=300, blank=True)
    partners = models.CharField(
        _("Partner"),
        max_length=500,
        blank=True,
        help_text=_("Zum Beispiel „Lernen fördern e. V.“; mehrere durch Komma getrennt."),
    )
    locations = models.CharField(_("Standorte"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    publication = models.CharField(
        _("Katalog"), max_length=20, choices=Publication.choices, default=Publication.INTERNAL
    )
    contact_consents = models.BooleanField(
        _("Ansprechperson einverstanden"),
        default=False,
        help_text=_("Die Ansprechperson ist einverstanden, im Katalog genannt zu werden."),
    )
    decline_reason = models.TextField(_("Grund"), max_length=2000, blank=True)
    published_on = models.DateField(_("veröffentlicht am"), null=True, blank=True)
    planned_measure = models.OneToOneField(
        PlannedMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measure",
        verbose_name=_("geplant im Beitritt"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["jobcenter__name", "title", "pk"]
        indexes = [
            models.Index(fields=["agreement", "action_field", "status"]),
            models.Index(fields=["jobcenter", "agreement"]),
            # The coverage matrix and the status overview count an agreement's measures
            # per jobcenter, action field and status, and join the further action fields
            # by id, from this index alone (``measures.selectors.coverage_matrix``): at
            # 80,000 measures 0.12 -> 0.05 s and 0.11 -> 0.08 s, instead of reading the
            # whole table with its texts.
            models.Index(
                fields=["agreement", "jobcenter", "action_field", "status", "id"],
                name="measure_coverage",
            ),
            # The catalogue counts its published measures per action field from this
            # index alone (``measures.views.catalogue``); also the publication queues.
            models.Index(
                fields=["publication", "agreement", "action_field"], name="measure_catalogue"
            ),
            # One per sort key of the list, the id as tie breaker (``core.paging.sorted_by``);
            # read backwards for the descending sorts and for late pages.
            models.Index(fields=["title", "id"], name="measure_title_id"),
            models.Index(fields=["status", "id"], name="measure_status_id"),
            models.Index(fields=["starts_on", "id"], name="measure_starts_on_id"),
            # By jobcenter name: the jobcenters in name order, each one's measures by id.
            models.Index(fields=["jobcenter", "id"], name="measure_jobcenter_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(publication__in=Publication.values), name="measure_publication_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(starts_on__isnull=True) | Q(starts_on__gte=EARLIEST_DATE))
                & (Q(ends_on__isnull=True) | Q(ends_on__lte=LATEST_DATE)),
                name="measure_dates_plausible",
            ),
            # Nobody is named in public without consent, and nobody without a name.
            models.CheckConstraint(
                condition=~Q(publication__in=[Publication.PROPOSED, Publication.PUBLISHED])
                | (Q(contact_consents=True) & ~Q(contact_name="")),
                name="measure_public_contact_consents",
            ),
            models.CheckConstraint(
                condition=Q(publication=Publication.PUBLISHED, published_on__isnull=False)
                | (~Q(publication=Publication.PUBLISHED) & Q(published_on__isnull=True)),
                name="measure_published_on_when_published",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("measures:detail", args=[self.pk])


class ProgressNote(models.Model):
    """A dated note on how a measure is going."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="notes", verbose_name=_("Maßnahme")
    )
    written_on = models.DateField(_("Datum"))
    text = models.TextField(_("Fortschritt"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Fortschrittsnotiz")
        verbose_name_plural = _("Fortschrittsnotizen")
        ordering = ["-written_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(written_on__gte=EARLIEST_DATE, written_on__lte=LATEST_DATE),
                name="progress_note_written_on_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.measure} – {self.written_on:%d.%m.%Y}"


# The key figures a jobcenter reports each year, in the order of the form.
KEY_FIGURE_FIELDS = [
    "severely_disabled",
    "equal_status",
    "rehabilitants",
    "integrations_severely_disabled",
    "integrations_equal_status",
    "integrations_rehabilitants",
]
# Each group's integrations into work, and the group's customers they are counted among.
INTEGRATIONS_OF = {
    "integrations_severely_disabled": "severely_disabled",
    "integrations_equal_status": "equal_status",
    "integrations_rehabilitants": "rehabilitants",
}
KEY_FIGURES_YEAR_FROM = 2000
# Far more than the largest jobcenter counts in any group: a bound against a slipped
# finger (an extra zero or two), not a statistic.
MAX_KEY_FIGURE = 100_000


class KeyFigures(models.Model):
    """One jobcenter's key figures for one year (Kennzahlen)."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, related_name="key_figures", verbose_name=_("Jobcenter")
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    severely_disabled = models.PositiveIntegerField(
        _("schwerbehinderte Kundinnen und Kunden"), help_text=_("GdB ab 50")
    )
    equal_status = models.PositiveIntegerField(
        _("gleichgestellte Kundinnen und Kunden"), help_text=_("GdB 30 bis 49, gleichgestellt")
    )
    rehabilitants = models.PositiveIntegerField(_("Rehabilitandinnen und Rehabilitanden"))
    integrations_severely_disabled = models.PositiveIntegerField(
        _("Integrationen schwerbehinderter Menschen")
    )
    integrations_equal_status = models.PositiveIntegerField(
        _("Integrationen gleichgestellter Menschen")
    )
    integrations_rehabilitants = models.PositiveIntegerField(_("Integrationen von Rehabilitanden"))
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Kennzahlen")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["jobcenter__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "year"], name="key_figures_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=KEY_FIGURES_YEAR_FROM) & Q(year__lte=LATEST_DATE.year),
                name="key_figures_year_plausible",
            ),
            *(
                # A group's integrations are among the group's customers.
                models.CheckConstraint(
                    condition=Q(**{f"{integrations}__lte": F(customers)}),
                    name=f"key_figures_{integrations}_within_customers",
                )
                for integrations, customers in INTEGRATIONS_OF.items()
            ),
        ]

    def __str__(self):
        return f"{self.jobcenter} {self.year}"

    def get_absolute_url(self):
        return reverse("measures:key-figures-edit", args=[self.jobcenter_id, self.year])
