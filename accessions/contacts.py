"""Where messages go: the one place that decides a jobcenter's addresses (and the ministry's).

A jobcenter is written to at the first of these that has an address:

1. the e-mail address in the registry (``Organisation.email``, kept by the jobcenter, the
   ministry, the administration and the CSV import);
2. the e-mail address of the contact person named in its accession (an open one before a
   withdrawn one, the most recently changed first);
3. its managers' own addresses (users with the role jobcenter manager, active).

Circulars, receipts and decisions use it alike, so a preview and the send agree.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from accessions.models import Accession, AccessionStatus
from accounts.models import Role, User


class AddressSource(models.TextChoices):
    """Where a jobcenter's address was found."""

    REGISTRY = "registry", _("Register")
    ACCESSION = "accession", _("Ansprechperson des Beitritts")
    MANAGERS = "managers", _("Jobcenter-Leitung")


@dataclass(frozen=True)
class Addresses:
    """The addresses a message to one jobcenter goes to, and where they came from."""

    emails: tuple[str, ...] = ()
    source: AddressSource | None = None

    def __bool__(self):
        return bool(self.emails)

    @property
    def source_label(self):
        return self.source.label if self.source else ""


NONE = Addresses()


def addresses_of(jobcenters):
    """``{jobcenter pk: Addresses}`` for every jobcenter of ``jobcenters`` (instances or a
    queryset); beyond loading them, at most two queries whatever their number.

    A jobcenter without any address maps to an empty ``Addresses``.
    """
    result = {
        jobcenter.pk: Addresses((jobcenter.email,), AddressSource.REGISTRY)
        if jobcenter.email
        else NONE
        for jobcenter in jobcenters
    }
    missing = [pk for pk, addresses in result.items() if not addresses]
    if not missing:
        return result
    contacts = (
        Accession.objects.filter(jobcenter__in=missing)
        # A draft's contact person is what somebody typed and nobody has submitted yet.
        .exclude(status=AccessionStatus.DRAFT)
        .exclude(contact_email="")
        # Open before withdrawn, then the most recently changed.
        .order_by(
            Case(When(status=AccessionStatus.WITHDRAWN, then=1), default=0), "-updated_at", "-pk"
        )
        .values_list("jobcenter_id", "contact_email")
    )
    for jobcenter_id, email in contacts:
        if not result[jobcenter_id]:
            result[jobcenter_id] = Addresses((email,), AddressSource.ACCESSION)
    missing = [pk for pk in missing if not result[pk]]
    if not missing:
        return result
    managers = {}
    for organisation_id, email in (
        User.objects.filter(is_active=True, role=Role.JOBCENTER_MANAGER, organisation__in=missing)
        .exclude(email="")
        .order_by("email")
        .values_list("organisation_id", "email")
    ):
        emails = managers.setdefault(organisation_id, [])
        if email.lower() not in {known.lower() for known in emails}:
            emails.append(email)
    for organisation_id, emails in managers.items():
        result[organisation_id] = Addresses(tuple(emails), AddressSource.MANAGERS)
    return result


def jobcenter_addresses(jobcenter):
    """The ``Addresses`` of one jobcenter."""
    return addresses_of([jobcenter])[jobcenter.pk]


def ministry_addresses(state):
    """The addresses of the active ministry staff of ``state``: who reviews its accessions
    and the proposals for its catalogue."""
    return sorted(
        User.objects.filter(is_active=True, role=Role.MINISTRY_STAFF, organisation__state=state)
        .exclude(email="")
        .values_list("email", flat=True)
    )
