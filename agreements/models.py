from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, State
from core.dates import EARLIEST_DATE, LATEST_DATE


class AccessionScope(models.TextChoices):
    """Which jobcenters may join an agreement."""

    STATE = "state", _("alle Jobcenter des Landes")
    LISTED = "listed", _("nur die genannten Jobcenter")


class FrameworkAgreementQuerySet(models.QuerySet):
    def open_to(self, jobcenter):
        """The agreements ``jobcenter`` may join: published ones of its state that take
        every jobcenter of the state or name this one."""
        return self.filter(state=jobcenter.state, is_published=True).filter(
            Q(accession_scope=AccessionScope.STATE)
            | Q(accession_scope=AccessionScope.LISTED, accession_jobcenters=jobcenter.pk)
        )

    def ordered_for(self, user):
        """The user's own state's agreements first (the installation's state for the
        public and administrators), then the newest signed first, then by title.

        An agreement without a signing date counts from when it came into force.
        """
        organisation = getattr(user, "organisation", None) if user.is_authenticated else None
        state = organisation.state if organisation is not None else settings.DEPLOYMENT_STATE
        return self.annotate(
            own_state=Case(When(state=state, then=Value(0)), default=Value(1)),
            signed_or_in_force=Coalesce("signed_on", "in_force_from"),
        ).order_by("own_state", F("signed_or_in_force").desc(), "short_title", "pk")


class FrameworkAgreement(models.Model):
    """An agreement signed by several parties, e.g. the NRW "Rahmenvereinbarung Inklusion".

    Nothing here is NRW-only: a state, its parties, its action fields (or none) and
    its term are all data.
    """

    title = models.CharField(_("Titel"), max_length=300)
    short_title = models.CharField(_("Kurztitel"), max_length=80)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices)
    parties = models.ManyToManyField(
        Organisation, related_name="agreements", verbose_name=_("Vertragspartner")
    )
    signed_on = models.DateField(_("unterzeichnet am"), null=True, blank=True)
    in_force_from = models.DateField(_("in Kraft seit"))
    initial_term_months = models.PositiveSmallIntegerField(
        _("Erste Laufzeit (Monate)"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn die Vereinbarung unbefristet gilt."),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("Verlängerung um (Monate)"),
        null=True,
        blank=True,
        help_text=_("Verlängert sich die Vereinbarung, wenn sie nicht gekündigt wird?"),
    )
    notice_months = models.PositiveSmallIntegerField(
        _("Kündigungsfrist (Monate vor Ablauf)"), null=True, blank=True
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    accession_scope = models.CharField(
        _("Wer beitreten kann"),
        max_length=10,
        choices=AccessionScope.choices,
        default=AccessionScope.STATE,
        help_text=_(
            "Eine örtliche Vereinbarung (wie JobCenterJugend Kamen und Unna) steht nur den "
            "Jobcentern ihrer Vertragspartner offen: diese unten nennen."
        ),
    )
    accession_jobcenters = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.JOBCENTER},
        verbose_name=_("Jobcenter, die beitreten können"),
        help_text=_("Nur wenn nur die genannten Jobcenter beitreten können."),
    )
    is_published = models.BooleanField(
        _("öffentlich sichtbar"),
        default=True,
        help_text=_("Veröffentlichte Vereinbarungen sieht jede Besucherin und jeder Besucher."),
    )

    objects = FrameworkAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vereinbarung")
        verbose_name_plural = _("Vereinbarungen")
        ordering = ["state", "-in_force_from", "short_title"]
        constraints = [
            models.UniqueConstraint(fields=["state", "title"], name="agreement_unique_title"),
            models.UniqueConstraint(
                fields=["state", "short_title"], name="agreement_unique_short_title"
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="agreement_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(accession_scope__in=AccessionScope.values),
                name="agreement_accession_scope_valid",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | Q(signed_on__lte=F("in_force_from")),
                name="agreement_signed_before_in_force",
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__gte=EARLIEST_DATE, in_force_from__lte=LATEST_DATE)
                & (Q(signed_on__isnull=True) | Q(signed_on__gte=EARLIEST_DATE)),
                name="agreement_dates_plausible",
                violation_error_message=_(
                    "Unterzeichnung und Inkrafttreten liegen zwischen 1990 und 2100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(initial_term_months__isnull=True) | Q(initial_term_months__gt=0),
                name="agreement_term_positive",
            ),
            # Terms in months up to fifty years; notice is given within the term.
            models.CheckConstraint(
                condition=(Q(initial_term_months__isnull=True) | Q(initial_term_months__lte=600))
                & (Q(renewal_months__isnull=True) | Q(renewal_months__lte=600))
                & (Q(notice_months__isnull=True) | Q(notice_months__lt=F("initial_term_months"))),
                name="agreement_terms_plausible",
                violation_error_message=_(
                    "Laufzeit und Verlängerung betragen höchstens 600 Monate; die "
                    "Kündigungsfrist ist kürzer als die erste Laufzeit."
                ),
            ),
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True)
                | Q(renewal_months__gt=0, initial_term_months__isnull=False),
                name="agreement_renewal_needs_term",
            ),
            models.CheckConstraint(
                condition=Q(notice_months__isnull=True)
                | Q(notice_months__gt=0, initial_term_months__isnull=False),
                name="agreement_notice_needs_term",
            ),
        ]

    def __str__(self):
        return self.short_title

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.pk])


class ActionField(models.Model):
    """One numbered field of action (Handlungsfeld) of an agreement."""

    agreement = models.ForeignKey(
        FrameworkAgreement,
        on_delete=models.CASCADE,
        related_name="action_fields",
        verbose_name=_("Vereinbarung"),
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="action_field_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="action_field_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"
