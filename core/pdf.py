"""Render a Django template to an accessible PDF (PDF/UA-1) with WeasyPrint.

The templates are ordinary HTML with ``<html lang="…">`` and a ``<title>``: WeasyPrint takes
the document language (``/Lang``) and the title (document info and XMP ``dc:title``) from
them, and with ``pdf_variant="pdf/ua-1"`` writes a tagged PDF (structure tree built from the
HTML elements, ``/MarkInfo``, ``DisplayDocTitle``, ``pdfuaid:part`` 1) with its fonts embedded.

Stylesheets and images are files of the project: templates link them relative to
``static/`` (``<link rel="stylesheet" href="pdf/base.css">``). Nothing is fetched from the
network: the URL fetcher refuses every URL that is not a ``file:`` URL inside ``static/``.
"""

import contextlib
import dataclasses
import functools
import gc
import io
import logging
import os
import re
import signal
import ssl
import threading
import warnings
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint is imported where a PDF is made, never when this module is: it is most of a
# cold start (about 2 of 2.5 seconds) and the web's import path (config.urls) reaches this
# module through every view that offers a PDF. Only the worker's render task and the
# accession form's download pay for it, once per process (Python keeps the module).

PDF_VARIANT = "pdf/ua-1"

logger = logging.getLogger(__name__)


def static_root() -> Path:
    """The folder PDF templates may load files from: the project's own ``static/``."""
    return Path(settings.BASE_DIR, "static").resolve()


@functools.cache
def _no_network_context():
    """The TLS context for the HTTPS handler every WeasyPrint fetcher has and ours never
    uses (it refuses every URL but a project file).

    Without one, each fetcher made Python's default context and loaded the system's CA
    certificates into it: about 50 ms CPU per document, six documents per circular. This
    one trusts no certificate at all, so it could not complete a handshake either.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class ProjectFileFetcher(URLFetcher):
        """Fetch only ``file:`` URLs inside ``roots``; refuse the network and everything else.

        A refused URL raises ``ValueError``: WeasyPrint logs a warning and renders without the
        resource.
        """

        def __init__(self, roots=None):
            super().__init__(allowed_protocols={"file"}, ssl_context=_no_network_context())
            self.roots = [Path(root).resolve() for root in roots or [static_root()]]

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"Only project files may be loaded into a PDF, not {url!r}")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"Not a file of the project's static folder: {url!r}")
            return super().fetch(url, headers)

    return ProjectFileFetcher


def __getattr__(name):
    # ``from core.pdf import ProjectFileFetcher`` builds the class (and imports WeasyPrint).
    if name == "ProjectFileFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# WeasyPrint's user-agent stylesheet styles a ``::marker`` and five footnote and note
# pseudo-elements on *every* element (``::marker { … }``, ``::footnote-call { … }``, …): it
# computes six styles per element for them, half the cascade of a 404-row overview
# (5,000 cells). Only list items have markers here, and no template floats footnotes or
# notes: our copy puts the marker rule on ``li`` and leaves the note rules out (a template
# that wants footnotes brings their rules along).
_EVERY_ELEMENT_PSEUDO = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}\n]*\}$",
    re.MULTILINE,
)


@functools.cache
def user_agent_stylesheet():
    """WeasyPrint's HTML user-agent stylesheet without its rules for every element's
    pseudo-elements; WeasyPrint's own if its stylesheet no longer has all six."""
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA, UA_STYLESHEET

    text, count = _EVERY_ELEMENT_PSEUDO.subn(
        lambda rule: "li" + rule[0] if rule[1] == "marker" else "", UA
    )
    if count != 6:
        return UA_STYLESHEET
    # Its @counter-style rules go into a throwaway: WeasyPrint's shared counter styles have
    # them from its own stylesheet already (every document gets a copy of those), and
    # parsed into them a second time they log "Invalid counter style name ' disc '".
    return CSS(string=text, counter_style=CounterStyle())


@functools.cache
def _html_class():
    import weasyprint

    class ProjectHTML(weasyprint.HTML):
        """An HTML document styled by our user-agent stylesheet (forms' one as WeasyPrint's)."""

        def _ua_stylesheets(self, forms=False):
            return [user_agent_stylesheet(), *super()._ua_stylesheets(forms)[1:]]

    return ProjectHTML


_fonts = threading.local()


def font_configuration():
    """The font configuration this thread gives every document it renders.

    WeasyPrint otherwise loads the system's fonts anew for each document and keeps what it
    loaded: a worker grew by about 1.7 MB per circular. One configuration per thread (a
    Celery worker process has one) keeps its memory flat and saves the loading; per thread
    because Pango's font map is not made to be shared between threads. Our PDF styles name
    installed fonts only: an ``@font-face`` would stay registered for the thread's later
    documents.
    """
    if not hasattr(_fonts, "configuration"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


_collector = threading.Lock()
_collector_pauses = {"count": 0, "was_enabled": False}


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while WeasyPrint works.

    WeasyPrint keeps every box, style and Pango layout of a document alive until the PDF
    is written: a 404-row status overview adds 140,000 objects the collector tracks, and
    each of its passes over the older generations walks them: 1.5 of 7.8 seconds CPU (and
    more the larger the document). Paused, the cycles the rendering leaves behind are collected
    afterwards (0.15 s, a peak of 4 MB more). The collector is the process's: threads
    rendering at once share one pause, and it runs again after the last of them, unless
    it had been off before the first.
    """
    with _collector:
        if _collector_pauses["count"] == 0:
            _collector_pauses["was_enabled"] = gc.isenabled()
            gc.disable()
        _collector_pauses["count"] += 1
    try:
        yield
    finally:
        with _collector:
            _collector_pauses["count"] -= 1
            if _collector_pauses["count"] == 0 and _collector_pauses["was_enabled"]:
                gc.enable()


# Text in the regular, bold and italic faces of both families the PDF styles name (the
# circular's Liberation Sans, everything else's DejaVu Sans): laid out once, it has Pango
# open the font files every document uses. The word too long for its box has pyphen load
# the German hyphenation dictionary (2 to 4 s of a child's first circular otherwise).
_WARM_UP_TEXT = "Anlage <b>fett</b> <i>kursiv</i> 1.234 €"
_WARM_UP_HTML = (
    '<html lang="de"><head><link rel="stylesheet" href="pdf/base.css"></head><body>'
    f"<h1>{_WARM_UP_TEXT}</h1><p>{_WARM_UP_TEXT}</p>"
    f"<p style=\"font-family: 'Liberation Sans'\">{_WARM_UP_TEXT}</p>"
    '<p style="hyphens: auto; width: 4em">Rahmenvereinbarungsverhandlungen</p></body></html>'
)


def load():
    """Import WeasyPrint and make our stylesheet and classes: Python objects only, no fonts,
    so a worker's parent process can do it once and fork its children from it."""
    _html_class()
    _fetcher_class()
    user_agent_stylesheet()


def warm_up():
    """Load what every PDF needs, once per process: WeasyPrint, our stylesheet and classes,
    this thread's font configuration and the fonts of a small document.

    A worker child calls it when it starts (``config.celery``): the child is ready when it
    says so, its first PDF costs what the others cost, and its memory before the first
    render is what the renders build on.
    """
    load()
    html = _html_class()(
        string=_WARM_UP_HTML,
        base_url=static_root().as_uri() + "/",
        url_fetcher=_fetcher_class()(),
    )
    # Written too: the first PDF a process writes imports and sets up the PDF writer.
    html.render(font_config=font_configuration()).write_pdf(pdf_variant=PDF_VARIANT)


def _document(template_name, context, *, roots, language, fetcher):
    with translation.override(language):
        html = render_to_string(template_name, context)
    base_url = roots[0].as_uri() + "/"
    return _html_class()(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=font_configuration()
    )


def render_pdf(template_name, context, *, language="de", extra_roots=()) -> bytes:
    """Render ``template_name`` with ``context`` to the bytes of a PDF/UA-1 document.

    Relative links in the template point into the project's ``static/`` folder;
    ``extra_roots`` are further folders it may load files from (an association's logo).
    The template is rendered in ``language`` (dates, any translated text), whatever the
    language of the request.
    """
    pdf, _page_counts = render_pdf_parts(
        [(template_name, context)], language=language, extra_roots=extra_roots
    )
    return pdf


def render_pdf_parts(parts, *, language="de", extra_roots=()):
    """Render several ``(template_name, context)`` parts into one PDF/UA-1 document.

    Returns the PDF's bytes and the number of pages of each part.

    Each part is laid out on its own, so its page counter (``counter(pages)``) counts only
    its own pages: a letter says "Seite 2 von 2" although separator pages follow it. The
    first part gives the document its title and language.
    """
    roots = [static_root(), *(Path(root).resolve() for root in extra_roots)]
    # One fetcher for all parts: making one sets up urllib's handlers (0.7 ms, a circular
    # has six parts).
    fetcher = _fetcher_class()(roots)
    with collector_paused():
        documents = [
            _document(name, context, roots=roots, language=language, fetcher=fetcher)
            for name, context in parts
        ]
        pages = [page for document in documents for page in document.pages]
        pdf = documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf, [len(document.pages) for document in documents]


# A long table: its rows set in two processes from this many rows on (about five pages of
# the status overview); below, forking and joining cost more than they save.
TWO_PROCESSES_FROM = 150


@dataclasses.dataclass(frozen=True)
class TablePart:
    """Which rows of a long table a document sets (``render_table_pdf``), and how.

    ``measuring``: each row with its header cell only (the rows' heights are the header
    cells': every other column has a fixed width and one line); each row carries
    ``id="zeile-<index>"``, so that its page can be found. ``numbered``: the pages carry
    their numbers; a part set in another process carries none, they are put on the
    joined pages afterwards."""

    start: int = 0
    stop: int | None = None
    measuring: bool = False
    numbered: bool = True

    @property
    def first(self):
        """The part begins the document: it has its heading and the table's caption."""
        return self.start == 0

    @property
    def rest(self):
        """The part goes on from a part before it: no heading, no caption."""
        return not self.first

    @property
    def last(self):
        """The part ends the document: what follows the table comes with it."""
        return self.stop is None

    def rows(self, rows):
        return rows[self.start : self.stop]


WHOLE_TABLE = TablePart()

# Rows measured beyond the middle: more than a page holds, so that a page break follows it.
_BEYOND_THE_MIDDLE = 60


def row_anchor(index):
    """The ``id`` of row ``index`` in a measuring part (``TablePart.measuring``)."""
    return f"zeile-{index}"


def render_table_pdf(
    template_name, context_for, rows, *, page_style, language="de", processes=None
):
    """The PDF/UA-1 document of a template whose table runs over many pages, and its pages.

    ``context_for(part)`` gives the template's context for a ``TablePart``; ``rows`` is how
    many rows the table has; ``page_style`` the stylesheets (under ``static/``) whose
    ``@page`` rules number the template's pages. A long table is set in two processes at
    once (WeasyPrint uses one core): its first half measured, each row with its header
    cell only (a sixth of the time), for the page break nearest the middle; then this
    process sets the rows before it and a forked child the rows after, both without page
    numbers; the two PDFs are joined with their structure trees (WeasyPrint tags a table
    per page anyway), and each page gets "Seite x von y" as WeasyPrint sets it, from a
    document of as many pages with nothing but their numbers, marked as an artifact. It
    reads page for page as the whole set in one process, which is what it falls back to
    when the first part comes out with other pages than measured, the child fails, no
    child can be forked or the parts cannot be joined.

    ``processes``: 1 or 2; by default 2 for a long table where this process may fork (one
    thread: a worker child; never the web process with its threads).
    """
    if processes is None:
        processes = 2 if rows >= TWO_PROCESSES_FROM and _may_fork() else 1
    if processes == 2:
        split = _two_processes(template_name, context_for, rows, page_style, language)
        if split is not None:
            return split
    pdf, pages = render_pdf_parts([(template_name, context_for(WHOLE_TABLE))], language=language)
    return pdf, pages[0]


def _may_fork():
    return hasattr(os, "fork") and threading.active_count() == 1


def _two_processes(template_name, context_for, rows, page_style, language):
    """The table set in two processes and joined; ``None`` where that did not work out."""
    measured = TablePart(stop=min(rows, rows // 2 + _BEYOND_THE_MIDDLE), measuring=True)
    starts = _page_starts(template_name, context_for(measured), measured.stop, language)
    # The page break nearest the middle: the first part ends with the page before it.
    breaks = [page for page in range(1, len(starts)) if 0 < starts[page] < rows]
    if not breaks:
        return None
    pages_before = min(breaks, key=lambda page: abs(starts[page] - rows / 2))
    first = TablePart(stop=starts[pages_before], numbered=False)
    rest = TablePart(start=starts[pages_before], numbered=False)

    def part_pdf(part, pages=None):
        pdf, counted = render_pdf_parts([(template_name, context_for(part))], language=language)
        return pdf if pages is None or counted == [pages] else b""

    try:
        with warnings.catch_warnings():
            # Python warns of a fork with other threads; a caller who asked for two processes
            # knows (a test, with pytest's threads): the child only sets its part and exits.
            warnings.simplefilter("ignore", DeprecationWarning)
            child = _Child(lambda: part_pdf(rest))
    except OSError:  # no process to be had: one does it all
        logger.warning("Table set in one process: no child could be forked.", exc_info=True)
        return None
    try:
        first_pdf = part_pdf(first, pages_before)
        rest_pdf = child.result()
    finally:
        child.stop()  # at once, if this process failed or was stopped meanwhile
    if not first_pdf:
        logger.warning("Table set in one process: its first part broke other than measured.")
        return None
    if not rest_pdf:
        logger.warning("Table set in one process: the child setting its rest failed.")
        return None
    try:
        pdf, total = join_pdfs(
            first_pdf, rest_pdf, numbers=lambda pages: _numbers(page_style, pages)
        )
    except Exception:  # one process sets it as it always could
        logger.exception("Table set in one process: its two parts could not be joined.")
        return None
    logger.info(
        "Set %d rows in two processes: pages 1-%d here, %d-%d in a child.",
        rows,
        pages_before,
        pages_before + 1,
        total,
    )
    return pdf, total


def _page_starts(template_name, context, rows, language):
    """The index of the first row on each page of the measuring part, as far as the part
    goes (``rows``); ``[]`` if a row is on none."""
    document = _laid_out(template_name, context, language)
    anchors = [row_anchor(index) for index in range(rows)]
    starts, row = [], 0
    for page in document.pages:
        starts.append(row)
        while row < rows and anchors[row] in page.anchors:
            row += 1
    return starts if row == rows else []


PAGE_NUMBERS_TEMPLATE = "core/page_numbers_pdf.html"


def _numbers(page_style, pages):
    """A PDF of ``pages`` empty pages that carry only their numbers, as ``page_style``
    (its ``@page`` rules) sets them: untagged, it is put on tagged pages as an artifact."""
    document = _laid_out(
        PAGE_NUMBERS_TEMPLATE, {"stylesheets": page_style, "pages": range(pages)}, "de"
    )
    with collector_paused():
        return document.write_pdf()


def _laid_out(template_name, context, language):
    """``template_name`` laid out by WeasyPrint, not written: its pages and their anchors."""
    roots = [static_root()]
    with collector_paused():
        return _document(
            template_name, context, roots=roots, language=language, fetcher=_fetcher_class()(roots)
        )


class _Child:
    """``make()`` (bytes) run in a forked child, which hands them over through a pipe."""

    def __init__(self, make):
        reader, writer = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if self.pid == 0:  # the child: no database, no exit handlers, only the bytes
            status = 1
            try:
                os.close(reader)
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(make())
                status = 0
            except BaseException:
                # In the worker's log; the parent only sees the status.
                logger.exception("The child setting part of a table failed.")
            finally:
                os._exit(status)  # never back into the parent's code, not even after an error
        os.close(writer)
        self.pipe = os.fdopen(reader, "rb")

    def result(self):
        """The child's bytes once it has ended; ``b""`` if it failed."""
        data = self.pipe.read()
        self.pipe.close()
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        return data if os.waitstatus_to_exitcode(status) == 0 else b""

    def stop(self):
        """End the child if it still runs (its bytes are not wanted any more) and reap it:
        a worker child that was stopped (a time limit) must leave no process behind."""
        if self.pid is None:
            return
        self.pipe.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.pid = None


def join_pdfs(first, second, *, numbers=None):
    """``second``'s pages and structure appended to ``first``'s: its structure elements
    under ``first``'s ``/Document``, its ``ParentTree`` entries and its pages'
    ``/StructParents`` shifted past ``first``'s. Title, language and metadata are
    ``first``'s. ``numbers(pages)``, if given, makes a PDF of as many pages whose each
    page is drawn onto the joined one of its number, as an artifact. Returns the PDF and
    its number of pages."""
    import pikepdf

    target, source = pikepdf.open(io.BytesIO(first)), pikepdf.open(io.BytesIO(second))
    root, source_root = target.Root.StructTreeRoot, source.Root.StructTreeRoot
    offset, pages = _next_key(root), len(target.pages)
    target.pages.extend(source.pages)  # copied first: the elements below point to them
    document = _document_element(root)
    for kid in target.copy_foreign(_document_element(source_root)).K:
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
        document.K.append(kid)
    nums = source_root.ParentTree.Nums
    for index in range(0, len(nums), 2):
        root.ParentTree.Nums.extend([int(nums[index]) + offset, _copied(target, nums[index + 1])])
    for page in target.pages[pages:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):  # a link's own entry
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    root.ParentTreeNextKey = offset + _next_key(source_root)
    _join_navigation(target, source)
    if numbers is not None:
        _draw_onto(target, pikepdf.open(io.BytesIO(numbers(len(target.pages)))))
    output = io.BytesIO()
    # In object streams, as WeasyPrint writes: saved one by one, the joined overview of 404
    # rows was three times the size of the one set whole.
    target.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue(), len(target.pages)


def _draw_onto(target, overlay):
    """Each page of ``overlay`` drawn over the page of ``target`` with its number, as one
    Form XObject in a marked-content sequence ``/Artifact``: no part of the structure."""
    import pikepdf

    for page, drawn in zip(target.pages, overlay.pages, strict=True):
        form = target.copy_foreign(drawn.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Nr")
        # The page's own content leaves its coordinates flipped (WeasyPrint draws from the
        # top): it is put between q and Q, so the form is drawn in the page's own.
        page.contents_add(pikepdf.Stream(target, b"q\n"), prepend=True)
        page.contents_add(
            pikepdf.Stream(target, b"\nQ /Artifact BMC q " + bytes(name) + b" Do Q EMC\n"),
            prepend=False,
        )


def _join_navigation(target, source):
    """``source``'s bookmarks after ``target``'s and its named destinations among
    ``target``'s (a heading's, an ``id``'s), pointing to the pages copied from it.

    The bookmarks go under ``target``'s last one: the rest of a table follows it under the
    heading the table is under (the overview's "Erläuterungen" under its title), which is
    where WeasyPrint puts them in the whole."""
    import pikepdf

    with source.open_outline() as theirs, target.open_outline() as ours:
        under = ours.root[-1].children if ours.root else ours.root
        under.extend(_copied_bookmark(target, item) for item in theirs.root)
    names = source.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    if "/Names" not in target.Root:
        target.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in target.Root.Names:
        target.Root.Names.Dests = target.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
    ours = pikepdf.NameTree(target.Root.Names.Dests)
    for name, destination in pikepdf.NameTree(names.Dests).items():
        ours[name] = _copied(target, destination)


def _copied_bookmark(target, item):
    import pikepdf

    action = None if item.action is None else _copied(target, item.action)
    copied = pikepdf.OutlineItem(item.title, _copied(target, item.destination), action=action)
    copied.is_closed = item.is_closed
    copied.children.extend(_copied_bookmark(target, child) for child in item.children)
    return copied


def _copied(target, value):
    """``value`` of another PDF in ``target``: what it points to copied once (qpdf maps a
    foreign object to the copy it made before: a page of the other PDF to its copy here)."""
    import pikepdf

    if not isinstance(value, pikepdf.Object) or not (
        value.is_indirect or isinstance(value, pikepdf.Array | pikepdf.Dictionary)
    ):
        return value
    if value.is_indirect:
        return target.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copied(target, element) for element in value])
    return pikepdf.Dictionary({key: _copied(target, element) for key, element in value.items()})


def _document_element(root):
    import pikepdf

    return root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]


def _next_key(root):
    # WeasyPrint writes no /ParentTreeNextKey: the next key is one past the highest.
    nums = root.ParentTree.Nums
    return max((int(nums[index]) for index in range(0, len(nums), 2)), default=-1) + 1
