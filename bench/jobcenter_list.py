"""Benchmark: the jobcenter list (/jobcenter/) against its floor, for all of Germany.

Run: ``.venv/bin/python bench/jobcenter_list.py [--rounds 30] [--warmup 5] [--factor 1]
[--sql] [--markdown FILE]`` (or ``make bench``). Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (``common.in_test_database``), fills it with
``seed_scale --factor`` (405 × factor jobcenters, 16 states), and then times, interleaved
in one run, each scenario three times:

- real:  the real list view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace,
  which fetches the page's rows with ONE ``.values()`` query (the total count comes
  with it as a window function) and renders the page's real template. Its filter form is
  the real one offering no association (nothing preloaded, nothing queried for it);
- template: the floor's template with the floor's context rendered again, without
  request and SQL: how much of the page the template alone costs, so that a heavy
  template shows even when real and floor are close.

The floor must produce the same HTML as the real view, but for the association options.
"""

import difflib
import sys
import types

from common import (
    Table,
    clients,
    comparable,
    empty_form,
    get,
    in_test_database,
    interleaved,
    machine,
    median,
    parser,
    queries,
    ratio,
    render_floor,
    seed,
    template_alone,
    timed,
    values_page,
)
from django.urls import include, path, reverse

from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User
from core.paging import PAGE_SIZE
from jobcenters import urls as jobcenter_urls
from jobcenters.access import visible_jobcenters
from jobcenters.forms import JobcenterFilterForm
from jobcenters.models import Jobcenter, JobcenterForm
from jobcenters.views import jobcenter_rows

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


REGION_KIND_LABELS = dict(RegionKind.choices)
FORM_LABELS = dict(JobcenterForm.choices)


def floor_view(request):
    # The real form, bound to the same query, but offering no association to choose: it
    # filters and sorts with no query of its own (no association is chosen here).
    jobcenters = visible_jobcenters(request.user).with_association()
    filters = empty_form(JobcenterFilterForm, request.GET, jobcenters=jobcenters)
    page, rows = values_page(
        filters.filter(jobcenters),
        ["pk", "name", "region", "region_kind", "form", "association_name"],
        request,
        PAGE_SIZE,
    )
    # The rows as the view hands them to the template (plain values, labels from a table).
    page.object_list = jobcenter_rows(rows)
    query = request.GET.copy()
    query.pop("seite", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return render_floor(
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
    html = comparable(html)
    return html.replace(reverse(f"jobcenters:{FLOOR_URL_NAME}"), reverse("jobcenters:list"))


def run(args):
    seconds = seed(args.factor)
    users = create_users()
    visible = {key: visible_jobcenters(user).count() for key, user in users.items()}
    print(
        f"{machine()}; {Jobcenter.objects.count()} Jobcenter angelegt in {seconds:.1f} s; "
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

    times = interleaved(
        {
            label: [
                lambda client=client, url=real: timed(client, url),
                lambda client=client, url=floor: timed(client, url),
                template_alone(floor),
            ]
            for label, client, real, floor in scenarios
        },
        args.rounds,
        args.warmup,
    )
    counts = {
        label: (
            queries(lambda client=client, url=real: get(client, url), real, args.sql),
            queries(lambda client=client, url=floor: get(client, url), floor, args.sql),
        )
        for label, client, real, floor in scenarios
    }

    table = Table(
        f"Jobcenter-Liste, Faktor {args.factor}: Median aus {args.rounds} Runden "
        f"(abwechselnd, nach {args.warmup} zum Aufwärmen)",
        ["Szenario", "echt ms", "Boden ms", "echt/Boden", "davon Vorlage ms", "SQL echt / Boden"],
    )
    for label, (real_ms, floor_ms, template_ms) in times.items():
        real_queries, floor_queries = counts[label]
        table.add(
            label,
            median(real_ms),
            median(floor_ms),
            ratio(median(real_ms), median(floor_ms)),
            median(template_ms),
            f"{real_queries} / {floor_queries}",
        )
    table.note(
        "Boden: dieselbe Vorlage mit den Zeilen und der Gesamtzahl aus einer `.values()`-Abfrage; "
        "das echte Filterformular ohne Verbände zur Auswahl, nichts vorab geladen. Vorlage: "
        "dieselbe Vorlage mit demselben Kontext noch einmal, ohne Anfrage und SQL. SQL "
        "einschließlich Sitzung und Benutzer (Middleware)."
    )
    table.show(args)
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print("HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF und Verbände).")


def main():
    args = parser(__doc__, rounds=30, warmup=5).parse_args()
    in_test_database(run, args, bench_urlconf(), "jobcenter_list")


if __name__ == "__main__":
    main()
