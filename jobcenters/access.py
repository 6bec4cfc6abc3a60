"""Who sees and changes which jobcenter of the registry (see ``accounts.roles``)."""

from accounts.models import Role
from accounts.roles import get_allowed, is_state_wide, organisation_of
from jobcenters.models import Jobcenter


def visible_jobcenters(user, queryset=None):
    jobcenters = Jobcenter.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        # The public sees jobcenters only through published accessions.
        return jobcenters.none()
    if user.is_superuser:
        return jobcenters
    organisation = organisation_of(user)
    if organisation is None:
        return jobcenters.none()
    if is_state_wide(user):
        return jobcenters.filter(state=organisation.state)
    if user.role == Role.ASSOCIATION_STAFF:
        return jobcenters.of_association(organisation)
    if user.role == Role.JOBCENTER_MANAGER:
        return jobcenters.filter(pk=organisation.pk)
    return jobcenters.none()


def can_change_jobcenter(user, jobcenter):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.MINISTRY_STAFF:
        return organisation_of(user).state == jobcenter.state
    if user.role == Role.JOBCENTER_MANAGER:
        return user.organisation_id == jobcenter.pk
    return False


def own_jobcenter(user):
    """The jobcenter a jobcenter manager works for; ``None`` for everybody else."""
    if not user.is_authenticated or user.role != Role.JOBCENTER_MANAGER:
        return None
    return visible_jobcenters(user).first()


def get_jobcenter_for_user(user, pk, *, write=False):
    return get_allowed(visible_jobcenters(user), pk, user, can_change_jobcenter if write else None)
