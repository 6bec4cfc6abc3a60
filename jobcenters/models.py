"""The jobcenter registry: each jobcenter is an organisation with its form and region."""

from django.db import models
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, RegionKind


class JobcenterForm(models.TextChoices):
    """How a jobcenter is run (§§ 44b, 6a SGB II)."""

    GE = "gE", _("gemeinsame Einrichtung (gE)")
    ZKT = "zkT", _("zugelassener kommunaler Träger (zkT)")


def members_of(association):
    """Lookups of a municipal association's members: its state's jobcenters of its region
    kind."""
    return {"state": association.state, "region_kind": association.member_region_kind}


class AssociationPlace(Func):
    """``CASE WHEN state = … AND region_kind = … THEN place … END``: one expression with
    its values as parameters. A ``Case`` of ``When(state=…, region_kind=…)`` costs the
    ORM a lookup to build and resolve for each of the 29 associations, a third of a
    jobcenter page."""

    output_field = IntegerField()

    def __init__(self, places):
        super().__init__(F("state"), F("region_kind"))
        self.places = places  # ((state, region kind, place), …)

    def as_sql(self, compiler, connection, **extra):
        state, state_params = compiler.compile(self.source_expressions[0])
        region_kind, region_kind_params = compiler.compile(self.source_expressions[1])
        when = f" WHEN {state} = %s AND {region_kind} = %s THEN %s"
        params = []
        for place in self.places:
            params += [*state_params, place[0], *region_kind_params, place[1], place[2]]
        return f"CASE{when * len(self.places)} END", params


def association_place():
    """An expression: the place of each jobcenter's association among all associations in
    the order of their names (one place for equal names), ``NULL`` for a jobcenter of none.

    What the lists sort by "Verband": the same order as by the association's name, from
    one small query of the associations (two a state) instead of a subquery per jobcenter
    that PostgreSQL ran for every row before sorting: the page's query at 4x Germany
    (1,620 jobcenters) 1.8 ms instead of 6.2. Still a sort of every jobcenter the list
    shows (no index can serve it): a few thousand at most, the rows of one table."""
    # One association a state and region kind (a constraint of accounts).
    associations = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPAL_ASSOCIATION
    ).order_by("name")
    places, place, last_name = [], -1, None
    for name, state, region_kind in associations.values_list("name", "state", "member_region_kind"):
        if name != last_name:
            place, last_name = place + 1, name
        places.append((state, region_kind, place))
    if not places:
        return Value(None, output_field=IntegerField())
    return AssociationPlace(places)


class JobcenterQuerySet(models.QuerySet):
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
        """The members of a municipal association (``members_of``)."""
        return self.filter(**members_of(association))


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
        # The list's sort keys of this table, the id as tie breaker (``sorted_by``); the
        # name lives on the organisation (accounts).
        indexes = [
            models.Index(fields=["region", "organisation_ptr"], name="jobcenter_region_id"),
            models.Index(fields=["form", "organisation_ptr"], name="jobcenter_form_id"),
            models.Index(
                fields=["region_kind", "organisation_ptr"], name="jobcenter_region_kind_id"
            ),
        ]
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
