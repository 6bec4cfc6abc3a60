"""Audit events keep what happened as data and are worded when shown (accounts.audit).

The German sentence of older events stays in ``legacy_summary``; their details are read
back out of it into ``data`` where the sentence has a known form, so they read in English
too. What does not fit keeps its German sentence.
"""

import re

import django.core.serializers.json
from django.db import migrations, models

# The admin used to record ``<model>_<event>``; it now records one action per event.
ADMIN_MODELS = {"frameworkagreement", "jobcenter", "letterhead", "circularcounter", "organisation"}
DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
PATTERNS = {
    "accession_accepted": (DATE, lambda m: {"joined_on": f"{m[3]}-{m[2]}-{m[1]}"}),
    "accession_withdrawn": (DATE, lambda m: {"withdrawn_on": f"{m[3]}-{m[2]}-{m[1]}"}),
    "measure_note_added": (DATE, lambda m: {"written_on": f"{m[3]}-{m[2]}-{m[1]}"}),
    "key_figures_entered": (re.compile(r"Kennzahlen (\d{4})"), lambda m: {"year": int(m[1])}),
    "key_figures_updated": (re.compile(r"Kennzahlen (\d{4})"), lambda m: {"year": int(m[1])}),
    "circular_finalised": (re.compile(r"Nr\. (\S+)"), lambda m: {"number": m[1]}),
    "circular_attachment_added": (
        re.compile(r"Anlage (\S+) „(.*)“"),
        lambda m: {"label": m[1], "title": m[2]},
    ),
    "circular_attachment_removed": (
        re.compile(r"Anlage (\S+) „(.*)“"),
        lambda m: {"label": m[1], "title": m[2]},
    ),
    "circular_sent": (re.compile(r"an (\d+) Jobcenter"), lambda m: {"count": int(m[1])}),
}


def new_action(action, summary):
    model, _sep, event = action.rpartition("_")
    if event in ("created", "changed", "deleted") and (
        model in ADMIN_MODELS or (model == "user" and event != "created")
    ):
        return f"admin_{event}"
    if action == "jobcenter_imported" and summary == "Aus CSV-Datei aktualisiert":
        return "jobcenter_reimported"
    if action == "measure_created" and summary == "aus dem Beitritt übernommen":
        return "measure_from_accession"
    return action


def words_to_data(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    for event in AuditEvent.objects.iterator():
        event.action = new_action(event.action, event.legacy_summary)
        if event.action == "accession_submitted" and event.legacy_summary == "erneut eingereicht":
            event.data = {"again": True}
        if event.action in PATTERNS:
            pattern, to_data = PATTERNS[event.action]
            if match := pattern.search(event.legacy_summary):
                event.data = to_data(match)
        if event.action == "measure_note_added":
            # The note's text was stored as the reason; it is the note, not a reason.
            event.data = {**event.data, "text": event.reason}
            event.reason = ""
        event.save(update_fields=["action", "data", "reason"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RenameField("auditevent", "summary", "legacy_summary"),
        migrations.AlterField(
            model_name="auditevent",
            name="legacy_summary",
            field=models.CharField(blank=True, max_length=300, verbose_name="Text (alte Einträge)"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="data",
            field=models.JSONField(
                blank=True,
                default=dict,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                verbose_name="Angaben",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="changes",
            field=models.JSONField(
                blank=True,
                default=dict,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                verbose_name="Änderungen",
            ),
        ),
        migrations.RunPython(words_to_data, migrations.RunPython.noop),
    ]
