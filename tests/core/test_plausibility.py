"""Plausibility: every date and number a form accepts has a lower and an upper bound and
keeps to its relations with other fields, each said in German at its field.

``INVENTORY`` lists every date and number field of every form of the project (the site's
forms and the administration's), with the tests that check its bounds and relations;
``test_every_date_and_number_field_of_every_form_is_in_the_inventory`` fails when a field
is added without them. The tests below fill the gaps the inventory showed.
"""

import datetime
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accessions.forms import AccessionFilterForm, PlannedMeasureFormSet
from accounts.models import SignLanguageVideo
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import CircularCounter
from jobcenters.models import Jobcenter
from measures.forms import KeyFiguresFilterForm, KeyFiguresForm, MeasureFilterForm, MeasureForm

A = "tests/accessions/test_accession_dates.py"
C = "tests/core/test_dates.py"
M = "tests/measures/test_views.py"
MS = "tests/measures/test_services.py"
R = "tests/circulars/test_views.py"
OV = "tests/accessions/test_dashboard_views.py"
P = "tests/core/test_plausibility.py"

# (form, field): the tests of its lower bound, upper bound and relations ("file::test").
INVENTORY = {
    ("accessions.forms.AccessionForm", "carriers_agreed_on"): [
        f"{A}::test_a_consent_lies_between_1990_and_today",
        f"{A}::test_a_consent_on_a_day_that_does_not_exist_is_named_as_such",
    ],
    ("accessions.forms.AccessionAcceptForm", "joined_on"): [
        f"{A}::test_joining_before_the_agreement_was_signed_is_refused_at_the_field",
        f"{A}::test_joining_on_the_first_of_the_first_of_the_year_one_is_refused",
        f"{A}::test_joining_before_the_submission_is_refused_at_the_field",
        f"{A}::test_joining_on_the_day_of_submission_is_accepted_and_shown",
        "tests/accessions/test_accession_views.py::"
        "test_accepting_on_a_future_date_is_refused_at_the_field",
    ],
    ("accessions.forms.AccessionJoinedOnForm", "joined_on"): [
        f"{A}::test_a_correction_keeps_to_the_rules_of_joining_and_needs_a_reason",
        f"{A}::test_a_corrected_joining_stays_before_the_withdrawal",
    ],
    ("accessions.forms.AccessionWithdrawForm", "withdrawn_on"): [
        f"{A}::test_a_withdrawal_in_the_future_is_refused_at_the_field",
        f"{P}::test_a_withdrawal_lies_between_joining_and_today",
    ],
    ("accessions.forms.AccessionFilterForm", "joined_from"): [
        f"{OV}::test_list_names_a_date_before_1990_at_its_field",
        f"{P}::test_a_joining_period_is_searched_between_1990_and_2100",
        f"{OV}::test_list_refuses_an_end_before_the_start",
    ],
    ("accessions.forms.AccessionFilterForm", "joined_to"): [
        f"{P}::test_a_joining_period_is_searched_between_1990_and_2100",
        f"{OV}::test_list_refuses_an_end_before_the_start",
    ],
    ("measures.forms.MeasureForm", "starts_on"): [
        f"{M}::test_measure_dates_lie_between_1990_and_2100",
        f"{M}::test_a_running_measure_does_not_start_in_the_future",
        f"{MS}::test_a_measure_in_progress_or_done_has_started",
    ],
    ("measures.forms.MeasureForm", "ends_on"): [
        f"{M}::test_measure_dates_lie_between_1990_and_2100",
        f"{M}::test_a_completed_measure_does_not_end_in_the_future",
        f"{P}::test_a_measure_ends_on_or_after_its_start",
    ],
    ("measures.forms.ProgressNoteForm", "written_on"): [
        f"{M}::test_a_note_before_1990_is_refused_at_the_field",
        f"{MS}::test_a_note_from_the_future_is_refused",
    ],
    ("measures.forms.MeasureFilterForm", "year"): [f"{P}::test_a_year_filter_lies_in_2000_to_2100"],
    ("measures.forms.KeyFiguresFilterForm", "year"): [
        f"{P}::test_a_year_filter_lies_in_2000_to_2100"
    ],
    ("measures.forms.KeyFiguresForm", "year"): [
        f"{P}::test_key_figures_are_for_a_year_from_2000_to_this_one",
        f"{M}::test_bad_key_figures_are_named_at_their_fields",
    ],
    **{
        ("measures.forms.KeyFiguresForm", name): [
            f"{MS}::test_negative_key_figures_are_refused",
            f"{MS}::test_a_figure_beyond_the_bound_is_refused",
            f"{M}::test_a_key_figure_beyond_any_jobcenter_is_refused",
        ]
        for name in ("severely_disabled", "equal_status", "rehabilitants")
    },
    **{
        ("measures.forms.KeyFiguresForm", name): [
            f"{MS}::test_negative_key_figures_are_refused",
            f"{MS}::test_integrations_are_accepted_exactly_up_to_the_customers",
            f"{M}::test_more_integrations_than_customers_of_the_group_are_refused",
        ]
        for name in (
            "integrations_severely_disabled",
            "integrations_equal_status",
            "integrations_rehabilitants",
        )
    },
    ("circulars.forms.CircularForm", "date"): [
        f"{R}::test_a_year_outside_the_numbering_is_named_at_the_date",
        f"{R}::test_a_circular_is_dated_at_most_a_year_ahead",
    ],
    # The administration's forms.
    ("admin:agreements.FrameworkAgreement", "signed_on"): [
        f"{P}::test_an_agreement_is_signed_between_1990_and_today_before_it_is_in_force",
    ],
    ("admin:agreements.FrameworkAgreement", "in_force_from"): [
        f"{P}::test_an_agreement_is_signed_between_1990_and_today_before_it_is_in_force",
        f"{P}::test_an_agreement_enters_into_force_between_1990_and_2100",
    ],
    **{
        ("admin:agreements.FrameworkAgreement", name): [
            f"{P}::test_an_agreement_s_terms_are_plausible",
        ]
        for name in ("initial_term_months", "renewal_months", "notice_months")
    },
    ("admin:agreements.FrameworkAgreement:agreements.ActionField", "number"): [
        f"{P}::test_an_action_field_is_numbered_from_1",
    ],
    ("admin:circulars.CircularCounter", "year"): [f"{P}::test_a_counter_s_year_and_number"],
    ("admin:circulars.CircularCounter", "last_number"): [
        f"{P}::test_a_counter_s_year_and_number",
        f"{R}::test_the_admin_cannot_set_a_counter_below_a_number_already_given",
    ],
    ("admin:accounts.SignLanguageVideo", "duration_seconds"): [
        f"{P}::test_a_video_lasts_from_a_second_to_three_hours",
    ],
}

# Fields the administration shows but nobody can save (those admins allow no add or change).
NOT_ENTERED = {
    ("admin:circulars.Circular", "date"),
    ("admin:circulars.Circular", "number"),
    ("admin:circulars.Circular", "year"),
    ("admin:outbox.OutgoingEmail", "attempts"),
}

DATE_AND_NUMBER = (forms.DateField, forms.DateTimeField, forms.IntegerField, forms.DecimalField)
APPS = [
    "accounts",
    "agreements",
    "jobcenters",
    "accessions",
    "measures",
    "circulars",
    "reports",
    "outbox",
]


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _form_fields(user):
    """(form, field) of every date and number field a form of the project offers."""
    found = set()
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                found |= {
                    (f"{module.__name__}.{name}", field)
                    for field, form_field in cls.base_fields.items()
                    if isinstance(form_field, DATE_AND_NUMBER)
                }
    request = _admin_request(user)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request) and not model_admin.has_change_permission(
            request
        ):
            continue
        name = f"admin:{model._meta.label}"
        form = model_admin.get_form(request)
        found |= {
            (name, field)
            for field, form_field in form.base_fields.items()
            if isinstance(form_field, DATE_AND_NUMBER)
        }
        for inline in model_admin.get_inline_instances(request):
            inline_form = inline.get_formset(request).form
            found |= {
                (f"{name}:{inline.model._meta.label}", field)
                for field, form_field in inline_form.base_fields.items()
                if isinstance(form_field, DATE_AND_NUMBER)
            }
    return found


def test_every_date_and_number_field_of_every_form_is_in_the_inventory(users):
    found = _form_fields(users.admin)

    assert found - set(INVENTORY) - NOT_ENTERED == set(), "fields without plausibility tests"
    assert set(INVENTORY) - found == set(), "the inventory names fields that are gone"


def test_every_test_the_inventory_names_exists():
    missing = []
    for tests in INVENTORY.values():
        for test in tests:
            path, name = test.split("::")
            if f"def {name}(" not in (Path(settings.BASE_DIR) / path).read_text():
                missing.append(test)
    assert missing == []


# The accessions' period filter


def _period(**data):
    form = AccessionFilterForm(data, jobcenters=Jobcenter.objects.none())
    form.is_valid()
    return form.errors


@pytest.mark.django_db
def test_a_joining_period_is_searched_between_1990_and_2100():
    assert _period(joined_from="01.01.1990", joined_to="31.12.2100") == {}
    assert _period(joined_from="31.12.1989") == {
        "joined_from": ["Bitte geben Sie ein Datum ab dem 01.01.1990 an."]
    }
    assert _period(joined_to="01.01.2101") == {
        "joined_to": ["Bitte geben Sie ein Datum bis zum 31.12.2100 an."]
    }


# Withdrawals


def test_a_withdrawal_lies_between_joining_and_today(client, users, accession_world):
    joined = accession_world.joined
    joined_on = joined.joined_on
    url = f"/beitritte/{joined.pk}/austritt/"
    client.force_login(users.ministry)

    before = client.post(
        url,
        {
            "withdrawn_on": (joined_on - datetime.timedelta(days=1)).strftime("%d.%m.%Y"),
            "reason": "x",
        },
    )
    same_day = client.post(url, {"withdrawn_on": joined_on.strftime("%d.%m.%Y"), "reason": "x"})

    assert before.context["form"].errors["withdrawn_on"] == [
        f"Das Austrittsdatum liegt vor dem Beitritt am {joined_on:%d.%m.%Y}."
    ]
    assert same_day.status_code == 302


# Measures


IN_BOUNDS = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31))


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(starts_on=IN_BOUNDS, ends_on=IN_BOUNDS)
def test_a_measure_ends_on_or_after_its_start(accession_world, starts_on, ends_on):
    form = MeasureForm(
        {
            "title": "Inklusive Ausbildung",
            "action_field": accession_world.action_field.pk,
            "status": "planned",
            "starts_on": starts_on.strftime("%d.%m.%Y"),
            "ends_on": ends_on.strftime("%d.%m.%Y"),
        },
        agreement=accession_world.action_field.agreement,
    )

    if ends_on < starts_on:
        assert form.errors == {"ends_on": ["Das Ende darf nicht vor dem Beginn liegen."]}
    else:
        assert form.errors == {}


# Years


@pytest.mark.django_db
@hypothesis_settings(max_examples=60)
@given(year=st.integers(min_value=-10, max_value=10_000))
def test_a_year_filter_lies_in_2000_to_2100(year):
    for form in (
        MeasureFilterForm(
            {"year": str(year)},
            user=None,
            jobcenters=Jobcenter.objects.none(),
            agreements=FrameworkAgreement.objects.none(),
        ),
        KeyFiguresFilterForm({"year": str(year)}, jobcenters=Jobcenter.objects.none()),
    ):
        form.is_valid()
        if year < 2000:
            assert form.errors == {"year": ["Bitte geben Sie eine Jahreszahl ab 2000 an."]}
        elif year > 2100:
            assert form.errors == {"year": ["Bitte geben Sie eine Jahreszahl bis 2100 an."]}
        else:
            assert form.errors == {}


FIGURES = {
    "severely_disabled": "800",
    "equal_status": "300",
    "rehabilitants": "300",
    "integrations_severely_disabled": "60",
    "integrations_equal_status": "20",
    "integrations_rehabilitants": "30",
}


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.integers(min_value=1900, max_value=2200))
def test_key_figures_are_for_a_year_from_2000_to_this_one(nrw, year):
    form = KeyFiguresForm({**FIGURES, "year": str(year)}, jobcenter=nrw.city_jobcenter)

    form.is_valid()

    if year < 2000:
        assert form.errors == {"year": ["Bitte geben Sie eine Jahreszahl ab 2000 an."]}
    elif year > timezone.localdate().year:
        assert form.errors == {"year": ["Kennzahlen gibt es erst, wenn das Jahr begonnen hat."]}
    else:
        assert form.errors == {}


# Planned measures of an accession: at most 30 rows


@pytest.mark.django_db
def test_an_accession_plans_at_most_30_measures(accession_world):
    action_field = accession_world.action_field

    def rows(count):
        data = {"massnahmen-TOTAL_FORMS": str(count), "massnahmen-INITIAL_FORMS": "0"}
        for row in range(count):
            data[f"massnahmen-{row}-action_field"] = str(action_field.pk)
            data[f"massnahmen-{row}-title"] = f"Maßnahme {row + 1}"
        return PlannedMeasureFormSet(
            data,
            form_kwargs={"action_fields": ActionField.objects.all()},
            prefix="massnahmen",
        )

    assert rows(30).is_valid()
    too_many = rows(31)
    assert not too_many.is_valid()
    assert too_many.non_form_errors() == ["Bitte höchstens 30 Formulare abschicken."]


# The administration


def _admin_form(model, user, data, instance=None):
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(_admin_request(user), obj=instance)
    form = form_class(data, instance=instance)
    form.is_valid()
    return form.errors


@pytest.fixture
def party(nrw):
    return nrw.ministry.pk


def _agreement_data(party, **changes):
    return {
        "parties": [party],
        "title": "Rahmenvereinbarung zur Erprobung",
        "short_title": "Erprobung",
        "state": "NW",
        "accession_scope": "state",
        "signed_on": "31.01.2018",
        "in_force_from": "01.02.2018",
        **changes,
    }


def test_an_agreement_is_signed_between_1990_and_today_before_it_is_in_force(users, party):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert (
        _admin_form(
            FrameworkAgreement,
            users.admin,
            _agreement_data(
                party,
            ),
        )
        == {}
    )
    assert _admin_form(
        FrameworkAgreement, users.admin, _agreement_data(party, signed_on="01.03.2018")
    ) == {
        "signed_on": [
            "Eine Vereinbarung tritt nicht vor ihrer Unterzeichnung in Kraft: bitte geben Sie "
            "ein Datum bis zum 01.02.2018 an."
        ]
    }
    assert _admin_form(
        FrameworkAgreement, users.admin, _agreement_data(party, signed_on="31.12.1989")
    ) == {"signed_on": ["Bitte geben Sie ein Datum ab dem 01.01.1990 an."]}
    future = _admin_form(
        FrameworkAgreement,
        users.admin,
        _agreement_data(party, signed_on=f"{tomorrow:%d.%m.%Y}", in_force_from="01.01.2100"),
    )
    assert future == {
        "signed_on": ["Das Datum der Unterzeichnung darf nicht in der Zukunft liegen."]
    }


def test_an_agreement_enters_into_force_between_1990_and_2100(users, party):
    assert _admin_form(
        FrameworkAgreement,
        users.admin,
        _agreement_data(party, signed_on="", in_force_from="31.12.1989"),
    ) == {"in_force_from": ["Bitte geben Sie ein Datum ab dem 01.01.1990 an."]}
    assert _admin_form(
        FrameworkAgreement, users.admin, _agreement_data(party, in_force_from="01.01.2101")
    ) == {"in_force_from": ["Bitte geben Sie ein Datum bis zum 31.12.2100 an."]}


@pytest.mark.parametrize(
    ("terms", "errors"),
    [
        ({"initial_term_months": "12", "renewal_months": "12", "notice_months": "3"}, {}),
        ({"initial_term_months": "600", "renewal_months": "600", "notice_months": "599"}, {}),
        (
            {"initial_term_months": "0"},
            {"initial_term_months": ["Bitte geben Sie eine Laufzeit von 1 bis 600 Monaten an."]},
        ),
        (
            {"initial_term_months": "601"},
            {"initial_term_months": ["Bitte geben Sie eine Laufzeit von 1 bis 600 Monaten an."]},
        ),
        (
            {"initial_term_months": "12", "renewal_months": "601"},
            {"renewal_months": ["Bitte geben Sie eine Verlängerung von 1 bis 600 Monaten an."]},
        ),
        (
            {"renewal_months": "12"},
            {"renewal_months": ["Eine Verlängerung setzt eine erste Laufzeit voraus."]},
        ),
        (
            {"notice_months": "3"},
            {"notice_months": ["Eine Kündigungsfrist setzt eine erste Laufzeit voraus."]},
        ),
        (
            {"initial_term_months": "12", "notice_months": "12"},
            {
                "notice_months": [
                    "Die Kündigungsfrist ist kürzer als die erste Laufzeit: höchstens 11 Monate."
                ]
            },
        ),
        (
            {"initial_term_months": "12", "notice_months": "0"},
            {"notice_months": ["Bitte geben Sie eine Kündigungsfrist ab 1 Monat an."]},
        ),
    ],
)
def test_an_agreement_s_terms_are_plausible(users, party, terms, errors):
    assert _admin_form(FrameworkAgreement, users.admin, _agreement_data(party, **terms)) == errors


def test_an_action_field_is_numbered_from_1(client, users, nrw):
    client.force_login(users.admin)
    agreement = nrw.agreement
    url = f"/admin/agreements/frameworkagreement/{agreement.pk}/change/"
    data = {
        "title": agreement.title,
        "short_title": agreement.short_title,
        "state": agreement.state,
        "accession_scope": agreement.accession_scope,
        "in_force_from": agreement.in_force_from.strftime("%d.%m.%Y"),
        "parties": [nrw.ministry.pk],
        "action_fields-TOTAL_FORMS": "1",
        "action_fields-INITIAL_FORMS": "0",
        "action_fields-0-number": "0",
        "action_fields-0-title": "Gewinnung der Arbeitgeber",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.forms[0].errors == {
        "number": ["Die Handlungsfelder werden ab 1 gezählt."]
    }
    assert not ActionField.objects.filter(agreement=agreement).exists()


def test_a_counter_s_year_and_number(users, nrw):
    def errors(**data):
        return _admin_form(
            CircularCounter,
            users.admin,
            {"association": nrw.landkreistag.pk, "year": "2018", "last_number": "150", **data},
        )

    assert errors() == {}
    assert errors(year="1990", last_number="0") == {}
    assert errors(year="2100", last_number="9999") == {}
    assert errors(year="1989") == {"year": ["Bitte geben Sie ein Jahr von 1990 bis 2100 an."]}
    assert errors(year="2101") == {"year": ["Bitte geben Sie ein Jahr von 1990 bis 2100 an."]}
    # Beyond it, finalising the next circular would take a number the database cannot hold.
    assert errors(last_number="2147483647") == {
        "last_number": ["So viele Rundschreiben schreibt kein Verband im Jahr: höchstens 9.999."]
    }


def test_a_video_lasts_from_a_second_to_three_hours(users):
    def errors(seconds):
        return _admin_form(SignLanguageVideo, users.admin, {"duration_seconds": seconds}).get(
            "duration_seconds"
        )

    assert errors("1") is None
    assert errors("10800") is None
    message = ["Bitte geben Sie die Dauer in Sekunden an: von 1 bis 10.800 (drei Stunden)."]
    assert errors("0") == message
    assert errors("10801") == message


def test_a_wrong_year_filter_stays_in_its_field_beside_its_error(ministry_client):
    # A number input shows a value that is no number as empty: the typed text would be lost.
    response = ministry_client.get(reverse("measures:list"), {"year": "31.02.2026"})

    field = re.search(r'<input[^>]*name="year"[^>]*>', response.content.decode()).group()
    assert 'value="31.02.2026"' in field and 'type="text"' in field
    assert "Bitte geben Sie eine Jahreszahl an" in response.content.decode()
