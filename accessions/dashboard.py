"""Where the jobcenters stand with an agreement: counts, splits and the course over time.

Reads only; the views pass in querysets the access layer has already narrowed.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from accessions.models import STANDINGS, AccessionStatus, with_accession
from accounts.models import Organisation, OrganisationKind, RegionKind
from jobcenters.models import JobcenterForm

# More quarters than this and the course is shown by year.
MAX_QUARTERS = 40


@dataclass
class Tally:
    """How many jobcenters of one group stand where; ``filters`` narrow the list to the group."""

    label: str
    filters: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def joined(self):
        return self.counts[AccessionStatus.ACCEPTED]

    @property
    def joined_percent(self):
        return round(100 * self.joined / self.total) if self.total else 0

    def cells(self):
        """(standing, label, count, query string of the list showing exactly those) in order."""
        return [
            (
                standing,
                label,
                self.counts[standing],
                urlencode({**self.filters, "standing": standing}),
            )
            for standing, label in STANDINGS
        ]

    @property
    def query(self):
        return urlencode(self.filters)


@dataclass
class Overview:
    total: Tally
    by_association: list
    by_form: list


def accession_overview(jobcenters, agreement):
    """Count the jobcenters by where they stand with ``agreement``: all, by association, by form.

    One query for the jobcenters and one for the associations of the agreement's state.
    """
    associations = {
        association.member_region_kind: association
        for association in Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION, state=agreement.state
        )
    }
    total = Tally(_("alle Jobcenter"))
    by_association = {}
    by_form = {form: Tally(label, {"form": form}) for form, label in JobcenterForm.choices}
    rows = with_accession(jobcenters, agreement, ("status",)).values_list(
        "form", "region_kind", "accession_status"
    )
    for form, region_kind, standing in rows:
        total.counts[standing] += 1
        by_form[form].counts[standing] += 1
        if region_kind not in by_association:
            by_association[region_kind] = _association_tally(
                associations.get(region_kind), region_kind
            )
        by_association[region_kind].counts[standing] += 1
    return Overview(
        total=total,
        by_association=sorted(by_association.values(), key=lambda tally: tally.label),
        by_form=[tally for tally in by_form.values() if tally.total],
    )


def _association_tally(association, region_kind):
    if association is None:
        label = _("ohne Spitzenverband (%(region_kind)s)") % {
            "region_kind": RegionKind(region_kind).label
        }
        return Tally(label, {"region_kind": region_kind})
    return Tally(association.name, {"association": association.pk})


@dataclass(frozen=True)
class Period:
    """A quarter or a year of the membership course."""

    label: str
    short_label: str
    joined: int
    withdrawn: int
    members: int


@dataclass(frozen=True)
class Course:
    periods: list
    by_year: bool


def membership_course(accessions):
    """Members at the end of each quarter from the first accession on (by year past 10 years).

    ``accessions`` are those to count; only joined ones (with ``joined_on``) matter.
    Returns ``None`` when nobody has joined yet.
    """
    events = list(
        accessions.filter(joined_on__isnull=False).values_list("joined_on", "withdrawn_on")
    )
    if not events:
        return None
    joined = Counter()
    withdrawn = Counter()
    dates = []
    for joined_on, withdrawn_on in events:
        dates.append(joined_on)
        if withdrawn_on:
            dates.append(withdrawn_on)
    first, last = min(dates), max(dates)
    by_year = _quarter_index(last) - _quarter_index(first) >= MAX_QUARTERS
    key = _year_key if by_year else _quarter_key
    for joined_on, withdrawn_on in events:
        joined[key(joined_on)] += 1
        if withdrawn_on:
            withdrawn[key(withdrawn_on)] += 1
    periods = []
    members = 0
    for period in _periods(first, last, by_year):
        members += joined[period] - withdrawn[period]
        label, short_label = _labels(period)
        periods.append(Period(label, short_label, joined[period], withdrawn[period], members))
    return Course(periods, by_year)


def _quarter_index(day):
    return day.year * 4 + (day.month - 1) // 3


def _quarter_key(day):
    return (day.year, (day.month - 1) // 3 + 1)


def _year_key(day):
    return (day.year, None)


def _periods(first, last, by_year):
    if by_year:
        return [(year, None) for year in range(first.year, last.year + 1)]
    return [
        (index // 4, index % 4 + 1)
        for index in range(_quarter_index(first), _quarter_index(last) + 1)
    ]


def _labels(period):
    year, quarter = period
    if quarter is None:
        return str(year), str(year)
    return (
        _("%(quarter)s. Quartal %(year)s") % {"quarter": quarter, "year": year},
        f"Q{quarter}/{year % 100:02d}",
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    label_x: float
    show_label: bool


@dataclass(frozen=True)
class GridLine:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    """The geometry of an SVG bar chart, drawn with attributes only (the CSP forbids styles)."""

    width: int
    height: int
    bars: list
    grid: list
    plot_left: int
    plot_right: int
    scale_x: int
    axis_y: float
    values_shown: bool


def bar_chart(periods, maximum, *, plot_height=200, bar_step=36):
    """Bars of the members at the end of each period, against a scale up to ``maximum``."""
    left, top, bottom = 44, 24, 40
    maximum = max(maximum, 1, *(period.members for period in periods))
    width = left + bar_step * len(periods) + 12
    axis_y = top + plot_height
    # Labels under every bar fit up to 20 bars; beyond that every n-th one.
    label_every = max(1, -(-len(periods) // 20))
    bars = []
    for index, period in enumerate(periods):
        height = plot_height * period.members / maximum
        x = left + bar_step * index + bar_step * 0.15
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(axis_y - height, 1),
                width=round(bar_step * 0.7, 1),
                height=round(height, 1),
                value=period.members,
                label=period.short_label,
                label_x=round(x + bar_step * 0.35, 1),
                show_label=index % label_every == 0 or index == len(periods) - 1,
            )
        )
    grid = [
        GridLine(y=round(axis_y - plot_height * step / 4, 1), value=round(maximum * step / 4))
        for step in range(5)
    ]
    return BarChart(
        width=width,
        height=axis_y + bottom,
        bars=bars,
        grid=grid,
        plot_left=left,
        plot_right=width - 4,
        scale_x=left - 6,
        axis_y=axis_y,
        values_shown=len(periods) <= 24,
    )
