"""The parse of an uploaded PDF, in a fresh interpreter of its own (``core.pdf_uploads``).

Run as ``python -I core/pdf_inspect.py``. It imports nothing but the standard library
and pikepdf (no Django, no settings, none of the web process's connections or threads),
says "ready" on a line, and reads a line with the page limit and then the PDF from
standard input up to its end. Then it limits its own CPU time and memory
(``limit_this_process``) and writes its findings as JSON: ``refusals`` (codes), ``pages``,
``objects``. Killed at a limit, it answers nothing.
"""

import io
import json
import math
import os
import re
import resource
import sys
import zlib

import pikepdf

# The 404-jobcenter overview, the biggest PDF the system makes, has 11,600 objects (its
# tags); the million-object file of the attack took 24 s to walk.
MAX_OBJECTS = 100_000
# All streams inflated together: 13 times the largest upload, where office PDFs with
# images come to 2-5 times (scanners write JPEG, JBIG2 or CCITT, which are not counted).
# Counting takes about 0.3 s of CPU for 128 MB; a flate bomb costs no more than that.
MAX_INFLATED_BYTES = 128 * 1024 * 1024

# The parse's limits, applied once pikepdf is loaded and the file read: what starting an
# interpreter costs is not counted (``core.pdf_uploads`` waits for that on its own).
CHECK_CPU_SECONDS = 2
CHECK_MEMORY_BYTES = 384 * 1024 * 1024

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


def limit_this_process():
    """Cap the CPU seconds and the memory the parse may add to what this process holds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # RLIMIT_CPU counts from the start of the process and in whole seconds.
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + CHECK_CPU_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    limit = held + CHECK_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


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


def main():
    # Loaded and ready: the web process may hand this interpreter a file at any time.
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    stdin = sys.stdin.buffer
    max_pages = int(stdin.readline() or 0)
    data = stdin.read()
    if not data:
        return  # the web process ended without a file for this one
    limit_this_process()
    sys.stdout.write(json.dumps(inspect(data, max_pages)))
    sys.stdout.flush()
    # Done: no tidying up of pikepdf and the interpreter, which costs a tenth of a second.
    os._exit(0)


if __name__ == "__main__":
    main()
