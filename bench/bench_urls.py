"""``config.urls`` plus the stock Django admin changelists of the same rows as the busiest
lists, mounted at ``/bench-admin/`` for ``bench/load.py`` only (``bench_settings``).

Plain ``ModelAdmin``s with the list's columns, 50 rows a page, on an ``AdminSite`` of their
own that lets any signed-in user in, and whose querysets are the rows the user sees on the
real page (the same access rules): the same rows and scope, as the admin renders them.
"""

import os

from django.contrib import admin
from django.db.models import F
from django.urls import path

from accessions.access import overview_jobcenters
from accessions.models import standing_label, with_accession
from agreements.models import FrameworkAgreement
from config.urls import urlpatterns as app_urlpatterns
from jobcenters.access import visible_jobcenters
from jobcenters.models import Jobcenter
from measures.access import visible_measures
from measures.models import Measure


class BenchAdminSite(admin.AdminSite):
    site_header = "Bench"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated


class ReadOnly:
    """Only the changelist is asked for: the user may view, nothing else."""

    list_per_page = 50
    actions = None

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return True


class MeasureAdmin(ReadOnly, admin.ModelAdmin):
    """The measures list (``measures:list``): its columns, sorted by title."""

    list_display = ["title", "jobcenter", "action_field", "status", "starts_on", "publication"]
    list_filter = ["status", "publication"]
    list_select_related = ["jobcenter", "action_field"]
    ordering = ["title", "pk"]

    def get_queryset(self, request):
        return visible_measures(request.user)


class JobcenterAdmin(ReadOnly, admin.ModelAdmin):
    """The jobcenter list (``jobcenters:list``): its columns, sorted by name."""

    list_display = ["name", "region", "region_kind", "form", "association"]
    list_filter = ["form", "region_kind"]
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        return visible_jobcenters(request.user).with_association()

    @admin.display(description="Kommunaler Spitzenverband", ordering="association_name")
    def association(self, jobcenter):
        return jobcenter.association_name


class StandingAdmin(ReadOnly, admin.ModelAdmin):
    """The jobcenters with their standing (``accessions:jobcenters``) of the agreement
    ``BENCH_AGREEMENT`` names: its columns, sorted by name."""

    list_display = ["name", "region_kind", "form", "association", "standing", "joined_on"]
    list_filter = ["form", "region_kind"]
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        agreement = FrameworkAgreement.objects.get(pk=os.environ["BENCH_AGREEMENT"])
        return with_accession(
            overview_jobcenters(request.user, agreement).with_association(), agreement
        )

    @admin.display(description="Kommunaler Spitzenverband", ordering="association_name")
    def association(self, jobcenter):
        return jobcenter.association_name

    @admin.display(description="Stand", ordering="accession_status")
    def standing(self, jobcenter):
        return standing_label(jobcenter.accession_status)

    @admin.display(
        description="beigetreten am", ordering=F("accession_joined_on").asc(nulls_last=True)
    )
    def joined_on(self, jobcenter):
        return jobcenter.accession_joined_on


lists = BenchAdminSite(name="bench_admin")
lists.register(Measure, MeasureAdmin)
lists.register(Jobcenter, JobcenterAdmin)
# A second admin of jobcenters needs a site of its own.
standings = BenchAdminSite(name="bench_standings")
standings.register(Jobcenter, StandingAdmin)

urlpatterns = [
    *app_urlpatterns,
    path("bench-admin/", lists.urls),
    path("bench-admin-stand/", standings.urls),
]
