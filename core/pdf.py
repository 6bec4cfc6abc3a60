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
import functools
import gc
import re
import ssl
import threading
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
