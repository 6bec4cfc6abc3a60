from django.urls import path

from jobcenters import views

app_name = "jobcenters"

urlpatterns = [
    path("", views.jobcenter_list, name="list"),
    path("<int:pk>/", views.jobcenter_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.jobcenter_edit, name="edit"),
]
