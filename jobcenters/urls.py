from django.urls import path

from jobcenters import views

app_name = "jobcenters"

urlpatterns = [
    path("", views.jobcenter_list, name="list"),
    path("export.csv", views.jobcenter_export, {"file_format": "csv"}, name="export-csv"),
    path("export.xlsx", views.jobcenter_export, {"file_format": "xlsx"}, name="export-xlsx"),
    path("namen/", views.jobcenter_names, name="names"),
    path("<int:pk>/", views.jobcenter_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.jobcenter_edit, name="edit"),
]
