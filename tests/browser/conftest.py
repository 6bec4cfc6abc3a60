"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server.

The demo data (``demo.nrw.load_demo``) takes several seconds to load, mostly password
hashing, and ``transactional_db`` empties the database after every test. So the demo
world is built once per session: loaded, one browser context per demo user kind logged in
through the real login form, then the database, sessions included, is kept as a snapshot.

Tests that change data ask for ``demo``: the snapshot is restored before each of them and
the database emptied after it. Tests that only look (the axe sweep) ask for
``demo_readonly``: the snapshot is restored once for their module and shared by all of its
tests; a test that writes to it anyway fails (``_fingerprint``), so no test depends on
what another one left behind.
"""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from config.celery import app as celery_app
from reports.models import DataVersion
from tests.conftest import FAST_HASHERS, private_storage
from tests.pages import DEMO_LOGINS

# Playwright's sync API runs an event loop in this thread; Django would refuse the
# database calls the tests make beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}
DEMO_PASSWORD = "rahmenwerk-demo"  # demo.nrw.DEMO_PASSWORD
USER_KINDS = ["anonymous", *DEMO_LOGINS]
# The demo passwords are hashed once for the session, the logins are checked in every
# test: both sides need the same (fast, test-only) hasher.
PASSWORD_HASHERS = FAST_HASHERS


def skip_or_fail(reason):
    """Skip on a developer machine; on CI (``CI=true``) a missing tool is a failure."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def require_chromium():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")


def require_axe():
    if not AXE_JS.is_file():
        skip_or_fail(f"{AXE_JS} missing: run `npm ci` in the project directory")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session."""
    require_chromium()
    from playwright.sync_api import Error, sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as error:
        playwright.stop()
        skip_or_fail(f"Chromium does not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source():
    require_axe()
    return AXE_JS.read_text(encoding="utf-8")


def new_context(browser):
    return browser.new_context(viewport=VIEWPORT, locale="de-DE")


class PagePerUserKind:
    """One open tab per user kind in its logged-in context, for a module's page checks.

    Opening a tab costs about as much as the check on it (a renderer starts, axe is
    compiled anew); a tab that goes to the next page starts from that page's own document,
    so nothing of the previous test's page is left. After a failed test its tab is closed
    (``discard``) and the next test of that user kind gets a new one. ``init_script`` runs
    in every document of each tab before the page's own scripts (the axe sweep's axe).
    """

    def __init__(self, world, viewport=None, init_script=None):
        self.world, self.viewport, self.init_script = world, viewport, init_script
        self.pages = {}

    def __call__(self, user_kind):
        page = self.pages.get(user_kind)
        if page is None or page.is_closed():
            page = self.world.context(user_kind).new_page()
            if self.viewport is not None:
                page.set_viewport_size(self.viewport)
            if self.init_script is not None:
                page.add_init_script(self.init_script)
            self.pages[user_kind] = page
        return page

    def discard(self, user_kind):
        page = self.pages.pop(user_kind, None)
        if page is not None and not page.is_closed():
            page.close()

    def close(self):
        for user_kind in list(self.pages):
            self.discard(user_kind)


def login(page, base_url, username, password=DEMO_PASSWORD):
    """Sign in through the login form, as a person would."""
    page.goto(base_url + reverse("login"))
    page.locator("main form [name=username]").fill(username)
    page.locator("main form [name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    if page.locator("main form [name=password]").count():
        raise AssertionError(f"login as {username} failed: still on {page.url}")


# The snapshot: a copy of every table in the same database (``CREATE TABLE … AS SELECT``),
# content types and permissions included, restored with one ``INSERT … SELECT`` a table.
# Deserialising the rows and saving them one by one took seconds for each restore.
# The copies are no model's tables: ``flush`` leaves them alone.
SNAPSHOT_PREFIX = "demo_snapshot_"


def _snapshot():
    """Copy every table; returns {table: its copy}."""
    quote = connection.ops.quote_name
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    copies = {table: f"{SNAPSHOT_PREFIX}{number}" for number, table in enumerate(tables)}
    with connection.cursor() as cursor:
        for table, copy in copies.items():
            cursor.execute(f"DROP TABLE IF EXISTS {quote(copy)}")
            cursor.execute(f"CREATE TABLE {quote(copy)} AS SELECT * FROM {quote(table)}")  # noqa: S608
    return copies


def _restore(copies):
    """Every table as in the snapshot: emptied, then filled from its copy."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.constraint_checks_disabled():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), list(copies)))
        counters = DataVersion._meta.db_table
        with connection.cursor() as cursor:
            for table, copy in copies.items():
                if table != counters:
                    cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(copy)}")  # noqa: S608
            # The inserts above moved the data-state counters (triggers, reports 0003):
            # they are the snapshot's again, as the rows they count.
            cursor.execute(f"DELETE FROM {quote(counters)}")  # noqa: S608
            cursor.execute(f"INSERT INTO {quote(counters)} SELECT * FROM {quote(copies[counters])}")  # noqa: S608
            # Rows came back with their keys: new rows (a login's access log, a circular's
            # mail in a many-to-many table) must not be handed a key the snapshot uses.
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    # The content types are the snapshot's again, under the keys they had then.
    ContentType.objects.clear_cache()


@dataclass
class DemoWorld:
    base_url: str
    snapshot: dict  # table -> its copy (``_snapshot``)
    contexts: dict = field(default_factory=dict)  # user kind -> logged-in browser context
    files: Path | None = None  # the demo's private files
    shared: object = None  # the module's SharedDemo while one is set up

    def context(self, user_kind):
        return self.contexts[user_kind]


def _live_server_host(world):
    return urlsplit(world.base_url).hostname


@pytest.fixture(scope="session")
def demo_server(django_db_setup):
    """A live server of the demo's own, like pytest-django's ``live_server``.

    Not ``live_server`` itself: pytest-django makes every test that uses that one (also
    through a fixture) a ``transactional_db`` test, which empties the database after it,
    and ``demo_readonly`` keeps the data for the whole module.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_world(browser, demo_server, django_db_blocker, tmp_path_factory):
    """The demo data and a context per user kind, logged in once, as a database snapshot.

    The demo's files (signed forms, attachments, the circular's PDF) go to ``files``; each
    test gets a copy in its own private storage (``demo``).
    """
    from demo.nrw import load_demo

    world = DemoWorld(base_url=demo_server.url, snapshot={})
    world.files = tmp_path_factory.mktemp("demo-private")
    eager = celery_app.conf.task_always_eager
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=PASSWORD_HASHERS,
            STORAGES=private_storage(world.files),
            ALLOWED_HOSTS=[*django_settings.ALLOWED_HOSTS, _live_server_host(world)],
        ),
    ):
        # The demo's circular PDF is rendered in-process, as ``make run`` does without Redis:
        # this fixture comes before the per-test switch to eager tasks.
        celery_app.conf.task_always_eager = True
        try:
            load_demo()
        finally:
            celery_app.conf.task_always_eager = eager
        for user_kind in USER_KINDS:
            context = new_context(browser)
            if user_kind != "anonymous":
                page = context.new_page()
                login(page, world.base_url, DEMO_LOGINS[user_kind])
                page.close()
            world.contexts[user_kind] = context
        world.snapshot = _snapshot()
        call_command("flush", interactive=False, verbosity=0)
    yield world
    for context in world.contexts.values():
        context.close()


@pytest.fixture
def demo(demo_world, transactional_db, settings, private_media):
    """The demo data in the (committed) test database, with the logins of ``demo_world``.

    For tests that change data: restored before each, the database emptied after it.
    """
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, _live_server_host(demo_world)]
    shutil.copytree(demo_world.files, private_media, dirs_exist_ok=True)
    if demo_world.shared is not None:
        # A module with tests of both kinds: its shared data comes back for the next
        # ``demo_readonly`` test.
        demo_world.shared.loaded = False
    _restore(demo_world.snapshot)
    return demo_world


# A failed login through the form (the sweep shows the login form's errors) is recorded by
# django-axes; no page of the sweep shows those records.
_NOT_FINGERPRINTED = {"axes_accessattempt", "axes_accessfailurelog"}


def _fingerprint():
    """Each table's row count and a hash of its rows: what a test that writes changes."""
    quote = connection.ops.quote_name
    row_hash = "sum(hashtext(t::text))" if connection.vendor == "postgresql" else "0"
    tables = sorted(
        table
        for table in set(connection.introspection.table_names()) - _NOT_FINGERPRINTED
        if not table.startswith(SNAPSHOT_PREFIX)
    )
    query = " UNION ALL ".join(
        f"SELECT '{table}', count(*), {row_hash} FROM {quote(table)} t"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


@dataclass
class SharedDemo:
    world: DemoWorld
    files: Path
    fingerprint: dict
    loaded: bool = True  # False once a ``demo`` test of the module emptied the database


@pytest.fixture(scope="module")
def _shared_demo(demo_world, django_db_blocker, tmp_path_factory):
    """The snapshot restored once for a module of tests that only look; emptied after it."""
    files = tmp_path_factory.mktemp("demo-shared")
    shutil.copytree(demo_world.files, files, dirs_exist_ok=True)
    with django_db_blocker.unblock():
        _restore(demo_world.snapshot)
        shared = SharedDemo(demo_world, files, _fingerprint())
    demo_world.shared = shared
    yield shared
    demo_world.shared = None
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def _shared_demo_unchanged(_shared_demo, django_db_blocker):
    """After the test: the shared data as it was, or the test fails and it is restored.

    Set up before ``db`` and so checked after ``db`` rolled back what the test itself did:
    what is left was committed, by the live server.
    """
    if not _shared_demo.loaded:
        with django_db_blocker.unblock():
            _restore(_shared_demo.world.snapshot)
        _shared_demo.loaded = True
    yield
    with django_db_blocker.unblock():
        after = _fingerprint()
        if after == _shared_demo.fingerprint:
            return
        changed = sorted(
            table
            for table in after.keys() | _shared_demo.fingerprint.keys()
            if after.get(table) != _shared_demo.fingerprint.get(table)
        )
        _restore(_shared_demo.world.snapshot)
    pytest.fail(
        f"this test wrote to the shared demo data ({', '.join(changed)}): "
        "use the fixture `demo`, which restores the data for each test",
        pytrace=False,
    )


@pytest.fixture
def demo_readonly(_shared_demo, _shared_demo_unchanged, db, settings):
    """The demo data and logins of ``demo``, shared by the tests of a module that only look.

    A test that writes fails, and the next one gets the snapshot back.
    """
    world = _shared_demo.world
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    settings.STORAGES = private_storage(_shared_demo.files)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, _live_server_host(world)]
    return world


def pytest_terminal_summary(terminalreporter):
    passed = terminalreporter.stats.get("passed", [])
    failed = terminalreporter.stats.get("failed", [])
    checks = {}
    for report in (*passed, *failed):
        name = report.nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
        if report.when == "call" and "tests/browser/test_axe.py" in report.nodeid:
            checks[name] = checks.get(name, 0) + 1
    if checks:
        terminalreporter.write_line(
            "axe sweep: "
            + ", ".join(f"{count} × {name}" for name, count in sorted(checks.items()))
            + " (page × user kind)"
        )
