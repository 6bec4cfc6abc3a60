"""Benchmark: the unpaginated pages (status overview, coverage matrix) and the overview PDF
at N × 404 rows, in CPU time of this process as well as wall time.

Run: ``DATABASE_URL=postgres://…/rw_mine .venv/bin/python bench/unpaginated.py [--seed N]
[--rounds 7] [--warmup 2] [--pdf-rounds 0] [--markdown FILE]``.

Like ``lists.py`` it works in the database that DATABASE_URL names (take one of your own:
it writes into it), so that 4× Germany is seeded once: ``--seed N`` runs ``seed_scale
--factor N`` (after ``migrate``, then ``VACUUM ANALYZE``). No state has more than a
quarter of the jobcenters, and both pages show one state's: so all jobcenters but
Hamburg's are moved to Bavaria with their accessions and measures, as ``renderings.py``
does (``gather_jobcenters``; once, the database keeps it): at ``--seed 4`` Bavaria's
agreement has 1,616 jobcenters, at ``--seed 1`` 404.

It times, as an administrator through django.test.Client (all middleware), the status
overview (``overviews:status``) and the coverage matrix (``measures:coverage``) of that
agreement, interleaved, each after a garbage collection, and reports CPU time (what the
request costs this process: the machine is shared, and wall time mostly measures the other
processes) and wall time, median and best, with size and queries. Issue 15's goal: at 1,616
rows at most 0.5 s server time. With ``--pdf-rounds`` it also times
``documents.overview_pdf`` of the same agreement (goal at 404 rows: 3 s) the same way.
"""

import gc
import io
import os
import time

import renderings  # gather_jobcenters, as renderings.py measures the PDF
from common import Table, get, machine, median, parser
from django.core.management import call_command
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from accounts.models import User
from jobcenters.models import Jobcenter
from reports import documents
from reports.models import Rendering, RenderingKind

GOALS = {"page": 0.5, "pdf": 3.0}  # seconds: at 1,616 rows (pages), at 404 rows (PDF)


def prepare(seed):
    call_command("migrate", verbosity=0)
    if seed:
        call_command("seed_scale", force=True, factor=int(seed), stdout=io.StringIO())
    if Jobcenter.objects.exclude(state__in=[renderings.MANY, renderings.ONE]).exists():
        renderings.gather_jobcenters()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return renderings.seed_agreement(renderings.MANY)


def timed(function):
    """(CPU seconds of this process, wall seconds) of ``function()``."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return time.process_time() - cpu, time.perf_counter() - wall


def main():
    arguments = parser(__doc__, rounds=7, warmup=2)
    arguments.add_argument("--seed", help="N: seed_scale --factor N first")
    arguments.add_argument("--pdf-rounds", type=int, default=0)
    args = arguments.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("unpaginated.py braucht PostgreSQL (DATABASE_URL).")
    agreement = prepare(args.seed)
    started = machine()
    render = Template._render
    setup_test_environment()
    Template._render = render  # no context copies of the test client's instrumentation
    admin, _created = User.objects.get_or_create(
        username="bench-unpaginated", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin, backend=renderings.BACKEND)
    rows = Jobcenter.objects.filter(state=agreement.state).count()
    pages = {
        "Statusübersicht": reverse("overviews:status", args=[agreement.pk]),
        "Matrix (Abdeckung)": reverse("measures:coverage", args=[agreement.pk]),
    }
    functions = {label: (lambda url=url: get(client, url)) for label, url in pages.items()}
    for _round in range(args.warmup):
        for function in functions.values():
            function()
    samples = {label: [] for label in functions}
    for _round in range(args.rounds):
        for label, function in functions.items():
            samples[label].append(timed(function))
    rendering = Rendering(kind=RenderingKind.OVERVIEW, agreement=agreement)
    if args.pdf_rounds:
        documents.overview_pdf(rendering)  # fonts, WeasyPrint's imports
        samples["Übersicht-PDF"] = [
            timed(lambda: documents.overview_pdf(rendering)) for _round in range(args.pdf_rounds)
        ]
    table = Table(
        f"Ungepaginierte Seiten und Übersicht-PDF, {rows} Zeilen: Median aus {args.rounds} "
        f"Runden (PDF {args.pdf_rounds}), nach {args.warmup} zum Aufwärmen",
        ["Seite", "CPU s", "CPU best s", "Wand s", "Ziel s", "erfüllt (CPU)", "KB", "SQL"],
    )
    for label, times in samples.items():
        cpu = median([sample[0] for sample in times])
        goal = GOALS["pdf"] if label == "Übersicht-PDF" else GOALS["page"]
        if label in pages:
            with CaptureQueriesContext(connection) as captured:
                response = get(client, pages[label])
            size, sql = len(response.content) / 1024, len(captured)
        else:
            size, sql = len(documents.overview_pdf(rendering)[0]) / 1024, "–"
        table.add(
            label,
            cpu,
            min(sample[0] for sample in times),
            median([sample[1] for sample in times]),
            goal,
            "ja" if cpu <= goal else "nein",
            size,
            sql,
        )
    table.note(
        f"{started} (am Ende: {', '.join(f'{v:.1f}' for v in os.getloadavg())}); als "
        "Administration, alle Jobcenter außer Hamburgs in Bayern. CPU: Prozesszeit dieses "
        "Prozesses (ohne die Datenbank), Wand: Uhrzeit. SQL einschließlich Sitzung und Benutzer."
    )
    table.show(args)


if __name__ == "__main__":
    main()
