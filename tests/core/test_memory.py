"""Memory a finished piece of work freed goes back to the system (``core.memory``)."""

from pathlib import Path

import pytest

from core import memory
from core.exports import Column, Table, csv_response


def _resident_mb():
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
        // 1024
    )


@pytest.fixture
def trims(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    return calls


def _csv(rows):
    table = Table("Liste", [Column("Zahl", 10)], ([n] for n in range(rows)), lambda: rows, ())
    return csv_response(table)


def test_a_streamed_csv_gives_back_its_memory_once_sent(trims):
    chunks = _csv(1_200).streaming_content
    next(chunks)

    assert trims == []
    b"".join(chunks)
    assert trims == [0]


@pytest.mark.django_db  # closing a response signals the request's end: connections closed
def test_a_csv_download_broken_off_gives_back_its_memory_too(trims):
    response = _csv(1_200)
    next(iter(response.streaming_content))

    response.close()  # the server closes what the client stopped reading

    assert trims == [0]


def test_without_glibc_nothing_is_trimmed(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)

    memory.return_freed_memory()


@pytest.mark.skipif(memory._malloc_trim() is None, reason="no glibc malloc_trim here")
def test_memory_freed_in_small_pieces_goes_back_to_the_system():
    # 200 MB in 2 KB pieces (glibc's heap, not Python's small-object arenas), the last one
    # kept so that glibc cannot simply shorten its heap: freed, the pages stay resident.
    pieces = [bytes(2000) for _ in range(100_000)]
    last = bytes(2000)
    del pieces
    held = _resident_mb()

    memory.return_freed_memory()

    assert _resident_mb() < held - 100
    assert len(last) == 2000
