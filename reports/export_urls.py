from django.urls import path

from reports import export_views

app_name = "exports"

urlpatterns = [
    path("<int:pk>/", export_views.export_detail, name="detail"),
    path("<int:pk>/stand/", export_views.export_status, name="status"),
    path("<int:pk>/datei/", export_views.export_download, name="download"),
    path("<int:pk>/erneut/", export_views.export_retry, name="retry"),
]
