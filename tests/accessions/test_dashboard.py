"""The counting and drawing behind the accession dashboard."""

import datetime

from accessions.dashboard import bar_chart, membership_course
from accessions.models import NOT_STARTED, Accession, AccessionStatus, with_accession
from jobcenters.models import Jobcenter
from tests import factories


def _joined(agreement, joined_on, withdrawn_on=None):
    factories.AccessionFactory(
        agreement=agreement,
        complete=True,
        status=AccessionStatus.WITHDRAWN if withdrawn_on else AccessionStatus.ACCEPTED,
        joined_on=joined_on,
        withdrawn_on=withdrawn_on,
    )


def test_course_is_none_before_anybody_joined(nrw):
    factories.AccessionFactory(agreement=nrw.agreement, submitted=True)

    assert membership_course(Accession.objects.all()) is None


def test_course_goes_by_year_past_ten_years(nrw):
    _joined(nrw.agreement, datetime.date(2010, 5, 1))
    _joined(nrw.agreement, datetime.date(2012, 1, 1), withdrawn_on=datetime.date(2021, 6, 30))

    course = membership_course(Accession.objects.all())

    assert course.by_year
    assert [(p.label, p.members) for p in course.periods][:3] == [
        ("2010", 1),
        ("2011", 1),
        ("2012", 2),
    ]
    assert (course.periods[-1].label, course.periods[-1].members) == ("2021", 1)


def test_course_counts_a_withdrawal_in_its_own_quarter(nrw):
    _joined(nrw.agreement, datetime.date(2018, 3, 31), withdrawn_on=datetime.date(2018, 4, 1))

    course = membership_course(Accession.objects.all())

    assert [(p.short_label, p.joined, p.withdrawn, p.members) for p in course.periods] == [
        ("Q1/18", 1, 0, 1),
        ("Q2/18", 0, 1, 0),
    ]


def _periods(*members):
    from accessions.dashboard import Period

    return [Period(f"P{index}", f"p{index}", 0, 0, value) for index, value in enumerate(members)]


def test_bars_are_drawn_to_the_scale_of_all_jobcenters():
    chart = bar_chart(_periods(10, 40), 40, plot_height=200)

    assert [bar.height for bar in chart.bars] == [50.0, 200.0]
    assert chart.bars[1].y == chart.axis_y - 200
    assert [line.value for line in chart.grid] == [0, 10, 20, 30, 40]


def test_many_bars_label_only_every_nth_and_the_last():
    chart = bar_chart(_periods(*range(40)), 53)

    shown = [index for index, bar in enumerate(chart.bars) if bar.show_label]
    assert shown == [*range(0, 40, 2), 39]
    assert not chart.values_shown


def test_with_accession_annotates_the_columns_asked_for_of_the_newest_accession(nrw):
    _joined(nrw.agreement, datetime.date(2024, 3, 1))
    joined = Accession.objects.get().jobcenter

    rows = with_accession(Jobcenter.objects.order_by("pk"), nrw.agreement, ("status", "joined_on"))
    values = {row.pk: (row.accession_status, row.accession_joined_on) for row in rows}

    assert values[joined.pk] == (AccessionStatus.ACCEPTED, datetime.date(2024, 3, 1))
    assert values[nrw.city_jobcenter.pk] == (NOT_STARTED, None)
    assert not hasattr(rows[0], "accession_submitted_at")
