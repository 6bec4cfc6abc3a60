"""Render a Django template to an accessible PDF (PDF/UA-1) with WeasyPrint.

The templates are ordinary HTML with ``<html lang="…">`` and a ``<title>``: WeasyPrint takes
the document language (``/Lang``) and the title (document info and XMP ``dc:title``) from
them, and with ``pdf_variant="pdf/ua-1"`` writes a tagged PDF (structure tree built from the
HTML elements, ``/MarkInfo``, ``DisplayDocTitle``, ``pdfuaid:part`` 1) with its fonts embedded.

Stylesheets and images are files of the project: templates link them relative to
``static/`` (``<link rel="stylesheet" href="pdf/base.css">``). Nothing is fetched from the
network: the URL fetcher refuses every URL that is not a ``file:`` URL inside ``static/``.
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"


def static_root() -> Path:
    """The folder PDF templates may load files from: the project's own ``static/``."""
    return Path(settings.BASE_DIR, "static").resolve()


class ProjectFileFetcher(URLFetcher):
    """Fetch only ``file:`` URLs inside ``root``; refuse the network and everything else.

    A refused URL raises ``ValueError``: WeasyPrint logs a warning and renders without the
    resource.
    """

    def __init__(self, root: Path | None = None):
        super().__init__(allowed_protocols={"file"})
        self.root = Path(root or static_root()).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Only project files may be loaded into a PDF, not {url!r}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_file() or not path.is_relative_to(self.root):
            raise ValueError(f"Not a file of the project's static folder: {url!r}")
        return super().fetch(url, headers)


def render_pdf(template_name, context, *, base_url=None, language="de") -> bytes:
    """Render ``template_name`` with ``context`` to the bytes of a PDF/UA-1 document.

    ``base_url`` is where relative links in the template point; it defaults to the
    project's ``static/`` folder. The template is rendered in ``language`` (dates, any
    translated text), whatever the language of the request.
    """
    with translation.override(language):
        html = render_to_string(template_name, context)
    root = static_root()
    if base_url is None:
        base_url = root.as_uri() + "/"
    document = weasyprint.HTML(
        string=html, base_url=str(base_url), url_fetcher=ProjectFileFetcher(root)
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)
