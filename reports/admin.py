"""Renderings in the admin: read, never written by hand."""

from django.contrib import admin

from core.text import CleanTextModelForm
from reports.models import Rendering


@admin.register(Rendering)
class RenderingAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["__str__", "circular", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["circular"]
    readonly_fields = [field.name for field in Rendering._meta.fields]

    def has_add_permission(self, request):
        return False
