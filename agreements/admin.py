from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin
from agreements.models import ActionField, FrameworkAgreement
from core.dates import GermanDateField, PastDateField, german
from core.text import CleanTextModelForm

# Terms in months up to fifty years (the model's constraint ``agreement_terms_plausible``).
MAX_TERM_MONTHS = 600


class ActionFieldForm(CleanTextModelForm):
    def clean_number(self):
        number = self.cleaned_data["number"]
        if number is not None and number < 1:
            raise forms.ValidationError(_("Die Handlungsfelder werden ab 1 gezählt."))
        return number


class FrameworkAgreementForm(CleanTextModelForm):
    """The agreement's dates and terms, each bound and relation named at its field.

    The model's constraints say the same, but as one sentence above the form (or, for
    some, only the constraint's name); a field with an error here is not checked again.
    """

    class Meta:
        field_classes = {"signed_on": PastDateField, "in_force_from": GermanDateField}
        error_messages = {
            "signed_on": {
                "future": _("Das Datum der Unterzeichnung darf nicht in der Zukunft liegen.")
            }
        }

    def _months(self, name, message, *, most=MAX_TERM_MONTHS):
        months = self.cleaned_data.get(name)
        if months is not None and not 1 <= months <= most:
            raise forms.ValidationError(message)
        return months

    def clean_initial_term_months(self):
        return self._months(
            "initial_term_months", _("Bitte geben Sie eine Laufzeit von 1 bis 600 Monaten an.")
        )

    def clean_renewal_months(self):
        return self._months(
            "renewal_months", _("Bitte geben Sie eine Verlängerung von 1 bis 600 Monaten an.")
        )

    def clean_notice_months(self):
        months = self.cleaned_data.get("notice_months")
        if months is not None and months < 1:
            raise forms.ValidationError(_("Bitte geben Sie eine Kündigungsfrist ab 1 Monat an."))
        return months

    def clean(self):
        data = super().clean()
        signed_on, in_force_from = data.get("signed_on"), data.get("in_force_from")
        if signed_on and in_force_from and signed_on > in_force_from:
            self.add_error(
                "signed_on",
                _(
                    "Eine Vereinbarung tritt nicht vor ihrer Unterzeichnung in Kraft: bitte "
                    "geben Sie ein Datum bis zum %(date)s an."
                )
                % {"date": german(in_force_from)},
            )
        term = data.get("initial_term_months")
        if "initial_term_months" not in self.errors and term is None:
            for name, message in [
                ("renewal_months", _("Eine Verlängerung setzt eine erste Laufzeit voraus.")),
                ("notice_months", _("Eine Kündigungsfrist setzt eine erste Laufzeit voraus.")),
            ]:
                if data.get(name) is not None:
                    self.add_error(name, message)
        notice = data.get("notice_months")
        if term is not None and notice is not None and notice >= term:
            self.add_error(
                "notice_months",
                _(
                    "Die Kündigungsfrist ist kürzer als die erste Laufzeit: höchstens "
                    "%(most)s Monate."
                )
                % {"most": term - 1},
            )
        return data


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    form = ActionFieldForm
    fields = ["number", "title", "description"]
    extra = 0


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(AuditedAdmin):
    form = FrameworkAgreementForm
    inlines = [ActionFieldInline]
    list_display = ["short_title", "title", "state", "signed_on", "in_force_from", "is_published"]
    list_filter = ["state", "is_published"]
    search_fields = ["short_title", "title"]
    # Parties are found among the organisations of OrganisationAdmin: ministries,
    # directorates, associations and others. Jobcenters accede; they do not sign.
    autocomplete_fields = ["parties"]
    filter_horizontal = ["accession_jobcenters"]
    fieldsets = [
        (None, {"fields": ["title", "short_title", "state", "parties", "description"]}),
        (
            _("Laufzeit"),
            {
                "fields": [
                    "signed_on",
                    "in_force_from",
                    "initial_term_months",
                    "renewal_months",
                    "notice_months",
                ]
            },
        ),
        (_("Beitritt"), {"fields": ["accession_scope", "accession_jobcenters"]}),
        (_("Veröffentlichung"), {"fields": ["is_published"]}),
    ]
