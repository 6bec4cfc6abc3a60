"""The audit trail: the kinds of event (``AuditAction``), writing one (``record_event``)
and reading one as German or English prose (``describe``, ``change_rows``).

An event stores what happened as data (its action, ``data`` and ``changes``), never as
sentences: the history is worded when it is shown, in the reader's language. Rendering
never raises. An event that does not fit (an old row, an action since removed, a value
of an unexpected shape) still reads as something sensible, because one odd row must not
take the page of an accession or a measure down with it.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class AuditAction(models.TextChoices):
    """What a service (or the admin) did to an object. The label names the kind of event."""

    USER_CREATED = "user_created", _("Benutzerkonto angelegt")
    ADMIN_CREATED = "admin_created", _("In der Verwaltung angelegt")
    ADMIN_CHANGED = "admin_changed", _("In der Verwaltung geändert")
    ADMIN_DELETED = "admin_deleted", _("In der Verwaltung gelöscht")
    JOBCENTER_UPDATED = "jobcenter_updated", _("Kontaktdaten geändert")
    JOBCENTER_IMPORTED = "jobcenter_imported", _("Aus CSV-Datei angelegt")
    JOBCENTER_REIMPORTED = "jobcenter_reimported", _("Aus CSV-Datei aktualisiert")
    ACCESSION_STARTED = "accession_started", _("Beitritt begonnen")
    ACCESSION_SAVED = "accession_saved", _("Beitrittsformular gespeichert")
    ACCESSION_SIGNED_FORM = "accession_signed_form", _("Unterschriebenes Formular hochgeladen")
    ACCESSION_SUBMITTED = "accession_submitted", _("Eingereicht")
    ACCESSION_ACCEPTED = "accession_accepted", _("Angenommen")
    ACCESSION_RETURNED = "accession_returned", _("Zurückgegeben")
    ACCESSION_WITHDRAWN = "accession_withdrawn", _("Ausgetreten")
    ACCESSION_JOINED_ON_CORRECTED = "accession_joined_on_corrected", _("Beitrittsdatum korrigiert")
    MEASURE_CREATED = "measure_created", _("Maßnahme angelegt")
    MEASURE_FROM_ACCESSION = "measure_from_accession", _("Aus dem Beitritt übernommen")
    MEASURE_UPDATED = "measure_updated", _("Maßnahme geändert")
    MEASURE_NOTE_ADDED = "measure_note_added", _("Fortschritt notiert")
    MEASURE_PROPOSED = "measure_proposed", _("Für den Katalog vorgeschlagen")
    MEASURE_PUBLISHED = "measure_published", _("Im Katalog veröffentlicht")
    MEASURE_DECLINED = "measure_declined", _("Vorschlag für den Katalog abgelehnt")
    MEASURE_UNPUBLISHED = "measure_unpublished", _("Aus dem Katalog zurückgezogen")
    KEY_FIGURES_ENTERED = "key_figures_entered", _("Kennzahlen erfasst")
    KEY_FIGURES_UPDATED = "key_figures_updated", _("Kennzahlen geändert")
    CIRCULAR_CREATED = "circular_created", _("Entwurf angelegt")
    CIRCULAR_CHANGED = "circular_changed", _("Entwurf geändert")
    CIRCULAR_FINALISED = "circular_finalised", _("Abgeschlossen")
    CIRCULAR_ATTACHMENT_ADDED = "circular_attachment_added", _("Anlage hinzugefügt")
    CIRCULAR_ATTACHMENT_REMOVED = "circular_attachment_removed", _("Anlage entfernt")
    CIRCULAR_SENT = "circular_sent", _("Versandt")
    CIRCULAR_MAILS_RESENT = "circular_mails_resent", _("E-Mails erneut versandt")


# The sentence of an action whose event carries details in ``data``; every other action
# reads as its label. Placeholders name keys of ``data``.
SENTENCES = {
    AuditAction.USER_CREATED: _("Benutzerkonto angelegt; E-Mail zum Setzen des Passworts versandt"),
    AuditAction.ACCESSION_ACCEPTED: _("Angenommen: beigetreten am %(joined_on)s"),
    AuditAction.ACCESSION_WITHDRAWN: _("Ausgetreten am %(withdrawn_on)s"),
    AuditAction.ACCESSION_JOINED_ON_CORRECTED: _(
        "Beitrittsdatum korrigiert: %(joined_on)s statt %(was)s"
    ),
    AuditAction.MEASURE_NOTE_ADDED: _("Fortschritt vom %(written_on)s notiert"),
    AuditAction.KEY_FIGURES_ENTERED: _("Kennzahlen %(year)s erfasst"),
    AuditAction.KEY_FIGURES_UPDATED: _("Kennzahlen %(year)s geändert"),
    AuditAction.CIRCULAR_FINALISED: _("Abgeschlossen als Nr. %(number)s"),
    AuditAction.CIRCULAR_ATTACHMENT_ADDED: _("Anlage %(label)s „%(title)s“ hinzugefügt"),
    AuditAction.CIRCULAR_ATTACHMENT_REMOVED: _("Anlage %(label)s „%(title)s“ entfernt"),
}

# Sentences that name a count take its plural: ``data["count"]`` picks the form.
COUNTED = {
    AuditAction.CIRCULAR_SENT: ngettext_lazy(
        "An %(count)s Jobcenter versandt", "An %(count)s Jobcenter versandt", "count"
    ),
    AuditAction.CIRCULAR_MAILS_RESENT: ngettext_lazy(
        "%(count)s fehlgeschlagene E-Mail erneut versandt",
        "%(count)s fehlgeschlagene E-Mails erneut versandt",
        "count",
    ),
}

# Variants an event asks for with ``data["again"]`` (a second submission, say).
AGAIN = {
    AuditAction.ACCESSION_SUBMITTED: _("Erneut eingereicht"),
}


def record_event(*, actor, obj, action, changes=None, data=None, reason=""):
    """Write one audit event for ``obj``. Call it inside the service's transaction.

    ``action`` is an ``AuditAction``; ``changes`` is ``{field: [old, new]}`` (see
    ``accounts.services.changed_fields``), ``data`` the details its sentence names
    (dates may be given as dates), ``reason`` what the user gave as the reason.
    """
    event = new_event(
        actor=actor, obj=obj, action=action, changes=changes, data=data, reason=reason
    )
    event.save(force_insert=True)
    return event


def new_event(*, actor, obj, action, changes=None, data=None, reason=""):
    """The event ``record_event`` writes, not saved yet: for inserting many at once
    (``bulk_create``, the benchmark data)."""
    # Here, not at the top: accounts.models imports this module (an event's sentence).
    from accounts.models import AuditEvent

    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=AuditAction(action),  # an unknown action fails here, not on the page
        reason=reason,
        changes=changes or {},
        data=data or {},
    )


def describe(event):
    """The event as a sentence in the active language; never raises."""
    try:
        return _describe(event)
    except Exception:
        # Whatever the row holds, the page shows it.
        logger.exception("audit event %s cannot be described", event.pk)
        return event.legacy_summary or str(event.action)


def _describe(event):
    data = event.data if isinstance(event.data, dict) else {}
    try:
        action = AuditAction(event.action)
    except ValueError:
        return event.legacy_summary or str(event.action)
    if data.get("again") and action in AGAIN:
        return str(AGAIN[action])
    if action not in SENTENCES and action not in COUNTED:
        return str(action.label)
    try:
        values = {key: format_value(value) for key, value in data.items()}
        if action in COUNTED:
            return COUNTED[action] % {**values, "count": int(data["count"])}
        return gettext(SENTENCES[action]) % values
    except (KeyError, TypeError, ValueError):
        # Written before the event kept its details: its stored sentence says them.
        return event.legacy_summary or str(action.label)


def note(event):
    """The text an event records besides its sentence (a progress note), or ``""``."""
    text = event.data.get("text") if isinstance(event.data, dict) else None
    return text if isinstance(text, str) else ""


@dataclass(frozen=True)
class ChangeRow:
    """One changed field, worded for the page: empty values are ``""``."""

    label: str
    old: str
    new: str


def change_rows(event):
    """The event's changes as ``ChangeRow`` s, labelled as on the object's form; never raises."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    try:
        model = event.content_type.model_class()
    except Exception:
        model = None
    rows = []
    for name, change in sorted(changes.items(), key=lambda item: _position(model, item[0])):
        try:
            rows.append(_change_row(model, name, change))
        except Exception:
            logger.exception("audit event %s: change of %r cannot be shown", event.pk, name)
            rows.append(ChangeRow(label=str(name), old="", new=str(change)))
    return rows


def _position(model, name):
    """Where the field stands on its model (and so on its form): PostgreSQL's jsonb keeps
    the keys of ``changes`` by their length, not in the order they were written."""
    try:
        names = [field.name for field in model._meta.get_fields()]
    except Exception:
        names = []
    return names.index(name) if name in names else len(names)


def _change_row(model, name, change):
    field = _field(model, name)
    if isinstance(change, list | tuple) and len(change) == 2:
        old, new = change
    else:
        old, new = None, change
    return ChangeRow(
        label=_label(field, name),
        old=format_value(old, field),
        new=format_value(new, field),
    )


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name):
    if field is None:
        # Not a field: the admin names a changed inline by its plural, already worded.
        return str(name)
    if field.is_relation and field.auto_created and not field.concrete:
        # A reverse relation (an accession's planned measures) has no verbose_name.
        return capfirst(field.related_model._meta.verbose_name_plural)
    return capfirst(field.verbose_name)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def format_value(value, field=None):
    """A stored value as the page shows it: choice labels, Ja/Nein, German dates, ``""``
    for nothing. ``field`` (when known) gives the choices and says it is a file."""
    if isinstance(field, models.FileField):
        # A file is recorded by the name it was uploaded under, a replaced one as True.
        if value is True:
            return gettext("frühere Datei")
        return value.rsplit("/", 1)[-1] if isinstance(value, str) else ""
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple):
        # A list (the planned measures) is shown one item a line.
        return "\n".join(text for text in (format_value(item, field) for item in value) if text)
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nein")
    if field is not None and getattr(field, "choices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, datetime.datetime):
        return _datetime(value)
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if isinstance(value, str) and (field is None or isinstance(field, models.DateField)):
        # Dates are stored as ISO strings (JSON has none).
        if _ISO_DATE.match(value) and (day := _parse(parse_date, value)):
            return date_format(day, "d.m.Y")
        if _ISO_DATETIME.match(value) and (moment := _parse(parse_datetime, value)):
            return _datetime(moment)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "; ".join(f"{key}: {format_value(item)}" for key, item in value.items())
    return str(value)


def _parse(parse, value):
    try:
        return parse(value)
    except ValueError:  # well formed, but no day of the calendar (2018-02-30)
        return None


def _datetime(moment):
    if is_aware(moment):
        moment = localtime(moment)
    return date_format(moment, "d.m.Y, H:i")
