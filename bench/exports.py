"""Benchmark: exports: the web worker's memory after a big export, the CSV's first byte.

Run: ``.venv/bin/python bench/exports.py [--factor 4] [--rounds 1] [--markdown FILE]``.
Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (``common.in_test_database``), fills it with
``seed_scale --factor`` (20,000 × factor measures) and exports every measure as an
administrator sees them (the biggest export there is). Each measurement runs in a fresh
Python process of its own (``multiprocessing``, spawned, never forked: a process keeps the
memory it once took, so one measurement would inflate the next):

1. The web worker: a process that serves requests through django.test.Client (all
   middleware, logged in). ``VmRSS`` after a warm-up (a CSV export and an XLSX button of
   no rows: the imports and the broker's connection a worker has after its first) against after
   the full CSV export (streamed to its end, every chunk read and dropped, as a client
   downloads it) and then the XLSX button (which only records the ``Export`` row). The goal:
   at most 1.1×. Time to the first byte of the CSV, and to its last.
2. The XLSX as the web worker built it before (the rows of a fully evaluated queryset as a
   list, the workbook in memory): the same warm-up and ``VmRSS``, for comparison.
3. The worker's task (``reports.tasks.build_export`` run in the process): its time and
   how much its peak memory (``VmHWM``) rose.
"""

import gc
import io
import multiprocessing
import tempfile
import time

from common import Table, in_test_database, machine, parser, seed
from django.db import connection

MB = 1024 * 1024


def _status(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def _child_setup(database, media):
    """The bench's test database and media folder; tasks go to a broker nobody reads (the
    web worker must not run the export itself, as eager tasks would)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from config.celery import app as celery_app

    connection.settings_dict["NAME"] = database
    settings.STORAGES["default"]["OPTIONS"] = {"location": media, "base_url": None}
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    setup_test_environment()


def _client(user_pk):
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_pk))
    return client


def _warm_up(client):
    """Imports, templates, the session, the broker's connection: what every worker has
    loaded after its first exports (a CSV and an XLSX button of no rows)."""
    from django.urls import reverse

    response = client.get(reverse("measures:export-csv"), {"q": "gibt es nicht"})
    b"".join(response.streaming_content)
    client.post(reverse("measures:export-xlsx") + "?q=gibt+es+nicht")
    gc.collect()


def web_worker(database, media, user_pk, queue):
    """1. The new exports in a web worker: memory before and after, the CSV's timing."""
    _child_setup(database, media)
    from django.urls import reverse

    client = _client(user_pk)
    _warm_up(client)
    before = _status("VmRSS")
    start = time.perf_counter()
    response = client.get(reverse("measures:export-csv"))
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first_byte = time.perf_counter() - start
    for chunk in chunks:
        size += len(chunk)
    last_byte = time.perf_counter() - start
    gc.collect()
    after_csv = _status("VmRSS")
    start = time.perf_counter()
    button = client.post(reverse("measures:export-xlsx"))
    request = time.perf_counter() - start
    gc.collect()
    queue.put(
        {
            "before": before,
            "after_csv": after_csv,
            "after": _status("VmRSS"),
            "peak": _status("VmHWM"),
            "first_byte": first_byte,
            "last_byte": last_byte,
            "size": size,
            "xlsx_request": request,
            "xlsx_status": button.status_code,
            "export": int(button["Location"].rstrip("/").split("/")[-1]),
        }
    )


def old_web_worker(database, media, user_pk, queue):
    """2. The XLSX as the web worker built it before this change, in memory."""
    _child_setup(database, media)
    from django.http import QueryDict

    from accounts.models import User
    from core.exports import Table as ExportTable
    from core.exports import write_xlsx
    from measures import views

    client = _client(user_pk)
    _warm_up(client)
    before = _status("VmRSS")
    start = time.perf_counter()
    _filters, measures = views._filter(User.objects.get(pk=user_pk), QueryDict(""))
    measures = measures.select_related("jobcenter", "agreement", "action_field").prefetch_related(
        "further_action_fields"
    )
    rows = [
        (
            measure.title,
            measure.jobcenter.name,
            measure.agreement.short_title,
            str(measure.action_field),
            "; ".join(str(field) for field in measure.further_action_fields.all()),
            measure.get_status_display(),
            measure.starts_on,
            measure.ends_on,
            measure.target_group,
            measure.partners,
            measure.locations,
            measure.contact_name,
            measure.get_publication_display(),
        )
        for measure in measures
    ]
    buffer = io.BytesIO()
    table = ExportTable("Maßnahmen", views.EXPORT_COLUMNS, rows, lambda: len(rows))
    write_xlsx(table, buffer)
    seconds = time.perf_counter() - start
    held = _status("VmRSS")
    queue.put({"before": before, "after": held, "seconds": seconds, "rows": len(rows)})


def worker_task(database, media, export_pk, queue):
    """3. The task as the worker runs it."""
    _child_setup(database, media)
    from reports.models import Export
    from reports.tasks import build_export

    gc.collect()
    before = _status("VmRSS")
    start = time.perf_counter()
    build_export.run(export_pk)
    seconds = time.perf_counter() - start
    export = Export.objects.get(pk=export_pk)
    queue.put(
        {
            "before": before,
            "peak": _status("VmHWM"),
            "seconds": seconds,
            "status": export.status,
            "rows": export.rows_done,
            "size": export.file.size if export.file else 0,
        }
    )


def _in_process(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get(timeout=1800)
    process.join(60)
    return result


def run(args):
    from accounts.models import User
    from measures.models import Measure

    seconds = seed(args.factor)
    admin = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True)
    database = connection.settings_dict["NAME"]
    measures = Measure.objects.count()
    print(f"{machine()}; seed_scale --factor {args.factor}: {measures} Maßnahmen, {seconds:.0f} s")
    with tempfile.TemporaryDirectory() as media:
        web = _in_process(web_worker, database, media, admin.pk)
        old = _in_process(old_web_worker, database, media, admin.pk)
        task = _in_process(worker_task, database, media, web["export"])
    problems = []
    if task["status"] != "done" or task["rows"] != measures:
        problems.append(f"Aufgabe: {task['status']}, {task['rows']} statt {measures} Zeilen")
    if web["xlsx_status"] != 302:
        problems.append(f"XLSX-Knopf: HTTP {web['xlsx_status']}")
    table = Table(
        f"Exporte, Faktor {args.factor} ({measures} Maßnahmen, alle als Administration)",
        ["Messung", "Wert", "Bezug", "Faktor", "Ziel", "erfüllt"],
    )
    ratio = web["after"] / web["before"]
    table.add(
        "Web-Worker, MB VmRSS: nach CSV-Export und XLSX-Knopf gegen vorher",
        web["after"] / MB,
        web["before"] / MB,
        ratio,
        1.1,
        "ja" if ratio <= 1.1 else "nein",
    )
    table.add(
        "  … nach dem CSV-Export allein",
        web["after_csv"] / MB,
        web["before"] / MB,
        web["after_csv"] / web["before"],
        "–",
        "–",
    )
    table.add(
        "Vorher: Web-Worker baut die XLSX im Speicher, MB VmRSS",
        old["after"] / MB,
        old["before"] / MB,
        old["after"] / old["before"],
        "–",
        "–",
    )
    table.add("CSV, s bis zum ersten Byte", web["first_byte"], "–", "–", "–", "–", digits=3)
    table.add(
        f"CSV, s bis zum letzten Byte ({web['size'] / MB:.1f} MB)",
        web["last_byte"],
        "–",
        "–",
        "–",
        "–",
    )
    table.add(
        "XLSX-Knopf (legt den Auftrag an), s", web["xlsx_request"], "–", "–", "–", "–", digits=3
    )
    table.add("Vorher: XLSX im Web-Worker, s", old["seconds"], "–", "–", "–", "–")
    table.add(
        f"Worker: XLSX schreiben, s ({task['size'] / MB:.1f} MB)",
        task["seconds"],
        "–",
        "–",
        "–",
        "–",
    )
    table.add(
        "Worker: Spitze VmHWM gegen VmRSS vorher, MB",
        task["peak"] / MB,
        task["before"] / MB,
        task["peak"] / task["before"],
        "–",
        "–",
    )
    table.note(
        "Jede Messung in einem eigenen, frisch gestarteten Python-Prozess; VmRSS nach einer "
        "Garbage Collection. Vorher: dieselben Zeilen wie die alte Ansicht als Liste aus dem "
        "ausgewerteten Queryset, die Arbeitsmappe im Speicher (wie `xlsx_response`)."
    )
    table.show(args)
    print("\n".join(problems) or "Jede Zeile exportiert, der XLSX-Auftrag ist fertig.")


def main():
    args = parser(__doc__, rounds=1, warmup=0).parse_args()
    in_test_database(run, args, "config.urls", "exports")


if __name__ == "__main__":
    main()
