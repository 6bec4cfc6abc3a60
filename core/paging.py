"""Long lists in pages of 50, the page number in ``?seite=``."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def page_of(request, items):
    """The page of ``items`` that ``?seite=`` asks for (the first for anything else)."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("seite"))


def query_without(query, key):
    """The query string without ``key``: links to other pages keep the filters."""
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()
