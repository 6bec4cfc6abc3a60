"""Reads across jobcenters: the coverage matrix and key figure sums. Querysets come narrowed."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from measures.models import ACTIVE_STATUSES, KEY_FIGURE_FIELDS, Measure, MeasureStatus


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
    by further action field.
    """
    jobcenters = list(jobcenters.only("pk", "name", "form", "region_kind").order_by("name"))
    measures = Measure.objects.filter(agreement=agreement, jobcenter__in=[j.pk for j in jobcenters])
    cells = defaultdict(Cell)
    # Tuples, not dictionaries: at 1,616 jobcenters these are 50,000 rows.
    main = measures.values("jobcenter", "action_field", "status").annotate(n=Count("pk"))
    for jobcenter, action_field, status, n in main.values_list(
        "jobcenter", "action_field", "status", "n"
    ):
        cells[jobcenter, action_field].counts[status] += n
    further = (
        Measure.further_action_fields.through.objects.filter(measure__in=measures)
        .values("measure__jobcenter", "actionfield", "measure__status")
        .annotate(n=Count("pk"))
    )
    for jobcenter, action_field, status, n in further.values_list(
        "measure__jobcenter", "actionfield", "measure__status", "n"
    ):
        cells[jobcenter, action_field].counts[status] += n
    rows = [
        (
            jobcenter,
            [cells.get((jobcenter.pk, action_field.pk), Cell()) for action_field in action_fields],
        )
        for jobcenter in jobcenters
    ]
    covered = [
        sum(1 for _jobcenter, row_cells in rows if row_cells[index].covered)
        for index in range(len(action_fields))
    ]
    return Matrix(action_fields=action_fields, rows=rows, covered=covered)


def key_figure_sums_by_year(key_figures):
    """One row per year: how many jobcenters reported, and the sum of each figure."""
    return list(
        key_figures.values("year")
        .annotate(reported=Count("pk"), **{name: Sum(name) for name in KEY_FIGURE_FIELDS})
        .order_by("-year")
    )


def key_figure_sums(key_figures):
    return key_figures.aggregate(**{name: Sum(name) for name in KEY_FIGURE_FIELDS})
