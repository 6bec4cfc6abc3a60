from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from jobcenters.views import agreement_members, public_home

urlpatterns = [
    path("", public_home, name="public-home"),
    path("", include("accounts.urls")),
    path("vereinbarungen/", include("agreements.urls")),
    # Lives with the jobcenters: the agreements app knows no jobcenter.
    path("vereinbarungen/<int:pk>/mitglieder/", agreement_members, name="agreement-members"),
    path("jobcenter/", include("jobcenters.urls")),
    path("beitritte/", include("accessions.urls")),
    path("massnahmen/", include("measures.urls")),
    path("katalog/", include("measures.catalogue_urls")),
    path("rundschreiben/", include("circulars.urls")),
    path("pdf/", include("reports.rendering_urls")),
    path("exporte/", include("reports.export_urls")),
    path("uebersichten/", include("reports.overview_urls")),
    path("sprache/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Rahmenwerk – Verwaltung"
admin.site.site_title = "Rahmenwerk"
