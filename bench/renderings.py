"""Benchmark: PDF renderings, the circular task, the overview request and PDF, a worker's memory.

Run: ``.venv/bin/python bench/renderings.py [--rounds 10] [--overview-rounds 3]
[--request-rounds 100] [--worker-renders 50]`` (or ``make bench``). Set DATABASE_URL to
measure on PostgreSQL, and REDIS_URL as well for the worker's memory.

It builds a throwaway test database (Django's test utilities, like the test suite; on
PostgreSQL named ``test_bench_renderings``, never a database of the test suite), loads
the demo data (``demo.nrw.load_demo``: circular 151/18 of the Landkreistag NRW with
its attachments A1–A3) and ``seed_scale`` (405 jobcenters), and uploads go to a
temporary folder (``DJANGO_PRIVATE_MEDIA_ROOT``). Celery is never eager here: a task
that is started goes to the broker (Redis with REDIS_URL, else ``memory://``) and stays
there unless this script runs it.

1. Circular task end to end against bare WeasyPrint on the same HTML:
   ``reports.tasks.render.run(id)`` on a new ``Rendering`` row of the final circular
   151/18 (``rendering_start``; ``build_pdf``: letter, a separator page per attachment and
   the documents the system makes (A1 the agreement, A3 the accession form) laid out by
   WeasyPrint, the uploaded A2 put in by pikepdf; ``rendering_finish``: the file stored,
   the row marked done). The floor is ``weasyprint.HTML(string=html,
   base_url=static/)`` on the HTML of the same parts, rendered once beforehand as
   ``core.pdf`` renders it (German; the parts ``documents.circular_pdf`` hands to
   ``render_pdf_parts``, recorded on one call, not rebuilt here), each laid out on its own
   as ``render_pdf_parts`` does and written as one PDF: no PDF/UA-1, no uploaded
   attachment, no database, no file, WeasyPrint's own URL fetcher, and WeasyPrint loads
   the fonts for each part (its default). Lines in between show where the difference
   goes: ``build_pdf`` alone (no database, no file), all WeasyPrint parts through
   ``render_pdf_parts`` (PDF/UA-1, no pikepdf), the letter alone through it. A second
   floor is the first with one ``FontConfiguration`` and one ``URLFetcher`` for all parts,
   made once outside the timing, as ``core.pdf`` shares one and its fetcher loads no CA
   certificates: what the task adds to WeasyPrint used the same way. A third is bare
   ``write_pdf()`` on the letter's HTML alone: how much the separators and generated
   attachments add. Interleaved (every scenario and every floor once a round), each after
   a garbage collection; median and best of the rounds, in wall-clock time and in CPU time
   of this process (on a busy machine the wall clock mostly measures the others); then
   each part alone, bare, best of three.
2. The request that starts a status overview (``overviews:status-pdf``, POST through
   django.test.Client, logged in as an administrator) for many jobcenters against the
   one for one jobcenter. The request only creates the ``Rendering`` row and sends the
   task to the broker after the commit; nothing renders (checked: every row it made is
   still waiting and has its task id; one row per agreement, the later requests get it:
   ``services.overview_render`` makes one per data state). Alternating which goes first;
   the broker's ``reports`` queue is purged afterwards. In wall-clock time and in CPU
   time: this process's (``time.process_time``) plus its PostgreSQL backend's (the first
   field of ``/proc/<pid>/schedstat``, nanoseconds on a CPU; when the server runs on this
   machine), as the key's cost is mostly the database's.
   ``organisation_overview_jobcenters`` shows an administrator the jobcenters of the
   agreement's state, and no state has 405: so all jobcenters but Hamburg's one are moved
   to Bavaria with their accessions and measures (to the Bavarian agreement and its
   action fields of the same number): "many" is Bavaria's agreement with 404 jobcenters,
   "one" Hamburg's with its one jobcenter.
3. A real worker's memory after 50 renders against after the first: ``celery -A config
   worker --pool=solo --queues=celery,circulars,reports`` (as ``tests/conftest.py`` starts
   it) against the bench database; a draft built like 151/18 (same text, same three attachments) is
   rendered 50 times, one after the other (``services.circular_render``: a draft gets a
   new row each time), each awaited; ``VmRSS`` from ``/proc/<pid>/status`` once the
   worker is ready and after the 1st, 10th, 25th and 50th. Needs PostgreSQL and
   REDIS_URL, else skipped with a message.
4. The overview PDF, seconds per page: ``documents.build_pdf(rendering)`` for the 404
   jobcenters against the one-page profile of a jobcenter (``RenderingKind.PROFILE``;
   the first Bavarian jobcenter by name, left with three measures and its latest year of
   key figures so that its profile fills one page) and against Hamburg's overview of one
   jobcenter (one page); in between the Städtetag Bayern's overview (its members: the city
   jobcenters among the 404) to show how the time grows. Each is also timed against bare
   WeasyPrint on the same HTML (the parts recorded as above; an overview of 150 rows or
   more, which ``core.pdf.render_table_pdf`` sets in two processes here as in a worker,
   against bare WeasyPrint setting it whole in one). In wall-clock time: the child's CPU
   is not this process's. Interleaved; median and best.
"""

import atexit
import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Uploads and rendered PDFs of this run (and of its worker) go to a folder of their own:
# set before the harness sets up Django.
MEDIA = Path(tempfile.mkdtemp(prefix="bench_renderings_"))
atexit.register(shutil.rmtree, MEDIA, ignore_errors=True)
os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(MEDIA)

import pikepdf  # noqa: E402
import weasyprint  # noqa: E402
from common import (  # noqa: E402
    BACKEND,
    ROOT,
    Ratio,
    Table,
    Warnings,
    analyze,
    in_test_database,
    machine,
    median,
    parser,
    queries,
    ratio,
    seed,
    timed_call,
    verdict,
)
from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from accessions.access import organisation_overview_jobcenters  # noqa: E402
from accessions.models import Accession  # noqa: E402
from accounts.models import Organisation, OrganisationKind, State, User  # noqa: E402
from agreements.models import FrameworkAgreement  # noqa: E402
from circulars import services as circulars_services  # noqa: E402
from circulars.models import Circular, default_addressees  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from core.pdf import WHOLE_TABLE, collector_paused, render_pdf_parts, static_root  # noqa: E402
from demo.circulars import CIRCULAR_151_18  # noqa: E402
from demo.scale import PLAN, abbreviation  # noqa: E402
from jobcenters.models import Jobcenter  # noqa: E402
from measures.models import KeyFigures, Measure  # noqa: E402
from reports import documents, services  # noqa: E402
from reports.models import JobStatus, Rendering, RenderingKind  # noqa: E402
from reports.tasks import render  # noqa: E402

MANY = State.BY  # all jobcenters but Hamburg's are moved here
ONE = State.HH  # one jobcenter
# Issue 15: the task against bare WeasyPrint sharing one font configuration (as the app
# does), the request for many jobcenters against one, the worker after 50 renders against
# the ready worker before the first.
GOALS = {"task": Ratio(1.15), "request": Ratio(1.1), "memory": Ratio(1.5)}
TASK = "Aufgabe render (Ende zu Ende)"


def pages_of(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def seed_agreement(state):
    return FrameworkAgreement.objects.get(
        state=state, short_title=f"Rahmenvereinbarung Inklusion {abbreviation(state)}"
    )


def gather_jobcenters():
    """Move every state's jobcenters (but Hamburg's) to Bavaria, with their accessions and
    measures to the Bavarian agreement and its action fields of the same number."""
    target = seed_agreement(MANY)
    fields = {field.number: field for field in target.action_fields.all()}
    further = Measure.further_action_fields.through.objects
    for state in PLAN:
        if state in (MANY, ONE):
            continue
        source = seed_agreement(state)
        for field in source.action_fields.all():
            Measure.objects.filter(agreement=source, action_field=field).update(
                agreement=target, action_field=fields[field.number]
            )
            further.filter(actionfield=field).update(actionfield=fields[field.number])
        Accession.objects.filter(agreement=source).update(agreement=target)
        Jobcenter.objects.filter(state=state).update(state=MANY)
    return target


def recorded_parts(build):
    """``build()`` (a builder of ``reports.documents``), and the parts it gave
    ``render_pdf_parts``: the templates with their contexts, and the keyword arguments. A
    table it gave ``render_table_pdf`` (the overview, perhaps set in two processes) counts
    as its whole table in one part: the floor sets it whole, in one process."""
    recorded = {}
    original, original_table = documents.render_pdf_parts, documents.render_table_pdf

    def recording(parts, **kwargs):
        recorded.update(parts=parts, kwargs=kwargs)
        return original(parts, **kwargs)

    def recording_table(name, context_for, rows, **kwargs):
        recorded.update(parts=[(name, context_for(WHOLE_TABLE))], kwargs={})
        return original_table(name, context_for, rows, **kwargs)

    documents.render_pdf_parts, documents.render_table_pdf = recording, recording_table
    try:
        result = build()
    finally:
        documents.render_pdf_parts, documents.render_table_pdf = original, original_table
    return result, recorded["parts"], recorded["kwargs"]


def bare_weasyprint(parts, font_config=None):
    """Bare WeasyPrint on the parts' HTML, rendered once here as ``core.pdf`` renders it
    (German, ``static/`` as base URL): each laid out on its own, as ``render_pdf_parts``
    does, and written as one PDF, without PDF/UA-1 and with WeasyPrint's own URL fetcher.
    Without ``font_config`` WeasyPrint loads the fonts anew for each document, and makes a
    fetcher of its own for each (its default); with it, one fetcher made here, outside the
    timing, serves every document: a new ``URLFetcher`` loads the system's CA certificates
    (about 50 ms CPU), which a render of local files never needs; and the garbage collector
    is paused while it renders, as ``core.pdf`` pauses it."""
    with translation.override("de"):
        htmls = [render_to_string(name, context) for name, context in parts]
    base_url = static_root().as_uri() + "/"
    fetcher = {} if font_config is None else {"url_fetcher": URLFetcher()}
    # The honest floor pauses the garbage collector as core.pdf does (collector_paused).
    pause = contextlib.nullcontext if font_config is None else collector_paused

    def bare():
        with pause():
            return _bare()

    def _bare():
        if len(htmls) == 1:
            html = weasyprint.HTML(string=htmls[0], base_url=base_url, **fetcher)
            return html.write_pdf(font_config=font_config)
        rendered = [
            weasyprint.HTML(string=html, base_url=base_url, **fetcher).render(
                font_config=font_config
            )
            for html in htmls
        ]
        pages = [page for document in rendered for page in document.pages]
        return rendered[0].copy(pages).write_pdf()

    return bare


def slim_jobcenter(agreement):
    """The first jobcenter of ``agreement``'s state by name, left with three measures and
    its latest year of key figures: its profile fills one page."""
    jobcenter = Jobcenter.objects.filter(state=agreement.state).order_by("name").first()
    measures = Measure.objects.filter(jobcenter=jobcenter)
    kept = list(measures.order_by("pk").values_list("pk", flat=True)[:3])
    measures.exclude(pk__in=kept).delete()
    latest = KeyFigures.objects.filter(jobcenter=jobcenter).order_by("-year").first()
    KeyFigures.objects.filter(jobcenter=jobcenter).exclude(pk=latest.pk).delete()
    return jobcenter


# 1. The circular task


def circular_scenarios(circular, user):
    """(label, function) of the task and its parts; the two floors; a new row for the task."""
    (_pdf, pages), parts, kwargs = recorded_parts(lambda: documents.circular_pdf(circular))
    letter = parts[:1]  # the letter: CIRCULAR_TEMPLATE with circular_context(circular)
    assert letter[0][0] == documents.CIRCULAR_TEMPLATE
    rows = []

    def task():
        # The row is made outside the timed call: the task gets an id, as from the broker.
        render.run(rows.pop().pk)

    def new_row():
        # As services.circular_render makes it, but a new one each time (a final circular
        # would get its first one back).
        rows.append(
            Rendering.objects.create(
                kind=RenderingKind.CIRCULAR,
                circular=circular,
                of_final=circular.is_final,
                requested_by=user,
            )
        )

    scenarios = [
        (TASK, task),
        ("  nur build_pdf", lambda: documents.circular_pdf(circular)),
        ("  alle WeasyPrint-Teile, PDF/UA-1", lambda: render_pdf_parts(parts, **kwargs)),
        ("  nur Brief, PDF/UA-1", lambda: render_pdf_parts(letter, **kwargs)),
    ]
    floors = {
        # As core.pdf does: one font configuration, made once, for every document.
        "fonts": bare_weasyprint(parts, FontConfiguration()),
        # WeasyPrint's default: the fonts loaded anew for each part.
        "parts": bare_weasyprint(parts),
        "letter": bare_weasyprint(letter, FontConfiguration()),
    }
    # Each part alone, bare, to show which of them cost: (template, its bare render).
    each = [(name, bare_weasyprint([(name, context)])) for name, context in parts]
    return scenarios, floors, each, new_row, (pages, len(parts))


def bench_circular(args, circular, user):
    scenarios, floors, each, new_row, (task_pages, part_count) = circular_scenarios(circular, user)
    warnings = Warnings()
    logging.getLogger("weasyprint").addHandler(warnings)
    bare_pages = pages_of(floors["letter"]())
    letter_pages = pages_of(scenarios[3][1]()[0])
    parts_pages = pages_of(floors["parts"]())
    tagged_parts_pages = pages_of(scenarios[2][1]()[0])
    logging.getLogger("weasyprint").removeHandler(warnings)
    problems = (
        [f"WeasyPrint warnt: {'; '.join(warnings.messages[:5])}"] if warnings.messages else []
    )
    if bare_pages != letter_pages:
        problems.append(f"Brief: {letter_pages} Seiten mit PDF/UA-1, {bare_pages} bloß")
    if parts_pages != tagged_parts_pages:
        problems.append(f"Teile: {tagged_parts_pages} Seiten mit PDF/UA-1, {parts_pages} bloß")
    # Warm up: templates, fonts, the first queries.
    new_row()
    for _label, function in scenarios:
        function()
    for function in floors.values():
        function()
    times = {label: [] for label, _function in scenarios}
    floor_times = {key: [] for key in floors}
    cpu = {"task": [], "fonts": []}  # CPU milliseconds of the task and of its floor
    for _round in range(args.rounds):
        for label, function in scenarios:
            if function is scenarios[0][1]:
                new_row()
            started = time.process_time()
            times[label].append(timed_call(function))
            if label == TASK:
                cpu["task"].append((time.process_time() - started) * 1000)
        for key, function in floors.items():
            started = time.process_time()
            floor_times[key].append(timed_call(function))
            if key == "fonts":
                cpu["fonts"].append((time.process_time() - started) * 1000)
    done = Rendering.objects.filter(circular=circular, status=JobStatus.DONE).count()
    if done != args.rounds + 1:
        problems.append(f"Aufgabe: {done} statt {args.rounds + 1} Erstellungen fertig")
    new_row()
    task_queries = queries(scenarios[0][1], "render", args.sql)
    # Best of three for each part alone, bare: which parts the time goes to.
    by_part = [
        (Path(name).stem, pages_of(bare()), min(timed_call(bare) for _ in range(3)))
        for name, bare in each
    ]
    return {
        "by_part": by_part,
        "times": times,
        "floors": floor_times,
        "cpu": cpu,
        "pages": (task_pages, letter_pages, parts_pages, part_count),
        "queries": task_queries,
        "problems": problems,
    }


# 2. The request that starts an overview


def purge(*queues):
    with celery_app.connection_for_write() as broker:
        for queue in queues:
            broker.default_channel.queue_purge(queue)


def backend_schedstat():
    """The ``/proc/<pid>/schedstat`` of this connection's PostgreSQL backend, when the
    server runs on this machine and its files can be read; else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    return path if os.access(path, os.R_OK) else None


def cpu_ns(schedstat):
    """Nanoseconds a process has run on a CPU (the first field of its schedstat)."""
    return int(schedstat.read_text().split()[0]) if schedstat else 0


def bench_request(args, client, agreements):
    urls = {
        key: reverse("overviews:status-pdf", args=[agreement.pk])
        for key, agreement in agreements.items()
    }
    last = Rendering.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    problems = []
    # The client's requests run on this thread's connection (the test client keeps it
    # open): the backend's CPU time is what PostgreSQL spends on them.
    backend = backend_schedstat()

    def post(url):
        response = client.post(url)
        if response.status_code != 302:
            sys.exit(f"{url}: HTTP {response.status_code}")
        return response

    def timed_post(url, cpu=None):
        backend_before, process_before = cpu_ns(backend), time.process_time()
        start = time.perf_counter()
        post(url)
        wall = (time.perf_counter() - start) * 1000
        if cpu is not None:
            cpu["process"].append((time.process_time() - process_before) * 1000)
            cpu["backend"].append((cpu_ns(backend) - backend_before) / 1e6)
        return wall

    for _round in range(args.warmup):
        for url in urls.values():
            timed_post(url)
    times = {key: [] for key in urls}
    cpu = {key: {"process": [], "backend": []} for key in urls}
    for number in range(args.request_rounds):
        # Each first in every other round: the order must not favour one.
        for key, url in list(urls.items())[:: 1 if number % 2 else -1]:
            times[key].append(timed_post(url, cpu[key]))
    if backend and backend != backend_schedstat():
        problems.append("Anfrage: die Verbindung zu PostgreSQL wechselte, CPU-Zeit ungültig")
        backend = None
    counted = {key: queries(lambda url=url: post(url), url, args.sql) for key, url in urls.items()}
    made = Rendering.objects.filter(pk__gt=last)
    # One overview per organisation and data state: every later request got the first.
    total = len(urls)
    if made.filter(kind=RenderingKind.OVERVIEW).count() != total:
        problems.append(f"Anfrage: {made.count()} statt {total} Übersichten angelegt")
    if made.exclude(status=JobStatus.QUEUED).exists():
        problems.append("Anfrage: eine Übersicht wurde schon erstellt (Celery lief mit)")
    if made.filter(task_id="").exists():
        problems.append("Anfrage: eine Übersicht ging nicht an den Broker")
    purge("reports")
    return {
        "times": times,
        "cpu": cpu if backend else None,
        "queries": counted,
        "problems": problems,
    }


# 4. The overview PDF


def bench_pages(args, specs):
    """``documents.build_pdf`` of a ``Rendering`` row per spec, and bare WeasyPrint on the
    same HTML for each."""
    renderings = {key: Rendering.objects.create(**spec) for key, spec in specs.items()}
    warnings = Warnings()
    logging.getLogger("weasyprint").addHandler(warnings)
    pages, bare = {}, {}
    for key, rendering in renderings.items():
        (_pdf, pages[key]), parts, _kwargs = recorded_parts(
            lambda rendering=rendering: documents.build_pdf(rendering)
        )
        bare[key] = bare_weasyprint(parts, FontConfiguration())
    problems = []
    for key, function in bare.items():
        if pages_of(function()) != pages[key]:
            problems.append(f"PDF {key}: bloß mit WeasyPrint andere Seitenzahl")
    logging.getLogger("weasyprint").removeHandler(warnings)
    if warnings.messages:
        problems.append(f"WeasyPrint warnt: {'; '.join(warnings.messages[:5])}")
    for key in ("one", "profile"):
        if pages[key] != 1:
            problems.append(f"PDF {key}: {pages[key]} Seiten statt einer")
    times = {key: [] for key in renderings}
    floor = {key: [] for key in renderings}
    for _round in range(args.overview_rounds):
        for key, rendering in renderings.items():
            times[key].append(
                timed_call(lambda rendering=rendering: documents.build_pdf(rendering))
            )
            floor[key].append(timed_call(bare[key]))
    rows = {
        key: organisation_overview_jobcenters(rendering.organisation, rendering.agreement).count()
        for key, rendering in renderings.items()
        if rendering.kind == RenderingKind.OVERVIEW
    }
    return {"times": times, "floor": floor, "pages": pages, "rows": rows, "problems": problems}


# 3. A worker's memory


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def draft_like(circular, user):
    """A draft with the text and the attachments of ``circular``."""
    association = circular.association
    draft = circulars_services.circular_create(
        association=association,
        user=user,
        data={**CIRCULAR_151_18, "addressees": default_addressees(association)},
    )
    for attachment in circular.attachments.order_by("position"):
        if attachment.is_generated:
            circulars_services.attachment_add_document(
                circular=draft,
                user=user,
                document=attachment.document,
                agreement=attachment.agreement,
            )
            continue
        with attachment.file.open("rb") as file:
            content = file.read()
        circulars_services.attachment_add(
            circular=draft,
            user=user,
            title=attachment.title,
            file=ContentFile(content, name="a.pdf"),
        )
    return draft


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def worker_env():
    database = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def start_worker(log):
    """``celery -A config worker --pool=solo`` (as ``tests/conftest.py`` starts it) on the
    bench database; returns the process once it is ready, or a message why not."""
    with log.open("a") as output:
        process = subprocess.Popen(  # noqa: S603 (our own venv's celery, fixed arguments)
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--queues=celery,circulars,reports",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname=bench-renderings-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=worker_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    # A loaded machine takes its time to import everything: wait up to five minutes.
    if not wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, 300):
        stop(process)
        return None, "der Worker meldete sich nicht bereit:\n" + log.read_text()[-2000:]
    if process.poll() is not None:
        return None, "der Worker startete nicht:\n" + log.read_text()[-2000:]
    return process, None


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def finished(rendering, seconds=300):
    done = wait_for(
        lambda: Rendering.objects.filter(
            pk=rendering.pk, status__in=(JobStatus.DONE, JobStatus.FAILED)
        ).exists(),
        seconds,
    )
    rendering.refresh_from_db()
    return done and rendering.status == JobStatus.DONE


def page_polls():
    """When the rendering page's script asks for the state (static/js/rendering-status.js:
    after 1 s, then each wait 1.5 times the last, at most 10 s): seconds after loading."""
    at, delay = 0.0, 1.0
    while True:
        at += delay
        yield at
        delay = min(delay * 1.5, 10)


def user_wait(done_after):
    """Seconds until the page's script first sees a rendering done ``done_after`` seconds
    after the page loaded."""
    return next(at for at in page_polls() if at >= done_after)


def click_to_download(args, log, client, agreements):
    """Click (POST) to downloaded PDF for each agreement's overview, with the worker
    running: the request, the queue and the render, the download; ``args.overview_rounds``
    each, one after the other (nothing else in the queue)."""
    result = {key: {"request": [], "done": [], "user": [], "download": []} for key in agreements}
    problems = []
    for _round in range(args.overview_rounds):
        for key, agreement in agreements.items():
            url = reverse("overviews:status-pdf", args=[agreement.pk])
            # One overview per data state: without the last one, each click renders anew.
            Rendering.objects.filter(kind=RenderingKind.OVERVIEW, agreement=agreement).delete()
            start = time.perf_counter()
            response = client.post(url)
            requested = time.perf_counter()
            if response.status_code != 302:
                problems.append(f"Klick {key}: HTTP {response.status_code}")
                continue
            rendering = Rendering.objects.order_by("-pk").first()
            if not finished(rendering):
                problems.append(
                    f"Klick {key}: {rendering.get_status_display()} {rendering.error}\n"
                    + log.read_text()[-2000:]
                )
                continue
            done = time.perf_counter()
            download_start = time.perf_counter()
            # As the user does: the page again (it now offers the file), then the file.
            page = client.get(response["Location"])
            pdf = client.get(reverse("renderings:download", args=[rendering.pk]))
            body = b"".join(pdf.streaming_content)
            downloaded = time.perf_counter() - download_start
            if page.status_code != 200 or pdf.status_code != 200 or not body.startswith(b"%PDF"):
                problems.append(f"Download {key}: HTTP {page.status_code}/{pdf.status_code}")
                continue
            timing = result[key]
            timing["request"].append((requested - start) * 1000)
            timing["done"].append(done - start)
            # The page loads after the redirect: the script's polls count from then.
            timing["user"].append((requested - start) + user_wait(done - requested) + downloaded)
            timing["download"].append(downloaded * 1000)
    return result, problems


def bench_worker(args, circular, user, client, agreements):
    if not settings.REDIS_URL:
        return {"skipped": "REDIS_URL ist nicht gesetzt"}
    if connection.vendor != "postgresql":
        return {"skipped": "der Worker braucht PostgreSQL (DATABASE_URL) für die Bench-Datenbank"}
    draft = draft_like(circular, user)
    # What load_demo and the requests left in the broker must not run in this worker.
    purge("celery", "circulars", "reports")
    log = MEDIA / "worker.log"
    process, failure = start_worker(log)
    if failure:
        return {"failed": failure}
    memory = {}
    seconds = []
    try:
        # Ready, before the first render: the baseline the issue asks for.
        memory[0] = rss_kb(process.pid)
        for number in range(1, args.worker_renders + 1):
            start = time.perf_counter()
            rendering = services.circular_render(circular=draft, user=user)
            if not finished(rendering, 120):
                return {
                    "failed": f"Erstellung {number}: {rendering.get_status_display()} "
                    f"{rendering.error}\n{log.read_text()[-2000:]}"
                }
            seconds.append(time.perf_counter() - start)
            memory[number] = rss_kb(process.pid)
        # After the memory: the overviews' renders must not count in it.
        clicks, problems = click_to_download(args, log, client, agreements)
    finally:
        stop(process)
    return {"memory": memory, "seconds": seconds, "clicks": clicks, "problems": problems}


# Output


def best_ratio(real, floor):
    return ratio(min(real), min(floor))


def report(args, circular, request, overview, worker, counts):
    table = Table(
        f"PDF, Faktor {args.factor}: Median aus {args.rounds} Runden Rundschreiben, "
        f"{args.request_rounds} Anfragen (nach {args.warmup} zum Aufwärmen), "
        f"{args.overview_rounds} Runden Übersicht und Klick bis Download, "
        f"{args.worker_renders} Erstellungen im Worker; best: Faktor der Bestwerte",
        ["Messung", "echt", "Boden", "Faktor", "best", "Ziel", "erfüllt"],
    )
    task = circular["times"][TASK]
    floors = circular["floors"]
    fonts = floors["fonts"]
    table.add(
        "1. Aufgabe `render` 151/18, ms, gegen bloßes WeasyPrint mit geteilter "
        "Schriftkonfiguration (alle Teile)",
        median(task),
        median(fonts),
        ratio(median(task), median(fonts)),
        best_ratio(task, fonts),
        GOALS["task"],
        verdict(ratio(median(task), median(fonts)), GOALS["task"]),
        digits=1,
    )
    cpu = circular["cpu"]
    table.add(
        "  dasselbe in CPU-Zeit dieses Prozesses (ohne PostgreSQL), ms",
        median(cpu["task"]),
        median(cpu["fonts"]),
        ratio(median(cpu["task"]), median(cpu["fonts"])),
        best_ratio(cpu["task"], cpu["fonts"]),
        None,
        "–",
        digits=1,
    )
    for label, times in circular["times"].items():
        if label != TASK:
            table.add(
                label,
                median(times),
                median(fonts),
                ratio(median(times), median(fonts)),
                best_ratio(times, fonts),
                None,
                "–",
                digits=1,
            )
    for key, label in (
        ("parts", "  Aufgabe gegen WeasyPrint, Schriften je Teil neu geladen (alter Boden)"),
        ("letter", "  Aufgabe gegen bloß den Brief, geteilte Schriften"),
    ):
        table.add(
            label,
            median(task),
            median(floors[key]),
            ratio(median(task), median(floors[key])),
            best_ratio(task, floors[key]),
            None,
            "–",
            digits=1,
        )
    times = request["times"]
    table.add(
        f"2. Anfrage Übersicht als PDF, ms: {counts['many']} Jobcenter gegen {counts['one']}",
        median(times["many"]),
        median(times["one"]),
        ratio(median(times["many"]), median(times["one"])),
        best_ratio(times["many"], times["one"]),
        GOALS["request"],
        verdict(ratio(median(times["many"]), median(times["one"])), GOALS["request"]),
        digits=1,
    )
    if request["cpu"]:
        both = {
            key: [
                process + backend
                for process, backend in zip(cpu["process"], cpu["backend"], strict=True)
            ]
            for key, cpu in request["cpu"].items()
        }
        for label, many, one in (
            (
                "  dasselbe in CPU-Zeit, ms: dieser Prozess und sein PostgreSQL-Backend",
                both["many"],
                both["one"],
            ),
            (
                "  … davon das PostgreSQL-Backend",
                request["cpu"]["many"]["backend"],
                request["cpu"]["one"]["backend"],
            ),
        ):
            table.add(
                label,
                median(many),
                median(one),
                ratio(median(many), median(one)),
                best_ratio(many, one),
                None,
                "–",
                digits=1,
            )
    if "clicks" in worker:
        clicks = worker["clicks"]
        for key in ("many", "one"):
            click = clicks[key]
            if not click["user"]:
                continue
            table.add(
                f"  Klick bis Download, s, {counts[key]} Jobcenter: Nutzer (mit der Abfrage "
                "der Seite) gegen die Anfrage allein",
                median(click["user"]),
                median(click["request"]) / 1000,
                ratio(median(click["user"]), median(click["request"]) / 1000),
                None,
                None,
                "–",
            )
            table.add(
                f"  … Anfrage, Warteschlange und Erstellung bis fertig, s, {counts[key]} Jobcenter",
                median(click["done"]),
                median(click["request"]) / 1000,
                ratio(median(click["done"]), median(click["request"]) / 1000),
                None,
                None,
                "–",
            )
    if "memory" in worker:
        memory = worker["memory"]
        last = max(memory)
        for base, base_label in ((0, "bereit, vor der 1."), (1, "nach der 1.")):
            for number in sorted({10, 25, last}):
                if number not in memory or base not in memory or number == base:
                    continue
                value = ratio(memory[number], memory[base])
                goal = GOALS["memory"] if base == 0 and number == last else None
                table.add(
                    f"3. Worker-Speicher, MB VmRSS: nach {number} gegen {base_label} Erstellung",
                    memory[number] / 1024,
                    memory[base] / 1024,
                    value,
                    None,
                    goal,
                    verdict(value, goal),
                    digits=1,
                )
    else:
        table.note(f"3. Worker übersprungen: {worker.get('skipped') or worker.get('failed')}")
    times, pages, rows = overview["times"], overview["pages"], overview["rows"]
    per_page = {key: [ms / 1000 / pages[key] for ms in times[key]] for key in times}
    for key, base, label in (
        ("many", "profile", f"{rows['many']} Jobcenter ({pages['many']} S.) gegen Profil"),
        ("middle", "profile", f"{rows['middle']} Jobcenter ({pages['middle']} S.) gegen Profil"),
        ("many", "one", f"{rows['many']} Jobcenter gegen Übersicht eines Jobcenters"),
    ):
        table.add(
            f"4. Übersicht-PDF, s je Seite: {label}",
            median(per_page[key]),
            median(per_page[base]),
            ratio(median(per_page[key]), median(per_page[base])),
            best_ratio(per_page[key], per_page[base]),
            None,
            "–",
            digits=3,
        )
    for key in ("many", "one", "profile"):
        table.add(
            f"  {key}: `build_pdf`, s, gegen bloßes WeasyPrint auf demselben HTML",
            median(times[key]) / 1000,
            median(overview["floor"][key]) / 1000,
            ratio(median(times[key]), median(overview["floor"][key])),
            best_ratio(times[key], overview["floor"][key]),
            None,
            "–",
            digits=3,
        )
    task_pages, letter_pages, parts_pages, part_count = circular["pages"]
    table.note(
        f"1: Rundschreiben mit {task_pages} Seiten: {part_count} WeasyPrint-Teile (Brief, "
        f"Trennblätter, erzeugte Anlagen) mit {parts_pages} Seiten, davon der Brief "
        f"{letter_pages}, dazu die hochgeladenen Anlagen; {circular['queries']} SQL-Abfragen "
        "in der Aufgabe. Boden: alle WeasyPrint-Teile ohne PDF/UA-1, ohne hochgeladene "
        "Anlagen, mit einer Schriftkonfiguration und einem URL-Fetcher für alle Teile wie "
        "`core.pdf`. Teile bloß, "
        "je Bestwert aus 3: "
        + ", ".join(f"{name} {pages} S. {ms:.0f} ms" for name, pages, ms in circular["by_part"])
        + "."
    )
    table.note(
        f"2: SQL je Anfrage: {request['queries']['many']} ({counts['many']} Jobcenter), "
        f"{request['queries']['one']} ({counts['one']}), einschließlich Sitzung und Benutzer; "
        f"Broker {'Redis' if settings.REDIS_URL else 'memory://'}, kein Worker. Klick bis "
        "Download: mit einem echten Worker (`--pool=solo`, sonst leer), Anfrage, Warteschlange, "
        "Erstellung, dann die Seite und die Datei; 'Nutzer' rechnet die Abfragen des Skripts "
        "der Seite ein (nach 1 s, dann je 1,5-mal länger, höchstens 10 s)."
    )
    if "memory" in worker:
        memory, seconds = worker["memory"], worker["seconds"]
        table.note(
            f"3: VmRSS bereit {memory[0] / 1024:.0f} MB, nach 1 {memory[1] / 1024:.0f} MB, "
            f"nach {max(memory)} {memory[max(memory)] / 1024:.0f} MB, höchstens "
            f"{max(memory.values()) / 1024:.0f} MB; je Erstellung (anstoßen bis fertig) "
            f"Median {median(seconds):.2f} s, die erste {seconds[0]:.2f} s."
        )
    table.note(
        f"4: je Jobcenter {median(times['many']) / rows['many']:.0f} ms ({rows['many']}), "
        f"{median(times['middle']) / rows['middle']:.0f} ms ({rows['middle']})."
    )
    table.show(args)
    problems = (
        circular["problems"]
        + request["problems"]
        + overview["problems"]
        + worker.get("problems", [])
    )
    if problems:
        print("\n" + "\n".join(problems))


def run(args):
    # Celery never runs a task by itself here: it goes to the broker and waits there.
    celery_app.conf.task_always_eager = False
    seeded = seed(args.factor, demo=True)
    landkreistag = Organisation.objects.get(
        state=State.NW, kind=OrganisationKind.MUNICIPAL_ASSOCIATION, name__startswith="Landkreistag"
    )
    circular = Circular.objects.get(association=landkreistag, year=2018, number=151)
    author = User.objects.get(username="landkreistag")
    agreements = {"many": gather_jobcenters(), "one": seed_agreement(ONE)}
    # A third overview between the two, for how the time per page grows: the Städtetag's
    # (Bavaria's city jobcenters, now those of every state but Hamburg).
    staedtetag = Organisation.objects.get(
        state=MANY, kind=OrganisationKind.MUNICIPAL_ASSOCIATION, name__startswith="Städtetag"
    )
    overview = {"kind": RenderingKind.OVERVIEW}
    specs = {
        "many": {**overview, "agreement": agreements["many"]},
        "middle": {**overview, "agreement": agreements["many"], "organisation": staedtetag},
        "one": {**overview, "agreement": agreements["one"]},
        # A profile of one page: what the issue compares with.
        "profile": {
            "kind": RenderingKind.PROFILE,
            "agreement": agreements["many"],
            "jobcenter": slim_jobcenter(agreements["many"]),
        },
    }
    analyze()
    counts = {
        "many": Jobcenter.objects.filter(state=MANY).count(),
        "one": Jobcenter.objects.filter(state=ONE).count(),
    }
    print(
        f"{machine()}; {Jobcenter.objects.count()} Jobcenter, "
        f"{Measure.objects.count()} Maßnahmen, angelegt in {seeded:.1f} s; "
        f"Rundschreiben {circular.number_label} mit {circular.attachments.count()} Anlagen; "
        f"{agreements['many'].short_title}: {counts['many']} Jobcenter (alle außer Hamburgs), "
        f"{agreements['one'].short_title}: {counts['one']}"
    )
    admin = User(username="bench-admin", is_staff=True, is_superuser=True)
    admin.set_unusable_password()
    admin.save()
    client = Client()
    client.force_login(admin, backend=BACKEND)

    circular_result = bench_circular(args, circular, author)
    overview_result = bench_pages(args, specs)
    request_result = bench_request(args, client, agreements)
    worker_result = bench_worker(args, circular, author, client, agreements)
    report(args, circular_result, request_result, overview_result, worker_result, counts)


def main():
    arguments = parser(__doc__, rounds=10, warmup=3)
    arguments.add_argument("--overview-rounds", type=int, default=3)
    arguments.add_argument("--request-rounds", type=int, default=100)
    arguments.add_argument("--worker-renders", type=int, default=50)
    in_test_database(run, arguments.parse_args(), "config.urls", "renderings")


if __name__ == "__main__":
    main()
