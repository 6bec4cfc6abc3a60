"""The registry's forms: the list's filters (also the base of other lists' filters) and a
jobcenter's contact data."""

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, RegionKind
from core.forms import FilterForm, ListedChoiceField, SortField, read_choices
from core.paging import sorted_by
from core.text import CleanTextMixin
from jobcenters.models import Jobcenter, JobcenterForm, association_place
from jobcenters.services import CONTACT_FIELDS
from reports.states import filter_choices_state


def associations_of(jobcenters, states=None):
    """The associations with members among ``jobcenters``: what an association filter offers.
    ``states``: those jobcenters' states if known (``visible_states``), saving a subquery."""
    return Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        state__in=jobcenters.values("state") if states is None else states,
        member_region_kind__in=jobcenters.values("region_kind"),
    ).order_by("state", "name")


class JobcenterNameInput(forms.TextInput):
    """A search field with its list of suggested names (empty until typed into) and the
    script that fills it (a static file: the CSP allows no inline script)."""

    input_type = "search"

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return html + format_html(
            '<datalist id="{}"></datalist><script src="{}" defer></script>',
            self.attrs["list"],
            static("js/jobcenter-names.js"),
        )


class JobcenterNameField(forms.CharField):
    """A jobcenter typed by its name (or its number, as older links have it), among
    ``queryset``: a text field that the browser completes from the names the user may see
    (``jobcenters:names``, ``static/js/jobcenter-names.js``), instead of a select with an
    option per jobcenter (405 in Germany). Cleans to the matching jobcenters' ids (a name
    two jobcenters share finds both), ``None`` when empty."""

    widget = JobcenterNameInput

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.queryset = Jobcenter.objects.none() if queryset is None else queryset

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "autocomplete": "off",
                "list": "jobcenter-namen",
                "data-names-url": reverse_lazy("jobcenters:names"),
            }
        )
        return attrs

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        # A number fits the id column only up to nine digits; longer is a name. ASCII
        # digits only: ``isdigit`` admits "²", which ``int`` refuses (a 500).
        number = value.isascii() and value.isdigit() and len(value) <= 9
        found = self.queryset.filter(Q(pk=int(value)) if number else Q(name__iexact=value))
        ids = list(found.values_list("pk", flat=True))
        if not ids and not number:
            ids = self._part_of_one_name(value)
        if not ids:
            raise forms.ValidationError(
                _("Kein Jobcenter heißt so. Bitte wählen Sie einen Namen aus den Vorschlägen."),
                code="invalid_choice",
            )
        return ids

    # A part typed that several names share is named back with this many of them.
    NAMED_BACK = 5

    def _part_of_one_name(self, value):
        """What "düsseldorf" means when one name holds it ("Jobcenter Düsseldorf"): that
        jobcenter; several such names are named at the field, to choose one."""
        matches = list(
            self.queryset.filter(name__icontains=value)
            .order_by("name", "pk")
            .values_list("pk", "name")[: self.NAMED_BACK + 1]
        )
        names = sorted({name for _pk, name in matches})
        if len(names) > 1:
            shown = ", ".join(names[: self.NAMED_BACK])
            raise forms.ValidationError(
                _(
                    "Mehrere Jobcenter passen zu „%(typed)s“: %(names)s. Bitte wählen Sie "
                    "einen aus den Vorschlägen."
                )
                % {"typed": value, "names": shown + (" …" if len(names) > self.NAMED_BACK else "")},
                code="ambiguous",
            )
        return [pk for pk, _name in matches]


class JobcenterFilterForm(FilterForm):
    """The filters and sorting of the jobcenter list (read from the query string)."""

    SORTS = {
        "name": "name",
        "-name": "-name",
        "region": "region",
        "-region": "-region",
        "form": "form",
        "-form": "-form",
        "region_kind": "region_kind",
        "-region_kind": "-region_kind",
        "association": "association_place",
        "-association": "-association_place",
    }
    # The annotations a sort key of ``SORTS`` names, by the function that makes each.
    SORT_EXPRESSIONS = {"association_place": association_place}

    q = forms.CharField(label=_("Name oder Region enthält"), required=False, max_length=100)
    association = ListedChoiceField(
        label=_("Kommunaler Spitzenverband"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=[("", _("alle")), *JobcenterForm.choices], required=False
    )
    region_kind = forms.ChoiceField(
        label=_("Gebietsart"), choices=[("", _("alle")), *RegionKind.choices], required=False
    )
    sort = SortField(SORTS, default="name", label=_("Sortierung"))

    def __init__(self, *args, jobcenters, **kwargs):
        """``jobcenters``: those the list shows, unfiltered, for the association choices."""
        super().__init__(*args, **kwargs)
        associations = associations_of(jobcenters)

        def state():
            # The query says whose jobcenters they are; the counters, what they hold.
            try:
                query = associations.query.sql_with_params()
            except EmptyResultSet:
                # No jobcenters to see (a user without an organisation): nothing to offer,
                # the same for all of them.
                query = None
            return (query, filter_choices_state(None))

        read_choices(self, state=state, association=(associations, "name"))

    def filter(self, jobcenters):
        if not self.is_valid():
            return jobcenters.none()
        data = self.cleaned_data
        if data["q"]:
            jobcenters = jobcenters.filter(
                Q(name__icontains=data["q"]) | Q(region__icontains=data["q"])
            )
        if data["association"]:
            jobcenters = jobcenters.of_association(data["association"])
        if data["form"]:
            jobcenters = jobcenters.filter(form=data["form"])
        if data["region_kind"]:
            jobcenters = jobcenters.filter(region_kind=data["region_kind"])
        key = self.SORTS[data["sort"]]
        name = key.lstrip("-") if isinstance(key, str) else None
        if name in self.SORT_EXPRESSIONS:
            # Made for the sort that needs it only: each is an expression to build, resolve
            # and compile on every query of the list (the count's key, the page).
            jobcenters = jobcenters.annotate(**{name: self.SORT_EXPRESSIONS[name]()})
        return sorted_by(jobcenters, key)


class JobcenterContactForm(CleanTextMixin, forms.ModelForm):
    reason = forms.CharField(
        label=_("Anlass der Änderung"),
        required=False,
        max_length=500,
        help_text=_("Erscheint im Verlauf, zum Beispiel „Umzug zum 01.04.“."),
    )

    class Meta:
        model = Jobcenter
        fields = CONTACT_FIELDS
        help_texts = {
            "email": _("Rundschreiben und Nachrichten an das Jobcenter gehen an diese Adresse."),
        }
        error_messages = {
            "postal_code": {"invalid": _("Bitte geben Sie eine fünfstellige Postleitzahl an.")},
        }

    def clean_postal_code(self):
        postal_code = self.cleaned_data["postal_code"].strip()
        if postal_code and not (len(postal_code) == 5 and _ascii_digits(postal_code)):
            raise forms.ValidationError(_("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return postal_code


def _ascii_digits(text):
    """Only 0 to 9 (``isdigit`` alone admits "²²²²²" as a postal code)."""
    return text.isascii() and text.isdigit()
