import datetime

import pytest

from agreements.models import FrameworkAgreement
from agreements.terms import agreement_term, notice_deadline, period_end

D = datetime.date


def agreement(start, term=None, renewal=None, notice=None):
    return FrameworkAgreement(
        in_force_from=start,
        initial_term_months=term,
        renewal_months=renewal,
        notice_months=notice,
    )


def test_it_computes_the_jobcenterjugend_example_of_seed_003():
    term = agreement_term(agreement(D(2004, 4, 1), 12, 12, 3), on=D(2026, 11, 23))
    assert term.current_end == D(2027, 3, 31)
    assert term.notice_deadline == D(2026, 12, 31)
    assert term.notice_ends_on == D(2027, 3, 31)
    assert not term.expired


def test_an_agreement_without_term_has_neither_end_nor_deadline():
    term = agreement_term(agreement(D(2018, 1, 31)), on=D(2026, 11, 23))
    assert term.current_end is None
    assert term.notice_deadline is None


def test_on_the_deadline_itself_notice_is_still_possible():
    term = agreement_term(agreement(D(2004, 4, 1), 12, 12, 3), on=D(2026, 12, 31))
    assert term.notice_deadline == D(2026, 12, 31)


def test_after_the_deadline_the_next_one_ends_the_following_term():
    term = agreement_term(agreement(D(2004, 4, 1), 12, 12, 3), on=D(2027, 1, 1))
    assert term.current_end == D(2027, 3, 31)
    assert term.notice_deadline == D(2027, 12, 31)
    assert term.notice_ends_on == D(2028, 3, 31)


def test_on_the_last_day_of_a_term_that_term_is_current():
    term = agreement_term(agreement(D(2004, 4, 1), 12, 12, 3), on=D(2027, 3, 31))
    assert term.current_end == D(2027, 3, 31)


def test_the_day_after_a_term_ends_the_renewal_is_current():
    term = agreement_term(agreement(D(2004, 4, 1), 12, 12, 3), on=D(2027, 4, 1))
    assert term.current_end == D(2028, 3, 31)


def test_a_term_without_renewal_expires():
    term = agreement_term(agreement(D(2020, 1, 1), 24), on=D(2026, 11, 23))
    assert term.current_end == D(2021, 12, 31)
    assert term.expired
    assert term.notice_deadline is None


def test_a_term_without_renewal_whose_deadline_passed_has_no_deadline():
    term = agreement_term(agreement(D(2026, 1, 1), 12, None, 3), on=D(2026, 11, 23))
    assert term.current_end == D(2026, 12, 31)
    assert term.notice_deadline is None


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2004, 4, 1), 12, D(2005, 3, 31)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year: no 31.02., so the month's last day
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # from a leap day into a common year
        (D(2023, 2, 28), 12, D(2024, 2, 27)),
        (D(2024, 3, 1), 1, D(2024, 3, 31)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 14)),
    ],
)
def test_period_end_follows_the_civil_code(start, months, end):
    assert period_end(start, months) == end


def test_renewals_are_counted_from_the_start_so_month_ends_do_not_drift():
    # 31.01. + 1 month ends 28./29.02.; the third month still ends on 30.04., not the 28th.
    term = agreement_term(agreement(D(2023, 1, 31), 1, 1), on=D(2023, 4, 15))
    assert term.current_end == D(2023, 4, 30)


@pytest.mark.parametrize(
    ("end", "months", "deadline"),
    [
        (D(2027, 3, 31), 3, D(2026, 12, 31)),
        (D(2025, 2, 28), 3, D(2024, 11, 30)),
        (D(2024, 6, 30), 3, D(2024, 3, 31)),
        (D(2024, 5, 31), 3, D(2024, 2, 29)),
    ],
)
def test_notice_deadline_counts_back_from_the_end(end, months, deadline):
    assert notice_deadline(end, months) == deadline
