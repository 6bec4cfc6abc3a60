"""Benchmark: every paginated list, page 1 and the last page, against the stock Django
admin changelist of the same rows and scope, and against the same page at demo size.

Run: ``DATABASE_URL=postgres://…/rw_mine .venv/bin/python bench/lists.py [--seed demo|N]
[--rounds 15] [--warmup 3] [--json FILE] [--against FILE] [--markdown FILE]``.

Unlike the other scripts it works in the database that DATABASE_URL names, so that 4×
Germany is seeded once and measured as often as needed: ``--seed demo`` loads the demo
data (``load_demo``), ``--seed N`` runs ``seed_scale --factor N`` (both after
``migrate``, then ``VACUUM ANALYZE``); without ``--seed`` the database is used as it is (after
``migrate``: new indexes). It writes into that database (its users ``bench-lists-…``):
take one of your own.

For each list it times, interleaved in one run, the real page and the admin changelist
of ``bench_urls`` (a plain ``ModelAdmin`` with the list's columns over the same rows, 50
a page, mounted only here) as the same signed-in user, page 1 and the last page, and
reports real/admin (goal ≤ 0.7). A list keeps its filter choices and its count per data
state (``core.forms.remembered``, ``core.paging.counts``): "frisch" is the real page with
nothing kept, as its first load after a change. ``--json FILE`` keeps the medians;
``--against FILE`` (a run at demo size) adds the factor against the same page there
(goal ≤ 1.3); ``--demo NAME`` (a database on the same server, seeded with ``--seed demo
--prepare-only``) measures the pages at demo size in the same run instead, interleaved with
the others: one run, as the goal asks.
"""

import cProfile
import io
import json
import os
import pstats
import time

from common import Table, get, machine, median, parser, ratio, timed_call
from django.core.management import call_command
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User
from agreements.models import FrameworkAgreement
from circulars.models import Circular
from core import forms as core_forms
from core import paging as core_paging
from jobcenters.models import Jobcenter
from measures.access import catalogue_measures, visible_measures
from measures.models import Measure

STATE = State.NW  # the demo's state: the same scope at every size
PAGE_SIZE = 50
BACKEND = "django.contrib.auth.backends.ModelBackend"


def prepare(seed):
    call_command("migrate", verbosity=0)
    if seed == "demo":
        from demo.nrw import load_demo

        load_demo()
    elif seed:
        call_command("seed_scale", force=True, factor=int(seed), stdout=io.StringIO())
    # VACUUM as well as ANALYZE: autovacuum does both soon after a bulk insert, and only a
    # vacuumed table answers a count from its index alone (index-only scan).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def users():
    admin, _created = User.objects.update_or_create(
        username="bench-lists-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    ministry, _created = User.objects.update_or_create(
        username="bench-lists-ministerium",
        defaults={
            "organisation": Organisation.objects.get(state=STATE, kind=OrganisationKind.MINISTRY),
            "role": Role.MINISTRY_STAFF,
        },
    )
    association, _created = User.objects.update_or_create(
        username="bench-lists-landkreistag",
        defaults={
            "organisation": Organisation.objects.get(
                state=STATE,
                kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
                member_region_kind=RegionKind.KREIS,
            ),
            "role": Role.ASSOCIATION_STAFF,
        },
    )
    return {"admin": admin, "ministry": ministry, "association": association}


def last_page(count):
    return max(1, -(-count // PAGE_SIZE))


def scenarios(by_user):
    """(label, user, real URL, admin URL or None, rows) of page 1 and the last page."""
    agreement = FrameworkAgreement.objects.filter(state=STATE).order_by("pk").first()
    os.environ["BENCH_AGREEMENT"] = str(agreement.pk)
    lists = [
        (
            "Maßnahmen, Admin",
            "admin",
            reverse("measures:list"),
            "/bench-admin/measures/measure/",
            visible_measures(by_user["admin"]).count(),
        ),
        (
            "Maßnahmen, Ministerium",
            "ministry",
            reverse("measures:list"),
            "/bench-admin/measures/measure/",
            visible_measures(by_user["ministry"]).count(),
        ),
        (
            "Maßnahmen, Landkreistag",
            "association",
            reverse("measures:list"),
            "/bench-admin/measures/measure/",
            visible_measures(by_user["association"]).count(),
        ),
        (
            "Jobcenter, Admin",
            "admin",
            reverse("jobcenters:list"),
            "/bench-admin/jobcenters/jobcenter/",
            Jobcenter.objects.count(),
        ),
        (
            "Jobcenter mit Stand, Ministerium",
            "ministry",
            reverse("accessions:jobcenters", args=[agreement.pk]),
            "/bench-admin-stand/jobcenters/jobcenter/",
            Jobcenter.objects.filter(state=STATE).count(),
        ),
        (
            "Katalog, öffentlich",
            None,
            reverse("catalogue:list"),
            None,
            catalogue_measures().count(),
        ),
        (
            "Rundschreiben, Admin",
            "admin",
            reverse("circulars:list"),
            None,
            Circular.objects.count(),
        ),
    ]
    result = []
    for label, user, url, admin, rows in lists:
        last = last_page(rows)
        result.append((f"{label}, Seite 1", user, url, admin, rows))
        result.append(
            (
                f"{label}, letzte Seite",
                user,
                f"{url}?seite={last}",
                f"{admin}?p={last}" if admin else None,
                rows,
            )
        )
    return result


def calls(client, url):
    """Python function calls of one request (cProfile): a count the machine's load does
    not change, unlike the milliseconds."""
    get(client, url)
    profile = cProfile.Profile()
    profile.enable()
    get(client, url)
    profile.disable()
    return pstats.Stats(profile).total_calls


def explained(client, url):
    """The planner's total cost of the request's queries (``EXPLAIN``, the top node's
    estimate summed): what the database is asked to do, also independent of the load."""
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    cost = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            cost += cursor.fetchone()[0][0]["Plan"]["Total Cost"]
    return cost


def use_database(name):
    """Point the connection at the database ``name`` on the same server (a reconnect);
    what was kept came from the other one, so it is forgotten."""
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
        forget()


def primed(side, run):
    """Before a timed load: the database ``side``, and what the page keeps kept (one load)."""

    def before():
        use_database(side)
        run()

    return before


def forgotten(side):
    """Before a timed load: the database ``side``, and nothing kept."""

    def before():
        use_database(side)
        forget()

    return before


def switched(side):
    return lambda: use_database(side)


def forget():
    """Nothing kept: the page reads its filter choices and counts its rows again."""
    core_forms.remembered.clear()
    core_paging.counts.clear()


def measure(client, url):
    def run():
        get(client, url)

    return run


def main():
    arguments = parser(__doc__, rounds=15, warmup=3)
    arguments.add_argument("--seed", help="'demo' (load_demo) or N (seed_scale --factor N)")
    arguments.add_argument("--json", help="write the medians to this file")
    arguments.add_argument(
        "--demo",
        help="a database on the same server with load_demo (--seed demo): the demo-size "
        "pages are measured in this run, interleaved",
    )
    arguments.add_argument(
        "--prepare-only", action="store_true", help="seed or migrate (--seed), then stop"
    )
    arguments.add_argument("--against", help="the --json file of a run at demo size")
    arguments.add_argument("--only", help="only the lists whose label contains this text")
    arguments.add_argument(
        "--calls",
        action="store_true",
        help="also count function calls per request (cProfile) and sum EXPLAIN costs",
    )
    args = arguments.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("lists.py braucht PostgreSQL (DATABASE_URL).")
    big = connection.settings_dict["NAME"]
    sides = [big, *([args.demo] if args.demo else [])]
    start = time.perf_counter()
    for side in sides:
        use_database(side)
        prepare(args.seed if side == big else None)
    seeded = time.perf_counter() - start
    if args.prepare_only:
        return
    render = Template._render
    setup_test_environment()
    # The test client's template instrumentation copies every context it renders: a cost
    # no real request pays (as ``common.in_test_database``).
    Template._render = render
    with override_settings(ROOT_URLCONF="bench_urls"):
        by_side = {}
        # The big database last: ``scenarios`` names its agreement to the admin of
        # ``bench_urls`` (BENCH_AGREEMENT), whose changelists run there only.
        for side in reversed(sides):
            use_database(side)
            clients = {None: Client()}
            by_user = users()
            for key, user in by_user.items():
                client = Client()
                client.force_login(user, backend=BACKEND)
                clients[key] = client
            pages = [page for page in scenarios(by_user) if (args.only or "") in page[0]]
            by_side[side] = (pages, clients)
        pages, clients = by_side[big]
        # Per list: (label, run, before) for the real page, the fresh one, the admin's
        # changelist and the real page at demo size (``--demo``), each after its
        # ``before`` (untimed): the database it reads, and what is kept or forgotten.
        functions = {}
        for label, user, url, admin, _rows in pages:
            real = measure(clients[user], url)
            functions[label] = [
                ("real", real, primed(big, real)),
                ("fresh", measure(clients[user], url), forgotten(big)),
            ]
            if admin:
                functions[label].append(("admin", measure(clients[user], admin), switched(big)))
        if args.demo:
            demo_pages, demo_clients = by_side[args.demo]
            for label, user, url, _admin, _rows in demo_pages:
                if label in functions:
                    demo = measure(demo_clients[user], url)
                    functions[label].append(("demo", demo, primed(args.demo, demo)))
        for _round in range(args.warmup):
            for runs in functions.values():
                for _kind, run, before in runs:
                    before()
                    run()
        times = {label: {kind: [] for kind, *_ in runs} for label, runs in functions.items()}
        for _round in range(args.rounds):
            for label, runs in functions.items():
                for kind, run, before in runs:
                    times[label][kind].append(timed_call(run, before=before))
        use_database(big)
        sizes, sql = {}, {}
        for label, user, url, admin, _rows in pages:
            get(clients[user], url)  # what the page keeps, as in the timed loads
            with CaptureQueriesContext(connection) as captured:
                response = get(clients[user], url)
            sizes[label] = len(response.content) / 1024
            sql[label] = [len(captured)]
            if admin:
                with CaptureQueriesContext(connection) as captured:
                    get(clients[user], admin)
                sql[label].append(len(captured))
        counted = {}
        if args.calls:
            for label, user, url, admin, _rows in pages:
                targets = [url, admin] if admin else [url]
                counted[label] = [
                    (calls(clients[user], target), explained(clients[user], target))
                    for target in targets
                ]
    against = {}
    if args.against:
        with open(args.against) as file:
            against = json.load(file)
    result = {}
    headers = ["Liste", "Zeilen", "echt ms", "Admin ms", "echt/Admin", "Ziel ≤ 0,70"]
    headers += ["frisch ms", "frisch/Admin"]
    headers += ["Demo ms", "echt/Demo", "Ziel ≤ 1,30", "KB", "SQL echt / Admin"]
    if args.calls:
        headers += ["Aufrufe echt / Admin", "EXPLAIN-Kosten echt / Admin"]
    table = Table(
        f"Listen, {Measure.objects.count()} Maßnahmen, {Jobcenter.objects.count()} Jobcenter: "
        f"Median aus {args.rounds} Runden (abwechselnd, nach {args.warmup} zum Aufwärmen)",
        headers,
    )
    for label, _user, _url, admin, rows in pages:
        real = median(times[label]["real"])
        fresh = median(times[label]["fresh"])
        stock = median(times[label]["admin"]) if admin else None
        if args.demo:
            demo = median(times[label]["demo"]) if "demo" in times[label] else None
        else:
            demo = against.get(label, {}).get("real")
        result[label] = {"real": real, "fresh": fresh, "admin": stock, "kb": sizes[label]}
        extra = []
        if args.calls:
            result[label]["calls"] = counted[label]
            extra = [
                " / ".join(f"{count / 1000:.0f}k" for count, _cost in counted[label]),
                " / ".join(f"{cost:.0f}" for _count, cost in counted[label]),
            ]
        table.add(
            label,
            rows,
            real,
            stock,
            ratio(real, stock) if stock else None,
            ("ja" if real / stock <= 0.7 else "nein") if stock else "–",
            fresh,
            ratio(fresh, stock) if stock else None,
            demo,
            ratio(real, demo) if demo else None,
            ("ja" if real / demo <= 1.3 else "nein") if demo else "–",
            sizes[label],
            " / ".join(str(count) for count in sql[label]),
            *extra,
        )
    table.note(
        f"{machine()}; vorbereitet in {seeded:.0f} s. Admin: `bench_urls`, ein schlichter "
        "`ModelAdmin` mit den Spalten der Liste über denselben Zeilen, 50 je Seite, als "
        "derselbe Benutzer. Frisch: die echte Seite, ohne behaltene Auswahl und Zählung "
        "(ihr erster Aufruf nach einer Änderung). Demo: derselbe Link in der Datenbank mit "
        + (
            f"`load_demo` ({args.demo}), in diesem Lauf abwechselnd mit den anderen gemessen. "
            if args.demo
            else "`load_demo` aus einem anderen Lauf (`--against`). "
        )
        + "SQL einschließlich Sitzung und Benutzer."
    )
    table.show(args)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(result, file, indent=1)


if __name__ == "__main__":
    main()
