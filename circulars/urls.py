from django.urls import path

from circulars import views

app_name = "circulars"

urlpatterns = [
    path("", views.circular_list, name="list"),
    path("neu/", views.circular_new, name="new"),
    path("<int:pk>/", views.circular_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.circular_edit, name="edit"),
    path("<int:pk>/abschliessen/", views.circular_finalise, name="finalise"),
    path("<int:pk>/pdf/", views.circular_render, name="render"),
    path("<int:pk>/versenden/", views.circular_send, name="send"),
    path("<int:pk>/erneut-versenden/", views.circular_resend, name="resend"),
    path("<int:pk>/anlagen/neu/", views.attachment_add, name="attachment-add"),
    path(
        "<int:pk>/anlagen/dokument/",
        views.attachment_add_document,
        name="attachment-add-document",
    ),
    path(
        "<int:pk>/anlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:pk>/anlagen/<int:attachment_pk>/entfernen/",
        views.attachment_remove,
        name="attachment-remove",
    ),
]
