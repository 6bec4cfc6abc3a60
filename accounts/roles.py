"""Roles and organisations: the shared helper every app's ``access.py`` decides with.

Who may see and change what is decided beside each domain, one module per app
(``jobcenters.access``, ``agreements.access``, ``accessions.access``, ``measures.access``,
``circulars.access``, ``reports.access``); each is written on these few questions about the
user. For every kind of object there is

- ``visible_<kind>s(user, queryset=None)``: narrows a queryset to the rows the user may see;
- ``get_<kind>_for_user(user, pk, allowed=None)``: loads one row or raises ``Http404`` when
  the user may not see it, and ``PermissionDenied`` (403) when ``allowed`` (one of the
  app's ``can_…`` functions, never a string) refuses an object the user may see;
- ``can_<do>_<kind>(user, obj)`` for the pages that offer the change.

The rules, by role (see ``accounts.models.Role``):

============================  ==================================  ============================
role                          sees                                changes
============================  ==================================  ============================
administrator (superuser)     everything                          everything
ministry staff                everything of their state           their state's jobcenters
partner reader (directorate)  everything of their state           nothing
association staff             their member jobcenters             nothing
jobcenter manager             their own jobcenter                 their own jobcenter
the public                    published agreements                nothing
============================  ==================================  ============================

Views, exports and tasks load objects only through the apps' access modules.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Role


def organisation_of(user):
    """The signed-in user's organisation; ``None`` for the public and for administrators
    without one."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return user.organisation


def is_state_wide(user):
    """Ministry staff and partner readers see everything of their organisation's state."""
    return user.is_authenticated and user.role in (Role.MINISTRY_STAFF, Role.PARTNER_READER)


def is_ministry_of(user, state):
    """Administrators, and ministry staff of ``state``: who decides for that state."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.MINISTRY_STAFF and organisation_of(user).state == state


def is_manager_of(user, jobcenter_id):
    """A jobcenter manager of that very jobcenter."""
    return (
        user.is_authenticated
        and user.role == Role.JOBCENTER_MANAGER
        and user.organisation_id == jobcenter_id
    )


def get_allowed(queryset, pk, user, allowed=None):
    """One row of ``queryset`` (already narrowed to what ``user`` sees, else 404); with
    ``allowed`` (a ``can_…`` function of the object's app) also allowed, else 403."""
    obj = get_object_or_404(queryset, pk=pk)
    if allowed is not None and not allowed(user, obj):
        raise PermissionDenied
    return obj
