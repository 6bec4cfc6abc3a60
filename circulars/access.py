"""Circulars belong to their association: its staff write, finalise, render and send them;
the state's ministry staff and directorate read the final ones, jobcenter managers those
sent to their jobcenter (see ``accounts.roles``)."""

from accounts.models import Role
from accounts.roles import get_allowed, is_state_wide, organisation_of
from circulars.models import Circular, CircularStatus


def visible_circulars(user, queryset=None):
    """Association staff see all of their own association's circulars, drafts included;
    ministry staff and the directorate the final ones of their state's associations;
    jobcenter managers those sent to their jobcenter.
    """
    circulars = Circular.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return circulars.none()
    if user.is_superuser:
        return circulars
    organisation = organisation_of(user)
    if organisation is None:
        return circulars.none()
    if user.role == Role.ASSOCIATION_STAFF:
        return circulars.filter(association=organisation)
    if is_state_wide(user):
        return circulars.filter(status=CircularStatus.FINAL, association__state=organisation.state)
    if user.role == Role.JOBCENTER_MANAGER:
        return circulars.filter(recipients__jobcenter=organisation.pk)
    return circulars.none()


def can_see_circulars(user):
    """Who has a list of circulars: the associations (theirs), the state's readers and the
    jobcenters (those sent to them)."""
    return user.is_authenticated and (user.is_superuser or bool(user.role))


def can_write_circulars(user):
    """Association staff write their association's circulars."""
    return (
        user.is_authenticated
        and user.role == Role.ASSOCIATION_STAFF
        and organisation_of(user) is not None
    )


def can_change_circular(user, circular):
    """A draft is changed (and finalised) by its association's staff; a final one by nobody."""
    return (
        can_write_circulars(user)
        and user.organisation_id == circular.association_id
        and not circular.is_final
    )


def can_render_circular(user, circular):
    """Whoever writes circulars renders them; the readers download what was rendered."""
    return can_write_circulars(user) and user.organisation_id == circular.association_id


def can_send_circular(user, circular):
    """A final circular is sent, once, by its association's staff."""
    return can_render_circular(user, circular) and circular.is_final and circular.sent_at is None


def can_resend_circular(user, circular):
    """The e-mails of a sent circular that failed are sent again by its association."""
    return can_render_circular(user, circular) and circular.sent_at is not None


def get_circular_for_user(user, pk, allowed=None):
    """Load a visible circular (else 404); with ``allowed`` (``can_change_circular``,
    ``can_render_circular``, ``can_send_circular``, ``can_resend_circular``) also allowed (403)."""
    circulars = visible_circulars(user, Circular.objects.select_related("association"))
    return get_allowed(circulars, pk, user, allowed)
