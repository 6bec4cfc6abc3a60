"""How many measures a list has is counted once per data state in a process
(``core.paging.counts``, keyed by ``reports.states.rows_state``), and what changed is
counted at the next page load: the measures list and the catalogue.

These tests commit: outside a transaction the page keeps what it counted, as a server does.
"""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Organisation
from agreements.models import ActionField, FrameworkAgreement
from measures.models import Measure, MeasureStatus, Publication
from tests import factories
from tests.kept_counts import counted_get

pytestmark = pytest.mark.django_db(transaction=True)

FOUND = re.compile(r"(\d+) Maßnahmen? gefunden")


def shown(client, url, **query):
    """The count the page shows, and whether it counted (a COUNT or the groups' query)."""
    response, counted = counted_get(client, url, **query)
    return int(FOUND.search(response.content.decode()).group(1)), counted


@pytest.fixture
def ministry(client, users):
    client.force_login(users.ministry)
    return client


@pytest.fixture
def action_field(nrw):
    return factories.ActionFieldFactory(agreement=nrw.agreement, number=1)


@pytest.fixture
def running(nrw, action_field):
    return factories.MeasureFactory.create_batch(
        3,
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=action_field,
        contact_consents=True,
    )


LIST = reverse("measures:list")
PUBLISHED_ON = datetime.date(2020, 2, 1)
CATALOGUE = reverse("catalogue:list")


def test_an_unchanged_list_counts_once(ministry, running):
    first = shown(ministry, LIST)
    second = shown(ministry, LIST)

    assert (first, second) == ((3, True), (3, False))


def test_another_sort_of_the_same_rows_is_not_counted_again(ministry, running):
    shown(ministry, LIST)

    assert shown(ministry, LIST, sort="-starts_on") == (3, False)


def test_each_filter_has_its_own_count(ministry, running):
    Measure.objects.filter(pk=running[0].pk).update(status=MeasureStatus.PLANNED)
    shown(ministry, LIST)

    assert shown(ministry, LIST, status=MeasureStatus.PLANNED) == (1, True)


def add_measure(nrw, running):
    factories.MeasureFactory(
        jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement, action_field=running[0].action_field
    )


def delete_measure(nrw, running):
    running[0].delete()


def move_jobcenter_away(nrw, running):
    # Its measures are the Hessian ministry's now: a change of the jobcenter, not a measure.
    Organisation.objects.filter(pk=nrw.city_jobcenter.pk).update(state="HE")


def move_measure_to_another_status(nrw, running):
    Measure.objects.filter(pk=running[0].pk).update(status=MeasureStatus.PLANNED)


@pytest.mark.parametrize(
    ("change", "query", "count"),
    [
        (add_measure, {}, 4),
        (delete_measure, {}, 2),
        (move_jobcenter_away, {}, 0),
        (move_measure_to_another_status, {"status": MeasureStatus.RUNNING}, 2),
    ],
)
def test_what_changed_is_counted_at_the_next_load(ministry, nrw, running, change, query, count):
    shown(ministry, LIST, **query)
    change(nrw, running)

    assert shown(ministry, LIST, **query) == (count, True)


def publish(nrw, running):
    Measure.objects.filter(pk=running[0].pk).update(
        publication=Publication.PUBLISHED, published_on=PUBLISHED_ON
    )


def add_action_field_of_published(nrw, running):
    field = ActionField.objects.create(agreement=nrw.agreement, number=7, title="Mobilität")
    Measure.objects.filter(pk=running[2].pk).update(action_field=field)


def unpublish_agreement(nrw, running):
    FrameworkAgreement.objects.filter(pk=nrw.agreement.pk).update(is_published=False)


@pytest.mark.parametrize(
    ("change", "count", "headings"),
    [
        (publish, 3, 1),
        (add_action_field_of_published, 2, 2),
        (unpublish_agreement, 0, 0),
    ],
)
def test_the_catalogue_counts_what_changed_at_the_next_load(
    client, nrw, running, change, count, headings
):
    Measure.objects.filter(pk__in=[running[1].pk, running[2].pk]).update(
        publication=Publication.PUBLISHED, published_on=PUBLISHED_ON
    )
    assert shown(client, CATALOGUE) == (2, True)
    assert shown(client, CATALOGUE) == (2, False)
    change(nrw, running)

    response = client.get(CATALOGUE)

    html = response.content.decode()
    assert (int(FOUND.search(html).group(1)), html.count('<h2 id="hf-')) == (count, headings)
