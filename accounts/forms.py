from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessibilityFeedback
from core.emails import site_link
from core.text import CleanTextMixin
from outbox import services as outbox


class LoginForm(CleanTextMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Benutzername oder Passwort stimmen nicht. Bitte achten Sie auf Groß- und "
            "Kleinschreibung."
        ),
        "inactive": _("Dieses Konto ist gesperrt."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self):
        # Shown at the password field, so that screen readers announce it there.
        try:
            return super().clean()
        except forms.ValidationError as error:
            self.add_error("password", error)
            return self.cleaned_data


class PasswordResetForm(CleanTextMixin, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queue the e-mail in the outbox: a worker sends it, even after Redis was down.

        The link is on the configured site address (``SITE_URL``), as in every other mail,
        not on the host the request named: that is whatever the client sent, within
        ALLOWED_HOSTS, and may be an internal name."""
        context = {
            **context,
            "link": site_link(
                reverse(
                    "password_reset_confirm",
                    kwargs={"uidb64": context["uid"], "token": context["token"]},
                )
            ),
        }
        outbox.enqueue(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            secret=True,
        )


class SetPasswordForm(CleanTextMixin, auth_forms.SetPasswordForm):
    pass


class AccessibilityFeedbackForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["name", "email", "page", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "email": _("Wenn Sie eine Antwort wünschen."),
            "page": _("Zum Beispiel die Adresse oder der Titel der Seite."),
        }
        error_messages = {"message": {"required": _("Bitte beschreiben Sie die Barriere.")}}
