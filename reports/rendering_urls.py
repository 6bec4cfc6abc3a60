from django.urls import path

from reports import views

app_name = "renderings"

urlpatterns = [
    path("<int:pk>/", views.rendering_detail, name="detail"),
    path("<int:pk>/stand/", views.rendering_status, name="status"),
    path("<int:pk>/datei/", views.rendering_download, name="download"),
    path("<int:pk>/erneut/", views.rendering_retry, name="retry"),
]
