from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin
from accounts.models import State
from core.text import CleanTextMixin
from jobcenters.importing import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    JobcenterImportError,
    jobcenters_import,
)
from jobcenters.models import Jobcenter
from jobcenters.services import CONTACT_FIELDS

MAX_IMPORT_SIZE = 5 * 1024 * 1024


class JobcenterImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_("UTF-8-kodiert, Spalten durch Komma oder Semikolon getrennt, höchstens 5 MB."),
    )
    state = forms.ChoiceField(
        label=_("Bundesland"),
        choices=[("", "---------"), *State.choices],
        required=False,
        help_text=_("Gilt für alle Zeilen, wenn die Datei keine Spalte „state“ hat."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                _("Die Datei ist größer als 5 MB. Bitte teilen Sie sie in mehrere Dateien auf.")
            )
        return file


@admin.register(Jobcenter)
class JobcenterAdmin(AuditedAdmin):
    list_display = ["name", "region", "region_kind", "form", "state", "association"]
    list_filter = ["state", "region_kind", "form"]
    search_fields = ["name", "short_name", "region", "city"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "state", "form", "region", "region_kind"]}),
        (_("Kontakt"), {"fields": CONTACT_FIELDS}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_association()

    @admin.display(description=_("Kommunaler Spitzenverband"), ordering="association_name")
    def association(self, jobcenter):
        return jobcenter.association_name

    def get_urls(self):
        # Before the default URLs, whose "<object_id>/" would take "import/".
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="jobcenters_jobcenter_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        # An import adds jobcenters and updates existing ones.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = JobcenterImportForm(request.POST, request.FILES)
        else:
            form = JobcenterImportForm()
        if form.is_bound and form.is_valid():
            try:
                result = jobcenters_import(
                    data=form.cleaned_data["file"].read(),
                    actor=request.user,
                    default_state=form.cleaned_data["state"],
                )
            except JobcenterImportError as error:
                for line in error.errors:
                    form.add_error("file", line)
            else:
                messages.success(
                    request,
                    gettext("%(created)d Jobcenter angelegt, %(updated)d aktualisiert.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("admin:jobcenters_jobcenter_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Jobcenter aus CSV-Datei einlesen"),
            "opts": self.opts,
            "form": form,
            "required_columns": REQUIRED_COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
        }
        return TemplateResponse(request, "admin/jobcenters/jobcenter/import.html", context)
