"""Dates as people type them: the German way (TT.MM.JJJJ), in either language of the site.

Every date a form takes goes through ``GermanDateField``. It says which of three things went
wrong: the text is no date at all, the date does not exist (31.02.2026), or it lies outside
what is plausible for the field (01.01.0001, a consent given tomorrow). The fixed bounds are
also database constraints on the models (``EARLIEST_DATE``, ``LATEST_DATE``).
"""

import calendar
import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# Nothing Rahmenwerk keeps happened before 1990 or is planned beyond 2100.
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]

# Text shaped like a date, so that a refusal can only mean the date does not exist.
_GERMAN = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2}|\d{4})$")
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def german(date):
    """A date as the forms show it: 12.03.2018."""
    return date_format(date, "d.m.Y")


def today():
    return timezone.localdate()


def german_date_widget():
    return forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric"})


class GermanDateField(forms.DateField):
    """A date typed as TT.MM.JJJJ (or JJJJ-MM-TT), between ``earliest`` and ``latest``.

    ``earliest`` and ``latest`` are dates or callables returning one (``today``); a field
    for something that has already happened sets ``latest=today``.
    """

    input_formats = INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Bitte geben Sie das Datum als TT.MM.JJJJ an, z. B. 12.03.2018."),
        "no_month": _("Den %(value)s gibt es nicht: ein Jahr hat zwölf Monate."),
        "no_day": _("Den %(value)s gibt es nicht: der %(month)s %(year)s hat %(days)s Tage."),
        "too_early": _("Bitte geben Sie ein Datum ab dem %(limit)s an."),
        "too_late": _("Bitte geben Sie ein Datum bis zum %(limit)s an."),
        "future": _("Das Datum darf nicht in der Zukunft liegen."),
    }

    def __init__(self, *, earliest=EARLIEST_DATE, latest=LATEST_DATE, **kwargs):
        kwargs.setdefault("widget", german_date_widget())
        kwargs.setdefault("help_text", _("TT.MM.JJJJ"))
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "invalid":
                self._explain(str(value).strip())
            raise

    def _explain(self, text):
        """Raise the precise reason when ``text`` is shaped like a date that does not exist."""
        match = _GERMAN.match(text) or _ISO.match(text)
        if match is None:
            return
        day, month, year = (int(match[part]) for part in ("day", "month", "year"))
        if len(match["year"]) == 2:
            year = datetime.datetime.strptime(match["year"], "%y").year
        if year < 1:
            self._refuse("too_early", limit=german(self._bound(self.earliest)))
        if not 1 <= month <= 12:
            self._refuse("no_month", value=text)
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            self._refuse("no_day", value=text, month=MONTHS[month], year=year, days=days)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        earliest, latest = self._bound(self.earliest), self._bound(self.latest)
        if value < earliest:
            self._refuse("too_early", limit=german(earliest))
        if value > latest:
            if self.latest is today:
                self._refuse("future")
            self._refuse("too_late", limit=german(latest))

    @staticmethod
    def _bound(bound):
        return bound() if callable(bound) else bound

    def _refuse(self, code, **params):
        raise forms.ValidationError(self.error_messages[code], code=code, params=params)


class PastDateField(GermanDateField):
    """A date of something that has happened: from 1990 up to today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("latest", today)
        super().__init__(**kwargs)
