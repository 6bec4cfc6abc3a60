import copy
import datetime
import email
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app
from core import forms as core_forms
from core import paging as core_paging
from measures import selectors as measures_selectors
from tests import factories
from tests.pages import DRAFT_CIRCULAR, FINAL_CIRCULAR, UNSENT_CIRCULAR

# No time limit per example: hypothesis's deadline (200 ms) is a timing assertion, and on a
# busy machine an example of a page render failed it (seen while others used the cores).
hypothesis_settings.register_profile("rahmenwerk", deadline=None)
hypothesis_settings.load_profile("rahmenwerk")


def pytest_configure(config):
    """What ``make test`` used to do first, so that plain ``pytest`` works in a fresh clone:
    the English catalogue compiled (skipped while it is up to date) and the static folder.
    Once, in the main process: xdist's workers start after this."""
    if hasattr(config, "workerinput"):
        return
    from django.core.management import call_command

    call_command("compilemessages", ignore_patterns=[".venv", "node_modules", "var"], verbosity=0)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def _module(item):
    return item.nodeid.split("::", 1)[0]


def _shares(count, processes):
    """The sizes of the parts xdist's worksteal hands its processes first, in order."""
    sizes = []
    for number in range(processes):
        sizes.append((count - sum(sizes)) // (processes - number))
    return sizes


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Each process starts with long tests (markers ``browser``, ``worker``, ``long``).

    After pytest-randomly's shuffle and pytest-django's grouping (both come first), so the
    order inside each part stays random. xdist's worksteal gives each process one
    contiguous part of this order, and one that runs dry takes the back half of another's
    queue: a long test left near the end kept one process working alone for its last
    20 seconds, and browser tests in both processes loaded the demo world (a minute and
    more) twice. So the browser modules open the first process's part, the other long
    modules (a real worker, a Germany-sized data set) the second's; short tests fill up
    each part behind them and are what is stolen. Without xdist: long tests first.
    """
    processes = getattr(config, "workerinput", {}).get("workercount", 1)
    module_rank = {}
    for item in items:
        module_rank.setdefault(_module(item), len(module_rank))
    parts = [[] for _ in range(processes)]
    short = []
    for item in items:
        markers = {marker.name for marker in item.iter_markers()}
        if "browser" in markers:
            parts[0].append(item)
        elif markers & {"worker", "long"}:
            parts[1 + module_rank[_module(item)] % (processes - 1) if processes > 1 else 0].append(
                item
            )
        else:
            short.append(item)
    ordered = []
    for part, size in zip(parts, _shares(len(items), processes), strict=True):
        # A module's tests together, as pytest-randomly had them before pytest-django
        # moved a module's transactional tests behind every db test.
        part.sort(
            key=lambda item: (
                item.get_closest_marker("browser") is None,
                module_rank[_module(item)],
            )
        )
        filling = max(0, size - len(part))
        ordered += part + short[:filling]
        del short[:filling]
    items[:] = ordered + short


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, with every content type cached, as in a server that has run a while.

    Pages with a history look up their model's content type, once per process. Without this,
    a test that counts a page's queries would count one more when it happens to be the
    first of its process (tests run in random order, in several processes).
    """
    with django_db_blocker.unblock():
        ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def password():
    return factories.PASSWORD


def make_nrw():
    """A small NRW: ministry, directorate, both associations, a city and a Kreis jobcenter."""

    class World:
        ministry = factories.OrganisationFactory(ministry=True, name="MAGS NRW")
        directorate = factories.OrganisationFactory(directorate=True, name="RD NRW")
        landkreistag = factories.OrganisationFactory(landkreistag=True, name="Landkreistag NRW")
        staedtetag = factories.OrganisationFactory(staedtetag=True, name="Städtetag NRW")
        city_jobcenter = factories.JobcenterFactory(name="Jobcenter Düsseldorf")
        kreis_jobcenter = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Steinfurt")
        agreement = factories.AgreementFactory(short_title="Rahmenvereinbarung Inklusion NRW")

    return World


def make_hessen():
    """Another state, for the 'outsider' side of every access rule."""

    class World:
        ministry = factories.OrganisationFactory(ministry=True, state="HE", name="HMSI")
        landkreistag = factories.OrganisationFactory(landkreistag=True, state="HE")
        staedtetag = factories.OrganisationFactory(staedtetag=True, state="HE")
        city_jobcenter = factories.JobcenterFactory(state="HE", name="Jobcenter Kassel")
        kreis_jobcenter = factories.JobcenterFactory(
            state="HE", kreis=True, name="Jobcenter Werra-Meißner-Kreis"
        )
        agreement = factories.AgreementFactory(
            state="HE", short_title="Entwurf Hessen", unpublished=True
        )

    return World


def make_accession_world(nrw):
    """The accessions the demo also has: Düsseldorf joined, Steinfurt in draft, Olpe submitted."""

    class World:
        action_field = factories.ActionFieldFactory(agreement=nrw.agreement, number=1)
        olpe = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Olpe")
        joined = factories.AccessionFactory(
            jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True
        )
        draft = factories.AccessionFactory(jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement)
        submitted = factories.AccessionFactory(
            jobcenter=olpe, agreement=nrw.agreement, submitted=True
        )

    for accession in (World.joined, World.submitted):
        factories.PlannedMeasureFactory(accession=accession, action_field=World.action_field)
    # Measures the demo also has: Düsseldorf's internal and published ones, Bochum's proposal.
    World.city_measure = factories.MeasureFactory(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=World.action_field,
        title="Barrierefreier Eingangsbereich",
    )
    World.published_measure = factories.MeasureFactory(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=World.action_field,
        title="„Hinschauen, statt wegschauen!“ – Inklusionstag",
        published=True,
    )
    World.bochum = factories.JobcenterFactory(name="Jobcenter Bochum")
    World.proposed_measure = factories.MeasureFactory(
        jobcenter=World.bochum,
        agreement=nrw.agreement,
        action_field=World.action_field,
        title="Netzwerk psychische und Suchterkrankungen",
        proposed=True,
    )
    World.city_key_figures = factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, year=2025)
    # Circulars the demo also has: the Landkreistag's final 151/18 with its PDF, sent to
    # Steinfurt (among the Kreise); of the Städtetag a final one not sent yet and a draft
    # with one attachment.
    World.final_circular = factories.CircularFactory(
        association=nrw.landkreistag,
        final=True,
        number=151,
        subject=FINAL_CIRCULAR,
        sent_at=datetime.datetime(2018, 3, 12, 10, tzinfo=datetime.UTC),
    )
    factories.CircularAttachmentFactory(circular=World.final_circular, position=1)
    factories.CircularRecipientFactory(
        circular=World.final_circular, jobcenter=nrw.kreis_jobcenter, sent=True
    )
    World.final_rendering = factories.RenderingFactory(circular=World.final_circular, done=True)
    World.unsent_circular = factories.CircularFactory(
        association=nrw.staedtetag,
        final=True,
        number=1,
        date=datetime.date(2026, 11, 16),
        subject=UNSENT_CIRCULAR,
    )
    World.overview_rendering = factories.RenderingFactory(
        kind="overview",
        circular=None,
        agreement=nrw.agreement,
        organisation=nrw.landkreistag,
        done=True,
    )
    World.draft_circular = factories.CircularFactory(
        association=nrw.staedtetag, date=datetime.date(2026, 11, 30), subject=DRAFT_CIRCULAR
    )
    World.draft_attachment = factories.CircularAttachmentFactory(
        circular=World.draft_circular, position=1, title="Übersicht der Beitritte"
    )
    return World


def make_users(nrw, hessen):
    """One user of every role, in NRW, plus outsiders from Hessen."""

    class Users:
        ministry = factories.UserFactory(organisation=nrw.ministry, role="ministry_staff")
        directorate = factories.UserFactory(organisation=nrw.directorate, role="partner_reader")
        landkreistag = factories.UserFactory(
            organisation=nrw.landkreistag, role="association_staff"
        )
        staedtetag = factories.UserFactory(organisation=nrw.staedtetag, role="association_staff")
        city_manager = factories.UserFactory(
            organisation=nrw.city_jobcenter, role="jobcenter_manager"
        )
        kreis_manager = factories.UserFactory(
            organisation=nrw.kreis_jobcenter, role="jobcenter_manager"
        )
        hessen_ministry = factories.UserFactory(organisation=hessen.ministry, role="ministry_staff")
        hessen_manager = factories.UserFactory(
            organisation=hessen.city_jobcenter, role="jobcenter_manager"
        )
        admin = factories.UserFactory(admin=True)

    return Users


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    """pytest-django's query counter, with every content type cached before it counts.

    A test on a transactional database ends with a flush, whose post_migrate signal
    empties the content type cache of its process; the next counted page with a history
    would count one lookup more than a server that has run a while.
    """
    ContentType.objects.get_for_models(*apps.get_models())
    return django_assert_num_queries


# The worlds a module's tests may share (``_worlds``), as ``shared_world`` names them.
WORLDS = ("nrw", "hessen", "accession_world", "users")


def _own_copy(worlds):
    """The worlds as namespaces of Python objects of their own (deep copies of the model
    instances), one memo for all: what is the same object in them stays the same object."""
    return copy.deepcopy(
        {
            name: SimpleNamespace(
                **{key: value for key, value in vars(world).items() if not key.startswith("__")}
            )
            for name, world in worlds.items()
        }
    )


@pytest.fixture
def _worlds(request, db):
    """The test's copies of its module's worlds, or ``None``: it makes its own.

    A module whose tests share the worlds says so with
    ``pytestmark = pytest.mark.usefixtures("shared_world")``: the rows are made once for
    the module and each test runs in a savepoint inside its transaction, so what a test
    writes is rolled back for the next; each test gets Python objects of its own (what it
    changes in them stays with it) and its own copy of the worlds' files. Its tests must
    not commit (``transactional_db``): they would commit the module's rows with theirs;
    nor may the module hold a ``django.test.TestCase``, which closes the connection, and
    with it the module's transaction, after its last test.
    """
    if "shared_world" not in request.fixturenames:
        return None
    marker = request.node.get_closest_marker("django_db")
    commits = marker is not None and marker.kwargs.get("transaction", False)
    if commits or "transactional_db" in request.fixturenames:
        pytest.fail("a test that commits cannot share its module's worlds (shared_world)")
    shared = request.getfixturevalue("shared_world")
    media = request.getfixturevalue("private_media")
    if media != shared.media:
        shutil.copytree(shared.media, media, dirs_exist_ok=True)
    return SimpleNamespace(**_own_copy({name: getattr(shared, name) for name in WORLDS}))


@pytest.fixture
def nrw(_worlds):
    """``make_nrw``, for one test (or its copy of the module's, ``_worlds``)."""
    return _worlds.nrw if _worlds is not None else make_nrw()


@pytest.fixture
def hessen(_worlds):
    """``make_hessen``, for one test (or its copy of the module's, ``_worlds``)."""
    return _worlds.hessen if _worlds is not None else make_hessen()


@pytest.fixture
def accession_world(nrw, _worlds):
    """``make_accession_world``, for one test (or its copy of the module's, ``_worlds``)."""
    return _worlds.accession_world if _worlds is not None else make_accession_world(nrw)


@pytest.fixture
def users(nrw, hessen, _worlds):
    """``make_users``, for one test (or its copy of the module's, ``_worlds``)."""
    return _worlds.users if _worlds is not None else make_users(nrw, hessen)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """``nrw``, ``hessen``, ``accession_world`` and ``users``, made once for a module.

    For modules whose tests only read them (the access matrix): the rows live in a
    transaction around the module, rolled back after its last test, and each test (it
    needs ``db``) runs in a savepoint inside it, so what one test writes is gone for the
    next. Their files are in ``media``; a module overrides ``private_media`` to use it.
    """
    media = tmp_path_factory.mktemp("shared-media")
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=private_storage(media), PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        nrw = make_nrw()
        hessen = make_hessen()
        yield SimpleNamespace(
            nrw=nrw,
            hessen=hessen,
            accession_world=make_accession_world(nrw),
            users=make_users(nrw, hessen),
            media=media,
        )
        transaction.set_rollback(True)


@pytest.fixture
def ministry_client(client, users):
    client.force_login(users.ministry)
    return client


def private_storage(location):
    """STORAGES with the private files (uploads, PDFs) in ``location``."""
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }


# The fixtures that hand a test its module's real worker (the faults have a prefork one).
MODULE_WORKERS = {"celery_worker", "prefork_worker"}


@pytest.fixture(autouse=True)
def private_media(request, settings, tmp_path):
    """Uploads of a test go to its own folder, never to the project's var/private.

    With a module's real worker (``celery_worker``, ``prefork_worker``) that is the folder
    the module's worker stores in, emptied for each test.
    """
    if MODULE_WORKERS & set(request.fixturenames):
        location = request.getfixturevalue("worker_home") / "private"
        shutil.rmtree(location, ignore_errors=True)
    else:
        location = tmp_path / "private"
    settings.STORAGES = private_storage(location)
    return location


# The production hasher is slow on purpose; tests log in hundreds of times.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def forget_kept_reads():
    """Each test starts with no filter choices, counts or coverage cells kept
    (``core.forms.remembered``, ``core.paging.counts``, ``measures.selectors.kept_cells``).

    A test that commits ends with a flush, which empties the data-state counters as well:
    the next test's rows count from the same numbers, a key a server's database never
    gives twice."""
    core_forms.remembered.clear()
    core_paging.counts.clear()
    measures_selectors.kept_cells.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def run_in_fresh_interpreter(code):
    """What ``code`` prints when a new Python process with the test settings runs it: what a
    process that imports only what ``code`` imports has loaded (a cold start, a worker)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=settings.BASE_DIR,
    )
    return result.stdout


def _needs_service(reason):
    """Skip where a service is missing; in CI (CI=true) a missing service is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process, except in tests marked ``worker``, which use the real one."""
    # The marker, not ``request.keywords``: those hold every folder's name too, and a
    # checkout in a folder named "worker" made every test a worker test.
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


class Worker:
    """A real Celery worker process that a test can kill and start again."""

    def __init__(self, env, log, mail_dir, pool="solo"):
        self.env, self.log, self.mail_dir, self.pool = env, log, mail_dir, pool
        self.process = None

    def start(self):
        ready_before = self._ready_count()
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "config",
                    "worker",
                    f"--pool={self.pool}",
                    # prefork: one child, which the fault tests kill on its own.
                    "--concurrency=1",
                    f"--queues={','.join(_queues())}",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                    f"--hostname=test-{os.getpid()}@%h",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_for(lambda: self._ready_count() > ready_before or self.process.poll() is not None, 60)
        if self.process.poll() is not None:
            pytest.fail(f"The worker did not start:\n{self.log.read_text()}")

    def kill(self):
        """SIGKILL: no warm shutdown, nothing acknowledged or given back."""
        self.process.kill()
        self.process.wait(timeout=20)

    def children(self):
        """The pids of the pool's child processes (prefork; none for solo).

        Each thread of the parent lists the children it forked: the pool replaces a lost
        child from a thread of its own."""
        pids = []
        for thread in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                pids += [int(child) for child in (thread / "children").read_text().split()]
            except FileNotFoundError:
                continue  # the thread ended meanwhile
        return sorted(pids)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def ready_for_a_test(self):
        """Nothing queued, nothing in the mailbox, and running."""
        _purge_queues()
        shutil.rmtree(self.mail_dir, ignore_errors=True)
        if self.process is None or self.process.poll() is not None:
            self.start()

    def _ready_count(self):
        return self.log.read_text().count("ready.") if self.log.exists() else 0

    def messages(self):
        """The e-mails the worker sent so far (the file backend writes them to mail_dir)."""
        if not self.mail_dir.exists():
            return []
        messages = []
        for path in sorted(self.mail_dir.iterdir()):
            # The file backend writes each message followed by a line of dashes.
            for part in path.read_text().split("-" * 79):
                if part.strip():
                    messages.append(email.message_from_string(part.strip()))
        return messages


def _queues():
    """The queues of this test process (tests.settings gives each xdist worker its own)."""
    return getattr(settings, "TEST_CELERY_QUEUES", ["celery", "circulars", "reports"])


# A task whose worker died goes back to the queue after this many seconds (production: 600).
WORKER_VISIBILITY_TIMEOUT = 4


@pytest.fixture(scope="module")
def worker_home(tmp_path_factory):
    """The folder of a module's real worker: its log, its mail and its private files."""
    return tmp_path_factory.mktemp("worker")


@pytest.fixture(scope="module")
def _module_worker(worker_home):
    """One real worker for the tests of a module (``celery_worker``): a start costs seconds."""
    worker = start_worker(worker_home, worker_home / "private")
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_worker(_module_worker, transactional_db, private_media):
    """A real Celery worker process, on Redis, against the test database.

    It sends e-mail to files in ``worker.mail_dir`` and stores files where the test's
    storage looks (``private_media``). Data the worker should see must be committed, hence
    ``transactional_db``. The module's tests share the process; each gets it with empty
    queues and an empty mailbox, running again if the test before killed it.
    """
    _module_worker.ready_for_a_test()
    return _module_worker


def start_worker(tmp_path, private_media, *, pool="solo", env=None):
    """Start a real worker (``celery_worker``) with ``pool`` and more ``env``; the caller
    stops it."""
    if not settings.REDIS_URL:
        _needs_service("REDIS_URL is not set")
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        _needs_service("the worker needs PostgreSQL (DATABASE_URL) to share the test database")
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(private_media),
        "CELERY_VISIBILITY_TIMEOUT": str(WORKER_VISIBILITY_TIMEOUT),
        **(env or {}),
    }
    _purge_queues()
    worker = Worker(env, tmp_path / "worker.log", tmp_path / "mail", pool=pool)
    worker.start()
    return worker


def _purge_queues():
    with celery_app.connection_for_write() as broker:
        for queue in _queues():
            broker.default_channel.queue_purge(queue)


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def wait_for():
    return _wait_for


@pytest.fixture
def readback(request, db):
    """``tests/readback.py``: after a write, load every page of the object for every role."""
    from tests.readback import Readback

    return Readback(request.node)


def pytest_terminal_summary(terminalreporter):
    """How many pages × roles the tests read back after their writes (``readback``)."""
    total = tests = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            loads = [value for name, value in report.user_properties if name == "readbacks"]
            if loads:
                tests += 1
                total += sum(loads)
    if tests:
        terminalreporter.write_line(
            f"read-back: {total} page × role loads after writes, in {tests} tests"
        )
