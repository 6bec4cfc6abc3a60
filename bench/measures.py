"""Benchmark: the coverage matrix, the measures list, the key figures and the catalogue.

Run: ``.venv/bin/python bench/measures.py [--rounds 20] [--warmup 3] [--factor 1] [--sql]
[--markdown FILE]`` (or ``make bench``). Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (``common.in_test_database``), fills it with
``seed_scale --factor`` (405 × factor jobcenters, 16 states with their agreements and
accessions, 20,000 × factor measures, ten years of key figures), and then times,
interleaved in one run, each scenario three times: the administrator's list (every
measure), in Bavaria (91 × factor jobcenters, about 4,500 × factor measures) as ministry
staff and as the Landkreistag (its 67 × factor Kreis jobcenters), the catalogue as the
public:

- real:  the real view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace that
  renders the page's real template with ONE query for its data (plus the agreement on
  the matrix, loaded through the access layer as the real view does). Its filter form is
  the real one offering no association, agreement, action field or jobcenter to choose:
  nothing is preloaded or queried for it. The floor must produce the same HTML but for
  those options (checked before timing);
- template: the floor's template with the floor's context rendered again, without
  request and SQL: what the template alone costs, so that a heavy template shows.

  * Matrix (``measures:coverage``): the jobcenters, the measures by main action field
    and by further action field, counted by status, as one ``UNION ALL``; the real view
    runs three queries (``measures.selectors.coverage_matrix``).
  * List (``measures:list``): the page's rows as ``.values()`` with the total as a window
    function; the real view counts in a query of its own, loads the four filter choices
    and, filtered by an action field, looks the chosen one up. Both filter the action
    field with ``EXISTS`` on the further action fields.
  * Key figures (``measures:key-figures``): every visible row of every year, from which
    Python takes the latest year, its rows and the sums of each year; the real view asks
    the latest year, the year's rows and the sums by year in three queries.
  * Catalogue (``catalogue:list``): the page's rows with the total as a window function;
    the real view counts first.

Besides the ratio it prints the SQL queries of each request: the tests pin them on small
data (list 6, matrix 9, key figures 7, catalogue 2; one more for a list filtered by an action
field), this shows they hold at this size. On PostgreSQL it runs ``ANALYZE`` after seeding,
as autovacuum would soon after such an insert: without statistics the planner assumes a
handful of rows, and autovacuum would gather them at some moment in the middle of the run.
"""

import difflib
import math
import re
import sys
import types
from collections import defaultdict
from dataclasses import dataclass, field

from common import (
    Table,
    clients,
    comparable,
    empty_form,
    get,
    in_test_database,
    machine,
    median,
    parser,
    ratio,
    render_floor,
    seed,
    time_pages,
    values_page,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.test import Client
from django.urls import include, path, reverse

from accessions.access import get_overview_agreement_for_user, overview_jobcenters
from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User
from agreements.models import ActionField, FrameworkAgreement
from core.paging import PAGE_SIZE, Row, row_urls
from jobcenters.access import visible_jobcenters
from jobcenters.forms import JobcenterFilterForm
from jobcenters.models import Jobcenter
from measures import catalogue_urls
from measures import urls as measure_urls
from measures.access import catalogue_measures, visible_key_figures, visible_measures
from measures.forms import CatalogueSearchForm, KeyFiguresFilterForm, MeasureFilterForm
from measures.models import (
    KEY_FIGURE_FIELDS,
    KeyFigures,
    Measure,
    MeasureStatus,
    Publication,
)
from measures.selectors import Cell, Matrix
from measures.views import LIST_FIELDS

STATE = State.BY  # the biggest state: 91 jobcenters
COVERAGE_FLOOR = "bench-coverage-floor"
LIST_FLOOR = "bench-list-floor"
KEY_FIGURES_FLOOR = "bench-key-figures-floor"
CATALOGUE_FLOOR = "bench-catalogue-floor"

# What the tests pin (tests/measures/test_views.py), by kind of page; a list filtered by
# an action field runs one more: the form looks the chosen field up (ModelChoiceField).
# Outside a test's transaction the matrix keeps its two counts per data state
# (``measures.selectors.kept_cells``) and reads the key's counters instead: one fewer.
PINNED_QUERIES = {"coverage": 9 - 1, "list": 6, "key_figures": 7, "catalogue": 2}


def expected_queries(page):
    # An administrator has no organisation: the middleware loads one row less.
    admin = page.label.startswith("Liste, Admin")
    return PINNED_QUERIES[page.kind] + ("action_field=" in page.real) - admin


# (label, kind, user, query string); ``{field}`` is the agreement's action field 2,
# ``{last}`` the user's last page of the list.
SCENARIOS = [
    ("Liste, Admin (alle), Seite 1", "list", "admin", ""),
    ("Liste, Admin (alle), letzte Seite", "list", "admin", "seite={last}"),
    ("Matrix, Ministerium", "coverage", "ministry", ""),
    ("Matrix, Landkreistag", "coverage", "association", ""),
    ("Liste, Ministerium, Seite 1", "list", "ministry", ""),
    ("Liste, Ministerium, HF 2 laufend", "list", "ministry", "action_field={field}&status=running"),
    ("Liste, Ministerium, letzte Seite", "list", "ministry", "seite={last}"),
    ("Liste, Landkreistag, Seite 1", "list", "association", ""),
    (
        "Liste, Landkreistag, HF 2 laufend",
        "list",
        "association",
        "action_field={field}&status=running",
    ),
    ("Liste, Landkreistag, letzte Seite", "list", "association", "seite={last}"),
    ("Kennzahlen, Ministerium", "key_figures", "ministry", ""),
    ("Kennzahlen, Landkreistag", "key_figures", "association", ""),
    ("Katalog, Seite 1 (öffentlich)", "catalogue", "public", ""),
]

STATUS_LABELS = dict(MeasureStatus.choices)
PUBLICATION_LABELS = dict(Publication.choices)
# The model choices of the measure filters: the floor's form offers none of them.
# The jobcenter is typed (``JobcenterNameField``): no choices for it.
CHOICE_FIELDS = ["agreement", "action_field", "association"]
FIELD_ROW = "#field"  # marks an action field's row in the matrix floor's one query


# The matrix's floor


def coverage_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = overview_jobcenters(request.user, agreement)
    # The real form, bound to the same query, offering no association (none is chosen).
    filters = empty_form(JobcenterFilterForm, request.GET, jobcenters=jobcenters)
    shown = filters.filter(jobcenters).order_by()
    measures = Measure.objects.filter(agreement=agreement, jobcenter__in=shown.values("pk"))
    further = Measure.further_action_fields.through.objects.filter(
        measure__agreement=agreement, measure__jobcenter__in=shown.values("pk")
    )
    rows = (
        shown.annotate(field=Value(None, IntegerField()), status=Value("", CharField()), n=Value(0))
        .values_list("pk", "name", "field", "status", "n")
        .union(
            # The agreement's action fields, as rows of the same query.
            ActionField.objects.filter(agreement=agreement)
            .annotate(status=Value(FIELD_ROW, CharField()), n=Value(0))
            .values_list("pk", "title", "number", "status", "n"),
            measures.order_by()
            .values("jobcenter", "action_field", "status")
            .annotate(name=Value(""), n=Count("pk"))
            .values_list("jobcenter", "name", "action_field", "status", "n"),
            further.order_by()
            .values("measure__jobcenter", "actionfield", "measure__status")
            .annotate(name=Value(""), n=Count("pk"))
            .values_list("measure__jobcenter", "name", "actionfield", "measure__status", "n"),
            all=True,
        )
    )
    names = {}
    action_fields = []
    cells = defaultdict(Cell)
    for pk, name, action_field, status, count in rows:
        if status == FIELD_ROW:
            action_fields.append({"pk": pk, "title": name, "number": action_field})
        elif action_field is None:
            names[pk] = name
        else:
            cells[pk, action_field].counts[status] += count
    action_fields.sort(key=lambda action_field: action_field["number"])
    matrix_rows = [
        (
            # The page's rows read a jobcenter's id and name as attributes (a plain row).
            Row(pk=pk, name=name),
            [cells.get((pk, action_field["pk"]), Cell()) for action_field in action_fields],
        )
        for pk, name in sorted(names.items(), key=lambda item: (item[1], item[0]))
    ]
    covered = [
        sum(1 for _jobcenter, row_cells in matrix_rows if row_cells[index].covered)
        for index in range(len(action_fields))
    ]
    context = {
        "agreement": agreement,
        "filters": filters,
        "matrix": Matrix(action_fields=action_fields, rows=matrix_rows, covered=covered),
        "sort": "name",
        "covered_cells": list(zip(action_fields, covered, strict=True)),
    }
    return render_floor(request, "measures/coverage.html", context)


# The list's floor


def without_choices(query):
    """The query string without the model choices (the floor's form offers none)."""
    query = query.copy()
    for name in CHOICE_FIELDS:
        query.pop(name, None)
    return query


def in_action_field(pk):
    further = Measure.further_action_fields.through.objects.filter(
        measure=OuterRef("pk"), actionfield=pk
    )
    return Q(action_field=pk) | Exists(further)


def list_floor(request):
    user = request.user
    # The real form for the filters without a model choice (search, status, year, sort),
    # offering no agreement, action field, jobcenter or association to choose.
    filters = empty_form(
        MeasureFilterForm,
        without_choices(request.GET),
        user=user,
        jobcenters=Jobcenter.objects.none(),
        agreements=FrameworkAgreement.objects.none(),
    )
    measures = visible_measures(user)
    if filters.is_valid():
        data = filters.cleaned_data
        # The one model choice the scenarios use; the others are not supported here.
        if request.GET.get("action_field"):
            measures = measures.filter(in_action_field(int(request.GET["action_field"])))
        if data["status"]:
            measures = measures.filter(status=data["status"])
        measures = measures.order_by(filters.SORTS[data["sort"] or "title"], "pk")
    else:
        measures = measures.none()
    page, rows = values_page(measures, list(LIST_FIELDS), request, PAGE_SIZE)
    url = reverse("measures:detail", args=[0]).removesuffix("0/")
    # The cells the template shows (as ``measures.views._list_rows`` makes them).
    page.object_list = [
        Row(
            pk=row["pk"],
            url=f"{url}{row['pk']}/",
            title=row["title"],
            jobcenter=row["jobcenter__name"],
            action_field_number=row["action_field__number"],
            action_field_title=row["action_field__title"],
            status=STATUS_LABELS[row["status"]],
            starts_on=row["starts_on"].strftime("%d.%m.%Y") if row["starts_on"] else "–",
            publication=PUBLICATION_LABELS[row["publication"]],
        )
        for row in rows
    ]
    query = request.GET.copy()
    query.pop("seite", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    context = {
        "filters": filters,
        "page": page,
        "sort": request.GET.get("sort", "title"),
        "query": query.urlencode(),
        "query_without_sort": without_sort.urlencode(),
        "recording_agreements": [],  # only jobcenter managers record measures
    }
    return render_floor(request, "measures/measure_list.html", context)


# The key figures' floor


KEY_FIGURE_MODEL_FIELDS = [KeyFigures._meta.get_field(name) for name in KEY_FIGURE_FIELDS]


def key_figures_floor(request):
    user = request.user
    jobcenters = visible_jobcenters(user)
    # The real form, bound to the same query, offering no association (none is chosen).
    filters = empty_form(KeyFiguresFilterForm, request.GET, jobcenters=jobcenters)
    figures = visible_key_figures(user).filter(
        jobcenter__in=filters.filter(jobcenters).values("pk")
    )
    everything = list(figures.values("jobcenter_id", "jobcenter__name", "year", *KEY_FIGURE_FIELDS))
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    if year is None:
        year = max((row["year"] for row in everything), default=None)
    by_year = {}
    rows = []
    for row in everything:
        sums = by_year.setdefault(
            row["year"], {"year": row["year"], "reported": 0, **dict.fromkeys(KEY_FIGURE_FIELDS, 0)}
        )
        sums["reported"] += 1
        for name in KEY_FIGURE_FIELDS:
            sums[name] += row[name]
        if row["year"] == year:
            # As the view's ``KeyFigures`` objects read (the rows' template tag).
            rows.append(Row(row, jobcenter=Row(name=row["jobcenter__name"])))
    rows.sort(key=lambda row: row["jobcenter__name"])
    query = request.GET.copy()
    query.pop("year", None)
    # The exports' filters, as the page gives them: with the year it shows.
    export_query = query.copy()
    export_query["year"] = year
    context = {
        "filters": filters,
        "year": year,
        "export_query": export_query.urlencode(),
        "rows": rows,
        "sums": {name: sum(row[name] for row in rows) for name in KEY_FIGURE_FIELDS},
        "by_year": [by_year[key] for key in sorted(by_year, reverse=True)],
        "fields": KEY_FIGURE_MODEL_FIELDS,
        "can_enter": False,  # only jobcenter managers enter key figures
        "query": query.urlencode(),
        "sort": "name",
    }
    return render_floor(request, "measures/key_figures.html", context)


# The catalogue's floor


def catalogue_floor(request):
    # The real search form (it has no choices to query).
    search = CatalogueSearchForm(request.GET)
    measures = search.filter(catalogue_measures()).order_by(
        "agreement__short_title", "action_field__number", "title", "pk"
    )
    page, rows = values_page(
        measures,
        [
            "pk",
            "title",
            "description",
            "jobcenter__name",
            "agreement__short_title",
            "action_field_id",
            "action_field__number",
            "action_field__title",
        ],
        request,
        PAGE_SIZE,
        # The catalogue pages by action field (``page_of_groups``): no anchors.
        anchored=False,
    )
    # A section per action field, as the template shows them.
    url = row_urls("catalogue:detail")
    sections = {}
    for row in rows:
        section = sections.setdefault(
            row["action_field_id"],
            {
                "pk": row["action_field_id"],
                "number": row["action_field__number"],
                "title": row["action_field__title"],
                "agreement": row["agreement__short_title"],
                "measures": [],
            },
        )
        section["measures"].append(
            Row(
                url=url(row["pk"]),
                title=row["title"],
                jobcenter=row["jobcenter__name"],
                description=row["description"],
            )
        )
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "page": page,
        "sections": list(sections.values()),
        "search": search,
        "query": query.urlencode(),
    }
    return render_floor(request, "measures/catalogue.html", context)


def bench_urlconf():
    """config.urls, with the floors added to the measures and catalogue namespaces."""
    from config import urls

    floors = {
        "measures": (
            "massnahmen/",
            [
                path("untergrenze/", list_floor, name=LIST_FLOOR),
                path(
                    "abdeckung/<int:agreement_pk>/untergrenze/",
                    coverage_floor,
                    name=COVERAGE_FLOOR,
                ),
                path("kennzahlen/untergrenze/", key_figures_floor, name=KEY_FIGURES_FLOOR),
                *measure_urls.urlpatterns,
            ],
        ),
        "catalogue": (
            "katalog/",
            [
                path("untergrenze/", catalogue_floor, name=CATALOGUE_FLOOR),
                *catalogue_urls.urlpatterns,
            ],
        ),
    }
    patterns = []
    for pattern in urls.urlpatterns:
        app_name = getattr(pattern, "app_name", None)
        if app_name in floors:
            prefix, app_patterns = floors[app_name]
            pattern = path(prefix, include((app_patterns, app_name)))
        patterns.append(pattern)
    module = types.ModuleType("bench_measure_urls")
    module.urlpatterns = patterns
    sys.modules[module.__name__] = module
    return module.__name__


# Setup


def create_users():
    def user(username, organisation, role):
        user = User(username=username, organisation=organisation, role=role)
        user.set_unusable_password()
        user.save()
        return user

    admin = User(username="bench-admin", is_staff=True, is_superuser=True)
    admin.set_unusable_password()
    admin.save()
    return {
        "admin": admin,
        "ministry": user(
            "bench-ministerium",
            Organisation.objects.get(state=STATE, kind=OrganisationKind.MINISTRY),
            Role.MINISTRY_STAFF,
        ),
        "association": user(
            "bench-landkreistag",
            Organisation.objects.get(
                state=STATE,
                kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
                member_region_kind=RegionKind.KREIS,
            ),
            Role.ASSOCIATION_STAFF,
        ),
    }


@dataclass
class Page:
    """One scenario: the real page and its floor, with what the page must show."""

    label: str
    kind: str
    client: Client
    real: str
    floor: str
    expected: dict
    times: list = field(default_factory=list)
    queries: tuple = ()
    size: int = 0  # bytes of the real page

    def requests(self):
        return ((self.client, self.real), (self.client, self.floor))


def urls_of(kind, agreement):
    if kind == "coverage":
        return (
            reverse("measures:coverage", args=[agreement.pk]),
            reverse(f"measures:{COVERAGE_FLOOR}", args=[agreement.pk]),
        )
    if kind == "catalogue":
        return reverse("catalogue:list"), reverse(f"catalogue:{CATALOGUE_FLOOR}")
    name = {"list": "list", "key_figures": "key-figures"}[kind]
    floor = {"list": LIST_FLOOR, "key_figures": KEY_FIGURES_FLOOR}[kind]
    return reverse(f"measures:{name}"), reverse(f"measures:{floor}")


def expectations(kind, user, agreement, query):
    """What the page must show, counted here with plain ORM queries."""
    if kind == "coverage":
        return {"jobcenters": overview_jobcenters(user, agreement).count()}
    if kind == "key_figures":
        visible = visible_key_figures(user)
        latest = max(visible.values_list("year", flat=True))
        return {"year": latest, "rows": visible.filter(year=latest).count()}
    if kind == "catalogue":
        return {"measures": catalogue_measures().count()}
    measures = visible_measures(user)
    if "action_field" in query:
        second = agreement.action_fields.get(number=2)
        measures = measures.filter(
            Q(action_field=second) | Q(further_action_fields=second), status=MeasureStatus.RUNNING
        ).distinct()
    return {"measures": measures.count()}


def pages(agreement, by_user, users):
    second = agreement.action_fields.get(number=2)
    result = []
    for label, kind, user_key, query in SCENARIOS:
        real, floor = urls_of(kind, agreement)
        user = users.get(user_key)
        if "{last}" in query:
            last = math.ceil(visible_measures(user).count() / PAGE_SIZE)
            query = query.format(last=last)
        query = query.format(field=second.pk)
        expected = expectations(kind, user, agreement, query)
        result.append(
            Page(label, kind, by_user[user_key], f"{real}?{query}", f"{floor}?{query}", expected)
        )
    return result


def normalised(html, page):
    html = comparable(html, CHOICE_FIELDS)
    return html.replace(page.floor.split("?")[0], page.real.split("?")[0])


def shown(page, html):
    """What the page says it shows, to compare with ``page.expected``; problems or []."""
    problems = []
    if page.kind == "coverage":
        rows = len(re.findall(r'<th scope="row"><a href="/jobcenter/\d+/">', html))
        totals = set(re.findall(r"<td>\d+ von (\d+)</td>", html))
        if rows != page.expected["jobcenters"] or totals != {str(rows)}:
            problems.append(f"{rows} Zeilen, Summenzeile {totals}, erwartet {page.expected}")
        if "laufend</span>" not in html:
            problems.append("keine laufende Maßnahme in der Matrix")
    elif page.kind == "key_figures":
        caption = re.search(r"Kennzahlen (\d+) von (\d+) Jobcentern", html)
        if not caption or caption.groups() != (
            str(page.expected["year"]),
            str(page.expected["rows"]),
        ):
            problems.append(f"Tabelle: {caption and caption.groups()}, erwartet {page.expected}")
    else:
        found = re.search(r"([\d.]+) Maßnahmen gefunden", html)  # 4.503: intcomma, German
        if not found or int(found.group(1).replace(".", "")) != page.expected["measures"]:
            problems.append(f"{found and found.group(0)}, erwartet {page.expected}")
        titles = re.findall(r'<a href="/(?:massnahmen|katalog)/\d+/">([^<]+)</a>', html)
        if not titles:
            problems.append("keine Maßnahme auf der Seite")
    return [f"{page.label}: {problem}" for problem in problems]


def check_pages(scenarios):
    """The floor renders the same HTML, and the page shows what it must."""
    problems = []
    for page in scenarios:
        content = get(page.client, page.real).content
        page.size = len(content)
        real_html = normalised(content.decode(), page)
        floor_html = normalised(get(page.client, page.floor).content.decode(), page)
        if real_html != floor_html:
            diff = difflib.unified_diff(
                real_html.splitlines(), floor_html.splitlines(), "echt", "Untergrenze", n=1
            )
            problems.append(f"{page.label}: HTML weicht ab\n" + "\n".join(list(diff)[:40]))
        problems.extend(shown(page, real_html))
    return problems


def run(args):
    seeded = seed(args.factor)
    agreement = FrameworkAgreement.objects.get(state=STATE)
    users = create_users()
    print(
        f"{machine()}; {Jobcenter.objects.count()} Jobcenter, "
        f"{Measure.objects.count()} Maßnahmen, {KeyFigures.objects.count()} Kennzahlen "
        f"angelegt in {seeded:.1f} s; {agreement.short_title}: "
        f"Ministerium {visible_measures(users['ministry']).count()} Maßnahmen, "
        f"Landkreistag {visible_measures(users['association']).count()}; "
        f"im Katalog {catalogue_measures().count()}"
    )
    by_user = {**clients(users), "public": Client()}
    scenarios = pages(agreement, by_user, users)
    problems = check_pages(scenarios)

    time_pages(scenarios, args)
    for page in scenarios:
        if page.queries[0] != expected_queries(page):
            problems.append(
                f"{page.label}: {page.queries[0]} SQL-Abfragen, erwartet {expected_queries(page)}"
            )

    table = Table(
        f"Maßnahmen, Faktor {args.factor}: Median aus {args.rounds} Runden (abwechselnd, nach "
        f"{args.warmup} zum Aufwärmen)",
        [
            "Szenario",
            "echt ms",
            "Boden ms",
            "echt/Boden",
            "davon Vorlage ms",
            "KB echt",
            "SQL echt / Boden / erwartet",
        ],
    )
    for page in scenarios:
        real, floor, template = (median(ms) for ms in page.times)
        table.add(
            page.label,
            real,
            floor,
            ratio(real, floor),
            template,
            page.size / 1024,
            f"{page.queries[0]} / {page.queries[1]} / {expected_queries(page)}",
        )
    table.note(
        "Boden: dieselbe Vorlage aus einer `.values()`-Abfrage (die Matrix: Jobcenter, "
        "Handlungsfelder und Maßnahmen als ein `UNION ALL`), das echte Filterformular ohne "
        "Verbände, Vereinbarungen, Handlungsfelder und Jobcenter zur Auswahl, nichts vorab "
        "geladen. Vorlage: dieselbe Vorlage mit dem Kontext des Bodens noch einmal, ohne "
        "Anfrage und SQL. SQL je Anfrage einschließlich Sitzung und Benutzer; erwartet: was "
        "tests/measures/test_views.py auf kleinen Daten festschreibt (Liste 8, Matrix 9, "
        "Kennzahlen 7, Katalog 2), mit Handlungsfeld-Filter eine mehr."
    )
    table.show(args)
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print(
            "HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF und Auswahllisten); "
            "jede Seite zeigt so viele Jobcenter, Maßnahmen und Kennzahlen, wie sie soll."
        )


def main():
    args = parser(__doc__, rounds=20, warmup=3).parse_args()
    in_test_database(run, args, bench_urlconf(), "measures")


if __name__ == "__main__":
    main()
