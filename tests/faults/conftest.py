"""Outages of the real services: a Redis of the test's own that it stops and starts."""

import shutil
import socket
import subprocess
import time

import pytest

from config.celery import app as celery_app
from core import dispatch
from tests.conftest import start_worker


def free_port():
    """A port nobody listens on now: never the shared Redis on 6379, which the test would stop,
    and never another test process's own (under pytest-xdist each starts one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` on its own port, without persistence: stopped, it forgets all."""

    def __init__(self, port, log):
        self.port, self.log = port, log
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # A server that exited (its port taken after all) must not pass for ours.
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.running():
            self.process.terminate()
            self.process.wait(timeout=10)


def _use_broker(url):
    celery_app.conf.broker_url = url
    # Connections to the old broker are pooled; the next task opens one to the new.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def _module_redis(tmp_path_factory):
    """A Redis on a free port for a module's tests and its worker (``_module_worker``).

    It keeps its port when a test stops and starts it again; the worker outlives each
    outage as a production worker does (it reconnects), and a start of each costs seconds.
    """
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis") / "redis.log")
    server.start()
    previous = celery_app.conf.broker_url
    with pytest.MonkeyPatch.context() as patch:
        # The worker, started after this, inherits it.
        patch.setenv("REDIS_URL", server.url)
        _use_broker(server.url)
        try:
            yield server
        finally:
            server.stop()
            _use_broker(previous)
            dispatch.reset()


@pytest.fixture
def redis_server(_module_redis):
    """The module's Redis, running when the test starts (a failed test may have left it
    stopped), and a web process that has not seen it fail."""
    if not _module_redis.running():
        _module_redis.start()
    dispatch.reset()
    yield _module_redis
    dispatch.reset()


@pytest.fixture(scope="module")
def _module_worker(_module_redis, worker_home):
    """The module's real worker (as in tests/conftest.py), on the module's Redis."""
    worker = start_worker(worker_home, worker_home / "private")
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_worker(redis_server, _module_worker, transactional_db, private_media):
    """``celery_worker`` of tests/conftest.py on the module's Redis: with empty queues and
    an empty mailbox, running again if the test before killed it."""
    _module_worker.ready_for_a_test()
    return _module_worker


@pytest.fixture
def back_up(redis_server):
    """Start Redis again and let the web process forget it was away."""

    def start():
        redis_server.start()
        dispatch.reset()

    return start
