"""The PDFs a worker makes: the circular with its attachments appended.

The letter and one separator page per attachment ("Anlage A1 – …") are rendered by
WeasyPrint as one tagged PDF/UA-1 document; pikepdf then puts each uploaded attachment's
pages behind its separator. The uploaded pages keep their content but not their own
structure tree, which cannot be merged into ours: the letter's pages are the accessible
part, and a circular with attachments no longer claims PDF/UA-1 as a whole (each uploaded
attachment can also be downloaded on its own, as it was uploaded).
"""

import io
import logging
from contextlib import ExitStack
from pathlib import Path

import pikepdf
from django.utils import timezone

from accessions import form_pdf
from accessions.access import organisation_overview_jobcenters
from accounts.models import OrganisationKind
from circulars.models import AttachmentDocument
from circulars.selectors import circular_context
from core.pdf import WHOLE_TABLE, render_pdf_parts, render_table_pdf
from reports.contents import jobcenter_profile, reader_sections, status_overview
from reports.models import RenderingKind

CIRCULAR_TEMPLATE = "reports/circular_pdf.html"
AGREEMENT_TEMPLATE = "reports/agreement_pdf.html"
SEPARATOR_TEMPLATE = "reports/attachment_separator_pdf.html"

logger = logging.getLogger(__name__)


def circular_pdf(circular):
    """The circular as PDF bytes and its number of pages, attachments appended.

    The letter, a separator per attachment and the status overviews the system makes are
    one tagged WeasyPrint document; uploaded PDFs are put behind their separators.
    """
    context = circular_context(circular)
    attachments = context["attachments"]
    parts = [(CIRCULAR_TEMPLATE, context)]
    for attachment in attachments:
        parts.append(
            (SEPARATOR_TEMPLATE, {"circular": circular, "attachment": attachment, **context})
        )
        if attachment.is_generated:
            parts.append(_document_part(circular.association, attachment))
    logo = context["letterhead"].logo
    # The logo lies in private storage; only its folder is opened to the PDF's fetcher.
    extra_roots = [Path(logo.path).parent] if logo else []
    rendered, page_counts = render_pdf_parts(parts, extra_roots=extra_roots)
    uploads = [attachment for attachment in attachments if not attachment.is_generated]
    if not uploads:
        return rendered, sum(page_counts)
    with ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(rendered)))
        counts = iter(page_counts)
        position = next(counts)  # after the letter
        for attachment in attachments:
            position += next(counts)  # after its separator
            if attachment.is_generated:
                position += next(counts)  # the overview is part of the document already
                continue
            source = stack.enter_context(pikepdf.open(attachment.file.open("rb")))
            stack.callback(attachment.file.close)
            for page in source.pages:
                pdf.pages.insert(position, page)
                _untag(pdf.pages[position])
                position += 1
        # The uploaded pages keep their content but carry no tags we could vouch for: the
        # document as a whole no longer claims PDF/UA-1, only its own pages are tagged.
        with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
            if "pdfuaid:part" in metadata:
                del metadata["pdfuaid:part"]
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue(), len(pdf.pages)


def _document_part(association, attachment):
    """The part of the circular's PDF that a document the system makes fills."""
    agreement = attachment.agreement
    if attachment.document == AttachmentDocument.OVERVIEW:
        return _overview_part(association, agreement)
    if attachment.document == AttachmentDocument.AGREEMENT:
        context = {
            "agreement": agreement,
            "parties": form_pdf.agreement_parties(agreement),
            "action_fields": list(agreement.action_fields.all()),
        }
        return AGREEMENT_TEMPLATE, context
    return form_pdf.TEMPLATE, form_pdf.blank_form_context(agreement)


def _untag(page):
    # The page's marked content points into its own document's structure tree, which is
    # not ours: keep it from pointing into the wrong entries of our ParentTree.
    if "/StructParents" in page.obj:
        del page.obj["/StructParents"]
    for annotation in page.obj.get("/Annots", []):
        if "/StructParent" in annotation:
            del annotation["/StructParent"]


OVERVIEW_TEMPLATE = "reports/status_overview_pdf.html"
# Its stylesheets that number its pages (``@page``), for an overview set in two parts.
OVERVIEW_PAGE_STYLE = ("pdf/base.css", "pdf/overview.css")


def _overview_part(organisation, agreement):
    """The status overview of ``agreement`` as ``organisation`` sees it, as a PDF part."""

    jobcenters = organisation_overview_jobcenters(organisation, agreement)
    context = {
        "overview": status_overview(jobcenters, agreement),
        "agreement": agreement,
        "organisation": organisation,
        "made_at": timezone.localtime(),
        "part": WHOLE_TABLE,
    }
    return OVERVIEW_TEMPLATE, context


def overview_pdf(rendering, *, processes=None):
    """The status overview the rendering asks for, as the organisation sees it: a long one
    set in two processes (``core.pdf.render_table_pdf``; ``processes`` as there)."""
    name, context = _overview_part(rendering.organisation, rendering.agreement)
    return render_table_pdf(
        name,
        lambda part: {**context, "part": part},
        len(context["overview"].rows),
        page_style=OVERVIEW_PAGE_STYLE,
        processes=processes,
    )


PROFILE_TEMPLATE = "reports/profile_pdf.html"


def profile_pdf(rendering):
    """One jobcenter's profile under the rendering's agreement."""
    context = {
        "profile": jobcenter_profile(rendering.jobcenter, rendering.agreement),
        "made_at": timezone.localtime(),
    }
    pdf, page_counts = render_pdf_parts([(PROFILE_TEMPLATE, context)])
    return pdf, page_counts[0]


READER_TEMPLATE = "reports/reader_pdf.html"


def reader_pdf(rendering):
    """The Reader: a cover, contents with page numbers, a section per action field."""
    agreement = rendering.agreement
    context = {
        "agreement": agreement,
        "sections": reader_sections(agreement),
        "made_at": timezone.localtime(),
        # The state's ministry makes the Reader (can_make_reader): it is the publisher.
        "publisher": agreement.parties.filter(kind=OrganisationKind.MINISTRY).first(),
    }
    pdf, page_counts = render_pdf_parts([(READER_TEMPLATE, context)])
    return pdf, page_counts[0]


BUILDERS = {
    RenderingKind.READER: reader_pdf,
    RenderingKind.CIRCULAR: lambda rendering: circular_pdf(rendering.circular),
    RenderingKind.OVERVIEW: overview_pdf,
    RenderingKind.PROFILE: profile_pdf,
}


def build_pdf(rendering):
    """The bytes and page count of the PDF a ``Rendering`` row asks for."""
    return BUILDERS[rendering.kind](rendering)
