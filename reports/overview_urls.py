from django.urls import path

from reports import overview_views

app_name = "overviews"

urlpatterns = [
    path("reader/", overview_views.readers, name="readers"),
    path("<int:agreement_pk>/reader.pdf", overview_views.reader_download, name="reader"),
    path("<int:agreement_pk>/reader/erstellen/", overview_views.reader_render, name="reader-pdf"),
    path("<int:agreement_pk>/", overview_views.status_overview_page, name="status"),
    path("<int:agreement_pk>/pdf/", overview_views.status_overview_render, name="status-pdf"),
    path(
        "<int:agreement_pk>/jobcenter/<int:jobcenter_pk>/",
        overview_views.profile_page,
        name="profile",
    ),
    path(
        "<int:agreement_pk>/jobcenter/<int:jobcenter_pk>/pdf/",
        overview_views.profile_render,
        name="profile-pdf",
    ),
]
