"""Benchmark: the upload check (core/pdf_uploads.py) on the bombs of the hostile corpus
and on the biggest legitimate PDF kinds: wall and CPU seconds, peak memory, the answer.

Run: ``.venv/bin/python bench/pdf_uploads.py [--parallel 3] [--markdown FILE]`` (or ``make
bench``). Each
file is built (tests/core/corpus.py, nothing is written to disk) and checked in a fresh
process of its own: the memory is what the check adds to the process's peak after the
build (``ru_maxrss``), and the peak of the check's children (fresh interpreters,
``core/pdf_inspect.py``). Each process checks a small PDF first: its first check starts
an interpreter on the spot, every later one finds one started ahead and is measured.
``--parallel`` checks that many copies of each bomb at once, as three uploads in parallel
made the site unreachable before the check was bounded.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

CASES = [
    "many_pages",
    "many_objects",
    "repeated_page",
    "flate_bomb_content",
    "flate_bomb_object_stream",
    "double_flate_bomb",
    "pages:300",
    "incremental_update",
]


def build(case):
    from tests.core import corpus

    name, _, argument = case.partition(":")
    return getattr(corpus, name)(*([int(argument)] if argument else []))


def check_one(case):
    """In a process of its own: build ``case``, check it once, print one row (tab-separated
    cells for the parent's table)."""
    import common  # noqa: F401 (sets up Django with the bench settings)
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.pdf_uploads import check_pdf_upload

    data = build(case)
    # The first check of a process starts its interpreter on the spot; every later one
    # finds one started ahead (``core.pdf_uploads.Checkers``). Measured: a later one.
    check_pdf_upload(SimpleUploadedFile("warm-up.pdf", build("pdf_bytes"), "application/pdf"))
    time.sleep(3)  # the spare gets ready
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    upload = SimpleUploadedFile("f.pdf", data, "application/pdf")
    cpu, wall = time.process_time(), time.monotonic()
    try:
        facts = check_pdf_upload(upload)
        answer = f"accepted ({facts.pages} pages, {facts.objects} objects)"
    except ValidationError as refusal:
        answer = "refused: " + ", ".join(error.code for error in refusal.error_list)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cells = [case, len(data) / 1e6, wall, cpu, (own - before) / 1024, child / 1024, answer]
    print("\t".join(str(cell) for cell in cells), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--markdown", type=Path, help="append the result table to this file")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        check_one(args.case)
        return
    # The parent needs no database: the harness only for the table.
    from common import Table

    table = Table(
        f"Upload-Prüfung, Last {os.getloadavg()[0]:.1f}, {args.parallel} gleichzeitig",
        ["Fall", "MB", "s", "CPU s", "Speicher + MB", "Kind höchstens MB", "Antwort"],
    )
    for case in CASES:
        runs = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, __file__, "--case", case], stdout=subprocess.PIPE, text=True
            )
            for _copy in range(args.parallel)
        ]
        for run in runs:
            output, _errors = run.communicate()
            for line in output.splitlines():
                name, *numbers, answer = line.split("\t")
                table.add(name, *(float(value) for value in numbers), answer, digits=1)
    table.show(args)


if __name__ == "__main__":
    main()
