"""Long lists in pages of 50, the page number in ``?seite=``.

Every list orders by an indexed key with the primary key as its tie breaker (the
migrations name the index of each sort key): rows with equal titles keep their place, so
none shows on two pages or on none. A page in the back half is read from the end, in the
reversed order (the same index backwards): the last page costs what the first costs,
however long the list, instead of an ``OFFSET`` over every row before it.
"""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property

PAGE_SIZE = 50
# Page links around the current page and at either end; the rest elided ("…").
ON_EACH_SIDE = 2
ON_ENDS = 1


class ListPaginator(Paginator):
    """A paginator over an ordered queryset that reads late pages from the end.

    ``counted``, when given, is what is counted instead: the same rows without the joins
    that only fetch a row's columns (``.values("jobcenter__name")``), which a count would
    otherwise run over every row (80,000 at 4× Germany: 240 ms instead of 30)."""

    def __init__(self, object_list, per_page, *, counted=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted

    @cached_property
    def count(self):
        if self.counted is not None:
            return self.counted.count()
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        from_end = self.count - top
        if from_end < bottom and getattr(self.object_list, "ordered", False):
            rows = list(self.object_list.reverse()[from_end : self.count - bottom])
            rows.reverse()
        else:
            rows = self.object_list[bottom:top]
        return self._get_page(rows, number, self)


def page_of(request, items, *, counted=None):
    """The page of ``items`` that ``?seite=`` asks for (the first for anything else), with
    ``page_links``: the page numbers to link, ``None`` for each elided gap (at most eleven
    entries however many pages: a link per page was 1,605 links at 4× Germany).
    ``counted``: see ``ListPaginator``."""
    paginator = ListPaginator(items, PAGE_SIZE, counted=counted)
    return with_page_links(paginator.get_page(request.GET.get("seite")))


def with_page_links(page):
    """``page`` with its ``page_links`` (what ``includes/pagination.html`` shows)."""
    elided = page.paginator.get_elided_page_range(
        page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    )
    page.page_links = [number if isinstance(number, int) else None for number in elided]
    return page


def sorted_by(queryset, key):
    """``queryset`` ordered by ``key`` (a field name, ``-`` for descending, or an ordering
    expression) and then by the primary key in the same direction: a stable order that
    one index (``key``, id) serves forwards and backwards."""
    descending = key.startswith("-") if isinstance(key, str) else key.descending
    return queryset.order_by(key, "-pk" if descending else "pk")


def query_without(query, key):
    """The query string without ``key``: links to other pages keep the filters."""
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()


class GroupedPaginator(Paginator):
    """A paginator over a list whose rows come in groups, each group's rows together (the
    catalogue: by action field), ordered across joined tables that no one index serves.

    ``groups`` are ``(key, rows)`` in the list's order, counted in one small query; their
    sum is the count. A page reads only the rows of the groups it shows (``group`` is the
    field that holds the key), so the database sorts those, not every row before them:
    the last page costs what the first costs."""

    def __init__(self, object_list, per_page, *, group, groups):
        super().__init__(object_list, per_page)
        self.group = group
        self.groups = groups

    @cached_property
    def count(self):
        return sum(rows for _key, rows in self.groups)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys, first, start = [], None, 0
        for key, rows in self.groups:
            if start < top and start + rows > bottom:
                first = start if first is None else first
                keys.append(key)
            start += rows
        rows = []
        if keys:
            shown = self.object_list.filter(**{f"{self.group}__in": keys})
            rows = list(shown[bottom - first : top - first])
        return self._get_page(rows, number, self)


def page_of_groups(request, items, *, group, groups):
    """As ``page_of``, for ``items`` in groups (``GroupedPaginator``)."""
    paginator = GroupedPaginator(items, PAGE_SIZE, group=group, groups=groups)
    return with_page_links(paginator.get_page(request.GET.get("seite")))


class Row(dict):
    """A list's row of plain values (``.values()``, no model object): the template reads a
    cell as a key, its first and cheapest look-up; code reads it as an attribute."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# Stands in for a row's id in the one ``reverse`` of ``row_urls``: no real id is this long.
_PLACEHOLDER = 987654321987654321


def row_urls(viewname):
    """``url(pk)``: the address of ``viewname`` for a row's id, from ONE ``reverse`` for the
    whole page (a ``reverse`` a row was a tenth of a list's work)."""
    before, after = reverse(viewname, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))

    def url(pk):
        return f"{before}{pk}{after}"

    return url
