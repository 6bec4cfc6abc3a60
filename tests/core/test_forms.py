"""The lists' filter forms render cheaply and say the same: widgets written in Python,
fields without crispy, choices read in one plain query, choice labels from a table."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Organisation
from core import forms as core_forms
from core.forms import FilterForm, ListedChoiceField, read_choices, remembered
from core.templatetags.controls import plain_field
from measures.models import MeasureStatus
from tests import factories


class Sample(FilterForm):
    q = forms.CharField(label="Suche", required=False, max_length=100)
    year = forms.IntegerField(label="Jahr", required=False, min_value=2000, help_text="leer: alle")
    day = forms.DateField(label="Tag", required=False, widget=forms.DateInput(format="%d.%m.%Y"))
    status = forms.ChoiceField(
        label="Stand", required=False, choices=[("", "alle"), *MeasureStatus.choices]
    )
    grouped = forms.ChoiceField(
        label="Gruppe",
        required=False,
        choices=[("", "alle"), ("A & B", [("a", "<a>"), ("b", "b")]), ("c", "c")],
    )
    flag = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autofocus": True, "hidden": False})
    )


class Stock(Sample):
    default_renderer = forms.renderers.DjangoTemplates


def _same_markup(html):
    """Whitespace between tags is all that may differ."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": 'a "quoted" <b>', "year": "1999", "day": "31.12.2020", "status": "running"},
        {"grouped": "a", "flag": "x"},
        {"grouped": "b", "year": "x"},
    ],
)
def test_widgets_written_in_python_match_djangos_templates(data):
    plain, stock = Sample(data), Stock(data)
    plain.is_valid(), stock.is_valid()

    for name in plain.fields:
        assert _same_markup(plain[name]) == _same_markup(stock[name]), name


def test_a_widget_of_its_own_still_renders_its_template():
    class Custom(forms.Textarea):
        pass

    class WithText(FilterForm):
        text = forms.CharField(widget=Custom)

    assert "<textarea" in str(WithText()["text"])


def test_a_filter_field_ties_its_error_and_help_to_the_control():
    form = Sample({"year": "1999"})
    form.is_valid()

    html = plain_field(form["year"])

    assert '<label for="id_year" class="form-label">Jahr</label>' in html
    assert 'class="numberinput form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_year_helptext id_year_error"' in html
    assert '<div id="id_year_error" class="invalid-feedback">' in html
    assert '<div id="id_year_helptext" class="form-text">leer: alle</div>' in html
    select = plain_field(form["status"])
    assert 'class="select form-select"' in select
    assert "is-invalid" not in select


@pytest.mark.django_db
def test_choices_are_read_in_one_plain_query(nrw):
    class Associations(FilterForm):
        association = ListedChoiceField(queryset=Organisation.objects.order_by("name"))

    with CaptureQueriesContext(connection) as queries:
        html = str(Associations()["association"])

    assert len(queries) == 1
    assert not queries[0]["sql"].startswith("DECLARE")
    assert "Städtetag NRW" in html


@pytest.mark.django_db
def test_several_fields_read_their_choices_together_in_one_query_in_their_order(nrw):
    class Two(FilterForm):
        first = ListedChoiceField(queryset=Organisation.objects.none(), empty_label="alle")
        second = ListedChoiceField(
            queryset=Organisation.objects.none(), required=False, empty_label=None
        )

    form = Two({"first": str(nrw.city_jobcenter.pk)})
    read_choices(
        form,
        first=(Organisation.objects.order_by("name"), "name"),
        second=(Organisation.objects.filter(state="NW").order_by("-name"), "short_name"),
    )
    with CaptureQueriesContext(connection) as queries:
        first, second = list(form["first"].field.choices), list(form["second"].field.choices)

    assert len(queries) == 1
    names = list(Organisation.objects.order_by("name").values_list("pk", "name"))
    assert first == [("", "alle"), *names]
    shorts = Organisation.objects.filter(state="NW").order_by("-name")
    assert second == list(shorts.values_list("pk", "short_name"))
    # A value sent is still checked against the field's queryset.
    assert form.is_valid()
    assert form.cleaned_data["first"] == nrw.city_jobcenter.organisation_ptr
    html = str(form["first"])
    assert f'<option value="{nrw.city_jobcenter.pk}" selected>Jobcenter Düsseldorf</option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, "first", "nothing"])
def test_listed_choices_are_written_straight_as_djangos_template_writes_them(nrw, chosen):
    organisations = Organisation.objects.order_by("name")
    first = organisations.first()
    value = {None: None, "first": str(first.pk), "nothing": "999999"}[chosen]
    first.name = 'Verband "A" & <B>'
    first.save()

    class Listed(FilterForm):
        association = ListedChoiceField(
            queryset=Organisation.objects.none(), required=False, empty_label="alle"
        )

    class Stock(forms.Form):
        association = forms.ModelChoiceField(
            queryset=organisations, required=False, empty_label="alle"
        )

    listed = Listed({"association": value} if value else None)
    read_choices(listed, association=(organisations, "name"))
    stock = Stock({"association": value} if value else None)
    listed.is_valid(), stock.is_valid()
    attrs = {"class": "select form-select"}

    with CaptureQueriesContext(connection) as queries:
        html = listed["association"].as_widget(attrs=attrs)

    assert _same_markup(html) == _same_markup(stock["association"].as_widget(attrs=attrs))
    assert "&quot;A&quot; &amp; &lt;B&gt;" in html
    # The choices only: a value sent was checked by is_valid already.
    assert len(queries) == 1


@pytest.mark.django_db
def test_choice_labels_follow_the_language():
    measure = factories.MeasureFactory(status=MeasureStatus.RUNNING)

    with override("de"):
        assert measure.get_status_display() == "laufend"
    with override("en"):
        assert measure.get_status_display() == str(MeasureStatus.RUNNING.label)
        assert measure.get_status_display() != "laufend"
    measure.status = "unknown"
    assert measure.get_status_display() == "unknown"


def _counting_read(reads):
    def read():
        reads.append(1)
        return {"association": []}

    return read


@pytest.mark.django_db
def test_inside_a_transaction_choices_are_read_each_time_and_no_key_is_asked_for():
    asked, reads = [], []
    for _ in range(2):
        remembered(lambda: asked.append(1) or "key", _counting_read(reads))

    assert (asked, len(reads)) == ([], 2)


@pytest.mark.django_db(transaction=True)
def test_the_oldest_key_is_forgotten_first(monkeypatch):
    monkeypatch.setattr(core_forms.remembered, "size", 2)
    reads = []
    for key in ("a", "b", "c", "a", "c"):
        remembered(lambda key=key: key, _counting_read(reads))

    # "a" went when "c" came, and came back in place of "b"; "c" stayed.
    assert len(reads) == 4


class Sorted(FilterForm):
    sort = core_forms.SortField(["name", "-name", "region"], default="name", label="Sortierung")


@given(st.text(max_size=40) | st.sampled_from(["name", "-name", "region", "-region", "NAME"]))
def test_a_sort_field_takes_its_keys_and_makes_every_other_value_its_default(value):
    form = Sorted({"sort": value})

    assert form.is_valid()
    assert form.cleaned_data["sort"] == (value if value in {"name", "-name", "region"} else "name")


def test_a_missing_sort_is_the_default():
    form = Sorted({})

    assert form.is_valid() and form.cleaned_data["sort"] == "name"
