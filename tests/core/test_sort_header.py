"""A sortable column's header (``{% sort_header %}``): where it leads and what it says."""

import pytest
from django.template import Context, Template
from django.utils import translation


def header(sort, query=""):
    template = Template('{% load controls %}{% sort_header "title" _("Titel") %}')
    return template.render(Context({"sort": sort, "query_without_sort": query}))


def test_an_unsorted_column_sorts_ascending():
    html = header("status")

    assert '<th scope="col">' in html
    assert 'href="?sort=title"' in html
    assert "aufsteigend sortieren" in html and "aria-hidden" not in html


@pytest.mark.parametrize(
    ("sort", "state", "target", "arrow"),
    [("title", "ascending", "-title", "▲"), ("-title", "descending", "title", "▼")],
)
def test_the_sorted_column_says_how_and_sorts_the_other_way(sort, state, target, arrow):
    html = header(sort)

    assert f'<th scope="col" aria-sort="{state}">' in html
    assert f'href="?sort={target}"' in html
    assert f'<span aria-hidden="true">{arrow}</span>' in html


def test_the_filters_stay_and_are_escaped():
    html = header("title", 'q=%22x%22&stand=laufend"><script>')

    assert 'href="?q=%22x%22&amp;stand=laufend&quot;&gt;&lt;script&gt;&amp;sort=-title"' in html


def test_it_speaks_english_on_english_pages():
    with translation.override("en"):
        html = header("title")

    assert "Title" in html and "sort descending" in html
