"""Letterheads and where each association's count of circulars stands: set by administrators."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin
from circulars.logos import LogoField, fitted_logo
from circulars.models import Circular, CircularCounter, Letterhead
from core.dates import EARLIEST_DATE, LATEST_DATE
from core.text import CleanTextMixin, CleanTextModelForm


class LetterheadForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = [
            "association",
            "name",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "website",
            "logo",
        ]
        field_classes = {"logo": LogoField}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload (checked by LogoField) is scaled; a stored logo is a FieldFile.
        if getattr(logo, "image", None) is None:
            return logo
        return fitted_logo(logo)


@admin.register(Letterhead)
class LetterheadAdmin(AuditedAdmin):
    form = LetterheadForm
    list_display = ["name", "association", "city", "phone", "email"]
    list_select_related = ["association"]

    def save_model(self, request, obj, form, change):
        old = Letterhead.objects.filter(pk=obj.pk).values_list("logo", flat=True).first()
        super().save_model(request, obj, form, change)
        # A new logo is stored under a new name (the old one is taken): the replaced or
        # cleared file goes once the change is committed, so a render that is reading it
        # now still finds it.
        if old and old != obj.logo.name:
            storage = obj.logo.storage
            transaction.on_commit(lambda: storage.delete(old))


# No association writes ten thousand circulars a year; far beyond, finalising would take a
# number the database cannot hold (a 500 instead of a number).
MAX_COUNTER = 9999


class CircularCounterForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = CircularCounter
        fields = ["association", "year", "last_number"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        # Circulars are dated 1990 to 2100 (``core.dates``), so their counters are too.
        if year is not None and not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
            raise forms.ValidationError(_("Bitte geben Sie ein Jahr von 1990 bis 2100 an."))
        return year

    def clean_last_number(self):
        last_number = self.cleaned_data["last_number"]
        if last_number is not None and last_number > MAX_COUNTER:
            raise forms.ValidationError(
                _("So viele Rundschreiben schreibt kein Verband im Jahr: höchstens %(most)s.")
                % {"most": number_format(MAX_COUNTER, force_grouping=True)}
            )
        return last_number

    def clean(self):
        cleaned = super().clean()
        association, year = cleaned.get("association"), cleaned.get("year")
        last_number = cleaned.get("last_number")
        if association is None or year is None or last_number is None:
            return cleaned
        highest = (
            Circular.objects.filter(association=association, year=year, number__isnull=False)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        # Setting the count back would hand out a number a second time.
        if highest is not None and last_number < highest:
            self.add_error(
                "last_number",
                _(
                    "Im Jahr %(year)s ist schon die Nummer %(number)s vergeben; der Zähler "
                    "darf nicht darunter liegen."
                )
                % {"year": year, "number": highest},
            )
        return cleaned


@admin.register(CircularCounter)
class CircularCounterAdmin(AuditedAdmin):
    form = CircularCounterForm
    list_display = ["association", "year", "last_number"]
    list_filter = ["association"]
    list_select_related = ["association"]


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    """To look things up; circulars are written on the site, through the services."""

    form = CleanTextModelForm

    list_display = ["__str__", "association", "date", "status"]
    list_filter = ["status", "association"]
    list_select_related = ["association"]
    search_fields = ["subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A number once given stays given: final circulars are never deleted.
        return obj is None or not obj.is_final
