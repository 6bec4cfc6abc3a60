from django.urls import path

from accessions import dashboard_views, views

app_name = "accessions"

urlpatterns = [
    path("pruefen/", views.review_queue, name="queue"),
    path("stand/<int:agreement_pk>/", dashboard_views.accession_dashboard, name="dashboard"),
    path(
        "stand/<int:agreement_pk>/jobcenter/",
        dashboard_views.accession_jobcenters,
        name="jobcenters",
    ),
    path(
        "stand/<int:agreement_pk>/jobcenter.csv",
        dashboard_views.accession_jobcenters_export,
        {"file_format": "csv"},
        name="export-csv",
    ),
    path(
        "stand/<int:agreement_pk>/jobcenter.xlsx",
        dashboard_views.accession_jobcenters_export,
        {"file_format": "xlsx"},
        name="export-xlsx",
    ),
    path("neu/<int:jobcenter_pk>/<int:agreement_pk>/", views.accession_start, name="start"),
    path("<int:pk>/", views.accession_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.accession_edit, name="edit"),
    path("<int:pk>/unterschrieben.pdf", views.signed_form_download, name="signed-form"),
    path("<int:pk>/beitrittserklaerung.pdf", views.accession_form_pdf, name="form-pdf"),
    path("<int:pk>/annehmen/", views.accession_accept, name="accept"),
    path("<int:pk>/zurueckgeben/", views.accession_return, name="return"),
    path("<int:pk>/austritt/", views.accession_withdraw, name="withdraw"),
    path(
        "<int:pk>/beitrittsdatum/",
        views.accession_correct_joined_on,
        name="correct-joined-on",
    ),
]
