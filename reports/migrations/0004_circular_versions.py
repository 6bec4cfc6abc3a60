"""The circulars' data-state counter: every INSERT, UPDATE and DELETE of a circular moves
``circulars:<association id>`` (the triggers of migration 0003, made the same way), so
that the circulars list keeps its count until a circular changes
(``reports.states.rows_state``; 2 of a page's 11 ms at 4x Germany, 14,000 circulars).

Not the recipients: the jobcenters' lists, which read them, are counted each time."""

import importlib

from django.db import migrations

data_versions = importlib.import_module("reports.migrations.0003_data_versions")

SCOPES = {
    "circulars_circular": [
        "SELECT 'circulars:' || {row}.association_id AS scope FROM {rows}",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("circulars", "0002_list_sort_indexes"),
        ("reports", "0003_data_versions"),
    ]

    operations = [migrations.RunPython(*data_versions.triggers(SCOPES, count_function=False))]
