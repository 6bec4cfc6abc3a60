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

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _use_broker(url):
    celery_app.conf.broker_url = url
    # Connections to the old broker are pooled; the next task opens one to the new.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    """A Redis on a free port for the test process and its worker (started after it); it keeps
    its port when the test stops and starts it again."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    monkeypatch.setenv("REDIS_URL", server.url)
    previous = celery_app.conf.broker_url
    _use_broker(server.url)
    dispatch.reset()
    try:
        yield server
    finally:
        server.stop()
        _use_broker(previous)
        dispatch.reset()


@pytest.fixture
def celery_worker(redis_server, transactional_db, tmp_path, private_media):
    """A real worker of the test's own (as in tests/conftest.py), on the test's own Redis,
    started after it."""
    worker = start_worker(tmp_path, private_media)
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def back_up(redis_server):
    """Start Redis again and let the web process forget it was away."""

    def start():
        redis_server.start()
        dispatch.reset()

    return start
