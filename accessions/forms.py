"""The accession form with its planned measures, the ministry's decisions, and the filters
of the accession overview."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accessions.models import STANDINGS, Accession, StandingPlace
from accessions.services import FORM_FIELDS, joined_on_problems, withdrawn_on_problems
from agreements.models import ActionField
from core.dates import GermanDateField, PastDateField
from core.forms import SortField
from core.pdf_uploads import ACCESSION_MAX_PAGES, PdfUploadField
from core.text import CleanTextMixin
from jobcenters.forms import JobcenterFilterForm


class AccessionFilterForm(JobcenterFilterForm):
    """The jobcenter list of one agreement: the jobcenter filters plus where each one stands."""

    SORTS = {
        **JobcenterFilterForm.SORTS,
        "standing": "standing_order",
        "-standing": "-standing_order",
        "joined_on": F("accession_joined_on").asc(nulls_last=True),
        "-joined_on": F("accession_joined_on").desc(nulls_last=True),
    }
    SORT_EXPRESSIONS = {**JobcenterFilterForm.SORT_EXPRESSIONS, "standing_order": StandingPlace}

    standing = forms.ChoiceField(
        label=_("Stand"), choices=[("", _("alle")), *STANDINGS], required=False
    )
    joined_from = GermanDateField(label=_("beigetreten ab"), required=False)
    joined_to = GermanDateField(label=_("beigetreten bis"), required=False)
    sort = SortField(SORTS, default="name", label=_("Sortierung"))

    field_order = [
        "q",
        "standing",
        "association",
        "form",
        "region_kind",
        "joined_from",
        "joined_to",
    ]

    def clean(self):
        data = super().clean()
        joined_from, joined_to = data.get("joined_from"), data.get("joined_to")
        if joined_from and joined_to and joined_from > joined_to:
            self.add_error("joined_to", _("Das Ende darf nicht vor dem Anfang liegen."))
        return data

    def filter(self, jobcenters):
        """``jobcenters`` annotated ``with_accession``, narrowed and sorted as asked."""
        jobcenters = super().filter(jobcenters)
        if not self.is_valid():
            return jobcenters
        data = self.cleaned_data
        if data["standing"]:
            jobcenters = jobcenters.filter(accession_status=data["standing"])
        if data["joined_from"]:
            jobcenters = jobcenters.filter(accession_joined_on__gte=data["joined_from"])
        if data["joined_to"]:
            jobcenters = jobcenters.filter(accession_joined_on__lte=data["joined_to"])
        return jobcenters


class AccessionForm(CleanTextMixin, forms.ModelForm):
    """The accession form (Beitrittsformular) as filled in; drafts may be partial."""

    signed_form = PdfUploadField(
        label=_("Unterschriebenes Beitrittsformular (PDF)"),
        required=False,
        max_pages=ACCESSION_MAX_PAGES,
    )

    class Meta:
        model = Accession
        fields = FORM_FIELDS
        # The carriers agreed before the form is filled in: not in the future.
        field_classes = {"carriers_agreed_on": PastDateField}
        error_messages = {
            "contact_email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_listing"].label = _(
            "Wir sind einverstanden, öffentlich als Mitglied der Vereinbarung genannt zu werden."
        )
        self.fields["public_listing"].help_text = ""
        self.fields["signed_form"].help_text = _(
            "Laden Sie das Formular herunter, lassen Sie es unterschreiben und laden Sie den "
            "Scan hier hoch: ein PDF ohne Kennwortschutz, höchstens 10 MB und %(pages)d Seiten."
        ) % {"pages": ACCESSION_MAX_PAGES}

    def clean_postal_code(self):
        postal_code = self.cleaned_data["postal_code"].strip()
        if postal_code and not (
            len(postal_code) == 5 and postal_code.isascii() and postal_code.isdigit()
        ):
            raise forms.ValidationError(_("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return postal_code


class PlannedMeasureForm(CleanTextMixin, forms.Form):
    """One planned measure; a row left empty is no measure."""

    action_field = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=ActionField.objects.none(), required=False
    )
    title = forms.CharField(label=_("Titel der Maßnahme"), max_length=200, required=False)

    def __init__(self, *args, action_fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].queryset = action_fields
        self.fields["action_field"].empty_label = _("bitte wählen")
        number = (self.prefix or "").rsplit("-", 1)[-1]
        if number.isdigit():
            # Each row has labels of its own, so that a screen reader tells them apart.
            row = int(number) + 1
            self.fields["action_field"].label = _("Handlungsfeld der Maßnahme %(row)s") % {
                "row": row
            }
            self.fields["title"].label = _("Titel der Maßnahme %(row)s") % {"row": row}

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("action_field"):
            self.add_error("action_field", _("Bitte wählen Sie das Handlungsfeld der Maßnahme."))
        if data.get("action_field") and not data.get("title"):
            self.add_error("title", _("Bitte geben Sie der Maßnahme einen Titel."))
        return data


class BasePlannedMeasureFormSet(forms.BaseFormSet):
    def measures(self):
        """``(action_field, title)`` of the rows that were filled in."""
        return [
            (form.cleaned_data["action_field"], form.cleaned_data["title"].strip())
            for form in self.forms
            if form.cleaned_data.get("action_field") and form.cleaned_data.get("title")
        ]


PlannedMeasureFormSet = forms.formset_factory(
    PlannedMeasureForm, formset=BasePlannedMeasureFormSet, extra=2, max_num=30, absolute_max=30
)


class AccessionDecisionForm(CleanTextMixin, forms.Form):
    """A ministry's decision on one accession; its dates are checked against the accession."""

    def __init__(self, *args, accession, **kwargs):
        super().__init__(*args, **kwargs)
        self.accession = accession

    def _check(self, field, problems):
        """The field's value, unless ``problems`` (the service's rules) speak against it."""
        if problems:
            raise forms.ValidationError(problems)
        return self.cleaned_data[field]


class AccessionAcceptForm(AccessionDecisionForm):
    joined_on = PastDateField(
        label=_("Beigetreten am"),
        help_text=_("TT.MM.JJJJ; heute, wenn nichts anderes gilt."),
        error_messages={
            "required": _("Bitte geben Sie das Beitrittsdatum an."),
            "future": _("Das Beitrittsdatum darf nicht in der Zukunft liegen."),
        },
    )

    def clean_joined_on(self):
        joined_on = self.cleaned_data["joined_on"]
        return self._check("joined_on", joined_on_problems(self.accession, joined_on))


class AccessionJoinedOnForm(AccessionAcceptForm):
    """The ministry corrects the date a jobcenter joined on, and says why."""

    reason = forms.CharField(
        label=_("Grund der Korrektur"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Erscheint im Verlauf des Beitritts, z. B. „Datum laut Beitrittserklärung“."),
        error_messages={"required": _("Bitte nennen Sie den Grund der Korrektur.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].label = _("Richtiges Beitrittsdatum")
        self.fields["joined_on"].help_text = _("TT.MM.JJJJ")


class AccessionReturnForm(AccessionDecisionForm):
    reasons = forms.CharField(
        label=_("Gründe der Rückgabe"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Das Jobcenter liest diese Gründe und überarbeitet danach sein Formular."),
        error_messages={"required": _("Bitte nennen Sie die Gründe der Rückgabe.")},
    )


class AccessionWithdrawForm(AccessionDecisionForm):
    withdrawn_on = PastDateField(
        label=_("Ausgetreten am"),
        error_messages={
            "required": _("Bitte geben Sie das Austrittsdatum an."),
            "future": _("Das Austrittsdatum darf nicht in der Zukunft liegen."),
        },
    )
    reason = forms.CharField(
        label=_("Grund des Austritts"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte nennen Sie den Grund des Austritts.")},
    )

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        return self._check("withdrawn_on", withdrawn_on_problems(self.accession, withdrawn_on))
