"""What the benchmark scripts share: logged-in clients, timing, SQL counts, the floor's
filter form and page, and a throwaway test database. Import after ``django.setup()``."""

import logging
import sys
import time

from django import forms
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


class Warnings(logging.Handler):
    """Collects the warnings of a logger (WeasyPrint's: a missing font, a refused URL)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def given_associations(filter_form_class):
    """``filter_form_class`` with the association choices given instead of queried."""

    class FloorFilterForm(filter_form_class):
        def __init__(self, data, *, associations):
            forms.Form.__init__(self, data)
            self.associations = {str(association.pk): association for association in associations}
            real = self.fields["association"]
            self.fields["association"] = forms.ChoiceField(
                label=real.label,
                required=False,
                choices=[("", real.empty_label)]
                + [(pk, str(association)) for pk, association in self.associations.items()],
            )

        def clean_association(self):
            return self.associations.get(self.cleaned_data["association"])

    return FloorFilterForm


class Rows:
    """One page of rows posing as the whole list for the Paginator (count from the query)."""

    def __init__(self, rows, total, offset):
        self.rows, self.total, self.offset = rows, total, offset

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.rows[index.start - self.offset : index.stop - self.offset]


def clients(users):
    result = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user, backend=BACKEND)
        result[key] = client
    return result


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    return response


def timed(client, url):
    start = time.perf_counter()
    get(client, url)
    return (time.perf_counter() - start) * 1000


def queries(function, label, show_sql):
    """How many SQL queries ``function()`` runs (printed with ``show_sql``)."""
    with CaptureQueriesContext(connection) as captured:
        function()
    if show_sql:
        print(f"\n-- {label}")
        for query in captured.captured_queries:
            print(f"   {query['sql'][:300]}")
    return len(captured)


def in_test_database(run, args, urlconf):
    """``run(args)`` in a throwaway test database, with ``urlconf``, rendering as production."""
    template_render = Template._render
    setup_test_environment()
    # The test client's template instrumentation copies every context it renders: a
    # cost no real request pays. Render as in production.
    Template._render = template_render
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF=urlconf):
            run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
