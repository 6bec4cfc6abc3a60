from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin
from agreements.models import ActionField, FrameworkAgreement
from core.text import CleanTextModelForm


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    form = CleanTextModelForm
    fields = ["number", "title", "description"]
    extra = 0


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(AuditedAdmin):
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
