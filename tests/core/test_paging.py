"""The shared paging: elided page links, late pages read from the end, stable order."""

import datetime
import re

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core import paging
from core.paging import PAGE_SIZE, Row, page_of, row_urls, sorted_by
from jobcenters.models import Jobcenter
from measures.models import Measure
from reports.states import rows_state
from tests import factories


def _page(number, items):
    return page_of(RequestFactory().get("/", {"seite": number}), items)


def test_sixty_pages_show_a_handful_of_links_and_the_last_page():
    page = _page(30, range(60 * PAGE_SIZE))

    html = render_to_string("includes/pagination.html", {"page": page, "query": ""})
    numbers = re.findall(r'href="\?seite=(\d+)"', html)

    # previous, 1, 28, 29, 30, 31, 32, 60, next; the gaps elided
    assert numbers == ["29", "1", "28", "29", "30", "31", "32", "60", "31"]
    assert html.count("…") == 2
    assert 'aria-current="page"><span class="visually-hidden">Seite </span>30<' in html
    assert '<nav aria-label="Seiten">' in html


def test_the_first_page_links_the_next_and_the_last_page():
    page = _page(1, range(60 * PAGE_SIZE))

    html = render_to_string("includes/pagination.html", {"page": page, "query": ""})

    assert re.findall(r'href="\?seite=(\d+)"', html) == ["1", "2", "3", "60", "2"]
    assert "vorherige Seite" not in html


def test_one_page_shows_no_links():
    html = render_to_string("includes/pagination.html", {"page": _page(1, range(PAGE_SIZE))})

    assert "<nav" not in html


def test_a_page_past_the_end_is_the_last_page():
    page = _page(99, range(3 * PAGE_SIZE + 1))

    assert page.number == 4
    assert list(page) == [3 * PAGE_SIZE]


@pytest.mark.django_db
def test_measures_with_equal_titles_are_each_on_exactly_one_page():
    # 130 measures of one title: without the id as tie breaker the order of equal titles
    # is the database's whim, and the last page (read from the end) repeats or skips some.
    jobcenter = factories.JobcenterFactory()
    measures = factories.MeasureFactory.create_batch(
        130, jobcenter=jobcenter, title="Gleicher Titel"
    )
    ordered = sorted_by(Measure.objects.all(), "title")

    seen = [measure.pk for number in (1, 2, 3) for measure in _page(number, ordered)]

    assert seen == sorted(measure.pk for measure in measures)


@pytest.mark.django_db
def test_a_descending_sort_breaks_ties_by_the_id_descending():
    jobcenter = factories.JobcenterFactory()
    measures = factories.MeasureFactory.create_batch(
        60, jobcenter=jobcenter, title="Gleicher Titel"
    )
    ordered = sorted_by(Measure.objects.all(), "-title")

    seen = [measure.pk for number in (1, 2) for measure in _page(number, ordered)]

    assert seen == sorted((measure.pk for measure in measures), reverse=True)


@pytest.mark.django_db
def test_the_last_page_reads_the_list_from_its_end(django_assert_num_queries):
    jobcenter = factories.JobcenterFactory()
    for number in range(120):
        factories.MeasureFactory(jobcenter=jobcenter, title=f"Titel {number:03d}")
    ordered = sorted_by(Measure.objects.all(), "title")

    with django_assert_num_queries(2) as captured:  # the count, the page
        rows = list(_page(3, ordered))

    assert [measure.title for measure in rows] == [f"Titel {n:03d}" for n in range(100, 120)]
    assert "DESC" in captured.captured_queries[-1]["sql"]
    assert "OFFSET" not in captured.captured_queries[-1]["sql"]


def test_row_urls_are_the_addresses_reverse_gives():
    url = row_urls("measures:detail")

    assert [url(pk) for pk in (1, 42, 10**12)] == [
        reverse("measures:detail", args=[pk]) for pk in (1, 42, 10**12)
    ]


def test_a_row_reads_its_cells_as_keys_and_as_attributes():
    row = Row(title="Titel")

    assert row["title"] == row.title == "Titel"
    assert not hasattr(row, "missing")


def _request(query):
    return RequestFactory().get("/", query)


def _link_query(page, number):
    """The query of the page link to ``number`` as ``includes/pagination.html`` writes it."""
    link = next(link for link in page.page_links if link and link.number == number)
    query = {"seite": str(number)}
    if link.anchor:
        name, value = link.anchor.split("=")
        query[name] = value
    return query


def _many(count, *, title=lambda number: f"Titel {number:03d}", **kwargs):
    jobcenter = factories.JobcenterFactory()
    return [
        factories.MeasureFactory(jobcenter=jobcenter, title=title(number), **kwargs)
        for number in range(count)
    ]


@pytest.fixture(scope="class")
def ties(django_db_setup, django_db_blocker):
    """520 measures with equal titles (seven each) and no start date, once for the class.

    Made inside a transaction around the class (each of its factory measures brings its
    own agreement: seconds of inserts), rolled back after its last test; each test runs in
    a savepoint inside it. A class keeps its tests together in any order, so no other test
    of the module sees these rows.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        _many(520, title=lambda number: f"Titel {number // 7:03d}", starts_on=None)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestLinksAcrossTies:
    """Equal titles and empty dates on a page boundary: the id breaks the tie."""

    @pytest.mark.parametrize("key", ["title", "-title", "starts_on", "-starts_on"])
    def test_the_links_to_nearby_pages_read_on_from_a_row_of_this_page_not_by_offset(
        self, ties, key, django_assert_num_queries
    ):
        ordered = sorted_by(Measure.objects.all(), key)
        expected = [measure.pk for measure in ordered]
        assert len(expected) == 520
        middle = page_of(_request({"seite": "5"}), ordered.all())

        for number in (3, 4, 6, 7):
            query = _link_query(middle, number)
            assert set(query) == {"seite", "nach" if number > 5 else "vor"}
            with django_assert_num_queries(3) as captured:  # the count, the anchor row, the page
                page = page_of(_request(query), ordered.all())
                shown = [measure.pk for measure in page]
            assert shown == expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number
            assert "OFFSET" not in captured.captured_queries[-1]["sql"] or number in (3, 7)
            assert page.number == number

    @pytest.mark.parametrize(
        ("key", "after", "before"),
        [("title", '"title" >=', '"title" <='), ("-title", '"title" <=', '"title" >=')],
    )
    def test_a_nearby_page_by_a_key_that_is_never_empty_starts_the_index_at_its_anchor(
        self, ties, key, after, before, django_assert_num_queries
    ):
        ordered = sorted_by(Measure.objects.all(), key)
        middle = page_of(_request({"seite": "5"}), ordered.all())

        for number, bound in ((6, after), (4, before)):
            with django_assert_num_queries(3) as captured:  # the count, the anchor row, the page
                list(page_of(_request(_link_query(middle, number)), ordered.all()))
            # Besides the comparison row by row: where the index scan may begin.
            assert bound in captured.captured_queries[-1]["sql"], number

    @pytest.mark.parametrize("key", ["title", "-title", "starts_on", "-starts_on"])
    def test_a_page_far_from_both_ends_reads_its_ids_first_without_the_joins(
        self, ties, key, monkeypatch, django_assert_num_queries
    ):
        monkeypatch.setattr(paging, "DEFERRED_FROM", 100)
        ordered = sorted_by(Measure.objects.all(), key)
        expected = [measure.pk for measure in ordered]
        rows = ordered.values("pk", "title", "jobcenter__name")

        # Pages 3 to 8 of 11 lie at least 100 rows from the nearer end.
        for number in range(3, 9):
            with django_assert_num_queries(3) as captured:  # the count, the ids, the rows
                page = page_of(_request({"seite": str(number)}), rows.all(), counted=ordered.all())
                shown = [row["pk"] for row in page]
            assert shown == expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number
            ids = captured.captured_queries[1]["sql"]
            assert "JOIN" not in ids and "OFFSET" in ids
            assert "OFFSET" not in captured.captured_queries[2]["sql"]

    def test_a_reversed_list_is_not_read_through_ids_in_the_other_order(self, ties, monkeypatch):
        monkeypatch.setattr(paging, "DEFERRED_FROM", 100)
        ordered = sorted_by(Measure.objects.all(), "title")
        expected = [measure.pk for measure in ordered.reverse()]

        page = page_of(_request({"seite": "4"}), ordered.reverse(), counted=ordered.all())

        assert [measure.pk for measure in page] == expected[3 * PAGE_SIZE : 4 * PAGE_SIZE]

    def test_a_page_near_an_end_reads_its_rows_at_once(
        self, ties, monkeypatch, django_assert_num_queries
    ):
        monkeypatch.setattr(paging, "DEFERRED_FROM", 100)
        ordered = sorted_by(Measure.objects.all(), "title")
        rows = ordered.values("pk", "title", "jobcenter__name")

        for number in (2, 10):
            with django_assert_num_queries(2):  # the count, the page
                list(page_of(_request({"seite": str(number)}), rows.all(), counted=ordered.all()))


@pytest.mark.django_db
def test_the_previous_and_next_links_read_on_from_this_page():
    _many(260)
    ordered = sorted_by(Measure.objects.all(), "title")
    middle = page_of(_request({"seite": "3"}), ordered)

    rows = list(middle)
    assert middle.previous_anchor == f"vor=3.{rows[0].pk}"
    assert middle.next_anchor == f"nach=3.{rows[-1].pk}"
    html = render_to_string("includes/pagination.html", {"page": middle, "query": "q=x"})
    assert f'href="?q=x&amp;{middle.next_anchor}&amp;seite=4"' in html
    assert f'href="?q=x&amp;{middle.previous_anchor}&amp;seite=2"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"seite": "4"},  # as links were before: still the fourth page
        {"seite": "4", "nach": "3.999999999"},  # a row that is gone
        {"seite": "4", "nach": "kaputt"},
        {"seite": "4", "vor": "3.1"},  # an anchor that cannot lead there
        {"seite": "4", "nach": "1.1"},  # too far from its page
        {"seite": "4", "nach": "².1"},  # a digit int() cannot read
        {"seite": "4", "vor": "3.١²"},
        {"seite": "4", "nach": "9" * 5000 + ".1"},  # beyond int()'s 4,300 digits
    ],
)
def test_a_page_number_alone_or_with_an_anchor_that_does_not_fit_is_read_by_number(query):
    measures = _many(260)
    ordered = sorted_by(Measure.objects.all(), "title")

    page = page_of(_request(query), ordered)

    assert [measure.pk for measure in page] == [measure.pk for measure in measures[150:200]]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["starts_on", "-starts_on"])
def test_nearby_pages_read_on_across_empty_and_given_dates_as_the_database_sorts_them(key):
    # PostgreSQL sorts empty dates last ascending, SQLite (``make run``) first: a page read
    # on from its anchor must follow the database's own order, or page 2 repeated page 1.
    jobcenter = factories.JobcenterFactory()
    for number in range(130):
        starts_on = None if number % 2 else datetime.date(2019, 1, 1) + datetime.timedelta(number)
        factories.MeasureFactory(jobcenter=jobcenter, starts_on=starts_on)
    ordered = sorted_by(Measure.objects.all(), key)
    expected = [measure.pk for measure in ordered]

    for start in (1, 2):
        here = page_of(_request({"seite": str(start)}), ordered.all())
        for number in {start - 1, start + 1} - {0}:
            page = page_of(_request(_link_query(here, number)), ordered.all())
            shown = [measure.pk for measure in page]
            assert shown == expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number


def test_a_count_is_keyed_by_its_rows_not_by_the_columns_read(db):
    plain = paging._rows_counted(Jobcenter.objects.filter(state="NW"))
    with_columns = paging._rows_counted(
        Jobcenter.objects.filter(state="NW").with_association().order_by("-name")
    )
    elsewhere = paging._rows_counted(Jobcenter.objects.filter(state="HE").with_association())

    assert rows_state(plain, "count") == rows_state(with_columns, "count")
    assert rows_state(plain, "count") != rows_state(elsewhere, "count")


def test_a_distinct_count_keeps_the_columns_that_make_its_rows(db):
    jobcenter = factories.JobcenterFactory()
    factories.MeasureFactory.create_batch(2, jobcenter=jobcenter)
    per_jobcenter = Measure.objects.values("jobcenter").distinct()
    per_measure = Measure.objects.values("pk").distinct()

    assert (per_jobcenter.count(), per_measure.count()) == (1, 2)
    assert rows_state(paging._rows_counted(per_jobcenter), "count") != rows_state(
        paging._rows_counted(per_measure), "count"
    )
