"""The data state of an overview or a profile: one key for what its PDF would show.

Two requests with the same key get one PDF (``services.overview_render``): the data it is
made of has not changed in between. The key reads counters the database keeps
(``DataVersion``, moved by the triggers of migration ``reports.0003`` on every INSERT,
UPDATE and DELETE, however the row was written: a service, the admin,
``queryset.update()``, ``bulk_create``, raw SQL), never the rows they count: one query
for an overview whatever the number of jobcenters, two for a profile. The scopes:

- ``agreement:<id>``: the agreement and its action fields (both);
- ``entries:<agreement id>``: its accessions, measures and their further action fields
  (overview);
- ``state:<code>``: the organisations of the agreement's state, jobcenters among them,
  and its jobcenters' key figures (overview: the jobcenters it lists are the state's);
- ``jobcenter:<id>``: the jobcenter's own rows, its accessions with their audit events,
  its measures and key figures (profile).
- ``circulars:<association id>``: the association's circulars (migration ``reports.0004``;
  only lists read it, through ``rows_state``).

The same counters say when a list's filter choices (``filter_choices_state``) and its
count of rows (``rows_state``) are still what they were.

Besides, the objects the request has loaded anyway, as they are (no query): the
organisation an overview is made for (another organisation gets its own overview), the
agreement, the profile's jobcenter; and the profile's association, read as it is (one
row: it is not the jobcenter's, and ``state:`` would change with every key figure).
"""

import contextlib
import contextvars
import functools
import hashlib
import json
import re

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder

from reports.models import DataVersion


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def _versions(*scopes):
    """The counter of each scope; 0 for one that has not changed since the counting began."""
    counted = dict(DataVersion.objects.filter(scope__in=scopes).values_list("scope", "version"))
    return {scope: counted.get(scope, 0) for scope in scopes}


def _key(parts):
    text = json.dumps(parts, cls=DjangoJSONEncoder, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def overview_state(organisation, agreement):
    """The key of the status overview of ``agreement`` as ``organisation`` sees it."""
    return _key(
        {
            "kind": "overview",
            # Its title names the organisation, whose kind and members decide the rows.
            "organisation": _fields(organisation) if organisation else None,
            "agreement": _fields(agreement),
            "versions": _versions(
                f"agreement:{agreement.pk}",
                f"entries:{agreement.pk}",
                f"state:{agreement.state}",
            ),
        }
    )


def profile_state(agreement, jobcenter):
    """The key of ``jobcenter``'s profile under ``agreement`` (the same for every reader)."""
    association = jobcenter.association
    return _key(
        {
            "kind": "profile",
            "agreement": _fields(agreement),
            "jobcenter": _fields(jobcenter),
            "association": _fields(association) if association else None,
            "versions": _versions(f"agreement:{agreement.pk}", f"jobcenter:{jobcenter.pk}"),
        }
    )


def filter_choices_state(states):
    """A key of what a list's filters offer: agreements, their action fields, and the
    organisations (associations, jobcenters) of ``states`` (``None``: of every state).

    Every agreement's counter is in it: a new agreement adds one, a changed or deleted one
    (or any of its action fields) moves its own; an organisation added, changed or moved
    moves its state's (both states' when it moves).
    """
    scopes = None if states is None else {f"state:{state}" for state in states}
    return tuple(
        (scope, version)
        for scope, version in _list_versions()
        if scope.startswith("agreement:")
        or (scope in scopes if scopes is not None else scope.startswith("state:"))
    )


_read_once = contextvars.ContextVar("list_versions_of_this_request", default=None)


@contextlib.contextmanager
def read_once():
    """Within it, the counters the lists' keys read (``filter_choices_state``,
    ``rows_state``) are read once (``DataVersionsOncePerRequest``: a GET or HEAD request,
    which writes nothing they count); outside, each key reads them afresh."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def _list_versions():
    """(scope, version) of every counter but the jobcenters' own, by scope."""
    kept = _read_once.get()
    if kept is not None and "versions" in kept:
        return kept["versions"]
    versions = tuple(
        DataVersion.objects.exclude(scope__startswith="jobcenter:")
        .order_by("scope")
        .values_list("scope", "version")
    )
    if kept is not None:
        kept["versions"] = versions
    return versions


# The tables each of whose changes moves a counter of ``agreement:``, ``entries:``,
# ``state:`` or ``circulars:`` (the triggers of migrations 0003 and 0004;
# ``tests/reports/test_data_state.py`` checks them). Not the audit events: they move only
# their jobcenter's counter; nor the circulars' recipients: they move none.
COUNTED_TABLES = frozenset(
    {
        "agreements_frameworkagreement",
        "agreements_actionfield",
        "accessions_accession",
        "measures_measure",
        "measures_measure_further_action_fields",
        "measures_keyfigures",
        "accounts_organisation",
        "jobcenters_jobcenter",
        "circulars_circular",
    }
)
_QUOTED_NAME = re.compile(r'"([^"]+)"')


@functools.cache
def _model_tables():
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def rows_state(queryset, purpose):
    """A key of what ``queryset`` reads for ``purpose`` (``"count"``, ``"groups"``): its SQL
    and the counters of every agreement, its entries, every state and every association's
    circulars, hashed. ``None``
    (read it, keep nothing) where its SQL names a table whose changes those counters do not
    follow, or where it has none (a query that can match nothing).

    The tables are found as the quoted names Django writes; a raw SQL expression naming a
    table unquoted would go unseen (no list has one)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    if not set(_QUOTED_NAME.findall(sql)) & _model_tables() <= COUNTED_TABLES:
        return None
    versions = list(_list_versions())
    text = repr((purpose, queryset.db, sql, params, versions))
    return hashlib.sha256(text.encode()).hexdigest()
