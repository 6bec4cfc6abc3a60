"""The read-back helper itself: it knows the pages of every kind of object, and it fails."""

import pytest

from measures.models import ProgressNote
from tests import factories
from tests.readback import Readback

# Each test loads every page of an object for every role: started first (``long``).
# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = [pytest.mark.long, pytest.mark.usefixtures("shared_world")]


@pytest.fixture
def world(accession_world, users):
    return accession_world


def _objects(world, nrw):
    planned = world.joined.planned_measures.first()
    note = ProgressNote.objects.create(
        measure=world.city_measure, written_on="2026-11-02", text="Rampe ist bestellt."
    )
    return {
        "jobcenter": nrw.city_jobcenter,
        "accession (joined)": world.joined,
        "accession (draft)": world.draft,
        "accession (submitted)": world.submitted,
        "planned measure": planned,
        "measure": world.city_measure,
        "catalogue entry": world.published_measure,
        "proposed measure": world.proposed_measure,
        "progress note": note,
        "key figures": world.city_key_figures,
        "circular (final, sent)": world.final_circular,
        "circular (final, unsent)": world.unsent_circular,
        "circular (draft)": world.draft_circular,
        "attachment": world.draft_attachment,
        "rendering (circular)": world.final_rendering,
        "rendering (overview)": world.overview_rendering,
    }


KINDS = [
    "jobcenter",
    "accession (joined)",
    "accession (draft)",
    "accession (submitted)",
    "planned measure",
    "measure",
    "catalogue entry",
    "proposed measure",
    "progress note",
    "key figures",
    "circular (final, sent)",
    "circular (final, unsent)",
    "circular (draft)",
    "attachment",
    "rendering (circular)",
    "rendering (overview)",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_object_reads_back_for_every_role(readback, world, nrw, kind):
    obj = _objects(world, nrw)[kind]

    loads = readback(obj)

    assert loads >= 3


def test_it_fails_when_the_change_is_not_on_the_page(readback, world):
    with pytest.raises(AssertionError, match="does not show"):
        readback(world.city_measure, "Ein Titel, den es nicht gibt")


def test_it_fails_when_a_role_sees_what_it_must_not(world, nrw, users):
    # The Kreis manager (the outsider of a city's measure) wrongly counted as a colleague.
    helper = Readback()
    views, roles = helper.views_and_roles(world.city_measure)
    roles["outsider"] = users.city_manager
    helper.views_and_roles = lambda obj: (views, roles)

    with pytest.raises(AssertionError, match="as outsider: expected 404, got 200"):
        helper(world.city_measure)


def test_a_colleague_is_made_without_an_address(readback, world, nrw):
    readback(nrw.kreis_jobcenter)

    colleagues = nrw.kreis_jobcenter.members.filter(role="jobcenter_manager")
    assert colleagues.count() == 2
    assert colleagues.exclude(email="").count() == 1


def test_it_refuses_an_object_it_does_not_know(readback, world):
    with pytest.raises(TypeError):
        readback(factories.ActionFieldFactory(agreement=world.joined.agreement))
