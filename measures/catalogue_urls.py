from django.urls import path

from measures import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<int:pk>/", views.catalogue_detail, name="detail"),
]
