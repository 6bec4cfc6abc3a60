"""Long lists in pages of 50, the page number in ``?seite=``.

Every list orders by an indexed key with the primary key as its tie breaker (the
migrations name the index of each sort key): rows with equal titles keep their place, so
none shows on two pages or on none. A page in the back half is read from the end, in the
reversed order (the same index backwards): the last page costs what the first costs,
however long the list, instead of an ``OFFSET`` over every row before it.
"""

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.functional import cached_property

from core.memo import Memo

PAGE_SIZE = 50
# Page links around the current page and at either end; the rest elided ("…").
ON_EACH_SIDE = 2
ON_ENDS = 1

# How many rows a list has (its groups' for ``GroupedPaginator``), kept per data state: a
# count runs over every row the list may show, the one cost of a page that grows with the
# totals (7 of the administration's 40 ms for page 1 of the measures at 4x Germany). A key
# per list, scope, filter and search.
counts = Memo(4096)


class ListPaginator(Paginator):
    """A paginator over an ordered queryset that reads late pages from the end.

    ``counted``, when given, is what is counted instead: the same rows without the joins
    that only fetch a row's columns (``.values("jobcenter__name")``), which a count would
    otherwise run over every row (80,000 at 4× Germany: 240 ms instead of 30). In the
    list's order, its ids stand for the rows of a page far from both ends
    (``DEFERRED_FROM``).

    ``count_state``, when given, is ``reports.states.rows_state``: the count is kept in
    ``counts`` until the data it counts changes."""

    def __init__(self, object_list, per_page, *, counted=None, count_state=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted
        self.count_state = count_state

    @cached_property
    def count(self):
        counted = self.object_list if self.counted is None else self.counted
        if self.count_state is None or not hasattr(counted, "query"):
            return super().count if self.counted is None else counted.count()
        return counts(lambda: self.count_state(_rows_counted(counted), "count"), counted.count)

    anchor = None  # (direction, page number, row id) of a link from a nearby page

    def page(self, number):
        number = self.validate_number(number)
        rows = self._anchored(number)
        if rows is None:
            return self._numbered(number)
        return self._get_page(rows, number, self)

    def _numbered(self, number):
        """Page ``number`` by its place: from the end in the back half, the same index read
        backwards, so no page costs an ``OFFSET`` over more than half the rows; far from
        both ends, its ids first (``DEFERRED_FROM``)."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        from_end = self.count - top
        if from_end < bottom and getattr(self.object_list, "ordered", False):
            start, stop, backwards = from_end, self.count - bottom, True
        else:
            start, stop, backwards = bottom, top, False
        if start >= DEFERRED_FROM and self._ids_in_order():
            counted = self.counted.reverse() if backwards else self.counted
            ids = list(counted.values_list("pk", flat=True)[start:stop])
            # The same order as the list's: the rows come as the page shows them.
            rows = list(self.object_list.filter(pk__in=ids))
        elif backwards:
            rows = list(self.object_list.reverse()[start:stop])
            rows.reverse()
        else:
            rows = self.object_list[start:stop]
        return self._get_page(rows, number, self)

    def _ids_in_order(self):
        """``counted`` is in the list's order: its ids can stand for the list's rows."""
        counted, rows = self.counted, self.object_list
        return (
            hasattr(counted, "query")
            and getattr(rows, "ordered", False)
            and counted.query.order_by
            and counted.query.order_by == rows.query.order_by
            # ``reverse()`` flips this, not ``order_by``.
            and counted.query.standard_ordering == rows.query.standard_ordering
        )

    def _anchored(self, number):
        """The rows of page ``number`` read on from the anchor row of a nearby page (its
        sort key: the index seeks there), or ``None`` to read them by number: no anchor,
        a row that is gone, or one that cannot lead to this page."""
        if self.anchor is None or not getattr(self.object_list, "ordered", False):
            return None
        direction, start, pk = self.anchor
        skip = number - start - 1 if direction == "nach" else start - number - 1
        if not 0 <= skip < NEARBY:
            return None
        order = _order(self.object_list)
        if order is None:
            return None
        names = [name for name, _ascending in order]
        values = list(self.object_list.filter(pk=pk).order_by().values_list(*names)[:1])
        if not values:
            return None
        bottom = (number - 1) * self.per_page
        size = min(self.per_page, self.count - bottom)
        nulls_largest = connections[self.object_list.db].features.nulls_order_largest
        bounded = _never_empty(self.object_list.model, names[0])
        if direction == "nach":
            rows = self.object_list.filter(
                _beyond(order, values[0], later=True, nulls_largest=nulls_largest, bounded=bounded)
            )
            return list(rows[skip * self.per_page : skip * self.per_page + size])
        rows = self.object_list.reverse().filter(
            _beyond(order, values[0], later=False, nulls_largest=nulls_largest, bounded=bounded)
        )
        # Read backwards from the anchor: the page ends ``skip`` pages before it.
        end = list(rows[skip * self.per_page : (skip + 1) * self.per_page])
        end.reverse()
        return end[len(end) - size :] if size < len(end) else end


def _rows_counted(queryset):
    """What the key of ``queryset``'s count is written from: its rows without their order
    (every sort of a list has the same count) and, where its columns cannot change how
    many rows there are (no ``DISTINCT``, no grouping), without its columns: compiling the
    subqueries of the columns was most of the key's cost (0.5 ms of "Jobcenter mit Stand",
    0.1 without them). The filters and the joins they need stay in it.

    Not either where the rows are filtered on a window function: Django counts those in a
    subquery with every column, so a column that returns several rows a row (a set
    returning function) changes the count there."""
    query = queryset.query
    if (
        query.distinct
        or query.group_by is not None
        or query.combinator
        or query.where.split_having_qualify()[2] is not None
    ):
        return queryset.order_by()
    return queryset.order_by().values("pk")


# Pages either side of this one whose links read on from one of its rows (``page_links``).
NEARBY = ON_EACH_SIDE

# From this many rows before a page (from the nearer end), a page typed in by number reads
# the ids of its rows first, on ``counted`` (without the joins that only fetch a row's
# columns), then those rows (a "deferred join"): an ``OFFSET`` of 40,000 over the measures
# with their jobcenters' and action fields' names took 54-108 ms at 4x Germany, over
# their ids alone 5-17 ms. Nearby pages read on from an anchor row and never get here.
DEFERRED_FROM = 1000


def _order(queryset):
    """``[(name, ascending), …]`` of the queryset's order (field names, ``sorted_by``), the
    id last; ``None`` for an order of expressions."""
    order = []
    for key in queryset.query.order_by:
        if not isinstance(key, str):
            return None
        order.append((key.lstrip("-"), not key.startswith("-")))
    if not order or order[-1][0] not in ("pk", "id"):
        return None
    return order


def _never_empty(model, name):
    """The sort key ``name`` is a column of ``model``'s own that holds no NULL."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False  # an annotation or a related column: it may be empty
    return getattr(field, "concrete", False) and not field.null


def _beyond(order, values, *, later, nulls_largest=True, bounded=False):
    """The rows after (``later``) or before the row with sort ``values`` in ``order``: a
    comparison the index of the sort key serves. Empty values sort where the database puts
    them: PostgreSQL as if larger than any (last ascending), SQLite as if smaller.

    ``bounded``: the first key holds no empty value, so the rows beyond lie on one side of
    its value too; said besides (``title >= …``), it is where the index scan begins. Without
    it PostgreSQL read the index from its start and filtered the rows before: page 800 of
    the measures at 4× Germany skipped 39,950 of them."""
    nothing = Q(pk__in=[])
    condition, equal = nothing, Q()
    for (name, ascending), value in zip(order, values, strict=True):
        isnull = Q(**{f"{name}__isnull": True})
        if later == ascending:  # the rows with a greater key
            if value is None:
                beyond = nothing if nulls_largest else ~isnull
            else:
                beyond = Q(**{f"{name}__gt": value})
                beyond = beyond | isnull if nulls_largest else beyond
        else:  # the rows with a smaller key
            if value is None:
                beyond = ~isnull if nulls_largest else nothing
            else:
                beyond = Q(**{f"{name}__lt": value})
                beyond = beyond if nulls_largest else beyond | isnull
        condition |= equal & beyond
        equal &= isnull if value is None else Q(**{name: value})
    (name, ascending), value = order[0], values[0]
    if bounded and value is not None:
        side = "gte" if later == ascending else "lte"
        condition = Q(**{f"{name}__{side}": value}) & condition
    return condition


def _anchor(request):
    """``(direction, page number, row id)`` of ``?nach=`` or ``?vor=`` (``3.1234``), if any."""
    for direction in ("nach", "vor"):
        start, _dot, pk = request.GET.get(direction, "").partition(".")
        # ASCII digits only, and short: ``isdigit`` admits "²", which ``int`` refuses, and
        # ``int`` refuses more than 4,300 digits too (both were a 500).
        if _number(start, 9) and _number(pk, 18):
            return direction, int(start), int(pk)
    return None


def _number(text, most):
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def page_of(request, items, *, counted=None, count_state=None):
    """The page of ``items`` that ``?seite=`` asks for (the first for anything else), with
    ``page_links``: the page numbers to link, ``None`` for each elided gap (at most eleven
    entries however many pages: a link per page was 1,605 links at 4× Germany).
    ``counted``, ``count_state``: see ``ListPaginator``."""
    paginator = ListPaginator(items, PAGE_SIZE, counted=counted, count_state=count_state)
    paginator.anchor = _anchor(request)
    return with_page_links(paginator.get_page(request.GET.get("seite")))


class PageLink:
    """A page link: its ``number`` and, to a nearby page of a list in an index's order,
    the ``anchor`` it reads on from (``nach=3.1234``: after row 1234 of page 3)."""

    def __init__(self, number, anchor=""):
        self.number, self.anchor = number, anchor


def with_page_links(page):
    """``page`` with its ``page_links`` (what ``includes/pagination.html`` shows; ``None``
    for each elided gap) and ``previous_anchor``/``next_anchor``: a nearby page reads on
    from the first or last row of this one, so paging through a long list never costs an
    ``OFFSET`` over the rows before (a link to a far page reads by number, from the nearer
    end)."""
    elided = page.paginator.get_elided_page_range(
        page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    )
    before = after = ""
    object_list = page.paginator.object_list
    if isinstance(page.paginator, ListPaginator) and getattr(object_list, "ordered", False):
        rows = page.object_list = list(page.object_list)
        if rows and _order(object_list) is not None:
            before = f"vor={page.number}.{_pk(rows[0])}"
            after = f"nach={page.number}.{_pk(rows[-1])}"
    page.previous_anchor, page.next_anchor = before, after

    def link(number):
        if not isinstance(number, int):
            return None  # the ellipsis of a gap
        near = 0 < abs(number - page.number) <= NEARBY
        if not near:
            return PageLink(number)
        return PageLink(number, after if number > page.number else before)

    page.page_links = [link(number) for number in elided]
    return page


def _pk(row):
    return row["pk"] if isinstance(row, dict) else row.pk


def sorted_values(queryset, *fields):
    """``queryset.values(*fields)`` with the annotations it is sorted by as well: a link to
    a nearby page reads on from its anchor row's sort key (``_anchored``), which ``values``
    would otherwise hide (a sort by association or by standing was a 500 on "next")."""
    order = [key.lstrip("-") for key in queryset.query.order_by if isinstance(key, str)]
    keys = [key for key in order if key in queryset.query.annotations and key not in fields]
    return queryset.values(*fields, *keys)


def sorted_by(queryset, key):
    """``queryset`` ordered by ``key`` (a field name, ``-`` for descending, or an ordering
    expression) and then by the primary key in the same direction: a stable order that
    one index (``key``, id) serves forwards and backwards."""
    descending = key.startswith("-") if isinstance(key, str) else key.descending
    return queryset.order_by(key, "-pk" if descending else "pk")


def without_paging(query):
    """A copy of the query string without the page and its anchor (``?seite=``, ``?nach=``,
    ``?vor=``): what links to other pages and other sorts start from."""
    query = query.copy()
    for key in ("seite", "nach", "vor"):
        query.pop(key, None)
    return query


def query_without(query, key):
    """The query string without ``key``: links to other pages keep the filters."""
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()


class GroupedPaginator(Paginator):
    """A paginator over a list whose rows come in groups, each group's rows together (the
    catalogue: by action field), the groups in an order across joined tables that no one
    index serves.

    ``groups`` are the groups in the list's order, counted in one small query: dicts with
    the key under ``group`` (the rows' field that holds it), how many rows under ``"rows"``
    and whatever else the page shows of a group; their sum is the count. A page reads only
    the rows of the groups it shows, in the groups' order and then in the list's own (the
    database sorts those rows, by a place given for each group, not every row before them:
    the last page costs what the first costs, and the query joins no table for the order).
    ``page.groups`` are the groups it shows. ``count_state``: as ``ListPaginator``'s, for
    the groups."""

    def __init__(self, object_list, per_page, *, group, groups, count_state=None):
        super().__init__(object_list, per_page)
        self.group = group
        if count_state is None:
            self.groups = list(groups)
        else:
            self.groups = counts(lambda: count_state(groups, "groups"), lambda: list(groups))

    @cached_property
    def count(self):
        return sum(group["rows"] for group in self.groups)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        shown, first, start = [], None, 0
        for group in self.groups:
            if start < top and start + group["rows"] > bottom:
                first = start if first is None else first
                shown.append(group)
            start += group["rows"]
        rows = []
        if shown:
            keys = [group[self.group] for group in shown]
            place = Case(
                *(When(**{self.group: key}, then=Value(index)) for index, key in enumerate(keys))
            )
            rows = self.object_list.filter(**{f"{self.group}__in": keys}).order_by(
                place, *self.object_list.query.order_by
            )
            rows = list(rows[bottom - first : top - first])
        page = self._get_page(rows, number, self)
        page.groups = shown
        return page


def page_of_groups(request, items, *, group, groups, count_state=None):
    """As ``page_of``, for ``items`` in groups (``GroupedPaginator``)."""
    paginator = GroupedPaginator(
        items, PAGE_SIZE, group=group, groups=groups, count_state=count_state
    )
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


def row_urls(viewname, *args, then=()):
    """``url(pk)``: the address of ``viewname`` for a row's id (after ``args`` and before
    ``then``, the same for every row), from ONE ``reverse`` for the whole page (a
    ``reverse`` a row was a tenth of a list's work)."""
    address = reverse(viewname, args=[*args, _PLACEHOLDER, *then])
    before, after = address.split(str(_PLACEHOLDER))

    def url(pk):
        return f"{before}{pk}{after}"

    return url
