from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm, PasswordResetForm, SetPasswordForm

urlpatterns = [
    path("start/", views.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort/vergessen/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "passwort/vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort/setzen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "passwort/gesetzt/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("leichte-sprache/", views.page, {"name": "leichte_sprache"}, name="easy-language"),
    path("gebaerdensprache/", views.sign_language, name="sign-language"),
    path(
        "gebaerdensprache/video/<slug:topic>/",
        views.sign_language_video,
        name="sign-language-video",
    ),
    path("impressum/", views.page, {"name": "impressum"}, name="imprint"),
    path("datenschutz/", views.page, {"name": "datenschutz"}, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
]
