"""Reads across jobcenters: the coverage matrix and key figure sums. Querysets come narrowed."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from core.memo import Memo
from measures.models import ACTIVE_STATUSES, KEY_FIGURE_FIELDS, Measure, MeasureStatus
from reports.states import rows_state


@dataclass
class Cell:
    """The measures of one jobcenter in one action field, counted by status."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def covered(self):
        return any(self.counts[status] for status in ACTIVE_STATUSES)

    def parts(self):
        """(status label, count) for the statuses present, in the order of the statuses."""
        return [
            (label, self.counts[status])
            for status, label in MeasureStatus.choices
            if self.counts[status]
        ]


@dataclass
class Matrix:
    action_fields: list
    rows: list  # (jobcenter, [Cell per action field])
    covered: list  # per action field: how many jobcenters have a running or completed measure


def coverage_matrix(jobcenters, agreement, action_fields):
    """Jobcenters × action fields: measures by status, main and further action fields alike.

    Three queries whatever the size: the jobcenters, the measures by main action field, and
    by further action field; the two counts only once per data state (``kept_cells``).
    """
    # The jobcenters as a subquery, not a list of their ids: at 1,616 jobcenters, psycopg
    # spent 0.15 s splitting the two queries with 1,616 parameters each, and PostgreSQL
    # hashed the list. No ordering: Meta.ordering (the jobcenter's name) joined two
    # tables into every count for nothing.
    scope = jobcenters.values("pk")
    jobcenters = list(jobcenters.only("pk", "name", "form", "region_kind").order_by("name"))
    # One row per cell with a count per status (conditional aggregates), not one per cell
    # and status: at 1,616 jobcenters 10,000 and 7,000 rows instead of 31,000 and 22,000.
    statuses = MeasureStatus.values
    main = (
        Measure.objects.filter(agreement=agreement, jobcenter__in=scope)
        .order_by()
        .values_list("jobcenter", "action_field")
        .annotate(**{status: Count("pk", filter=Q(status=status)) for status in statuses})
    )
    further = (
        Measure.further_action_fields.through.objects.filter(
            measure__agreement=agreement, measure__jobcenter__in=scope
        )
        .order_by()
        .values_list("measure__jobcenter", "actionfield")
        .annotate(**{status: Count("pk", filter=Q(measure__status=status)) for status in statuses})
    )
    # Both counts follow the agreement's entries and the state's jobcenters: one key.
    cells = kept_cells(lambda: rows_state(main, "coverage"), lambda: _cells(main, further))
    empty = Cell()  # one for every cell without measures (read only, like every cell here)
    field_ids = [action_field.pk for action_field in action_fields]
    rows = [
        (jobcenter, [cells.get((jobcenter.pk, field_id), empty) for field_id in field_ids])
        for jobcenter in jobcenters
    ]
    # Only cells with measures can be covered: count those, not every jobcenter × field.
    position = {field_id: index for index, field_id in enumerate(field_ids)}
    covered = [0] * len(field_ids)
    for (_jobcenter, field_id), cell in cells.items():
        if field_id in position and cell.covered:
            covered[position[field_id]] += 1
    return Matrix(action_fields=action_fields, rows=rows, covered=covered)


# The matrix's cells per data state, in this process: the two counts over every measure of
# the agreement were two thirds of the page (at 4x Germany, NRW: 212 jobcenters, 10,000
# measures, 79 ms). A key per agreement, scope and filter; at most a few MB each (1,616
# jobcenters), so few of them.
kept_cells = Memo(32)


def _cells(main, further):
    """``{(jobcenter id, action field id): Cell}`` of the cells with measures."""
    statuses = MeasureStatus.values
    cells = defaultdict(Cell)
    for query in (main, further):
        for jobcenter, action_field, *counts in query:
            cell = cells[jobcenter, action_field].counts
            for status, n in zip(statuses, counts, strict=True):
                if n:
                    cell[status] += n
    return dict(cells)


def key_figure_sums_by_year(key_figures):
    """One row per year: how many jobcenters reported, and the sum of each figure."""
    return list(
        key_figures.values("year")
        .annotate(reported=Count("pk"), **{name: Sum(name) for name in KEY_FIGURE_FIELDS})
        .order_by("-year")
    )


def key_figure_sums(key_figures):
    return key_figures.aggregate(**{name: Sum(name) for name in KEY_FIGURE_FIELDS})
