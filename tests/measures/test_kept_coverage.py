"""The coverage matrix counts its cells once per data state in a process
(``measures.selectors.kept_cells``, keyed by ``reports.states.rows_state``), and what
changed is counted at the next page load.

These tests commit: outside a transaction the page keeps what it counted, as a server does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, State
from measures.models import Measure, MeasureStatus
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def shown(client, agreement):
    """``{jobcenter name: [cell parts]}`` of the matrix, and whether it counted."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("measures:coverage", args=[agreement.pk]))
    assert response.status_code == 200
    counted = any("GROUP BY" in captured["sql"] for captured in queries.captured_queries)
    rows = {
        jobcenter.name: [cell.parts() for cell in cells]
        for jobcenter, cells in response.context["matrix"].rows
    }
    return rows, counted


@pytest.fixture
def ministry(client, users, accession_world):
    client.force_login(users.ministry)
    return client


def test_an_unchanged_matrix_counts_once(ministry, nrw):
    first, counted = shown(ministry, nrw.agreement)
    again, counted_again = shown(ministry, nrw.agreement)

    assert first["Jobcenter Düsseldorf"] == [[("laufend", 2)]]
    assert (again, counted, counted_again) == (first, True, False)


def test_a_new_measure_is_counted_at_the_next_load(ministry, nrw, accession_world):
    shown(ministry, nrw.agreement)

    factories.MeasureFactory(
        jobcenter=accession_world.bochum,
        agreement=nrw.agreement,
        action_field=accession_world.action_field,
        status=MeasureStatus.PLANNED,
    )

    rows, counted = shown(ministry, nrw.agreement)
    assert counted
    assert rows["Jobcenter Bochum"] == [[("geplant", 1), ("laufend", 1)]]


def test_a_status_changed_is_counted_at_the_next_load(ministry, nrw, accession_world):
    shown(ministry, nrw.agreement)

    Measure.objects.filter(pk=accession_world.city_measure.pk).update(
        status=MeasureStatus.COMPLETED
    )

    rows, _counted = shown(ministry, nrw.agreement)
    assert rows["Jobcenter Düsseldorf"] == [[("laufend", 1), ("abgeschlossen", 1)]]


def test_a_further_action_field_is_counted_at_the_next_load(ministry, nrw, accession_world):
    second = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)
    shown(ministry, nrw.agreement)

    accession_world.city_measure.further_action_fields.add(second)

    rows, _counted = shown(ministry, nrw.agreement)
    assert rows["Jobcenter Düsseldorf"] == [[("laufend", 2)], [("laufend", 1)]]


def test_a_jobcenter_moved_to_another_state_leaves_the_matrix(ministry, nrw):
    shown(ministry, nrw.agreement)

    Organisation.objects.filter(pk=nrw.city_jobcenter.pk).update(state=State.BE)

    rows, _counted = shown(ministry, nrw.agreement)
    assert "Jobcenter Düsseldorf" not in rows
