"""The rules of the apps' ``access`` modules, one kind of object and role at a time."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements.access import get_agreement_for_user, visible_agreements
from jobcenters.access import (
    can_change_jobcenter,
    get_jobcenter_for_user,
    visible_jobcenters,
    visible_states,
)
from jobcenters.models import Jobcenter
from tests.pages import USERS

SIGNED_IN = [kind for kind in USERS if kind != "anonymous"]


def names(queryset):
    return sorted(obj.name if hasattr(obj, "name") else obj.short_title for obj in queryset)


def test_anonymous_sees_no_jobcenter(nrw):
    assert not visible_jobcenters(AnonymousUser()).exists()


@pytest.mark.parametrize(
    ("user_kind", "expected"),
    [
        (
            "admin",
            [
                "Jobcenter Düsseldorf",
                "Jobcenter Kassel",
                "Jobcenter Kreis Steinfurt",
                "Jobcenter Werra-Meißner-Kreis",
            ],
        ),
        ("ministry", ["Jobcenter Düsseldorf", "Jobcenter Kreis Steinfurt"]),
        ("directorate", ["Jobcenter Düsseldorf", "Jobcenter Kreis Steinfurt"]),
        ("landkreistag", ["Jobcenter Kreis Steinfurt"]),
        ("staedtetag", ["Jobcenter Düsseldorf"]),
        ("city_manager", ["Jobcenter Düsseldorf"]),
        ("hessen_manager", ["Jobcenter Kassel"]),
    ],
)
def test_visible_jobcenters_by_role(users, hessen, user_kind, expected):
    assert names(visible_jobcenters(getattr(users, user_kind))) == expected


@pytest.mark.parametrize("user_kind", [*SIGNED_IN, "hessen_manager"])
def test_visible_states_are_those_of_the_visible_jobcenters(users, hessen, user_kind):
    user = getattr(users, user_kind)
    of_states = Jobcenter.objects.filter(state__in=visible_states(user))
    assert set(of_states.values_list("state", flat=True)) == set(
        visible_jobcenters(user).values_list("state", flat=True)
    )


def test_anonymous_sees_no_state(nrw):
    assert list(visible_states(AnonymousUser())) == []


@pytest.mark.parametrize(
    ("user_kind", "can"),
    [
        ("admin", True),
        ("ministry", True),
        ("directorate", False),
        ("staedtetag", False),
        ("city_manager", True),
        ("kreis_manager", False),
        ("hessen_ministry", False),
    ],
)
def test_who_may_change_the_city_jobcenter(users, nrw, user_kind, can):
    assert can_change_jobcenter(getattr(users, user_kind), nrw.city_jobcenter) is can


def test_a_foreign_jobcenter_is_not_found(users, nrw):
    with pytest.raises(Http404):
        get_jobcenter_for_user(users.kreis_manager, nrw.city_jobcenter.pk)


def test_changing_a_visible_jobcenter_without_the_right_is_forbidden(users, nrw):
    with pytest.raises(PermissionDenied):
        get_jobcenter_for_user(users.staedtetag, nrw.city_jobcenter.pk, write=True)


def test_the_owner_loads_their_jobcenter_for_writing(users, nrw):
    jobcenter = get_jobcenter_for_user(users.city_manager, nrw.city_jobcenter.pk, write=True)

    assert jobcenter == nrw.city_jobcenter


def test_public_sees_only_published_agreements(nrw, hessen):
    assert names(visible_agreements(AnonymousUser())) == [nrw.agreement.short_title]


def test_members_of_a_state_see_its_unpublished_agreements(users, nrw, hessen):
    assert names(visible_agreements(users.hessen_manager)) == sorted(
        [nrw.agreement.short_title, hessen.agreement.short_title]
    )


def test_an_unpublished_agreement_of_another_state_is_not_found(users, hessen):
    with pytest.raises(Http404):
        get_agreement_for_user(users.ministry, hessen.agreement.pk)
