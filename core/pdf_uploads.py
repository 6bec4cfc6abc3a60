"""The check every uploaded PDF passes: signed accession forms and circular attachments.

A file is judged by what it contains, never by its name or the Content-Type the browser
sends: both are chosen by the uploader. What passes is what members later open in their
viewers (and what the worker puts into a circular), so a PDF is accepted only when it is

- at most 10 MB, starts with ``%PDF-`` and ends with its last ``%%EOF`` (incremental
  updates, as digital signatures write them, are fine; data behind the last one is not),
- readable by pikepdf without repair, not encrypted,
- small inside as well: at most ``max_pages`` pages, ``MAX_OBJECTS`` objects and
  ``MAX_INFLATED_BYTES`` of compressed data once inflated (a few kilobytes can inflate to
  gigabytes, and a few megabytes can hold a million pages),
- free of active content: no action beyond links to its own pages and to http(s) and
  mailto addresses, no JavaScript, no automatic actions, no embedded files, no XFA form,
  no multimedia or 3D.

The cheap checks run here on the bytes (milliseconds, no parse). The parse runs in a fresh
interpreter (``core/pdf_inspect.py``) with limits on its CPU time and memory
(``resource.setrlimit``): whatever shape a file has that the cheap checks miss, its check
ends within seconds and refuses it, and never takes the web process with it.
"""

import atexit
import contextlib
import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.pdf_inspect import CHECK_CPU_SECONDS, MAX_INFLATED_BYTES, MAX_OBJECTS, inflated_size

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A signed accession form is the form of a few pages, scanned; circular attachments are
# letters, agreements and status overviews (the 404-jobcenter overview has 15 pages).
ACCESSION_MAX_PAGES = 20
ATTACHMENT_MAX_PAGES = 300

# The parse runs in a fresh interpreter (``core/pdf_inspect.py``), with its own limits on
# CPU time and memory. It may take this long once it has started; starting it (Python and
# pikepdf, a few tenths of a second) may take this long on a busy machine.
INSPECT_SCRIPT = Path(__file__).with_name("pdf_inspect.py")
CHECK_WALL_SECONDS = 3
CHECK_START_SECONDS = 10
# On a busy machine the parse may not get its CPU seconds in CHECK_WALL_SECONDS: a parse
# that has not yet used its CPU limit (``pdf_inspect.CHECK_CPU_SECONDS``) is waited for,
# up to this long, rather than refused as too complex because others took the CPU.
CHECK_WALL_MAX_SECONDS = 10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

PDF_HEADER = b"%PDF-"
# PDF's white-space characters (ISO 32000-1, 7.2.2).
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
WHITE = rb"[\x00\t\n\x0c\r ]"
EOF_MARKER = re.compile(rb"%%EOF")
FINAL_EOF = re.compile(rb"startxref" + WHITE + rb"+\d+" + WHITE + rb"+%%EOF\Z")
# What an incremental update (or the second part of a linearised file) starts with, after
# white space and comments: an object or a cross-reference table.
UPDATE_START = re.compile(
    rb"(?:" + WHITE + rb"|%[^\r\n]*)*(?:\d+" + WHITE + rb"+\d+" + WHITE + rb"+obj|xref)"
)
STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
DECLARED_SIZE = re.compile(rb"/Size" + WHITE + rb"+(\d+)")


def refusal_message(code, *, max_pages=0):
    """The German message for one reason to refuse an uploaded PDF."""
    if code == "too_many_pages":
        return ngettext(
            "Das PDF hat mehr als %(count)d Seite. Bitte laden Sie eine kürzere Fassung hoch.",
            "Das PDF hat mehr als %(count)d Seiten. Bitte laden Sie eine kürzere Fassung hoch.",
            max_pages,
        ) % {"count": max_pages}
    messages = {
        "empty": _("Die Datei ist leer."),
        "too_large": _("Die Datei ist größer als 10 MB."),
        "not_pdf": _("Die Datei ist kein PDF."),
        "unreadable": _(
            "Die Datei ist kein lesbares PDF. Sie ist beschädigt oder unvollständig. "
            "Bitte speichern Sie das PDF neu und laden Sie es noch einmal hoch."
        ),
        "trailing_data": _(
            "Hinter dem Ende des PDF folgen weitere Daten (etwa ein angehängtes Archiv oder "
            "eine Webseite). Bitte speichern Sie das PDF neu und laden Sie es noch einmal hoch."
        ),
        "encrypted": _("Das PDF ist verschlüsselt. Bitte laden Sie es ohne Kennwortschutz hoch."),
        "too_many_objects": _(
            "Das PDF besteht aus ungewöhnlich vielen Teilen (Objekten). Bitte speichern Sie es "
            "neu, etwa über „Drucken als PDF“, und laden Sie es noch einmal hoch."
        ),
        "too_much_data": _(
            "Das PDF enthält entpackt mehr als %(size)d MB. Bitte laden Sie eine Fassung mit "
            "geringerer Auflösung hoch."
        )
        % {"size": MAX_INFLATED_BYTES // (1024 * 1024)},
        "check_unavailable": _(
            "Das PDF konnte gerade nicht geprüft werden, der Server ist ausgelastet. Bitte "
            "laden Sie es in einigen Minuten noch einmal hoch."
        ),
        "too_complex": _(
            "Das PDF ließ sich nicht in wenigen Sekunden prüfen: es ist zu umfangreich oder zu "
            "verschachtelt. Bitte speichern Sie es neu, etwa über „Drucken als PDF“, und laden "
            "Sie es noch einmal hoch."
        ),
        "javascript": _(
            "Das PDF enthält JavaScript. Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "launch": _(
            "Das PDF enthält eine Aktion, die andere Programme startet. "
            "Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "embedded_file": _(
            "Das PDF enthält eingebettete Dateien. "
            "Bitte laden Sie eine Fassung ohne Dateianhänge hoch."
        ),
        "xfa": _(
            "Das PDF enthält ein XFA-Formular. "
            "Bitte drucken Sie das Formular als einfaches PDF und laden Sie dieses hoch."
        ),
        "form_action": _(
            "Das PDF enthält Formularaktionen, die Daten versenden, laden oder zurücksetzen. "
            "Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "remote_link": _(
            "Das PDF enthält Verweise auf andere Dateien, Netzlaufwerke oder Adressen, die "
            "nicht mit http, https oder mailto beginnen. Bitte laden Sie eine Fassung ohne "
            "solche Verweise hoch."
        ),
        "media": _(
            "Das PDF enthält Multimedia- oder 3D-Inhalte. "
            "Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "automatic_action": _(
            "Das PDF enthält Aktionen, die beim Öffnen oder Anzeigen automatisch ausgeführt "
            "werden. Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "other_action": _(
            "Das PDF enthält Aktionen, die über Links auf Seiten des Dokuments und auf "
            "Internet- und E-Mail-Adressen hinausgehen. Bitte laden Sie eine Fassung ohne "
            "aktive Inhalte hoch."
        ),
    }
    return messages[code]


def refuse(code, **kwargs):
    return ValidationError(refusal_message(code, **kwargs), code=code)


class PdfFacts(NamedTuple):
    """What the check found out about a PDF that passed it."""

    pages: int
    objects: int


def check_pdf_upload(uploaded_file, *, max_pages=ATTACHMENT_MAX_PAGES) -> PdfFacts:
    """Refuse the upload with a German ValidationError unless it is a harmless PDF.

    Every kind of active content found is named at once. Leaves the file positioned at
    its start, so the caller can save it right away. Returns its pages and objects.
    """
    # The size comes from the upload handler; checking it first means an oversized file is
    # refused without reading any of it.
    if not uploaded_file.size:
        raise refuse("empty")
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise refuse("too_large")
    uploaded_file.seek(0)
    try:
        data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    finally:
        uploaded_file.seek(0)
    codes = cheap_findings(data, max_pages=max_pages)
    found = {"refusals": codes} if codes else parsed_findings(data, max_pages)
    if found["refusals"]:
        raise ValidationError([refuse(code, max_pages=max_pages) for code in found["refusals"]])
    return PdfFacts(pages=found["pages"], objects=found["objects"])


def cheap_findings(data, *, max_pages):
    """What the bytes alone show: the reasons to refuse the file before any parse."""
    # PDF readers accept the header anywhere in the first 1024 bytes. We insist on offset 0:
    # a file that starts with "<html>" and hides a PDF further on is a polyglot that a browser
    # would render as a web page, and no honest PDF writer puts anything before the header.
    if not data.startswith(PDF_HEADER):
        return ["not_pdf"]
    found = structure_findings(data)
    if found:
        return found
    declared = [int(size) for size in DECLARED_SIZE.findall(data)]
    if declared and max(declared) > MAX_OBJECTS:
        return ["too_many_objects"]
    # Every stream inflated (once, the outer layer), with one budget for the whole file:
    # a flate bomb is found here in well under a second, before qpdf would inflate it.
    budget = MAX_INFLATED_BYTES
    for match in STREAM_START.finditer(data):
        budget -= inflated_size(memoryview(data)[match.end() :], layers=1, limit=budget + 1)
        if budget < 0:
            return ["too_much_data"]
    return []


class Checkers:
    """Fresh interpreters for the parse (``core/pdf_inspect.py``), one used per PDF.

    Not a fork of this process: a fork of a process with threads (gunicorn's, database
    connections', Sentry's) can deadlock in the child and inherits all it holds. Starting
    Python and pikepdf takes a few tenths of a second, seconds on a busy machine, so one
    is started ahead and waits for the next upload; each check starts the next when done.
    ``python -I`` ignores PYTHON* variables and the current directory, and the child gets
    no environment at all (no secrets).
    """

    def __init__(self):
        self.spare = None
        self.lock = threading.Lock()

    def take(self):
        """A started interpreter, for one PDF; ``OSError`` when no process can be made."""
        with self.lock:
            child, self.spare = self.spare, None
        if child is None or child.poll() is not None:
            child = self.start()
        return child

    def refill(self):
        """Start the spare for the next PDF. Called once a check is done, so that starting
        it never takes CPU time from the check itself."""
        with self.lock:
            if self.spare is not None:
                return
            try:
                self.spare = self.start()
            except OSError:
                self.spare = None  # the next check starts its own

    def start(self):
        return subprocess.Popen(  # noqa: S603 (our interpreter, our script)
            [sys.executable, "-I", str(INSPECT_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={},
        )

    @staticmethod
    def discard(child):
        """End a spare: with no file on its standard input it ends by itself."""
        child.stdin.close()
        child.stdout.close()
        child.wait()

    def close(self):
        with self.lock:
            spare, self.spare = self.spare, None
        if spare is not None:
            self.discard(spare)


checkers = Checkers()
atexit.register(lambda: checkers.close())


def parsed_findings(data, max_pages):
    """Parse the PDF in a fresh interpreter with limits: what ``pdf_inspect.inspect`` found."""
    try:
        child = checkers.take()
    except OSError:
        # No process to spare (the machine's limit is reached): the upload is refused for
        # now, with a message that says so, rather than accepted unchecked or a 500.
        return {"refusals": ["check_unavailable"]}
    try:
        answer, refusal = answer_of(child, f"{max_pages}\n".encode() + data)
        if refusal is not None:
            child.kill()
        status = child.wait()
    finally:
        with contextlib.suppress(OSError):  # the child did not take all of it
            child.stdin.close()
        child.stdout.close()
        if child.returncode is None:  # an error here: no child is left behind
            child.kill()
            child.wait()
        checkers.refill()
    if refusal is not None:
        return {"refusals": [refusal]}
    if status != 0:
        # Killed at its CPU limit (SIGXCPU), or out of memory.
        return {"refusals": ["too_complex"]}
    return json.loads(answer)


def answer_of(child, request):
    """Hand ``request`` to ``child`` once it is ready; what it answers, and ``None``. Or
    ``None`` and the code of the refusal: it did not start or did not finish in time."""
    fd = child.stdout.fileno()
    if read_until(fd, time.monotonic() + CHECK_START_SECONDS, line=True) != b"ready\n":
        logger.error("The PDF check did not start in %s s.", CHECK_START_SECONDS)
        return None, "check_unavailable"
    try:
        child.stdin.write(request)
        child.stdin.close()
    except BrokenPipeError:
        logger.error("The PDF check ended before it took the file.")
        return None, "check_unavailable"
    started = time.monotonic()
    cpu_before = cpu_seconds(child.pid)

    def more_time():
        # Past the wall limit: a parse that is busy is over its budget by now (the kernel
        # ends it at its CPU limit); one that waited for the CPU gets a second more.
        starved = cpu_seconds(child.pid) - cpu_before < CHECK_CPU_SECONDS
        if starved and time.monotonic() - started < CHECK_WALL_MAX_SECONDS:
            return time.monotonic() + 1
        return None

    answer = read_until(fd, started + CHECK_WALL_SECONDS, more_time=more_time)
    return (None, "too_complex") if answer is None else (answer, None)


def cpu_seconds(pid):
    """The CPU time (user and system) that process ``pid`` has used; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # Fields 14 and 15 (utime, stime), counted after the command's closing ")".
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def read_until(fd, deadline, *, line=False, more_time=lambda: None):
    """What the child writes to ``fd`` until it closes it (or, with ``line``, up to the end
    of its first line); ``None`` past ``deadline``, unless ``more_time()`` gives a later
    one."""
    received = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            deadline = more_time()
            if deadline is None:
                return None
            continue
        chunk = os.read(fd, 1 if line else 65536)
        received += chunk
        if not chunk or (line and chunk == b"\n"):
            return received


def structure_findings(data):
    """Refuse data behind the last ``%%EOF`` and sections that are no incremental update."""
    ends = [match.end() for match in EOF_MARKER.finditer(data)]
    if not ends:
        return ["unreadable"]
    body = data[: ends[-1]]
    if data[ends[-1] :].strip(PDF_WHITESPACE):
        return ["trailing_data"]
    if not FINAL_EOF.search(body):
        return ["unreadable"]
    # An incremental update appends objects, a cross-reference section and a trailer; a
    # section between two %%EOF that starts with anything else (a ZIP archive, HTML) was
    # smuggled in with a second %%EOF behind it.
    if any(not UPDATE_START.match(data, end) for end in ends[:-1]):
        return ["trailing_data"]
    return []


class PdfUploadField(forms.FileField):
    """A file field that accepts only a harmless PDF of at most ``max_pages`` pages.

    Used by the signed accession form and the circular's attachments alike.
    """

    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})
    default_error_messages = {
        "required": gettext_lazy("Bitte wählen Sie eine PDF-Datei."),
        "empty": gettext_lazy("Die Datei ist leer."),
        "invalid": gettext_lazy("Es wurde keine Datei übermittelt."),
        "missing": gettext_lazy("Es wurde keine Datei übermittelt."),
        "contradiction": gettext_lazy(
            "Bitte laden Sie entweder eine neue Datei hoch oder entfernen Sie die vorhandene, "
            "nicht beides."
        ),
    }

    def __init__(self, *, max_pages=ATTACHMENT_MAX_PAGES, **kwargs):
        self.max_pages = max_pages
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        # Only a fresh upload is checked; a file that was stored earlier passed this check
        # when it was uploaded.
        if isinstance(cleaned, UploadedFile):
            # Kept with the upload for rules about several files (a circular's attachments).
            cleaned.pdf_facts = check_pdf_upload(cleaned, max_pages=self.max_pages)
        return cleaned
