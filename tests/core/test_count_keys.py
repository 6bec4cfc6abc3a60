"""A list's kept count (``core.paging.counts``) is keyed by what decides how many rows it
has: two lists with different counts never share a key (``core.paging._rows_counted``).

These tests commit: inside a transaction nothing is kept (``core.memo``)."""

import pytest
from django.db import connection
from django.db.models import F, IntegerField, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from core import paging
from core.paging import ListPaginator
from jobcenters.models import Jobcenter
from reports.states import rows_state
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="generate_series"),
]


def _kept_count(queryset):
    return ListPaginator(queryset, 50, count_state=rows_state).count


@pytest.mark.parametrize("column", ["annotate", "extra"])
def test_a_column_that_multiplies_rows_under_a_window_filter_keeps_a_count_of_its_own(column):
    # Django counts rows filtered on a window function in a subquery with every column:
    # there a set returning column multiplies the rows, which a key without the columns
    # would not show (found by review: the second list was given the first one's count).
    factories.JobcenterFactory.create_batch(2)
    paging.counts.clear()
    first = Jobcenter.objects.annotate(place=Window(RowNumber(), order_by=F("pk").asc())).filter(
        place__lte=100
    )
    if column == "annotate":
        second = first.annotate(
            copy=RawSQL("generate_series(1, 3)", [], output_field=IntegerField())
        )
    else:
        second = first.extra(select={"copy": "generate_series(1, 3)"})

    assert (_kept_count(first), _kept_count(second)) == (2, 6)
