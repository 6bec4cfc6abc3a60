"""Rules about agreements: their term and the deadline to give notice."""

import calendar
import datetime
import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """Where an agreement stands on a given day.

    ``current_end`` is the last day of the running term (or of the last term, when the
    agreement has run out: then ``expired`` is true). ``notice_deadline`` is the last
    day on which notice can still be given to end the agreement, and ``notice_ends_on``
    the day it would then end.
    """

    current_end: datetime.date | None = None
    notice_deadline: datetime.date | None = None
    notice_ends_on: datetime.date | None = None
    expired: bool = False


def add_months(day, months):
    """``day`` shifted by whole months, clamped to the target month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start, months):
    """The last day of a period of ``months`` that begins on ``start`` (§§ 187 II, 188 BGB).

    It ends the day before the day of the same number in the last month; when that
    month has no such day, on the month's last day (01.04.2004 + 12 → 31.03.2005,
    31.01. + 1 → 28./29.02.).
    """
    shifted = add_months(start, months)
    if shifted.day != start.day:
        return shifted
    return shifted - datetime.timedelta(days=1)


def notice_deadline(end, months):
    """The last day to give notice ``months`` before a term that ends on ``end``."""
    return add_months(end + datetime.timedelta(days=1), -months) - datetime.timedelta(days=1)


def agreement_term(agreement, *, on):
    """The term and notice deadline of ``agreement`` as they stand on the day ``on``."""
    if agreement.initial_term_months is None:
        return Term()
    ends = _term_ends(agreement)
    for end in ends:
        if end >= on:
            break
    else:
        return Term(current_end=end, expired=True)
    if not agreement.notice_months:
        return Term(current_end=end)
    # When notice for the running term is too late, the next deadline is the one
    # that ends the following term.
    for candidate in itertools.chain([end], ends):
        deadline = notice_deadline(candidate, agreement.notice_months)
        if deadline >= on:
            return Term(current_end=end, notice_deadline=deadline, notice_ends_on=candidate)
    return Term(current_end=end)


def _term_ends(agreement):
    # Each renewal is counted from the start, so that month ends do not drift.
    months = agreement.initial_term_months
    while True:
        yield period_end(agreement.in_force_from, months)
        if agreement.renewal_months is None:
            return
        months += agreement.renewal_months
