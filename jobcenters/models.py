from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, RegionKind
from agreements.models import FrameworkAgreement


class JobcenterForm(models.TextChoices):
    """How a jobcenter is run (§§ 44b, 6a SGB II)."""

    GE = "gE", _("gemeinsame Einrichtung (gE)")
    ZKT = "zkT", _("zugelassener kommunaler Träger (zkT)")


class JobcenterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobcenters this user may see (decided in ``accounts.access``)."""
        from accounts import access

        return access.visible_jobcenters(user, self)

    def with_association(self):
        """Annotate ``association_name``: the association of the jobcenter's region kind."""
        associations = Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            state=OuterRef("state"),
            member_region_kind=OuterRef("region_kind"),
        )
        return self.annotate(
            association_id=Subquery(associations.values("pk")[:1]),
            association_name=Subquery(associations.values("name")[:1]),
        )

    def of_association(self, association):
        """The members of a municipal association: its state's jobcenters of its region kind."""
        return self.filter(state=association.state, region_kind=association.member_region_kind)


class Jobcenter(Organisation):
    """A jobcenter in the registry: an organisation with its form and the region it serves."""

    form = models.CharField(_("Form"), max_length=3, choices=JobcenterForm.choices)
    region = models.CharField(_("Region"), max_length=100)
    region_kind = models.CharField(_("Gebietsart"), max_length=20, choices=RegionKind.choices)

    objects = JobcenterQuerySet.as_manager()

    class Meta:
        verbose_name = _("Jobcenter")
        verbose_name_plural = _("Jobcenter")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(form__in=JobcenterForm.values), name="jobcenter_form_valid"
            ),
            models.CheckConstraint(
                condition=Q(region_kind__in=RegionKind.values), name="jobcenter_region_kind_valid"
            ),
        ]

    def save(self, *args, **kwargs):
        # A jobcenter is always an organisation of the jobcenter kind.
        self.kind = OrganisationKind.JOBCENTER
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("jobcenters:detail", args=[self.pk])

    @property
    def association(self):
        """The municipal association this jobcenter's Kreis or city is a member of."""
        return Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            state=self.state,
            member_region_kind=self.region_kind,
        ).first()


class AccessionStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    ACCEPTED = "accepted", _("beigetreten")
    WITHDRAWN = "withdrawn", _("ausgetreten")


class Accession(models.Model):
    """A jobcenter joining an agreement (Beitritt)."""

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
    joined_on = models.DateField(_("beigetreten am"), null=True, blank=True)
    public_listing = models.BooleanField(
        _("öffentlich als Mitglied nennen"),
        default=False,
        help_text=_("Das Jobcenter ist einverstanden, öffentlich als Mitglied genannt zu werden."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beitritt")
        verbose_name_plural = _("Beitritte")
        ordering = ["agreement", "jobcenter__name"]
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
                condition=Q(
                    status__in=[AccessionStatus.ACCEPTED, AccessionStatus.WITHDRAWN],
                    joined_on__isnull=False,
                )
                | (
                    ~Q(status__in=[AccessionStatus.ACCEPTED, AccessionStatus.WITHDRAWN])
                    & Q(joined_on__isnull=True)
                ),
                name="accession_joined_on_when_joined",
            ),
        ]

    def __str__(self):
        return f"{self.jobcenter} – {self.agreement}"
