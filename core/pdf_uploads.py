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

The cheap checks run here on the bytes (milliseconds, no parse). The parse runs in a child
process with limits on its CPU time and memory (``resource.setrlimit``): whatever shape a
file has that the cheap checks miss, its check ends within seconds and refuses it, and
never takes the web process with it.
"""

import io
import json
import os
import re
import resource
import select
import signal
import time
import zlib
from typing import NamedTuple

import pikepdf
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A signed accession form is the form of a few pages, scanned; circular attachments are
# letters, agreements and status overviews (the 404-jobcenter overview has 15 pages).
ACCESSION_MAX_PAGES = 20
ATTACHMENT_MAX_PAGES = 300
# The 404-jobcenter overview, the biggest PDF the system makes, has 11,600 objects (its
# tags); the million-object file of the attack took 24 s to walk.
MAX_OBJECTS = 100_000
# All streams inflated together: 13 times the largest upload, where office PDFs with
# images come to 2-5 times (scanners write JPEG, JBIG2 or CCITT, which are not counted).
# Counting takes about 0.3 s of CPU for 128 MB; a flate bomb costs no more than that.
MAX_INFLATED_BYTES = 128 * 1024 * 1024

# The child's limits. A legitimate 10 MB PDF is checked in well under a second; the
# wall-clock limit also covers a machine so busy that CPU seconds come slowly.
CHECK_CPU_SECONDS = 2
CHECK_WALL_SECONDS = 3
CHECK_MEMORY_BYTES = 384 * 1024 * 1024

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

# The refusals of active content, most specific first: several are named in this order.
ACTIVE_CONTENT_ORDER = (
    "javascript",
    "launch",
    "embedded_file",
    "xfa",
    "form_action",
    "remote_link",
    "media",
    "automatic_action",
    "other_action",
)
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
ACTION_CODES = {
    "/GoTo": None,
    "/URI": None,  # judged by its scheme, in action_findings
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "form_action",
    "/ImportData": "form_action",
    "/ResetForm": "form_action",
    "/GoToR": "remote_link",
    "/GoToE": "remote_link",
    "/Rendition": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/RichMediaExecute": "media",
    "/GoTo3DView": "media",
    "/Hide": "other_action",
    "/Named": "other_action",
    "/SetOCGState": "other_action",
    "/Trans": "other_action",
    "/Thread": "other_action",
    "/GoToDp": "other_action",
}
MEDIA_ANNOTATIONS = {"/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"}
# The names that ``dictionary_findings`` looks at, as qpdf writes an object out: objects
# without any of them (most of a tagged PDF: its structure elements) skip the slow walk.
NAME_END = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"
WORTH_A_WALK = re.compile(
    rb"(?:/JS|/JavaScript|/AA|/OpenAction|/EmbeddedFiles|/EF|/Collection|/EmbeddedFile"
    rb"|/FileAttachment|/XFA|/Renditions|/AlternatePresentations|/Movie|/Sound|/Screen"
    rb"|/RichMedia|/3D|/Title|/Subtype /Link|/Subtype /Widget"
    rb"|/S /(?:" + b"|".join(name[1:].encode() for name in ACTION_CODES) + rb"))" + NAME_END
)


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


def inflated_size(raw, *, layers, limit):
    """The size of ``raw`` after ``layers`` rounds of inflating, counted up to ``limit``.

    Inflates in slices, so memory stays small whatever the data inflates to. Data that is
    not (or no longer) zlib counts as what was inflated up to there, as qpdf reads it.
    """
    chunk = 1024 * 1024
    pending = [zlib.decompressobj() for _layer in range(layers)]

    def pump(index, piece):
        # Feed ``piece`` to layer ``index``; return the bytes that come out of the last layer.
        if index == layers:
            return len(piece)
        inflater = pending[index]
        if inflater is None:
            return 0
        produced = 0
        while piece and not inflater.eof:
            try:
                out = inflater.decompress(piece, chunk)
            except zlib.error:
                pending[index] = None
                return produced
            produced += pump(index + 1, out)
            if produced >= limit:
                return produced
            piece = inflater.unconsumed_tail
        return produced

    total = 0
    for start in range(0, len(raw), chunk):
        if pending[0] is None or pending[0].eof:
            break
        total += pump(0, raw[start : start + chunk])
        if total >= limit:
            break
    return total


def parsed_findings(data, max_pages):
    """Parse the PDF in a child process with limits: what ``inspect`` found.

    The child is a fork of this process: it has pikepdf loaded already and starts in
    milliseconds. It only parses, writes its answer to a pipe and ends with ``os._exit``,
    so it never touches what it inherited (database connections, open files, threads).
    """
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        # No process to spare (the machine's limit is reached): the upload is refused for
        # now, with a message that says so, rather than accepted unchecked or a 500.
        os.close(read_end)
        os.close(write_end)
        return {"refusals": ["check_unavailable"]}
    if pid == 0:
        os.close(read_end)
        status = 1
        try:
            limit_this_process()
            os.write(write_end, json.dumps(inspect(data, max_pages)).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        answer = read_until(read_end, time.monotonic() + CHECK_WALL_SECONDS)
    finally:
        os.close(read_end)
    if answer is None:
        os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    if answer is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        # Killed at its CPU limit (SIGXCPU) or its deadline, or out of memory.
        return {"refusals": ["too_complex"]}
    return json.loads(answer)


def read_until(fd, deadline):
    """All the child writes to ``fd`` until it closes it, or None past ``deadline``."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def limit_this_process():
    """Cap the child's CPU seconds and what memory it may add to what it inherited."""
    resource.setrlimit(resource.RLIMIT_CPU, (CHECK_CPU_SECONDS, CHECK_CPU_SECONDS + 1))
    with open("/proc/self/statm") as statm:
        inherited = int(statm.read().split()[0]) * resource.getpagesize()
    limit = inherited + CHECK_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# --- the child: parsing with pikepdf ---------------------------------------------------------


def inspect(data, max_pages):
    """Parse the PDF in ``data`` (in the child): ``refusals`` (codes), ``pages``, ``objects``."""
    try:
        # No recovery of damaged files: if qpdf has to guess at the structure, a PDF viewer
        # may guess differently and see objects that our walk never looked at.
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                return {"refusals": ["encrypted"]}
            if int(pdf.trailer.get("/Size", 0)) > MAX_OBJECTS:
                return {"refusals": ["too_many_objects"]}
            pages = page_count(pdf, max_pages)
            if pages > max_pages:
                return {"refusals": ["too_many_pages"]}
            objects = pdf.objects
            if len(objects) > MAX_OBJECTS:
                return {"refusals": ["too_many_objects"]}
            found = set()
            budget = MAX_INFLATED_BYTES
            for obj in objects:
                # Numbers, names and strings come back as Python values: nothing to walk.
                if not isinstance(obj, pikepdf.Object):
                    continue
                body = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
                if WORTH_A_WALK.search(body.unparse(resolved=True)):
                    found |= active_content_in(obj)
                if isinstance(obj, pikepdf.Stream):
                    budget -= nested_inflated_size(obj, limit=budget + 1)
                    if budget < 0:
                        return {"refusals": ["too_much_data"]}
    except pikepdf.PasswordError:
        # Raised when the file needs a user password just to be opened.
        return {"refusals": ["encrypted"]}
    except MemoryError:
        raise
    except Exception:
        # PdfError, or a structure qpdf reads but that is not what the specification asks
        # for (a page tree of numbers, a /Kids that is no array): no viewer reads it the
        # same way, so it is no readable PDF.
        return {"refusals": ["unreadable"]}
    return {
        "refusals": [code for code in ACTIVE_CONTENT_ORDER if code in found],
        "pages": pages,
        "objects": len(objects),
    }


def page_count(pdf, max_pages):
    """The pages of the page tree, counted only up to just beyond ``max_pages``.

    Walks the tree itself rather than asking qpdf for its page list: /Count may lie, and a
    tree that names one page a million times would make qpdf copy it a million times.
    """
    count = 0
    pending = [pdf.Root["/Pages"]]
    seen = set()
    while pending and count <= max_pages:
        node = pending.pop()
        if node.is_indirect:
            if node.objgen in seen:
                raise pikepdf.PdfError("a page tree node appears twice")
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if kids is None:
            count += 1
        elif len(kids) > max_pages:
            return len(kids)
        else:
            pending.extend(kids)
    return count


def nested_inflated_size(stream, *, limit):
    """What a stream compressed twice or more with flate inflates to; 0 for any other.

    ``cheap_findings`` has inflated the outer layer of every stream already: only flate
    inside flate (which no ordinary writer makes) can hide more, and only here, where the
    filters are known, can it be inflated layer by layer.
    """
    filters = stream.get("/Filter")
    if not isinstance(filters, pikepdf.Array):
        return 0
    layers = 0
    for name in filters:
        if name != pikepdf.Name.FlateDecode:
            break
        layers += 1
    if layers < 2:
        return 0
    return inflated_size(memoryview(stream.read_raw_bytes()), layers=layers, limit=limit)


def active_content_in(obj):
    """The codes of the active content in one indirect object and its direct parts.

    Indirect children are left out: ``pdf.objects`` visits each of them on its own, and
    skipping them keeps the walk finite even when objects refer to each other in a circle.
    """
    found = set()
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, pikepdf.Stream | pikepdf.Dictionary):
            found |= dictionary_findings(current)
            children = [value for _key, value in current.items()]
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect
        )
    return found


def dictionary_findings(dictionary):
    """The codes for the keys and values of one dictionary (or stream dictionary)."""
    keys = set(dictionary.keys())
    kind = dictionary.get("/Type")
    subtype = dictionary.get("/Subtype")
    found = set()
    # /JS holds the script of a JavaScript action (lenient readers run it without
    # "/S /JavaScript"); /JavaScript names the document-level scripts in the /Names tree.
    if keys & {"/JS", "/JavaScript"}:
        found.add("javascript")
    # Every dictionary that names an action type is judged, wherever it hangs (/A of a
    # link, /Next of another action, an indirect action object of its own).
    action = dictionary.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in ACTION_CODES:
        found |= action_findings(dictionary)
    # /A holds the action of an annotation or an outline item (in a structure element it
    # holds attributes): one whose type we do not know is no internal or web link.
    target = dictionary.get("/A")
    if (
        keys & {"/Subtype", "/Title"}
        and isinstance(target, pikepdf.Dictionary)
        and str(target.get("/S")) not in ACTION_CODES
    ):
        found.add("other_action")
    # /EmbeddedFiles is the name tree of attachments, /EF the file inside a file
    # specification, /Collection a portfolio; the stream itself has /Type /EmbeddedFile.
    if (
        keys & {"/EmbeddedFiles", "/EF", "/Collection"}
        or kind == pikepdf.Name.EmbeddedFile
        or subtype == pikepdf.Name.FileAttachment
    ):
        found.add("embedded_file")
    if "/XFA" in keys:
        found.add("xfa")
    if str(subtype) in MEDIA_ANNOTATIONS or keys & {"/Renditions", "/AlternatePresentations"}:
        found.add("media")
    # /AA ("additional actions") runs on page, field or annotation events, without the
    # reader clicking anything; /OpenAction when the document opens. Opening at a page
    # of its own (a destination, or a GoTo action) is what viewers do anyway.
    if "/AA" in keys:
        found.add("automatic_action")
    opening = dictionary.get("/OpenAction")
    if isinstance(opening, pikepdf.Dictionary) and opening.get("/S") != pikepdf.Name.GoTo:
        found.add("automatic_action")
    return found


def action_findings(action):
    """The codes for one action dictionary: None for internal links and web addresses."""
    kind = str(action.get("/S"))
    if kind == "/URI":
        # Viewers and browsers drop white space and control characters inside a scheme
        # ("java\tscript:"), so the check drops them too before it compares.
        uri = bytes(action.get("/URI", b""))
        cleaned = bytes(byte for byte in uri if byte > 0x20).lower()
        if cleaned.startswith(tuple(scheme.encode() for scheme in SAFE_URI_SCHEMES)):
            return set()
        return {"remote_link"}
    code = ACTION_CODES[kind]
    return {code} if code else set()


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
