import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from agreements.models import ActionField, FrameworkAgreement
from core.dates import GermanDateField, PastDateField
from core.forms import (
    FilterForm,
    ListedChoiceField,
    SortField,
    add_errors,
    add_problems,
    read_choices,
)
from core.paging import sorted_by
from core.text import CleanTextMixin
from jobcenters.forms import JobcenterFilterForm, JobcenterNameField, associations_of
from jobcenters.models import Jobcenter
from measures import services
from measures.models import (
    KEY_FIGURE_FIELDS,
    KEY_FIGURES_YEAR_FROM,
    MAX_KEY_FIGURE,
    KeyFigures,
    Measure,
    MeasureStatus,
)
from measures.services import MEASURE_FIELDS, key_figure_problems, measure_date_problems
from reports.states import filter_choices_state

# A count as people type it: 2400, or grouped in threes as the pages show it (2.400) or
# as English writes it (2,400), or with spaces (2 400). Nothing else: a count has no
# fraction, and Django's IntegerField read "2.000" as 2.
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[.,\s\u00a0\u202f])\d{3})(?:(?P=sep)\d{3})*$")


class CountField(forms.IntegerField):
    """A whole number of people: plain or with thousands separators, in either language."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text and not text.isdigit():
            if not _GROUPED.match(text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            text = re.sub(r"\D", "", text)
        return super().to_python(text)


YEAR_ERRORS = {
    "invalid": _("Bitte geben Sie eine Jahreszahl an, z. B. 2019."),
    "min_value": _("Bitte geben Sie eine Jahreszahl ab 2000 an."),
    "max_value": _("Bitte geben Sie eine Jahreszahl bis 2100 an."),
}


def year_filter(label, **kwargs):
    # A text input (numeric keyboard): a number input would show "31.02.2026" typed by
    # mistake as empty beside its error, so the official would not see what was wrong.
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages=YEAR_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class MeasureForm(CleanTextMixin, forms.ModelForm):
    """A measure as its jobcenter records it; action fields are those of its agreement."""

    further_action_fields = forms.ModelMultipleChoiceField(
        label=_("weitere Handlungsfelder"),
        queryset=ActionField.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS
        field_classes = {"starts_on": GermanDateField, "ends_on": GermanDateField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "title": {"required": _("Bitte geben Sie einen Titel an.")},
            "action_field": {"required": _("Bitte wählen Sie das Handlungsfeld.")},
            "contact_email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        action_fields = ActionField.objects.filter(agreement=agreement)
        self.fields["action_field"].queryset = action_fields
        self.fields["action_field"].empty_label = _("bitte wählen")
        self.fields["further_action_fields"].queryset = action_fields
        for name in ("starts_on", "ends_on"):
            self.fields[name].help_text = _("TT.MM.JJJJ")
        if self.instance.pk:
            self.initial["further_action_fields"] = list(
                self.instance.further_action_fields.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        add_problems(self, measure_date_problems(data))
        return data


class ProgressNoteForm(CleanTextMixin, forms.Form):
    written_on = PastDateField(
        label=_("Datum"), error_messages={"required": _("Bitte geben Sie das Datum an.")}
    )
    text = forms.CharField(
        label=_("Was ist geschehen?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte beschreiben Sie den Fortschritt.")},
    )


class ProposeForm(CleanTextMixin, forms.Form):
    contact_consents = forms.BooleanField(
        label=_("Die Ansprechperson ist einverstanden, im Katalog mit Namen genannt zu werden."),
        required=True,
        error_messages={"required": services.CONSENT_MISSING},
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean(self):
        # The service's rules in the same round as the field's own (``clean`` runs after
        # the fields' errors too); ``services.measure_propose`` checks them again under its
        # lock. A missing consent is named once, at its field.
        data = super().clean()
        consents = data.get("contact_consents", False)
        problems = services.propose_problems(self.measure, contact_consents=consents)
        if "contact_consents" in self.errors:
            problems.pop("contact_consents", None)
        if problems:
            add_errors(self, ValidationError(problems))
        return data


class PublishForm(CleanTextMixin, forms.Form):
    """Publishing needs nothing but the button."""


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Das Jobcenter liest den Grund auf der Seite der Maßnahme."),
        error_messages={"required": _("Bitte nennen Sie den Grund.")},
    )


class MeasureFilterForm(FilterForm):
    """The filters of the measures list (read from the query string)."""

    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    agreement = ListedChoiceField(
        label=_("Vereinbarung"),
        queryset=FrameworkAgreement.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    action_field = ListedChoiceField(
        label=_("Handlungsfeld"),
        queryset=ActionField.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    status = forms.ChoiceField(
        label=_("Stand"), choices=[("", _("alle")), *MeasureStatus.choices], required=False
    )
    jobcenter = JobcenterNameField(label=_("Jobcenter"), required=False)
    association = ListedChoiceField(
        label=_("Kommunaler Spitzenverband"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    year = year_filter(_("läuft im Jahr"))
    SORTS = {
        "title": "title",
        "-title": "-title",
        "jobcenter": "jobcenter__name",
        "-jobcenter": "-jobcenter__name",
        "status": "status",
        "-status": "-status",
        "starts_on": "starts_on",
        "-starts_on": "-starts_on",
    }
    sort = SortField(SORTS, default="title", label=_("Sortierung"))

    def __init__(self, *args, user, jobcenters, agreements, states=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].label_from_instance = lambda field: (
            f"{field.agreement.short_title}: {field}"
        )
        self.fields["jobcenter"].queryset = jobcenters
        read_choices(
            self,
            # Whose choices these are, and the data they are read from. The key names the
            # user, not the querysets: only the list's view hands ``states`` in, with the
            # user's visible jobcenters and agreements; without them nothing is kept.
            state=None
            if states is None
            else lambda: (
                "measures",
                user.is_superuser,
                user.role,
                user.organisation_id,
                filter_choices_state(None if user.is_superuser else states),
            ),
            agreement=(agreements, "short_title"),
            action_field=(
                ActionField.objects.filter(agreement__in=agreements).select_related("agreement"),
                # As label_from_instance: "Rahmenvereinbarung NRW: 2. Barrierefreiheit".
                Concat(
                    "agreement__short_title",
                    Value(": "),
                    Cast("number", CharField()),
                    Value(". "),
                    "title",
                ),
            ),
            association=(associations_of(jobcenters, states), "name"),
        )

    def filter(self, measures):
        if not self.is_valid():
            return measures.none()
        data = self.cleaned_data
        if data["q"]:
            measures = measures.filter(
                Q(title__icontains=data["q"])
                | Q(description__icontains=data["q"])
                | Q(partners__icontains=data["q"])
                | Q(jobcenter__name__icontains=data["q"])
            )
        if data["agreement"]:
            measures = measures.filter(agreement=data["agreement"])
        if data["action_field"]:
            # EXISTS rather than a join: no DISTINCT over every column of the page's rows.
            further = Measure.further_action_fields.through.objects.filter(
                measure=OuterRef("pk"), actionfield=data["action_field"]
            )
            measures = measures.filter(Q(action_field=data["action_field"]) | Q(Exists(further)))
        if data["status"]:
            measures = measures.filter(status=data["status"])
        if data["jobcenter"]:
            measures = measures.filter(jobcenter__in=data["jobcenter"])
        if data["association"]:
            measures = measures.filter(
                jobcenter__in=Jobcenter.objects.of_association(data["association"])
            )
        if data["year"]:
            measures = measures.filter(starts_on__year__lte=data["year"]).filter(
                Q(ends_on__isnull=True) | Q(ends_on__year__gte=data["year"])
            )
        return sorted_by(measures, self.SORTS[data["sort"]])


class CatalogueSearchForm(FilterForm):
    """The search of the public catalogue (read from the query string)."""

    q = forms.CharField(
        label=_("Titel, Beschreibung oder Jobcenter enthält"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def filter(self, measures):
        if not self.is_valid():
            return measures.none()
        if search := self.cleaned_data["q"]:
            measures = measures.filter(
                Q(title__icontains=search)
                | Q(description__icontains=search)
                | Q(jobcenter__name__icontains=search)
            )
        return measures


class KeyFiguresForm(CleanTextMixin, forms.ModelForm):
    """A year's key figures of ``jobcenter``: new, or (with ``instance``) corrected.

    A new entry for a year that already has figures is shown with the stored ones and
    replaces them only when ``replace`` is ticked: nothing is overwritten unseen.
    """

    replace = forms.BooleanField(
        label=_("Ja, meine Zahlen sollen die gespeicherten Kennzahlen dieses Jahres ersetzen."),
        required=False,
    )

    class Meta:
        model = KeyFigures
        fields = ["year", *KEY_FIGURE_FIELDS]
        field_classes = dict.fromkeys(KEY_FIGURE_FIELDS, CountField)
        # A text input with a numeric keyboard, as for the year filters: a number input
        # shows "31.02.2026" typed by mistake as empty beside its error.
        widgets = {"year": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, jobcenter, **kwargs):
        super().__init__(*args, **kwargs)
        self.jobcenter = jobcenter
        self.existing = None  # the stored figures of the year typed, when there are some
        for name in KEY_FIGURE_FIELDS:
            field = self.fields[name]
            field.widget.attrs["inputmode"] = "numeric"
            field.error_messages.update(
                {
                    "required": _("Bitte geben Sie eine ganze Zahl ab 0 an."),
                    "invalid": _("Bitte geben Sie eine ganze Zahl ab 0 an."),
                    "min_value": _("Bitte geben Sie eine ganze Zahl ab 0 an."),
                    "max_value": _("So viele hat kein Jobcenter: höchstens %(limit)s.")
                    % {"limit": number_format(MAX_KEY_FIGURE, force_grouping=True)},
                }
            )
            field.validators.append(MaxValueValidator(MAX_KEY_FIGURE))
        self.fields["year"].error_messages.update(
            {
                "required": _("Bitte geben Sie das Jahr an."),
                "invalid": _("Bitte geben Sie eine Jahreszahl an, z. B. 2019."),
            }
        )
        if self.instance.pk:
            self.fields["year"].disabled = True
            del self.fields["replace"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year < KEY_FIGURES_YEAR_FROM:
            raise forms.ValidationError(
                _("Bitte geben Sie eine Jahreszahl ab %(year)s an.")
                % {"year": KEY_FIGURES_YEAR_FROM}
            )
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Kennzahlen gibt es erst, wenn das Jahr begonnen hat."))
        return year

    def clean(self):
        data = super().clean()
        add_problems(self, key_figure_problems(data))
        year = data.get("year")
        if not self.instance.pk and year:
            self.existing = KeyFigures.objects.filter(jobcenter=self.jobcenter, year=year).first()
            if self.existing and not data.get("replace"):
                self.add_error(
                    "year",
                    _(
                        "Für %(year)s sind schon Kennzahlen gespeichert (unten neben Ihren "
                        "Zahlen). Bestätigen Sie, dass Ihre Zahlen sie ersetzen sollen."
                    )
                    % {"year": year},
                )
        return data


class KeyFiguresFilterForm(JobcenterFilterForm):
    """The jobcenter filters plus the year to show."""

    year = year_filter(_("Jahr"), help_text=_("leer: das letzte gemeldete Jahr"))

    field_order = ["year", "q", "association", "form", "region_kind"]
