"""Who sees, fills in and decides on accessions, and who follows an agreement's accession
overview (see ``accounts.roles``)."""

from django.core.exceptions import PermissionDenied

from accessions.models import Accession
from accounts.models import OrganisationKind, Role
from accounts.roles import (
    get_allowed,
    is_manager_of,
    is_ministry_of,
    is_state_wide,
    organisation_of,
)
from agreements.access import get_agreement_for_user
from jobcenters.access import of_visible_jobcenters, visible_jobcenters
from jobcenters.models import Jobcenter


def visible_accessions(user, queryset=None):
    """Ministry staff and the directorate see their state's agreements; others follow jobcenters."""
    accessions = Accession.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return accessions.none()
    if user.is_superuser:
        return accessions
    organisation = organisation_of(user)
    if organisation is None:
        return accessions.none()
    if is_state_wide(user):
        return accessions.filter(agreement__state=organisation.state)
    return of_visible_jobcenters(user, accessions)


def can_edit_accession(user, accession):
    """Only the jobcenter's own managers fill in its form, while it is in their hands."""
    return is_manager_of(user, accession.jobcenter_id) and accession.is_editable


def can_review_accession(user, accession):
    """Ministry staff of the agreement's state decide on accessions (accept, return, withdraw)."""
    return is_ministry_of(user, accession.agreement.state)


def can_see_accession_mails(user, accession):
    """Who the accession's e-mails went to, and whether they went out: for the two sides
    that write them, the ministry and the jobcenter's managers (addresses are theirs)."""
    return can_review_accession(user, accession) or is_manager_of(user, accession.jobcenter_id)


def can_see_review_queue(user):
    """The queue of submitted accessions is the ministry's (and the directorate's, to read)."""
    return user.is_authenticated and (user.is_superuser or is_state_wide(user))


def can_start_accession(user, jobcenter):
    """A jobcenter's managers start its accessions."""
    return is_manager_of(user, jobcenter.pk)


def can_see_accession_overview(user, agreement):
    """The standing of every jobcenter with an agreement: for those who follow the agreement.

    Ministry staff and the directorate see their state's jobcenters, association staff
    their members (``overview_jobcenters``); all of them only read.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    organisation = organisation_of(user)
    return (
        organisation is not None
        and user.role in (Role.MINISTRY_STAFF, Role.PARTNER_READER, Role.ASSOCIATION_STAFF)
        and organisation.state == agreement.state
    )


def get_overview_agreement_for_user(user, pk):
    """The agreement whose accession overview is asked for: 404 unseen, 403 not followed."""
    agreement = get_agreement_for_user(user, pk)
    if not can_see_accession_overview(user, agreement):
        raise PermissionDenied
    return agreement


def overview_jobcenters(user, agreement):
    """The jobcenters an accession overview of ``agreement`` shows to ``user``."""
    return visible_jobcenters(user).filter(state=agreement.state)


def organisation_overview_jobcenters(organisation, agreement):
    """The jobcenters a status overview made for ``organisation`` shows, as
    ``overview_jobcenters`` shows them to its staff: an association's members, a ministry's
    or directorate's whole state; ``None`` (an administrator) every jobcenter of the state.

    The PDF worker has no user, only the organisation the overview was asked for.
    """
    jobcenters = Jobcenter.objects.filter(state=agreement.state)
    if organisation is None:
        return jobcenters
    if organisation.kind == OrganisationKind.MUNICIPAL_ASSOCIATION:
        return jobcenters.of_association(organisation)
    if organisation.kind in (OrganisationKind.MINISTRY, OrganisationKind.REGIONAL_DIRECTORATE):
        return jobcenters.filter(state=organisation.state)
    return jobcenters.none()


def get_accession_for_user(user, pk, allowed=None):
    """Load a visible accession (else 404); with ``allowed`` (``can_edit_accession``,
    ``can_review_accession``) also allowed (403).

    The services lock the row again and check its state: this is the check for the page.
    """
    accessions = visible_accessions(
        user, Accession.objects.select_related("jobcenter", "agreement")
    )
    return get_allowed(accessions, pk, user, allowed)
