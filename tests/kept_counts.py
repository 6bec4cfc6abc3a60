"""The shared look of the tests of counts kept per data state (``core.paging.counts``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def counted_get(client, url, **query):
    """The page at ``url`` and whether loading it counted its rows (a ``COUNT``)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, any("COUNT(" in captured["sql"] for captured in queries.captured_queries)
