"""The harness every benchmark script imports first: settings, a throwaway database seeded at
a given scale, timing with repetitions and medians, ratios against floors and goals, and
the results as a markdown table (printed, and appended to ``--markdown FILE``).

Importing it sets up Django (production settings: ``DJANGO_DEBUG`` off, plain HTTP on
loopback, no static manifest) unless the script did so itself. Never imported by the
test suite: ``pytest`` collects only ``tests/`` (``testpaths``), and nothing here is
named ``test_*``.
"""

import argparse
import gc
import io
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Production settings, as docker-compose runs them, but over plain HTTP on loopback.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench",
    "DJANGO_HTTPS": "false",
    "DJANGO_STATIC_MANIFEST": "false",
}
for _name, _value in BENCH_ENV.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()


def quiet():
    """WeasyPrint logs every step of every render at INFO, django-axes every login."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    logging.getLogger("axes").setLevel(logging.WARNING)


quiet()

from django import forms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Window  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)

from core import paging  # noqa: E402
from core.paging import with_page_links  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"
GERMANY = {"jobcenters": 405, "measures": 20_000}


# Arguments


def parser(doc, *, rounds, warmup=3):
    """The arguments every script takes; a script adds its own."""
    result = argparse.ArgumentParser(description=doc.splitlines()[0])
    result.add_argument("--rounds", type=int, default=rounds)
    result.add_argument("--warmup", type=int, default=warmup, help="rounds before the timed ones")
    result.add_argument(
        "--factor", type=int, default=1, help="seed_scale --factor: N times Germany (405 × N)"
    )
    result.add_argument("--sql", action="store_true", help="print the SQL of each request")
    result.add_argument("--markdown", type=Path, help="append the result tables to this file")
    return result


# The database


def in_test_database(run, args, urlconf, name):
    """``run(args)`` in a throwaway test database ``test_bench_<name>`` (never one of the
    test suite's), with ``urlconf``, rendering as production."""
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"test_bench_{name}"
    template_render = Template._render
    setup_test_environment()
    # The test client's template instrumentation copies every context it renders: a
    # cost no real request pays. Render as in production.
    Template._render = template_render
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF=urlconf):
            run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def seed(factor=1, *, demo=False):
    """The demo data (with ``demo``) and ``seed_scale --factor``; ``ANALYZE`` afterwards, as
    autovacuum would soon do after such an insert (without statistics the planner assumes a
    handful of rows, and autovacuum would gather them at some moment in the middle of the
    run). Returns the seconds it took."""
    start = time.perf_counter()
    if demo:
        from demo.nrw import load_demo

        load_demo()
    call_command("seed_scale", force=True, factor=factor, stdout=io.StringIO())
    analyze()
    return time.perf_counter() - start


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def machine():
    """One line on where and when this ran: the numbers mean nothing without it."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{time.strftime('%d.%m.%Y %H:%M UTC', time.gmtime())}, {connection.vendor}, "
        f"{os.cpu_count()} Kerne, Last {load}"
    )


# Clients and requests


def clients(users):
    result = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user, backend=BACKEND)
        result[key] = client
    return result


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    return response


def timed(client, url):
    start = time.perf_counter()
    get(client, url)
    return (time.perf_counter() - start) * 1000


def timed_call(function, before=None):
    """Milliseconds of ``function()`` (after ``before()``, not timed). A render allocates
    megabytes: collect what the one before left, not during this one."""
    if before is not None:
        before()
    gc.collect()
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def queries(function, label, show_sql):
    """How many SQL queries ``function()`` runs (printed with ``show_sql``)."""
    with CaptureQueriesContext(connection) as captured:
        function()
    if show_sql:
        print(f"\n-- {label}")
        for query in captured.captured_queries:
            print(f"   {query['sql'][:300]}")
    return len(captured)


def interleaved(scenarios, rounds, warmup):
    """Every function of ``scenarios`` ({label: [function, …]}) once a round, in turn, after
    ``warmup`` rounds; returns {label: [[ms, …] per function]}."""
    for _round in range(warmup):
        for functions in scenarios.values():
            for function in functions:
                function()
    times = {label: [[] for _function in functions] for label, functions in scenarios.items()}
    for _round in range(rounds):
        for label, functions in scenarios.items():
            for samples, function in zip(times[label], functions, strict=True):
                samples.append(timed_call(function))
    return times


def time_pages(pages, args):
    """Times every page of ``pages`` (each with ``label``, ``requests()``: (client, url)
    pairs, the real page first and the floor second, and ``floor``) interleaved, and the
    floor's template alone last; sets each page's ``times`` (medians come later) and
    ``queries`` (SQL of each request)."""
    times = interleaved(
        {
            page.label: [
                lambda client=client, url=url: timed(client, url) for client, url in page.requests()
            ]
            + [template_alone(page.floor)]
            for page in pages
        },
        args.rounds,
        args.warmup,
    )
    for page in pages:
        page.times = times[page.label]
        page.queries = tuple(
            queries(lambda client=client, url=url: get(client, url), url, args.sql)
            for client, url in page.requests()
        )


# Floors


class Rows:
    """One page of rows posing as the whole list for the Paginator (count from the query)."""

    def __init__(self, rows, total, offset):
        self.rows, self.total, self.offset = rows, total, offset

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.rows[index.start - self.offset : index.stop - self.offset]


def page_number(request):
    try:
        return max(1, int(request.GET.get("seite", 1)))
    except ValueError:
        return 1


def values_page(queryset, fields, request, page_size, *, anchored=True):
    """The page of ``queryset`` the request asks for, from ONE ``.values()`` query (the total
    comes with it as a window function): what a floor may cost for its rows."""
    number = page_number(request)
    offset = (number - 1) * page_size
    rows = list(
        queryset.annotate(total=Window(Count("pk"))).values(*fields, "total")[
            offset : offset + page_size
        ]
    )
    total = rows[0]["total"] if rows else 0
    page = with_page_links(Paginator(Rows(rows, total, offset), page_size).get_page(number))
    return (with_anchors(page, queryset, rows) if anchored else page), rows


def with_anchors(page, queryset, rows):
    """The links to nearby pages with the anchors the real page gives them
    (``core.paging.with_page_links`` reads them from its own paginator's queryset): the
    floor writes the same HTML."""
    if not rows or paging._order(queryset) is None:
        return page
    before = f"vor={page.number}.{paging._pk(rows[0])}"
    after = f"nach={page.number}.{paging._pk(rows[-1])}"
    page.previous_anchor, page.next_anchor = before, after
    for link in page.page_links:
        if link is not None and 0 < abs(link.number - page.number) <= paging.NEARBY:
            link.anchor = after if link.number > page.number else before
    return page


def empty_form(form_class, data=None, **kwargs):
    """The page's real filter form (bound to ``data`` if given) with no model choices to
    offer: a floor renders its fields but queries nothing for them and preloads nothing.
    What the real form's choices cost (an option per jobcenter) shows as the difference."""
    form = form_class(data, **kwargs)
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = field.queryset.none()
            # A field that reads its choices with others (``core.forms.read_choices``)
            # would still read them, or their data-state key: it reads its queryset now.
            field.reader = None
    return form


def comparable(html, choices=("association",)):
    """A page's HTML without its CSRF token and without the options of the ``choices``
    selects, which a floor's filter form does not offer (``empty_form``): what real and
    floor must share."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for name in choices:
        html = re.sub(
            rf'(<select name="{name}"[^>]*>).*?</select>', r"\1</select>", html, flags=re.S
        )
    return html


class Warnings(logging.Handler):
    """Collects the warnings of a logger (WeasyPrint's: a missing font, a refused URL)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# Results


def median(samples):
    return statistics.median(samples)


def percentile(samples, share):
    """The nearest-rank percentile (``share`` 0.95 for p95) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


class Ratio(float):
    """A factor: always shown with two decimals, whatever the table's other numbers."""


def ratio(real, floor):
    return Ratio(real / floor if floor else float("inf"))


def verdict(value, goal):
    """'ja' if ``value`` is at most ``goal``, else 'nein'; '–' without a goal."""
    if goal is None:
        return "–"
    return "ja" if value <= goal else "nein"


def number(value, digits=2):
    """German decimals, as the README's tables have them."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Ratio):
        digits = 2
    return f"{value:.{digits}f}".replace(".", ",")


class Table:
    """A markdown table: printed by ``show``, appended to ``--markdown FILE`` as well."""

    def __init__(self, title, headers):
        self.title, self.headers, self.rows, self.notes = title, headers, [], []

    def add(self, *cells, digits=2):
        self.rows.append([number(cell, digits) for cell in cells])

    def note(self, text):
        self.notes.append(text)

    def markdown(self):
        lines = [f"**{self.title}**", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "---|" * len(self.headers))
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines) + "\n"

    def show(self, args):
        text = self.markdown()
        print("\n" + text)
        if getattr(args, "markdown", None):
            with args.markdown.open("a") as file:
                file.write("\n" + text)


RENDERED = {}  # path -> (template, context, request) of a floor's last render


def render_floor(request, template, context):
    """``render`` for a floor view, recording what it rendered: ``template_alone`` times
    the same template with the same context again, without request, middleware or SQL."""
    from django.shortcuts import render

    RENDERED[request.get_full_path()] = (template, context, request)
    return render(request, template, context)


def template_alone(url):
    """A function rendering the template of the floor last served at ``url`` again."""
    from django.template.loader import render_to_string

    def again():
        template, context, request = RENDERED[url.removesuffix("?")]
        return render_to_string(template, context, request)

    return again
