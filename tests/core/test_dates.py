"""The one date field of every form: what it accepts, and what it says when it refuses."""

import calendar
import datetime

import pytest
from django import forms
from hypothesis import assume, given
from hypothesis import strategies as st

from core.dates import EARLIEST_DATE, LATEST_DATE, GermanDateField, PastDateField, today

IN_BOUNDS = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)


def refusal(field, text):
    with pytest.raises(forms.ValidationError) as error:
        field.clean(text)
    return error.value.messages


@given(IN_BOUNDS)
def test_every_date_in_bounds_is_taken_as_typed(date):
    assert GermanDateField().clean(date.strftime("%d.%m.%Y")) == date
    assert GermanDateField().clean(date.isoformat()) == date


@given(
    st.integers(min_value=1990, max_value=2100),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=29, max_value=99),
)
def test_a_day_the_month_does_not_have_is_named_as_such(year, month, day):
    days = calendar.monthrange(year, month)[1]
    assume(day > days)
    text = f"{day:02d}.{month:02d}.{year}"

    [message] = refusal(GermanDateField(), text)

    assert message.startswith(f"Den {text} gibt es nicht:")
    assert f"{year} hat {days} Tage." in message


def test_the_31st_of_february_does_not_exist():
    assert refusal(GermanDateField(), "31.02.2026") == [
        "Den 31.02.2026 gibt es nicht: der Februar 2026 hat 28 Tage."
    ]


@given(st.integers(min_value=13, max_value=99))
def test_a_thirteenth_month_is_named_as_such(month):
    assert refusal(GermanDateField(), f"01.{month}.2020") == [
        f"Den 01.{month}.2020 gibt es nicht: ein Jahr hat zwölf Monate."
    ]


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(1989, 12, 31)))
def test_a_date_before_1990_is_refused_with_the_bound(date):
    text = f"{date.day:02d}.{date.month:02d}.{date.year:04d}"

    assert refusal(GermanDateField(), text) == ["Bitte geben Sie ein Datum ab dem 01.01.1990 an."]


def test_the_year_one_is_refused_with_the_bound():
    assert refusal(GermanDateField(), "01.01.0001") == [
        "Bitte geben Sie ein Datum ab dem 01.01.1990 an."
    ]
    assert refusal(GermanDateField(), "01.01.0000") == [
        "Bitte geben Sie ein Datum ab dem 01.01.1990 an."
    ]


def test_a_date_after_2100_is_refused_with_the_bound():
    assert refusal(GermanDateField(), "01.01.2101") == [
        "Bitte geben Sie ein Datum bis zum 31.12.2100 an."
    ]


@given(st.integers(min_value=1, max_value=3000))
def test_a_past_date_is_never_in_the_future(days):
    future = today() + datetime.timedelta(days=days)

    assert refusal(PastDateField(), future.strftime("%d.%m.%Y")) == [
        "Das Datum darf nicht in der Zukunft liegen."
    ]


def test_today_is_a_past_date():
    assert PastDateField().clean(today().strftime("%d.%m.%Y")) == today()


@given(st.text(max_size=20).filter(lambda text: text.strip()))
def test_text_that_is_no_date_gets_the_format_or_a_precise_reason(text):
    field = GermanDateField()
    try:
        value = field.clean(text)
    except forms.ValidationError as error:
        [message] = error.messages
        assert message == "Bitte geben Sie das Datum als TT.MM.JJJJ an, z. B. 12.03.2018." or (
            "gibt es nicht" in message or "Bitte geben Sie ein Datum" in message
        )
    else:
        assert EARLIEST_DATE <= value <= LATEST_DATE


def test_two_digit_years_are_this_century():
    assert GermanDateField().clean("1.3.18") == datetime.date(2018, 3, 1)
    assert refusal(GermanDateField(), "31.04.26") == [
        "Den 31.04.26 gibt es nicht: der April 2026 hat 30 Tage."
    ]
