"""Benchmark: the jobcenter list (/jobcenter/) against its floor, for all of Germany.

Run: ``.venv/bin/python bench/jobcenter_list.py [--rounds 30] [--warmup 5] [--sql]``
(or ``make bench``). Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (Django's test utilities, like the test suite),
fills it with ``seed_scale`` (405 jobcenters, 16 states), and then times, interleaved
in one run, each scenario twice:

- real:  the real list view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace,
  which fetches the page's rows with ONE ``.values()`` query (the total count comes
  with it as a window function) and renders the SAME template with a context of the
  same shape. Only the choices of the association filter are loaded once beforehand
  (the real view loads them with one query per request).

The ratio real/floor says how much the view costs beyond what the page must cost.
Both renders are compared: the floor must produce the same HTML.
"""

import argparse
import difflib
import os
import re
import statistics
import sys
import time
import types
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
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, OuterRef, Subquery, Window  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402

from accounts.models import (  # noqa: E402
    Organisation,
    OrganisationKind,
    RegionKind,
    Role,
    State,
    User,
)
from core.paging import PAGE_SIZE  # noqa: E402
from jobcenters import urls as jobcenter_urls  # noqa: E402
from jobcenters.access import visible_jobcenters  # noqa: E402
from jobcenters.forms import JobcenterFilterForm  # noqa: E402
from jobcenters.models import Jobcenter, JobcenterForm  # noqa: E402

FLOOR_URL_NAME = "bench-floor"

# (label, user, query string); each runs against the real view and the floor.
SCENARIOS = [
    ("Admin, Seite 1", "admin", ""),
    (
        "Admin, gefiltert+sortiert, S. 2",
        "admin",
        "form=gE&region_kind=kreis&sort=-association&seite=2",
    ),
    ("Ministerium BY, Seite 1", "ministry", ""),
]


# The floor view


FloorFilterForm = given_associations(JobcenterFilterForm)


ASSOCIATION_CHOICES = {}  # user pk -> the associations offered in the filter
REGION_KIND_LABELS = dict(RegionKind.choices)
FORM_LABELS = dict(JobcenterForm.choices)


def association_choices(user):
    """What the real form offers this user, loaded once (outside the timed requests)."""
    if user.pk not in ASSOCIATION_CHOICES:
        form = JobcenterFilterForm(jobcenters=visible_jobcenters(user))
        ASSOCIATION_CHOICES[user.pk] = list(form.fields["association"].queryset)
    return ASSOCIATION_CHOICES[user.pk]


def floor_view(request):
    filters = FloorFilterForm(request.GET, associations=association_choices(request.user))
    associations = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        state=OuterRef("state"),
        member_region_kind=OuterRef("region_kind"),
    )
    jobcenters = visible_jobcenters(request.user).annotate(
        association_name=Subquery(associations.values("name")[:1])
    )
    jobcenters = filters.filter(jobcenters)
    try:
        number = max(1, int(request.GET.get("seite", 1)))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(
        jobcenters.annotate(total=Window(Count("pk"))).values(
            "pk", "name", "region", "region_kind", "form", "association_name", "total"
        )[offset : offset + PAGE_SIZE]
    )
    url = reverse("jobcenters:detail", args=[0]).removesuffix("0/")
    for row in rows:
        # What the template asks of a Jobcenter, as keys of the dict.
        row["get_absolute_url"] = f"{url}{row['pk']}/"
        row["get_region_kind_display"] = REGION_KIND_LABELS[row["region_kind"]]
        row["get_form_display"] = FORM_LABELS[row["form"]]
    total = rows[0]["total"] if rows else 0
    page = Paginator(Rows(rows, total, offset), PAGE_SIZE).get_page(number)
    query = request.GET.copy()
    query.pop("seite", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return render(
        request,
        "jobcenters/jobcenter_list.html",
        {
            "filters": filters,
            "page": page,
            "sort": request.GET.get("sort", "name"),
            "query": query.urlencode(),
            "query_without_sort": without_sort.urlencode(),
        },
    )


def bench_urlconf():
    """config.urls, with the floor added to the jobcenters namespace (same nav, same links)."""
    from config import urls

    patterns = []
    for pattern in urls.urlpatterns:
        if getattr(pattern, "app_name", None) == "jobcenters":
            pattern = path(
                "jobcenter/",
                include(
                    (
                        [
                            *jobcenter_urls.urlpatterns,
                            path("untergrenze/", floor_view, name=FLOOR_URL_NAME),
                        ],
                        "jobcenters",
                    )
                ),
            )
        patterns.append(pattern)
    module = types.ModuleType("bench_jobcenter_urls")
    module.urlpatterns = patterns
    sys.modules[module.__name__] = module
    return module.__name__


# Setup


def create_users():
    admin = User(username="bench-admin", is_staff=True, is_superuser=True)
    admin.set_unusable_password()
    admin.save()
    ministry = User(
        username="bench-ministerium",
        organisation=Organisation.objects.get(state=State.BY, kind=OrganisationKind.MINISTRY),
        role=Role.MINISTRY_STAFF,
    )
    ministry.set_unusable_password()
    ministry.save()
    return {"admin": admin, "ministry": ministry}


def normalised(response):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html.replace(reverse(f"jobcenters:{FLOOR_URL_NAME}"), reverse("jobcenters:list"))


def run(args):
    start = time.perf_counter()
    call_command("seed_scale", force=True)
    seeded = time.perf_counter() - start
    users = create_users()
    visible = {key: visible_jobcenters(user).count() for key, user in users.items()}
    print(
        f"{connection.vendor}, {Jobcenter.objects.count()} Jobcenter angelegt in {seeded:.1f} s; "
        f"sichtbar: Admin {visible['admin']}, Ministerium BY {visible['ministry']}"
    )
    by_user = clients(users)
    real_url = reverse("jobcenters:list")
    floor_url = reverse(f"jobcenters:{FLOOR_URL_NAME}")
    scenarios = [
        (label, by_user[user], f"{real_url}?{query}", f"{floor_url}?{query}")
        for label, user, query in SCENARIOS
    ]

    problems = []
    for label, client, real, floor in scenarios:
        real_html, floor_html = normalised(get(client, real)), normalised(get(client, floor))
        if real_html != floor_html:
            diff = difflib.unified_diff(
                real_html.splitlines(), floor_html.splitlines(), "echt", "Untergrenze", n=1
            )
            problems.append(f"{label}: HTML weicht ab\n" + "\n".join(list(diff)[:40]))

    for _round in range(args.warmup):
        for _label, client, real, floor in scenarios:
            timed(client, real)
            timed(client, floor)
    times = {label: ([], []) for label, *_rest in scenarios}
    for _round in range(args.rounds):
        for label, client, real, floor in scenarios:
            times[label][0].append(timed(client, real))
            times[label][1].append(timed(client, floor))

    counts = {
        label: (
            queries(lambda client=client, url=real: get(client, url), real, args.sql),
            queries(lambda client=client, url=floor: get(client, url), floor, args.sql),
        )
        for label, client, real, floor in scenarios
    }

    print(f"\nMedian aus {args.rounds} Runden (abwechselnd, nach {args.warmup} zum Aufwärmen):\n")
    header = f"{'Szenario':<34}{'echt ms':>9}{'Boden ms':>10}{'Faktor':>8}{'SQL echt':>10}"
    print(header + f"{'SQL Boden':>11}")
    print("-" * (len(header) + 11))
    for label, (real_ms, floor_ms) in times.items():
        real_median, floor_median = statistics.median(real_ms), statistics.median(floor_ms)
        real_queries, floor_queries = counts[label]
        print(
            f"{label:<34}{real_median:>9.2f}{floor_median:>10.2f}"
            f"{real_median / floor_median:>8.2f}{real_queries:>10}{floor_queries:>11}"
        )
    print(
        "\nSQL: Abfragen je Anfrage, einschließlich Sitzung und Benutzer (Middleware). "
        "Boden: Zeilen und Gesamtzahl in einer Abfrage, Verbandsauswahl vorab geladen."
    )
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print("HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF-Token).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the SQL of each request")
    args = parser.parse_args()

    in_test_database(run, args, bench_urlconf())


if __name__ == "__main__":
    main()
