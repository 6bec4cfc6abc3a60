"""Events written before the history was worded at display time: the migration keeps their
German sentence and reads their details back out of it, so they read in English too."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import AuditEvent
from jobcenters.models import Accession

BEFORE = ("accounts", "0001_initial")

# (action, stored sentence, reason) as written before -> (action, data, English sentence)
OLD_ROWS = [
    (("jobcenter_changed", "In der Verwaltung geändert", ""), ("admin_changed", {}, None)),
    (("user_deleted", "Benutzerkonto in der Verwaltung gelöscht", ""), ("admin_deleted", {}, None)),
    (
        ("user_created", "Benutzerkonto angelegt; E-Mail zum Setzen des Passworts versandt", ""),
        ("user_created", {}, None),
    ),
    (
        ("jobcenter_imported", "Aus CSV-Datei aktualisiert", ""),
        ("jobcenter_reimported", {}, "Updated from CSV file"),
    ),
    (
        ("measure_created", "aus dem Beitritt übernommen", ""),
        ("measure_from_accession", {}, "Taken over from the accession"),
    ),
    (
        ("accession_submitted", "erneut eingereicht", ""),
        ("accession_submitted", {"again": True}, "Resubmitted"),
    ),
    (
        ("accession_accepted", "angenommen: beigetreten am 20.03.2018", ""),
        ("accession_accepted", {"joined_on": "2018-03-20"}, "Accepted: joined on 20.03.2018"),
    ),
    (
        ("accession_withdrawn", "ausgetreten am 31.12.2024", "Kündigung"),
        ("accession_withdrawn", {"withdrawn_on": "2024-12-31"}, "Withdrawn on 31.12.2024"),
    ),
    (
        ("measure_note_added", "Fortschritt vom 02.11.2026 notiert", "Umbau fertig."),
        (
            "measure_note_added",
            {"written_on": "2026-11-02", "text": "Umbau fertig."},
            "Progress of 02.11.2026 noted",
        ),
    ),
    (
        ("key_figures_updated", "Kennzahlen 2024 geändert", ""),
        ("key_figures_updated", {"year": 2024}, "Key figures 2024 changed"),
    ),
    (
        ("circular_finalised", "abgeschlossen als Nr. 151/18", ""),
        ("circular_finalised", {"number": "151/18"}, "Finalised as no. 151/18"),
    ),
    (
        ("circular_attachment_added", "Anlage A2 „Statusübersicht NRW“ hinzugefügt", ""),
        (
            "circular_attachment_added",
            {"label": "A2", "title": "Statusübersicht NRW"},
            "Attachment A2 “Statusübersicht NRW” added",
        ),
    ),
    (
        ("circular_sent", "an 3 Jobcenter versandt", ""),
        ("circular_sent", {"count": 3}, "Sent to 3 jobcenters"),
    ),
    # A sentence of a form the migration does not know keeps its German words.
    (
        ("accession_accepted", "angenommen", ""),
        ("accession_accepted", {}, "angenommen"),
    ),
]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_older_events_keep_their_words_and_get_their_details():
    content_type = ContentType.objects.get_for_model(Accession)
    old_apps = _migrate([BEFORE])
    OldEvent = old_apps.get_model("accounts", "AuditEvent")
    for number, ((action, summary, reason), _expected) in enumerate(OLD_ROWS):
        OldEvent.objects.create(
            content_type_id=content_type.pk,
            object_id=number,
            object_repr="alt",
            action=action,
            summary=summary,
            reason=reason,
        )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for number, ((_action, summary, _reason), (action, data, english)) in enumerate(OLD_ROWS):
        event = AuditEvent.objects.get(object_id=number)
        assert (event.action, event.data, event.legacy_summary) == (action, data, summary)
        if english:
            with translation.override("en"):
                assert event.summary == english
    assert AuditEvent.objects.get(action="measure_note_added").reason == ""
