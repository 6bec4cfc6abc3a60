"""Reads on circulars that a page, a PDF and a service must agree on."""

import logging
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from accessions.contacts import Addresses, addresses_of
from circulars.logos import MAX_LOGO_SIDE_PX, png_size
from circulars.models import Letterhead
from core.markup import render_markup
from jobcenters.models import Jobcenter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Addressee:
    """A member jobcenter a circular goes to, with the addresses its e-mail goes to."""

    jobcenter: Jobcenter
    addresses: Addresses


@dataclass(frozen=True)
class SendPreview:
    """Who a circular would reach by e-mail if it were sent now, and who not."""

    addressees: list[Addressee]

    @property
    def reached(self):
        return [addressee for addressee in self.addressees if addressee.addresses]

    @property
    def unreached(self):
        return [addressee for addressee in self.addressees if not addressee.addresses]


def circular_addressees(circular):
    """Every member jobcenter of the circular's association, by name, with its addresses."""
    members = list(Jobcenter.objects.of_association(circular.association).order_by("name"))
    addresses = addresses_of(members)
    return [Addressee(member, addresses[member.pk]) for member in members]


def send_preview(circular):
    """What sending ``circular`` now would do (``circular_send`` sends to the same)."""
    return SendPreview(circular_addressees(circular))


def letterhead_of(association):
    """The association's letterhead, or one made from its registry data until one is set."""
    try:
        return association.letterhead
    except Letterhead.DoesNotExist:
        return Letterhead(
            association=association,
            name=association.name,
            street=association.street,
            postal_code=association.postal_code,
            city=association.city,
            phone=association.phone,
            email=association.email,
            website=association.website,
        )


def logo_url(letterhead):
    """The file URL of the letterhead's logo for the PDF, or "" without one.

    A logo stored before uploads were checked and scaled down (circulars.logos) may be too
    big to decode on every render: one beyond the upload limit is left out.
    """
    if not letterhead.logo:
        return ""
    try:
        with letterhead.logo.open("rb") as stored:
            size = png_size(stored.read(24))
    except OSError:
        return ""
    if size is None or max(size) > MAX_LOGO_SIDE_PX:
        logger.warning("Logo %s left out of the PDF: %s pixels", letterhead.logo.name, size)
        return ""
    return Path(letterhead.logo.path).as_uri()


def circular_context(circular):
    """What the circular's PDF and its page on the site show."""
    letterhead = letterhead_of(circular.association)
    return {
        "circular": circular,
        "letterhead": letterhead,
        "logo_url": logo_url(letterhead),
        "summary": render_markup(circular.summary),
        "body": render_markup(circular.body),
        "attachments": list(circular.attachments.select_related("agreement").order_by("position")),
    }


def uploaded_attachments_size(circular):
    """Pages and objects of the circular's uploaded attachments together: what pikepdf
    puts into its PDF (each was checked when it was uploaded)."""
    pages = objects = 0
    for attachment in circular.attachments.exclude(file=""):
        with attachment.file.open("rb") as stored, pikepdf.open(stored) as pdf:
            pages += len(pdf.pages)
            objects += int(pdf.trailer.get("/Size", 0))
    return pages, objects
