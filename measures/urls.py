from django.urls import path

from measures import figures_views, views

app_name = "measures"

urlpatterns = [
    path("", views.measure_list, name="list"),
    path("export.csv", views.measure_export, {"file_format": "csv"}, name="export-csv"),
    path("export.xlsx", views.measure_export, {"file_format": "xlsx"}, name="export-xlsx"),
    path("neu/<int:agreement_pk>/", views.measure_create, name="create"),
    path("<int:pk>/", views.measure_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.measure_edit, name="edit"),
    path("<int:pk>/fortschritt/", views.measure_note, name="note"),
    path("<int:pk>/katalog/vorschlagen/", views.measure_propose, name="propose"),
    path("<int:pk>/katalog/veroeffentlichen/", views.measure_publish, name="publish"),
    path("<int:pk>/katalog/ablehnen/", views.measure_decline, name="decline"),
    path("<int:pk>/katalog/zurueckziehen/", views.measure_unpublish, name="unpublish"),
    path("katalog/vorschlaege/", views.proposal_queue, name="proposals"),
    path("abdeckung/<int:agreement_pk>/", figures_views.coverage, name="coverage"),
    path("kennzahlen/", figures_views.key_figures, name="key-figures"),
    path(
        "kennzahlen/export.csv",
        figures_views.key_figures_export,
        {"file_format": "csv"},
        name="key-figures-export-csv",
    ),
    path(
        "kennzahlen/export.xlsx",
        figures_views.key_figures_export,
        {"file_format": "xlsx"},
        name="key-figures-export-xlsx",
    ),
    path("kennzahlen/erfassen/", figures_views.key_figures_new, name="key-figures-new"),
    path(
        "kennzahlen/<int:jobcenter_pk>/<int:year>/",
        figures_views.key_figures_edit,
        name="key-figures-edit",
    ),
]
