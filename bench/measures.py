"""Benchmark: the coverage matrix, the measures list, the key figures and the catalogue.

Run: ``.venv/bin/python bench/measures.py [--rounds 20] [--warmup 3] [--sql]``
(or ``make bench``). Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (Django's test utilities, like the test suite),
fills it with ``seed_scale`` (405 jobcenters, 16 states with their agreements and
accessions, 20,000 measures, ten years of key figures), and then times, interleaved in
one run, each scenario twice, in Bavaria (91 jobcenters, about 4,500 measures) as
ministry staff and as the Landkreistag (its 67 Kreis jobcenters), the catalogue as the
public:

- real:  the real view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace that
  renders the SAME template with a context of the same shape, and must produce the same
  HTML (checked before timing). Choices of the filter forms (associations, agreements,
  action fields, jobcenters) and the agreement's action fields are loaded once
  beforehand; every floor then runs ONE query for its data (plus the agreement, loaded
  through the access layer as the real view does, on the matrix):

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
data (list 9, matrix 9, key figures 7, catalogue 2; 10 for a list filtered by an action
field), this shows they hold at this size. On PostgreSQL it runs ``ANALYZE`` after seeding,
as autovacuum would soon after such an insert: without statistics the planner assumes a
handful of rows, and autovacuum would gather them at some moment in the middle of the run.
"""

import argparse
import difflib
import math
import os
import re
import statistics
import sys
import time
import types
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_HTTPS", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from common import Rows, clients, get, given_associations, in_test_database, queries, timed  # noqa: E402
from django import forms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import (  # noqa: E402
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    Window,
)
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402

from accessions.access import get_overview_agreement_for_user, overview_jobcenters  # noqa: E402
from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User  # noqa: E402
from agreements.access import visible_agreements  # noqa: E402
from agreements.models import ActionField, FrameworkAgreement  # noqa: E402
from core.paging import PAGE_SIZE  # noqa: E402
from jobcenters.access import visible_jobcenters  # noqa: E402
from jobcenters.forms import JobcenterFilterForm  # noqa: E402
from jobcenters.models import Jobcenter  # noqa: E402
from measures import catalogue_urls  # noqa: E402
from measures import urls as measure_urls  # noqa: E402
from measures.access import catalogue_measures, visible_key_figures, visible_measures  # noqa: E402
from measures.forms import KeyFiguresFilterForm, MeasureFilterForm  # noqa: E402
from measures.models import (  # noqa: E402
    KEY_FIGURE_FIELDS,
    KeyFigures,
    Measure,
    MeasureStatus,
    Publication,
)
from measures.selectors import Cell, Matrix  # noqa: E402

STATE = State.BY  # the biggest state: 91 jobcenters
COVERAGE_FLOOR = "bench-coverage-floor"
LIST_FLOOR = "bench-list-floor"
KEY_FIGURES_FLOOR = "bench-key-figures-floor"
CATALOGUE_FLOOR = "bench-catalogue-floor"

# What the tests pin (tests/measures/test_views.py), by kind of page; a list filtered by
# an action field runs one more: the form looks the chosen field up (ModelChoiceField).
PINNED_QUERIES = {"coverage": 9, "list": 9, "key_figures": 7, "catalogue": 2}


def expected_queries(page):
    return PINNED_QUERIES[page.kind] + ("action_field=" in page.real)


# (label, kind, user, query string); ``{field}`` is the agreement's action field 2,
# ``{last}`` the user's last page of the list.
SCENARIOS = [
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
ONCE = {}  # what the floors load once, outside the timed requests


def once(key, load):
    if key not in ONCE:
        ONCE[key] = load()
    return ONCE[key]


def page_number(request):
    try:
        return max(1, int(request.GET.get("seite", 1)))
    except ValueError:
        return 1


# The matrix's floor


FloorJobcenterFilterForm = given_associations(JobcenterFilterForm)


def association_choices(form_class, jobcenters):
    """What the real form offers this user in its association filter."""
    return list(form_class(jobcenters=jobcenters).fields["association"].queryset)


def coverage_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = overview_jobcenters(request.user, agreement)
    filters = FloorJobcenterFilterForm(
        request.GET,
        associations=once(
            ("coverage", request.user.pk),
            lambda: association_choices(JobcenterFilterForm, jobcenters),
        ),
    )
    action_fields = once(
        ("fields", agreement.pk), lambda: list(ActionField.objects.filter(agreement=agreement))
    )
    shown = filters.filter(jobcenters).order_by()
    measures = Measure.objects.filter(agreement=agreement, jobcenter__in=shown.values("pk"))
    further = Measure.further_action_fields.through.objects.filter(
        measure__agreement=agreement, measure__jobcenter__in=shown.values("pk")
    )
    rows = (
        shown.annotate(field=Value(None, IntegerField()), status=Value("", CharField()), n=Value(0))
        .values_list("pk", "name", "field", "status", "n")
        .union(
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
    cells = defaultdict(Cell)
    for jobcenter, name, action_field, status, count in rows:
        if action_field is None:
            names[jobcenter] = name
        else:
            cells[jobcenter, action_field].counts[status] += count
    url = reverse("jobcenters:detail", args=[0]).removesuffix("0/")
    matrix_rows = [
        (
            {"name": name, "get_absolute_url": f"{url}{pk}/"},
            [cells.get((pk, action_field.pk), Cell()) for action_field in action_fields],
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
    return render(request, "measures/coverage.html", context)


# The list's floor


class FloorMeasureFilterForm(MeasureFilterForm):
    """The real filters with the choices given instead of queried (objects by pk)."""

    CHOICE_FIELDS = ["agreement", "action_field", "jobcenter", "association"]

    def __init__(self, data, *, given):
        forms.Form.__init__(self, data)
        self.given = {}
        for name in self.CHOICE_FIELDS:
            choices, objects = given[name]
            real = self.fields[name]
            self.fields[name] = forms.ChoiceField(label=real.label, required=False, choices=choices)
            self.given[name] = objects

    def _clean_choice(self, name):
        return self.given[name].get(self.cleaned_data[name])

    def clean_agreement(self):
        return self._clean_choice("agreement")

    def clean_action_field(self):
        return self._clean_choice("action_field")

    def clean_jobcenter(self):
        return self._clean_choice("jobcenter")

    def clean_association(self):
        return self._clean_choice("association")


def list_choices(user):
    """The choices the real form offers ``user``: (choices, objects by pk) per field."""
    form = MeasureFilterForm(
        user=user,
        jobcenters=visible_jobcenters(user),
        agreements=visible_agreements(user).order_by("state", "short_title"),
    )
    given = {}
    for name in FloorMeasureFilterForm.CHOICE_FIELDS:
        real = form.fields[name]
        choices = [(str(value), label) for value, label in real.choices]
        given[name] = (choices, {str(obj.pk): obj for obj in real.queryset})
    return given


def list_floor(request):
    user = request.user
    filters = FloorMeasureFilterForm(
        request.GET, given=once(("list", user.pk), lambda: list_choices(user))
    )
    measures = visible_measures(user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            measures = measures.filter(
                Q(title__icontains=data["q"])
                | Q(description__icontains=data["q"])
                | Q(partners__icontains=data["q"])
                | Q(jobcenter__name__icontains=data["q"])
            )
        if data["agreement"]:
            measures = measures.filter(agreement=data["agreement"])
        if data["action_field"]:
            further = Measure.further_action_fields.through.objects.filter(
                measure=OuterRef("pk"), actionfield=data["action_field"]
            )
            measures = measures.filter(Q(action_field=data["action_field"]) | Exists(further))
        if data["status"]:
            measures = measures.filter(status=data["status"])
        if data["jobcenter"]:
            measures = measures.filter(jobcenter=data["jobcenter"])
        if data["association"]:
            measures = measures.filter(
                jobcenter__state=data["association"].state,
                jobcenter__region_kind=data["association"].member_region_kind,
            )
        if data["year"]:
            measures = measures.filter(starts_on__year__lte=data["year"]).filter(
                Q(ends_on__isnull=True) | Q(ends_on__year__gte=data["year"])
            )
        measures = measures.order_by(filters.SORTS[data["sort"] or "title"], "pk")
    else:
        measures = measures.none()
    number = page_number(request)
    offset = (number - 1) * PAGE_SIZE
    rows = list(
        measures.annotate(total=Window(Count("pk"))).values(
            "pk",
            "title",
            "jobcenter__name",
            "action_field__number",
            "action_field__title",
            "status",
            "starts_on",
            "publication",
            "total",
        )[offset : offset + PAGE_SIZE]
    )
    url = reverse("measures:detail", args=[0]).removesuffix("0/")
    for row in rows:
        # What the template asks of a Measure, as keys of the dict.
        row["get_absolute_url"] = f"{url}{row['pk']}/"
        row["jobcenter"] = {"name": row["jobcenter__name"]}
        row["action_field"] = {
            "number": row["action_field__number"],
            "title": row["action_field__title"],
        }
        row["get_status_display"] = STATUS_LABELS[row["status"]]
        row["get_publication_display"] = PUBLICATION_LABELS[row["publication"]]
    total = rows[0]["total"] if rows else 0
    page = Paginator(Rows(rows, total, offset), PAGE_SIZE).get_page(number)
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
    return render(request, "measures/measure_list.html", context)


# The key figures' floor


FloorKeyFiguresFilterForm = given_associations(KeyFiguresFilterForm)
KEY_FIGURE_MODEL_FIELDS = [KeyFigures._meta.get_field(name) for name in KEY_FIGURE_FIELDS]


def key_figures_floor(request):
    user = request.user
    jobcenters = visible_jobcenters(user)
    filters = FloorKeyFiguresFilterForm(
        request.GET,
        associations=once(
            ("key_figures", user.pk),
            lambda: association_choices(KeyFiguresFilterForm, jobcenters),
        ),
    )
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
            row["jobcenter"] = {"name": row["jobcenter__name"]}
            rows.append(row)
    rows.sort(key=lambda row: row["jobcenter__name"])
    query = request.GET.copy()
    query.pop("year", None)
    context = {
        "filters": filters,
        "year": year,
        "rows": rows,
        "sums": {name: sum(row[name] for row in rows) for name in KEY_FIGURE_FIELDS},
        "by_year": [by_year[key] for key in sorted(by_year, reverse=True)],
        "fields": KEY_FIGURE_MODEL_FIELDS,
        "can_enter": False,  # only jobcenter managers enter key figures
        "query": query.urlencode(),
        "sort": "name",
    }
    return render(request, "measures/key_figures.html", context)


# The catalogue's floor


def catalogue_floor(request):
    search = request.GET.get("q", "").strip()[:100]
    measures = catalogue_measures()
    if search:
        measures = measures.filter(
            Q(title__icontains=search)
            | Q(description__icontains=search)
            | Q(jobcenter__name__icontains=search)
        )
    measures = measures.order_by("agreement__short_title", "action_field__number", "title", "pk")
    number = page_number(request)
    offset = (number - 1) * PAGE_SIZE
    rows = list(
        measures.annotate(total=Window(Count("pk"))).values(
            "pk",
            "title",
            "description",
            "jobcenter__name",
            "agreement__short_title",
            "action_field_id",
            "action_field__number",
            "action_field__title",
            "total",
        )[offset : offset + PAGE_SIZE]
    )
    for row in rows:
        row["jobcenter"] = {"name": row["jobcenter__name"]}
        row["agreement"] = {"short_title": row["agreement__short_title"]}
        # Equal dicts for the measures of one action field: what {% regroup %} compares.
        row["action_field"] = {
            "pk": row["action_field_id"],
            "number": row["action_field__number"],
            "title": row["action_field__title"],
        }
    total = rows[0]["total"] if rows else 0
    page = Paginator(Rows(rows, total, offset), PAGE_SIZE).get_page(number)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {"page": page, "search": search, "query": query.urlencode()}
    return render(request, "measures/catalogue.html", context)


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

    return {
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
    times: tuple = field(default_factory=lambda: ([], []))
    queries: tuple = ()

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
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
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
        found = re.search(r"(\d+) Maßnahmen gefunden", html)
        if not found or int(found.group(1)) != page.expected["measures"]:
            problems.append(f"{found and found.group(0)}, erwartet {page.expected}")
        titles = re.findall(r'<a href="/(?:massnahmen|katalog)/\d+/">([^<]+)</a>', html)
        if not titles:
            problems.append("keine Maßnahme auf der Seite")
    return [f"{page.label}: {problem}" for problem in problems]


def check_pages(scenarios):
    """The floor renders the same HTML, and the page shows what it must."""
    problems = []
    for page in scenarios:
        real_html = normalised(get(page.client, page.real).content.decode(), page)
        floor_html = normalised(get(page.client, page.floor).content.decode(), page)
        if real_html != floor_html:
            diff = difflib.unified_diff(
                real_html.splitlines(), floor_html.splitlines(), "echt", "Untergrenze", n=1
            )
            problems.append(f"{page.label}: HTML weicht ab\n" + "\n".join(list(diff)[:40]))
        problems.extend(shown(page, real_html))
    return problems


def run(args):
    start = time.perf_counter()
    call_command("seed_scale", force=True)
    seeded = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # Statistics for the planner (see the docstring).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    agreement = FrameworkAgreement.objects.get(state=STATE)
    users = create_users()
    print(
        f"{connection.vendor}, {Jobcenter.objects.count()} Jobcenter, "
        f"{Measure.objects.count()} Maßnahmen, {KeyFigures.objects.count()} Kennzahlen "
        f"angelegt in {seeded:.1f} s; {agreement.short_title}: "
        f"Ministerium {visible_measures(users['ministry']).count()} Maßnahmen, "
        f"Landkreistag {visible_measures(users['association']).count()}; "
        f"im Katalog {catalogue_measures().count()}"
    )
    by_user = {**clients(users), "public": Client()}
    scenarios = pages(agreement, by_user, users)
    problems = check_pages(scenarios)

    for _round in range(args.warmup):
        for page in scenarios:
            for client, url in page.requests():
                timed(client, url)
    for _round in range(args.rounds):
        for page in scenarios:
            for ms, (client, url) in zip(page.times, page.requests(), strict=True):
                ms.append(timed(client, url))
    for page in scenarios:
        page.queries = tuple(
            queries(lambda client=client, url=url: get(client, url), url, args.sql)
            for client, url in page.requests()
        )
        if page.queries[0] != expected_queries(page):
            problems.append(
                f"{page.label}: {page.queries[0]} SQL-Abfragen, erwartet {expected_queries(page)}"
            )

    print(f"\nMedian aus {args.rounds} Runden (abwechselnd, nach {args.warmup} zum Aufwärmen):\n")
    header = (
        f"{'Szenario':<36}{'echt ms':>9}{'Boden ms':>10}{'Faktor':>8}"
        f"{'SQL echt':>10}{'Boden':>7}{'erwartet':>10}"
    )
    print(header)
    print("-" * len(header))
    for page in scenarios:
        real, floor = (statistics.median(ms) for ms in page.times)
        print(
            f"{page.label:<36}{real:>9.2f}{floor:>10.2f}{real / floor:>8.2f}"
            f"{page.queries[0]:>10}{page.queries[1]:>7}{expected_queries(page):>10}"
        )
    print(
        "\nFaktor: echt / Untergrenze. SQL: Abfragen je Anfrage, einschließlich Sitzung und "
        "Benutzer (Middleware); erwartet: was tests/measures/test_views.py auf kleinen Daten "
        "festschreibt (Liste 9, Matrix 9, Kennzahlen 7, Katalog 2), mit Handlungsfeld-Filter "
        "eine mehr (das gewählte Handlungsfeld)."
    )
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print(
            "HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF-Token); jede Seite "
            "zeigt so viele Jobcenter, Maßnahmen und Kennzahlen, wie sie soll."
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--sql", action="store_true", help="print the SQL of each request")
    args = parser.parse_args()

    in_test_database(run, args, bench_urlconf())


if __name__ == "__main__":
    main()
