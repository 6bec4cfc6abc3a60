"""The administrators' admin: organisations, users and the (read-only) audit trail.

Every save and delete here is recorded in the audit trail like the services' writes
(``AuditedAdmin``); new users are created through ``accounts.services.user_create``.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.audit import AuditAction, record_event
from accounts.models import (
    AccessibilityFeedback,
    AuditEvent,
    Organisation,
    OrganisationKind,
    SignLanguageVideo,
    User,
)
from accounts.services import user_create, validate_role
from core.text import CleanTextMixin, CleanTextModelForm
from core.video_uploads import check_video

# An organisation's contact data (a jobcenter's too: jobcenters.services.CONTACT_FIELDS).
CONTACT_FIELDS = ["street", "postal_code", "city", "email", "phone", "website"]


def _readable(value):
    if isinstance(value, list | tuple | QuerySet):
        return ", ".join(str(item) for item in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def admin_changes(form, formsets=()):
    """``{field: [old, new]}`` for what an admin form changed, plus a line per changed inline."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        old = form.initial.get(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(old, list | None):
            old = field.queryset.filter(pk=old).first()  # a foreign key's initial is its pk
        changes[name] = [_readable(old), _readable(form.cleaned_data.get(name))]
    for formset in formsets:
        parts = [
            f"{label}: {', '.join(str(obj) for obj in objects)}"
            for label, objects in [
                (_("neu"), formset.new_objects),
                (_("geändert"), [obj for obj, _fields in formset.changed_objects]),
                (_("gelöscht"), formset.deleted_objects),
            ]
            if objects
        ]
        if parts:
            changes[str(formset.model._meta.verbose_name_plural)] = ["", "; ".join(parts)]
    return changes


class AuditedAdmin(admin.ModelAdmin):
    """Records every save and delete in the audit trail, as the services do for the site.

    An event missing from ``audit_events`` is not recorded here (because a service
    records it).
    """

    form = CleanTextModelForm
    audit_events = {
        "created": AuditAction.ADMIN_CREATED,
        "changed": AuditAction.ADMIN_CHANGED,
        "deleted": AuditAction.ADMIN_DELETED,
    }

    def audit(self, request, obj, event, changes=None):
        if event in self.audit_events:
            record_event(
                actor=request.user, obj=obj, action=self.audit_events[event], changes=changes
            )

    def save_related(self, request, form, formsets, change):
        # Called once per save, after the object and its inlines: the whole change is known.
        super().save_related(request, form, formsets, change)
        if not change:
            self.audit(request, form.instance, "created")
        elif changes := admin_changes(form, formsets):
            self.audit(request, form.instance, "changed", changes)

    def delete_model(self, request, obj):
        self.audit(request, obj, "deleted")  # while the object still has its pk
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.audit(request, obj, "deleted")
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the application only: administrators look, nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationAdminForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "state", "member_region_kind", *CONTACT_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A jobcenter needs its registry data: it is added under "Jobcenter".
        self.fields["kind"].choices = [
            choice
            for choice in self.fields["kind"].choices
            if choice[0] != OrganisationKind.JOBCENTER
        ]

    def clean(self):
        cleaned = super().clean()
        is_association = cleaned.get("kind") == OrganisationKind.MUNICIPAL_ASSOCIATION
        if is_association and not cleaned.get("member_region_kind"):
            self.add_error(
                "member_region_kind",
                _("Bitte angeben, wen der Verband vertritt: Kreise oder kreisfreie Städte."),
            )
        if not is_association and cleaned.get("member_region_kind"):
            self.add_error(
                "member_region_kind", _("Nur kommunale Spitzenverbände haben Mitglieder.")
            )
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "short_name", "kind", "state", "member_region_kind", "city"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "short_name", "city"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "state", "member_region_kind"]}),
        (_("Kontakt"), {"fields": CONTACT_FIELDS}),
    ]

    def get_queryset(self, request):
        # Jobcenters have their own admin, with their registry data.
        return super().get_queryset(request).exclude(kind=OrganisationKind.JOBCENTER)


class RoleFormMixin:
    """Checks that the role fits the organisation, with the error at the role field."""

    def clean(self):
        cleaned = super().clean()
        if "organisation" in cleaned and "role" in cleaned:
            try:
                validate_role(organisation=cleaned["organisation"], role=cleaned["role"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class UserAddForm(RoleFormMixin, CleanTextMixin, forms.ModelForm):
    """A new user has no password: ``user_create`` e-mails them a link to set one."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "organisation", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "An diese Adresse geht der Link zum Setzen des Passworts."
        )


class UserChangeForm(RoleFormMixin, CleanTextMixin, BaseUserChangeForm):
    class Meta(BaseUserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    # "created" is recorded by accounts.services.user_create.
    audit_events = {
        "changed": AuditAction.ADMIN_CHANGED,
        "deleted": AuditAction.ADMIN_DELETED,
    }
    add_form = UserAddForm
    form = UserChangeForm
    add_fieldsets = [(None, {"fields": UserAddForm.Meta.fields})]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("Organisation"), {"fields": ["organisation", "role"]}),
        *BaseUserAdmin.fieldsets[2:],
    ]
    list_display = ["username", "first_name", "last_name", "email", "organisation", "role"]
    list_filter = ["role", "organisation__kind", "organisation__state", "is_staff", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        user = user_create(
            actor=request.user,
            **{field: form.cleaned_data[field] for field in UserAddForm.Meta.fields},
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the created user.
        vars(obj).update(vars(user))


class AuditActionFilter(admin.SimpleListFilter):
    """The actions by their labels (the field has no choices, see ``AuditEvent.action``)."""

    title = _("Aktion")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return AuditAction.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "object_repr", "content_type", "text", "actor"]
    list_filter = [AuditActionFilter, "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "legacy_summary", "reason", "actor__username"]

    fields = [
        "created_at",
        "actor",
        "content_type",
        "object_id",
        "object_repr",
        "action",
        "text",
        "reason",
        "changed",
        "data",
        "legacy_summary",
    ]
    readonly_fields = ["text", "changed"]

    @admin.display(description=_("Was"))
    def text(self, event):
        return event.summary

    @admin.display(description=_("Änderungen"))
    def changed(self, event):
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            ((row.label, row.old or "—", row.new or "—") for row in event.change_rows()),
        )

    date_hierarchy = "created_at"


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "email", "page", "excerpt", "held_back"]
    list_filter = ["created_at", "held_back"]
    search_fields = ["name", "email", "page", "message"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Nachricht"))
    def excerpt(self, feedback):
        return feedback.message[:80]


# A video of the sign-language page explains one topic: three hours is far beyond any.
MAX_VIDEO_SECONDS = 3 * 60 * 60


class SignLanguageVideoForm(CleanTextModelForm):
    class Meta:
        model = SignLanguageVideo
        fields = ["topic", "file", "duration_seconds"]

    def clean_duration_seconds(self):
        seconds = self.cleaned_data["duration_seconds"]
        if seconds is not None and not 1 <= seconds <= MAX_VIDEO_SECONDS:
            raise forms.ValidationError(
                _("Bitte geben Sie die Dauer in Sekunden an: von 1 bis %(most)s (drei Stunden).")
                % {"most": number_format(MAX_VIDEO_SECONDS, force_grouping=True)}
            )
        return seconds

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and upload is not self.initial.get("file"):
            self.instance.kind = check_video(upload)
            self.instance.size = upload.size
        return upload


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(AuditedAdmin):
    """The administrator uploads the DGS videos of the sign-language page, one per topic."""

    form = SignLanguageVideoForm
    list_display = ["topic", "kind", "size_label", "duration_label", "uploaded_at"]

    @admin.display(description=_("Größe"))
    def size_label(self, video):
        return filesizeformat(video.size)
