"""The shared paging: elided page links, late pages read from the end, stable order."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core.paging import PAGE_SIZE, Row, page_of, row_urls, sorted_by
from measures.models import Measure
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
