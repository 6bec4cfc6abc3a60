"""Jobcenters read into the registry from CSV (admin upload and ``import_jobcenters``)."""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind, RegionKind, State
from accounts.services import AuditAction, changed_fields, record_event
from jobcenters.models import Jobcenter, JobcenterForm
from jobcenters.services import CONTACT_FIELDS


class JobcenterImportError(Exception):
    """The file cannot be imported; ``errors`` says why, row by row, in German."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


REQUIRED_COLUMNS = ["name", "form", "region", "region_kind"]
OPTIONAL_COLUMNS = ["state", "association", *CONTACT_FIELDS]

_FORMS = {value.lower(): value for value in JobcenterForm.values}
_REGION_KINDS = {
    **{value: value for value in RegionKind.values},
    **{str(label).lower(): value for value, label in RegionKind.choices},
    "kreisfreie stadt": RegionKind.KREISFREIE_STADT,
}
_STATES = {
    **{value.lower(): value for value in State.values},
    **{str(label).lower(): value for value, label in State.choices},
}


def jobcenters_import(*, data, actor, default_state=""):
    """Import jobcenters from CSV bytes: all rows or, when any row is wrong, none.

    Columns: name, form (gE/zkT), region, region_kind (Kreis / kreisfreie Stadt),
    and optionally state, association (checked against the region kind) and contact
    data (street, postal_code, city, email, phone, website). A jobcenter that exists (same
    state and name) is updated, so a file can be imported again without creating duplicates;
    its contact data changes only where the file has a value.
    """
    rows = _read_rows(data)
    associations = {
        (org.state, org.member_region_kind): org
        for org in Organisation.objects.filter(kind=OrganisationKind.MUNICIPAL_ASSOCIATION)
    }
    errors = []
    cleaned = []
    seen = {}
    for number, row in rows:
        row_errors, values = _clean_row(row, default_state, associations)
        key = (values.get("state"), values.get("name"))
        if not row_errors and key in seen:
            row_errors.append(
                _("„%(name)s“ steht schon in Zeile %(row)d.") % {"name": key[1], "row": seen[key]}
            )
        seen.setdefault(key, number)
        errors += [_("Zeile %(row)d: %(error)s") % {"row": number, "error": e} for e in row_errors]
        cleaned.append(values)
    if errors:
        raise JobcenterImportError(errors)
    return _save_rows(cleaned, actor)


@transaction.atomic
def _save_rows(rows, actor):
    existing = {
        (jc.state, jc.name): jc
        for jc in Jobcenter.objects.filter(state__in={row["state"] for row in rows})
    }
    created = updated = 0
    for values in rows:
        jobcenter = existing.get((values["state"], values["name"]))
        if jobcenter is None:
            jobcenter = Jobcenter(**values)
            jobcenter.full_clean(exclude=["kind"])  # set by Jobcenter.save()
            jobcenter.save()
            created += 1
            record_event(actor=actor, obj=jobcenter, action=AuditAction.JOBCENTER_IMPORTED)
            continue
        changes = changed_fields(jobcenter, values)
        if changes:
            jobcenter.full_clean()
            jobcenter.save()
            updated += 1
            record_event(
                actor=actor,
                obj=jobcenter,
                action=AuditAction.JOBCENTER_REIMPORTED,
                changes=changes,
            )
    return ImportResult(created=created, updated=updated)


def _read_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JobcenterImportError(
            [_("Die Datei ist keine UTF-8-kodierte CSV-Datei. Bitte als „CSV UTF-8“ speichern.")]
        ) from error
    if not text.strip():
        raise JobcenterImportError([_("Die Datei ist leer.")])
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [(name or "").strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    errors = []
    if missing:
        errors.append(_("Es fehlen die Spalten: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        errors.append(
            _("Unbekannte Spalten: %(columns)s. Erlaubt sind: %(allowed)s.")
            % {
                "columns": ", ".join(unknown),
                "allowed": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            }
        )
    if errors:
        raise JobcenterImportError(errors)
    rows = [
        (reader.line_num, row) for row in reader if any((v or "").strip() for v in row.values())
    ]
    if not rows:
        raise JobcenterImportError([_("Die Datei enthält keine Jobcenter.")])
    return rows


def _clean_row(row, default_state, associations):
    if None in row:
        return [_("Die Zeile hat mehr Felder als die Kopfzeile.")], {}
    raw = {key: (value or "").strip() for key, value in row.items()}
    errors = []
    # Contact data only where the file has it: an empty cell or a missing column keeps the
    # address a jobcenter or the ministry entered on the site (circulars go to it).
    values = {field: raw[field] for field in CONTACT_FIELDS if raw.get(field)}
    values["name"] = raw["name"]
    values["region"] = raw["region"]
    if not raw["name"]:
        errors.append(_("Der Name fehlt."))
    if not raw["region"]:
        errors.append(_("Die Region fehlt."))
    values["form"] = _FORMS.get(raw["form"].lower())
    if values["form"] is None:
        errors.append(
            _("Form „%(value)s“ ist unbekannt; erlaubt sind gE und zkT.") % {"value": raw["form"]}
        )
    values["region_kind"] = _REGION_KINDS.get(raw["region_kind"].lower())
    if values["region_kind"] is None:
        errors.append(
            _("Gebietsart „%(value)s“ ist unbekannt; erlaubt sind Kreis und kreisfreie Stadt.")
            % {"value": raw["region_kind"]}
        )
    state_text = raw.get("state") or default_state
    values["state"] = _STATES.get(state_text.lower())
    if values["state"] is None:
        errors.append(
            _("Bundesland „%(value)s“ ist unbekannt.") % {"value": state_text}
            if state_text
            else _("Das Bundesland fehlt (Spalte „state“).")
        )
    if raw.get("association") and values["state"] and values["region_kind"]:
        expected = associations.get((values["state"], values["region_kind"]))
        if expected is None or raw["association"] not in (expected.name, expected.short_name):
            errors.append(
                _("Verband „%(given)s“ passt nicht zur Gebietsart; zuständig ist „%(expected)s“.")
                % {
                    "given": raw["association"],
                    "expected": expected.name if expected else _("kein Verband angelegt"),
                }
            )
    if not errors:
        try:
            Jobcenter(**values).clean_fields(exclude=["kind"])
        except ValidationError as error:
            errors += [
                f"{Jobcenter._meta.get_field(field).verbose_name}: {' '.join(msgs)}"
                for field, msgs in error.message_dict.items()
            ]
    return errors, values
