"""The data-state key of an overview or a profile (``reports.states``) follows what the
database holds, however a row was written: a service, the admin, ``queryset.update()``,
``bulk_create``, a delete or raw SQL. It reads a counter the database keeps, so its cost does
not grow with the jobcenters in scope, and a change elsewhere leaves it alone."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accessions.models import Accession
from accounts.audit import AuditAction, new_event, record_event
from accounts.models import AuditEvent, Organisation
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import Circular
from demo.bulk import insert_all
from jobcenters.models import Jobcenter
from measures.models import KeyFigures, Measure, MeasureStatus
from outbox.models import OutgoingEmail
from reports.models import DataVersion
from reports.states import COUNTED_TABLES, _list_versions, overview_state, profile_state, rows_state
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def _overview(world, nrw):
    # The Städtetag's overview: the city jobcenters, Düsseldorf among them.
    return overview_state(nrw.staedtetag, nrw.agreement)


def _profile(world, nrw):
    return profile_state(nrw.agreement, nrw.city_jobcenter)


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _new_measure(world, nrw, title):
    return Measure(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=world.action_field,
        title=title,
    )


# Each writes past the model's save(): no signal, no updated_at moved.
CHANGES_BOTH_SEE = {
    "measure by raw SQL": lambda world, nrw: _sql(
        "UPDATE measures_measure SET title = %s WHERE id = %s", "Neu", world.city_measure.pk
    ),
    "measure by update()": lambda world, nrw: Measure.objects.filter(
        pk=world.city_measure.pk
    ).update(status=MeasureStatus.COMPLETED),
    "measures by bulk_create": lambda world, nrw: Measure.objects.bulk_create(
        [_new_measure(world, nrw, "Eins"), _new_measure(world, nrw, "Zwei")]
    ),
    "measure deleted by a queryset": lambda world, nrw: Measure.objects.filter(
        pk=world.city_measure.pk
    ).delete(),
    "accession by update()": lambda world, nrw: Accession.objects.filter(pk=world.joined.pk).update(
        public_listing=False
    ),
    "key figures by update()": lambda world, nrw: KeyFigures.objects.filter(
        pk=world.city_key_figures.pk
    ).update(severely_disabled=900),
    "key figures by bulk_create": lambda world, nrw: KeyFigures.objects.bulk_create(
        [factories.KeyFiguresFactory.build(jobcenter=nrw.city_jobcenter, year=2019)]
    ),
    "key figures deleted by raw SQL": lambda world, nrw: _sql(
        "DELETE FROM measures_keyfigures WHERE id = %s", world.city_key_figures.pk
    ),
    "jobcenter renamed by raw SQL": lambda world, nrw: _sql(
        "UPDATE accounts_organisation SET name = %s WHERE id = %s",
        "Jobcenter Landeshauptstadt Düsseldorf",
        nrw.city_jobcenter.pk,
    ),
    "jobcenter's region by update()": lambda world, nrw: Jobcenter.objects.filter(
        pk=nrw.city_jobcenter.pk
    ).update(region="Landeshauptstadt Düsseldorf"),
    "association renamed by update()": lambda world, nrw: Organisation.objects.filter(
        pk=nrw.staedtetag.pk
    ).update(name="Städtetag Nordrhein-Westfalen"),
    "action field by update()": lambda world, nrw: ActionField.objects.filter(
        pk=world.action_field.pk
    ).update(title="Barrierefreiheit"),
    "agreement by update()": lambda world, nrw: FrameworkAgreement.objects.filter(
        pk=nrw.agreement.pk
    ).update(title="Rahmenvereinbarung, neu gefasst"),
}


@pytest.mark.parametrize("change", CHANGES_BOTH_SEE.values(), ids=CHANGES_BOTH_SEE.keys())
@pytest.mark.parametrize("key", [_overview, _profile])
def test_a_change_past_save_makes_a_new_key(accession_world, nrw, key, change):
    before = key(accession_world, nrw)

    change(accession_world, nrw)

    assert key(accession_world, nrw) != before


def test_a_further_action_field_added_makes_a_new_overview_key(accession_world, nrw):
    # The overview counts measures by their further action fields too (the m2m table).
    before = _overview(accession_world, nrw)
    other = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)
    after_field = _overview(accession_world, nrw)

    accession_world.city_measure.further_action_fields.add(other)

    assert after_field != before
    assert _overview(accession_world, nrw) != after_field


def test_an_accession_event_makes_a_new_profile_key(accession_world, nrw, users):
    # The profile shows the accession's timeline: its audit events.
    before = _profile(accession_world, nrw)

    record_event(
        actor=users.ministry,
        obj=accession_world.joined,
        action=AuditAction.ACCESSION_JOINED_ON_CORRECTED,
        reason="Tippfehler",
    )

    assert _profile(accession_world, nrw) != before


def test_events_inserted_in_one_statement_make_a_new_profile_key(accession_world, nrw, users):
    # Two rows of one scope in one INSERT (``seed_scale`` writes the timelines so).
    before = _profile(accession_world, nrw)

    AuditEvent.objects.bulk_create(
        new_event(actor=users.ministry, obj=accession_world.joined, action=action)
        for action in (AuditAction.ACCESSION_SUBMITTED, AuditAction.ACCESSION_ACCEPTED)
    )

    assert _profile(accession_world, nrw) != before


def test_a_change_rolled_back_leaves_the_key(accession_world, nrw):
    from django.db import transaction

    before = _overview(accession_world, nrw)

    with transaction.atomic():
        Measure.objects.filter(pk=accession_world.city_measure.pk).update(title="Verworfen")
        transaction.set_rollback(True)

    assert _overview(accession_world, nrw) == before


UNRELATED = {
    "a measure under another agreement of the state": lambda world, nrw, hessen: (
        factories.MeasureFactory(
            jobcenter=nrw.city_jobcenter,
            agreement=factories.AgreementFactory(short_title="Zweite Vereinbarung NRW"),
        )
    ),
    "a measure in another state": lambda world, nrw, hessen: factories.MeasureFactory(
        jobcenter=hessen.city_jobcenter, agreement=hessen.agreement
    ),
    "key figures in another state": lambda world, nrw, hessen: factories.KeyFiguresFactory(
        jobcenter=hessen.city_jobcenter, year=2020
    ),
    "a jobcenter renamed in another state": lambda world, nrw, hessen: Organisation.objects.filter(
        pk=hessen.city_jobcenter.pk
    ).update(name="Jobcenter Stadt Kassel"),
}


@pytest.mark.parametrize("change", UNRELATED.values(), ids=UNRELATED.keys())
def test_a_change_elsewhere_leaves_the_overview_key(accession_world, nrw, hessen, change):
    before = _overview(accession_world, nrw)

    change(accession_world, nrw, hessen)

    assert _overview(accession_world, nrw) == before


def test_another_jobcenters_measure_leaves_the_profile_key(accession_world, nrw):
    before = _profile(accession_world, nrw)

    Measure.objects.filter(pk=accession_world.proposed_measure.pk).update(title="Bochum, neu")
    factories.KeyFiguresFactory(jobcenter=accession_world.bochum, year=2021)

    assert _profile(accession_world, nrw) == before


def _bavaria(jobcenters):
    """An agreement of Bavaria with ``jobcenters`` jobcenters, each with an accession, two
    measures and key figures."""
    agreement = factories.AgreementFactory(state="BY", short_title="Vereinbarung Bayern")
    field = factories.ActionFieldFactory(agreement=agreement, number=1)
    for number in range(jobcenters):
        jobcenter = factories.JobcenterFactory(state="BY", name=f"Jobcenter Bayern {number}")
        factories.AccessionFactory(jobcenter=jobcenter, agreement=agreement)
        factories.MeasureFactory.create_batch(
            2, jobcenter=jobcenter, agreement=agreement, action_field=field
        )
        factories.KeyFiguresFactory(jobcenter=jobcenter)
    return agreement


@pytest.mark.parametrize("jobcenters", [1, 30])
def test_the_overview_key_is_one_query_of_the_counter_whatever_the_scope(
    django_assert_num_queries, jobcenters
):
    agreement = _bavaria(jobcenters)

    with django_assert_num_queries(1) as captured:
        overview_state(None, agreement)

    (query,) = captured.captured_queries
    assert DataVersion._meta.db_table in query["sql"]
    assert Measure._meta.db_table not in query["sql"]


@pytest.mark.parametrize("measures", [1, 30])
def test_the_profile_key_takes_the_same_queries_whatever_the_measures(
    django_assert_num_queries, measures
):
    agreement = factories.AgreementFactory(state="BY")
    jobcenter = factories.JobcenterFactory(state="BY")
    factories.MeasureFactory.create_batch(measures, jobcenter=jobcenter, agreement=agreement)

    # The counter, and the jobcenter's association (the profile names it).
    with django_assert_num_queries(2):
        profile_state(agreement, jobcenter)


def test_a_bulk_insert_counts_once_per_statement_on_postgresql(accession_world, nrw):
    # Statement-level triggers: 50 rows in one INSERT move the counter by one, not 50.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite counts per row (row-level triggers)")
    scope = f"entries:{nrw.agreement.pk}"
    before = DataVersion.objects.get(scope=scope).version

    Measure.objects.bulk_create(
        [_new_measure(accession_world, nrw, f"Maßnahme {number}") for number in range(50)]
    )

    assert DataVersion.objects.get(scope=scope).version == before + 1


WATCHED = [
    FrameworkAgreement,
    ActionField,
    Accession,
    Measure,
    Measure.further_action_fields.through,
    KeyFigures,
    Organisation,
    Jobcenter,
    AuditEvent,
]


def _triggers(table):
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [table])
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("model", WATCHED, ids=lambda model: model._meta.db_table)
def test_every_table_the_pdfs_show_counts_its_changes(model):
    # SQLite drops a table's triggers when a migration rebuilds the table: such a
    # migration must make them again (reports/migrations/0003_data_versions.py).
    table = model._meta.db_table

    assert _triggers(table) == {
        f"reports_count_{table}_{event}" for event in ("insert", "update", "delete")
    }


def test_rows_copied_in_count_once_per_statement_on_postgresql(accession_world, nrw):
    # ``seed_scale`` inserts with COPY (``demo.bulk.insert_all``): it fires the triggers too.
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite inserts with bulk_create")
    scope = f"entries:{nrw.agreement.pk}"
    before = DataVersion.objects.get(scope=scope).version

    insert_all([_new_measure(accession_world, nrw, f"Maßnahme {number}") for number in range(50)])

    assert DataVersion.objects.get(scope=scope).version == before + 1


SCOPES_OF_TABLES = {
    **importlib.import_module("reports.migrations.0003_data_versions").SCOPES,
    **importlib.import_module("reports.migrations.0004_circular_versions").SCOPES,
}


@pytest.mark.parametrize("table", sorted(COUNTED_TABLES))
def test_every_table_a_kept_count_trusts_moves_a_counter_it_reads(table):
    # ``rows_state`` reads every counter but the jobcenters': each table it trusts must
    # move one of those on every change.
    assert any("'jobcenter:'" not in select for select in SCOPES_OF_TABLES[table])


def test_the_audit_events_are_not_trusted_by_a_kept_count():
    assert {"'jobcenter:'" in select for select in SCOPES_OF_TABLES["accounts_auditevent"]} == {
        True
    }
    assert "accounts_auditevent" not in COUNTED_TABLES


@pytest.mark.parametrize(
    "rows",
    [
        lambda: OutgoingEmail.objects.all(),
        lambda: Circular.objects.filter(recipients__jobcenter=1),
        lambda: Measure.objects.filter(pk__in=[]),
    ],
    ids=["a table without counters", "a join to one", "a query matching nothing"],
)
def test_rows_state_keeps_nothing_it_cannot_vouch_for(db, rows):
    assert rows_state(rows(), "count") is None


def test_rows_state_differs_by_filter_and_purpose(db):
    running = Measure.objects.filter(status=MeasureStatus.RUNNING)
    planned = Measure.objects.filter(status=MeasureStatus.PLANNED)

    keys = {
        rows_state(running, "count"),
        rows_state(planned, "count"),
        rows_state(running, "groups"),
    }

    assert len(keys) == 3 and None not in keys


@pytest.mark.parametrize("event", ["insert", "update", "delete"])
def test_every_change_of_a_circular_moves_its_associations_counter(accession_world, nrw, event):
    table = Circular._meta.db_table
    scope = f"circulars:{nrw.landkreistag.pk}"
    new = factories.CircularFactory(association=nrw.landkreistag)
    before = DataVersion.objects.get(scope=scope).version

    if event == "insert":
        factories.CircularFactory(association=nrw.landkreistag)
    elif event == "update":
        # One row: SQLite's triggers count each row, PostgreSQL's each statement.
        Circular.objects.filter(pk=new.pk).update(subject="Neu")
    else:
        new.delete()

    assert f"reports_count_{table}_{event}" in _triggers(table)
    assert DataVersion.objects.get(scope=scope).version == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_lists_read_their_counters_from_an_index_not_one_row_per_jobcenter():
    # Every list's GET reads these (``_list_versions``). Planned on a fresh copy of the
    # table with its indexes and 2,000 jobcenters' counters: the suite's other tests leave
    # the real table in no state a plan can be asserted on (one CI run planned the primary
    # key there, with a filter, though sequential scans were off).
    with CaptureQueriesContext(connection) as queries:
        _list_versions()
    (read,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE listed (LIKE reports_dataversion INCLUDING INDEXES)")
        cursor.execute(
            "INSERT INTO listed SELECT 'jobcenter:' || n, 0 FROM generate_series(1, 2000) n"
        )
        cursor.execute("INSERT INTO listed VALUES ('agreement:1', 0), ('state:NW', 0)")
        cursor.execute("ANALYZE listed")
        cursor.execute("EXPLAIN " + read["sql"].replace('"reports_dataversion"', "listed"))
        plan = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_expr(indpred, indrelid) FROM pg_index"
            " WHERE indrelid = 'listed'::regclass AND indpred IS NOT NULL"
        )
        ((index, condition),) = cursor.fetchall()
        cursor.execute("DROP TABLE listed")

    # The copy of the one partial index, on the lists' own condition, and nothing read
    # from the table (its rows per jobcenter) but the index.
    assert condition == "(NOT ((scope)::text ~~ 'jobcenter:%'::text))"
    assert plan.startswith(f"Index Only Scan using {index} "), plan
