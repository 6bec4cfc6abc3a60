"""Load: the ten busiest pages under 1, 4 and 16 concurrent users against gunicorn with the
docker-compose settings, next to the stock admin changelist of the same rows.

Run: ``.venv/bin/python bench/load.py [--factor 1] [--requests 48] [--seconds 30]
[--concurrency 1 4 16] [--workers 2] [--port 8196] [--url http://127.0.0.1:PORT]
[--markdown FILE]``, with DATABASE_URL (PostgreSQL) and REDIS_URL set.

- Database: the one DATABASE_URL names, migrated and seeded with ``seed_scale --factor``
  (a second run creates nothing), plus two users of its own, ministry staff of Bavaria and
  staff of the Landkreistag Bayern, with a password of this run. Use a database of its
  own: this writes to it.
- Server (unless ``--url`` gives one, which must be on loopback and serve
  ``bench_settings``): ``gunicorn config.wsgi:application`` with the options of the
  Dockerfile's command (``--timeout 60 --graceful-timeout 30 --max-requests 1000
  --max-requests-jitter 100 --worker-tmp-dir /dev/shm``) and the environment of
  docker-compose's ``web`` service (``DJANGO_DEBUG=false``, ``DJANGO_BEHIND_PROXY=true``,
  ``AXES_PROXY_COUNT=1``, HTTPS assumed, static files through WhiteNoise with the
  manifest, collected into a scratch folder first), bound to 127.0.0.1 on a scratch
  port, with ``--workers`` (2 by default: issue 15's goal is for 2 workers; compose's
  default ``WEB_CONCURRENCY`` is 3). Settings: ``bench_settings`` (``config.settings``
  plus the admin changelists of ``bench_urls``). Each request carries the headers the
  proxy in front adds (``X-Forwarded-Proto: https``, ``X-Forwarded-For``).
- Load: per page and concurrency, that many threads each send one request after the
  other (a new connection each, as gunicorn's sync workers close it) until
  ``--requests`` are done or ``--seconds`` have passed; requests/s over the wall time
  and p50/p95/p99 (nearest rank) of the response times; every answer must be 200.

Loopback only, bounded in requests and time, standard library only (``http.client``).
"""

import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from common import ROOT, Table, machine, median, number, parser, percentile, verdict
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User
from agreements.models import FrameworkAgreement
from jobcenters.models import Jobcenter
from measures.models import Measure

STATE = State.BY  # the biggest state
GOAL_P95_MS = 300  # issue 15: p95 at 16 concurrent users on 2 workers, every page
HEADERS = ["Seite", "Rolle", "Nutzer", "Anfr./s", "p50 ms", "p95 ms", "p99 ms", "n"]
HEADERS += ["Ziel p95 ms", "erfüllt"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


# The database


def prepare(args, password):
    """Migrate, seed, and the two users; returns the pages to load, by role."""
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_scale", force=True, factor=args.factor, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{machine()}; {Jobcenter.objects.count()} Jobcenter, {Measure.objects.count()} "
        f"Maßnahmen (seed_scale --factor {args.factor}: {time.perf_counter() - start:.0f} s)"
    )
    users = {
        "Ministerium": ("bench-load-ministerium", Role.MINISTRY_STAFF, {"kind": "ministry"}),
        "Landkreistag": (
            "bench-load-landkreistag",
            Role.ASSOCIATION_STAFF,
            {"kind": "municipal_association", "member_region_kind": RegionKind.KREIS},
        ),
    }
    for username, role, lookup in users.values():
        kind = {
            "ministry": OrganisationKind.MINISTRY,
            "municipal_association": OrganisationKind.MUNICIPAL_ASSOCIATION,
        }[lookup.pop("kind")]
        organisation = Organisation.objects.get(state=STATE, kind=kind, **lookup)
        user, _created = User.objects.update_or_create(
            username=username, defaults={"organisation": organisation, "role": role}
        )
        user.set_password(password)
        user.save()
    agreement = FrameworkAgreement.objects.get(state=STATE)
    jobcenter = Jobcenter.objects.filter(state=STATE).order_by("name").first()
    measure = (
        Measure.objects.filter(agreement=agreement, jobcenter__region_kind=RegionKind.KREIS)
        .order_by("title", "pk")
        .first()
    )
    pages = [
        ("Start", reverse("home"), None),
        ("Jobcenter-Liste", reverse("jobcenters:list"), "/bench-admin/jobcenters/jobcenter/"),
        ("Jobcenter", reverse("jobcenters:detail", args=[jobcenter.pk]), None),
        ("Beitrittsstand", reverse("accessions:dashboard", args=[agreement.pk]), None),
        (
            "Jobcenter mit Stand",
            reverse("accessions:jobcenters", args=[agreement.pk]),
            "/bench-admin-stand/jobcenters/jobcenter/",
        ),
        ("Maßnahmenliste", reverse("measures:list"), "/bench-admin/measures/measure/"),
        ("Maßnahme", reverse("measures:detail", args=[measure.pk]), None),
        ("Abdeckung", reverse("measures:coverage", args=[agreement.pk]), None),
        ("Kennzahlen", reverse("measures:key-figures"), None),
        ("Katalog", reverse("catalogue:list"), None),
    ]
    return {role: username for role, (username, _role, _lookup) in users.items()}, pages, agreement


# The server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(args, agreement, scratch):
    """docker-compose's ``web`` environment (see the module's docstring), on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(ROOT / "bench"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "",
        "SITE_URL": "https://localhost",
        "EMAIL_URL": "consolemail://",
        "DJANGO_BEHIND_PROXY": "true",
        "AXES_PROXY_COUNT": "1",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private"),
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # Only the bench's admin asks for it (bench_urls.StandingAdmin).
        "BENCH_AGREEMENT": str(agreement.pk),
        # Not the harness's development defaults: HTTPS and the manifest as in production.
        "DJANGO_HTTPS": "true",
        "DJANGO_STATIC_MANIFEST": "true",
    }


def start_server(args, env, port, log):
    python = Path(sys.executable)
    subprocess.run(  # noqa: S603 (our own venv's python, fixed arguments)
        [str(python), "manage.py", "collectstatic", "--no-input", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own venv's gunicorn, fixed arguments)
            [
                str(python.parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-tmp-dir",
                "/dev/shm",  # noqa: S108 (the Dockerfile's choice: heartbeat files in RAM)
                "--timeout",
                "60",
                "--graceful-timeout",
                "30",
                "--max-requests",
                "1000",
                "--max-requests-jitter",
                "100",
                # Not in the Dockerfile: gunicorn's control socket defaults to one path in
                # $HOME, which a second server on this machine would take over.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn startete nicht:\n" + log.read_text()[-2000:])
        try:
            status, _headers, _body = request(
                "127.0.0.1", port, "GET", "/static/css/rahmenwerk.css"
            )
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    sys.exit("gunicorn antwortete nicht:\n" + log.read_text()[-2000:])


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# HTTP


def request(host, port, method, path, cookies=None, body=None, timeout=90):
    """One request on a connection of its own: (status, headers, body)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    headers = {**FORWARDED, "Host": "localhost"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = "https://localhost"
        headers["Referer"] = "https://localhost/anmelden/"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def set_cookies(headers, cookies):
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                cookies[key] = morsel.value


def login(host, port, username, password):
    """The session cookies of ``username``, signed in through the login form."""
    cookies = {}
    status, headers, body = request(host, port, "GET", "/anmelden/")
    set_cookies(headers, cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token:
        sys.exit(f"Anmeldeseite: HTTP {status}")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
    )
    status, headers, _body = request(host, port, "POST", "/anmelden/", cookies, form)
    set_cookies(headers, cookies)
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"Anmeldung als {username}: HTTP {status}")
    return cookies


def load(host, port, path, cookies, concurrency, requests, seconds):
    """``concurrency`` threads sending ``path`` until ``requests`` are done or ``seconds``
    passed: (requests per second, [ms], [failed statuses])."""
    lock = threading.Lock()
    times, failures = [], []
    sent = [0]
    deadline = time.monotonic() + seconds

    def user():
        while True:
            with lock:
                if sent[0] >= requests or time.monotonic() >= deadline:
                    return
                sent[0] += 1
            start = time.perf_counter()
            try:
                status, _headers, _body = request(host, port, "GET", path, cookies)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=user) for _user in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return len(times) / wall, times, failures


# Run


def main():
    arguments = parser(__doc__, rounds=0, warmup=3)
    arguments.add_argument("--requests", type=int, default=48, help="per page and concurrency")
    arguments.add_argument("--seconds", type=float, default=30, help="per page and concurrency")
    arguments.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    arguments.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    arguments.add_argument("--port", type=int, help="scratch port (default: a free one)")
    arguments.add_argument("--url", help="a running server on loopback (bench_settings)")
    args = arguments.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("load.py braucht PostgreSQL (DATABASE_URL).")

    password = secrets.token_urlsafe(16)
    usernames, pages, agreement = prepare(args, password)
    scratch = Path(tempfile.mkdtemp(prefix="bench_load_"))
    process = None
    try:
        if args.url:
            target = urllib.parse.urlsplit(args.url)
            host, port = target.hostname, target.port or 80
            if host not in LOOPBACK:
                sys.exit(f"{host}: nur Loopback (127.0.0.1, localhost, ::1).")
        else:
            host, port = "127.0.0.1", args.port or free_port()
            env = server_env(args, agreement, scratch)
            process = start_server(args, env, port, scratch / "gunicorn.log")
        run(args, host, port, usernames, password, pages)
    finally:
        if process is not None:
            stop_server(process)
        shutil.rmtree(scratch, ignore_errors=True)


def run(args, host, port, usernames, password, pages):
    table = Table(
        f"Last, Faktor {args.factor}: gunicorn mit {args.workers} Workern, je Seite und "
        f"Nebenläufigkeit bis {args.requests} Anfragen oder {number(args.seconds, 0)} s",
        HEADERS,
    )
    problems = []
    for role, username in usernames.items():
        cookies = login(host, port, username, password)
        targets = []
        for label, path, admin in pages:
            targets.append((label, path))
            if admin:
                targets.append((f"  Admin-Änderungsliste, {label}", admin))
        for label, path in targets:
            # Warm up: each worker's first requests load templates and open connections.
            for _request in range(args.warmup):
                request(host, port, "GET", path, cookies)
            for concurrency in args.concurrency:
                per_second, times, failures = load(
                    host, port, path, cookies, concurrency, args.requests, args.seconds
                )
                if failures:
                    problems.append(f"{role} {label} ×{concurrency}: {failures[:5]}")
                p95 = percentile(times, 0.95)
                goal = GOAL_P95_MS if concurrency == 16 else None
                table.add(
                    label,
                    role,
                    concurrency,
                    per_second,
                    median(times),
                    p95,
                    percentile(times, 0.99),
                    len(times),
                    goal,
                    verdict(p95, goal) if not failures else "Fehler",
                    digits=1,
                )
                print(f"{role:13} {label:42} ×{concurrency:<3} {per_second:6.1f}/s p95 {p95:7.1f}")
    table.note(
        f"{machine()}. Nutzer: gleichzeitige Verbindungen; p99 ist bei {args.requests} "
        "Anfragen fast der Höchstwert. Admin-Änderungsliste: `bench_urls`, ein schlichter "
        "`ModelAdmin` mit den Spalten der Liste über denselben Zeilen (dieselben Zugriffsregeln), "
        "50 je Seite, als derselbe Benutzer."
    )
    table.show(args)
    if problems:
        print("\nFehler:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
