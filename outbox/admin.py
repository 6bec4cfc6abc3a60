"""Administrators see every outgoing e-mail and can send failed ones again."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outbox import services
from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    actions = ["send_again"]

    def get_exclude(self, request, obj=None):
        # A password link is the account: until the mail is sent (and its text erased),
        # nobody reads it here, administrators included.
        if obj is not None and obj.secret:
            return ["body"]
        return super().get_exclude(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Fehlgeschlagene erneut senden"))
    def send_again(self, request, queryset):
        with transaction.atomic():
            count = services.resend(queryset)
        self.message_user(request, services.resent_message(count), messages.SUCCESS)
