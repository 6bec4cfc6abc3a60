"""Reads on circulars that a page and a service must agree on."""

from dataclasses import dataclass

from jobcenters.contacts import Addresses, addresses_of
from jobcenters.models import Jobcenter


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
