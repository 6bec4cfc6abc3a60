"""Writes on measures, their progress, the catalogue and key figures, each with its audit event.

Every function is one transaction. The catalogue has its own small state machine
(``PUBLICATION_STEPS``): a step from a state it does not start from is refused with a
German message, never a 500.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import AuditAction, changed_fields, record_event
from accounts.steps import take_step
from core.dates import EARLIEST_DATE, LATEST_DATE, german
from measures.emails import EMAILS
from measures.models import (
    ACTIVE_STATUSES,
    INTEGRATIONS_OF,
    KEY_FIGURE_FIELDS,
    MAX_KEY_FIGURE,
    KeyFigures,
    Measure,
    MeasureStatus,
    ProgressNote,
    Publication,
)

# What a jobcenter fills in; the catalogue fields are set by the steps below.
MEASURE_FIELDS = [
    "title",
    "description",
    "action_field",
    "status",
    "starts_on",
    "ends_on",
    "target_group",
    "partners",
    "locations",
    "contact_name",
    "contact_email",
    "contact_phone",
]

# step: (the states it starts from, the state it leads to)
PUBLICATION_STEPS = {
    "propose": (
        [Publication.INTERNAL, Publication.DECLINED, Publication.WITHDRAWN],
        Publication.PROPOSED,
    ),
    "publish": ([Publication.PROPOSED], Publication.PUBLISHED),
    "decline": ([Publication.PROPOSED], Publication.DECLINED),
    "unpublish": ([Publication.PUBLISHED], Publication.WITHDRAWN),
}


class PublicationStateError(Exception):
    """The step does not fit the measure's catalogue state (somebody else was quicker)."""


# A measure in these states has ended: its end is the day it ended, not a plan.
ENDED_MESSAGES = {
    MeasureStatus.COMPLETED: gettext_lazy(
        "Eine abgeschlossene Maßnahme endet nicht in der Zukunft: bitte geben Sie den Tag an, "
        "an dem sie endete."
    ),
    MeasureStatus.STOPPED: gettext_lazy(
        "Eine abgebrochene Maßnahme endet nicht in der Zukunft: bitte geben Sie den Tag an, "
        "an dem sie abgebrochen wurde."
    ),
}


def measure_date_problems(data):
    """``{field: message}`` of what speaks against a measure's dates, given its status.

    The end lies after the start; a running measure has started and a completed or
    stopped one has ended, so neither date lies in the future then.
    """
    starts_on, ends_on, status = data.get("starts_on"), data.get("ends_on"), data.get("status")
    today = timezone.localdate()
    problems = {}
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    elif ends_on and ends_on > today and status in ENDED_MESSAGES:
        problems["ends_on"] = str(ENDED_MESSAGES[status])
    if starts_on and starts_on > today and status in ACTIVE_STATUSES:
        problems["starts_on"] = _(
            "Eine laufende oder abgeschlossene Maßnahme hat schon begonnen: der Beginn liegt "
            "nicht in der Zukunft."
        )
    for field in ("starts_on", "ends_on"):
        date = data.get(field)
        if date and not EARLIEST_DATE <= date <= LATEST_DATE:
            problems[field] = _("Bitte geben Sie ein Datum zwischen %(from)s und %(to)s an.") % {
                "from": german(EARLIEST_DATE),
                "to": german(LATEST_DATE),
            }
    return problems


def _check_dates(data):
    problems = measure_date_problems(data)
    if problems:
        raise ValidationError(problems)


def _check_action_fields(agreement, action_field, further):
    if action_field.agreement_id != agreement.pk or any(
        field.agreement_id != agreement.pk for field in further
    ):
        raise ValidationError(
            {"action_field": _("Das Handlungsfeld gehört nicht zu dieser Vereinbarung.")}
        )


@transaction.atomic
def measure_create(*, jobcenter, agreement, user, data, further_action_fields=()):
    """Record a new measure of ``jobcenter`` under ``agreement``."""
    _check_dates(data)
    _check_action_fields(agreement, data["action_field"], further_action_fields)
    measure = Measure(jobcenter=jobcenter, agreement=agreement)
    for field in MEASURE_FIELDS:
        setattr(measure, field, data[field])
    measure.save()
    measure.further_action_fields.set(
        [field for field in further_action_fields if field != measure.action_field]
    )
    record_event(actor=user, obj=measure, action=AuditAction.MEASURE_CREATED)
    return measure


@transaction.atomic
def measure_update(*, measure, user, data, further_action_fields=()):
    """Change a measure; records what changed (further action fields included). Returns it."""
    _check_dates(data)
    _check_action_fields(measure.agreement, data["action_field"], further_action_fields)
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    changes = changed_fields(current, {field: data[field] for field in MEASURE_FIELDS})
    before = sorted(str(field) for field in current.further_action_fields.all())
    further = [field for field in further_action_fields if field != current.action_field]
    after = sorted(str(field) for field in further)
    if before != after:
        changes["further_action_fields"] = [", ".join(before), ", ".join(after)]
    if not changes:
        return changes
    current.save()
    current.further_action_fields.set(further)
    record_event(actor=user, obj=current, action=AuditAction.MEASURE_UPDATED, changes=changes)
    return changes


@transaction.atomic
def measure_add_note(*, measure, user, written_on, text):
    """Add a dated progress note (not in the future) to a measure."""
    if written_on > timezone.localdate():
        raise ValidationError({"written_on": _("Das Datum darf nicht in der Zukunft liegen.")})
    if written_on < EARLIEST_DATE:
        raise ValidationError(
            {
                "written_on": _("Bitte geben Sie ein Datum ab dem %(limit)s an.")
                % {"limit": german(EARLIEST_DATE)}
            }
        )
    if not text.strip():
        raise ValidationError({"text": _("Bitte beschreiben Sie den Fortschritt.")})
    note = ProgressNote.objects.create(
        measure=measure, written_on=written_on, text=text.strip(), author=user
    )
    record_event(
        actor=user,
        obj=measure,
        action=AuditAction.MEASURE_NOTE_ADDED,
        data={"written_on": written_on, "text": note.text},
    )
    return note


# The e-mail each catalogue step sends.
STEP_EMAILS = {
    "propose": EMAILS["proposed"],
    "publish": EMAILS["published"],
    "decline": EMAILS["declined"],
    "unpublish": EMAILS["unpublished"],
}


def _refused(measure):
    return PublicationStateError(
        _("Die Maßnahme ist im Katalog „%(state)s“: das ist jetzt nicht möglich.")
        % {"state": measure.get_publication_display()}
    )


def _step(measure, step, *, user, action, **details):
    """Take catalogue ``step`` (``PUBLICATION_STEPS``) on ``measure``, with its audit event
    and its e-mail (``STEP_EMAILS``): ``accounts.steps.take_step``."""
    allowed, target = PUBLICATION_STEPS[step]
    return take_step(
        Measure.objects.all(),
        measure.pk,
        state="publication",
        allowed_from=allowed,
        to=target,
        refused=_refused,
        actor=user,
        action=action,
        emails=[STEP_EMAILS[step]],
        **details,
    )


CONTACT_MISSING = gettext_lazy("Für den Katalog braucht die Maßnahme eine Ansprechperson.")
CONSENT_MISSING = gettext_lazy("Bitte bestätigen Sie, dass die Ansprechperson einverstanden ist.")


def propose_problems(measure, *, contact_consents):
    """What speaks against proposing ``measure`` for the catalogue: {field: German message}."""
    problems = {}
    if not measure.contact_name:
        problems["contact_name"] = CONTACT_MISSING
    if not contact_consents:
        problems["contact_consents"] = CONSENT_MISSING
    return problems


def measure_propose(*, measure, user, contact_consents):
    """Propose a measure for the public catalogue; its contact person must agree to be named."""

    def check(current):
        problems = propose_problems(current, contact_consents=contact_consents)
        if problems:
            raise ValidationError(problems)

    return _step(
        measure,
        "propose",
        user=user,
        action=AuditAction.MEASURE_PROPOSED,
        check=check,
        values={"contact_consents": True, "decline_reason": ""},
    )


def measure_publish(*, measure, user):
    """Publish a proposed measure in the catalogue, as of today."""
    return _step(
        measure,
        "publish",
        user=user,
        action=AuditAction.MEASURE_PUBLISHED,
        values={"published_on": timezone.localdate()},
    )


def _reason(reason):
    """The reason a decline or withdrawal gives, checked before anything is locked."""
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund.")})
    return reason.strip()


def measure_decline(*, measure, user, reason):
    """Decline a proposal, with the reason the jobcenter reads."""
    reason = _reason(reason)
    return _step(
        measure,
        "decline",
        user=user,
        action=AuditAction.MEASURE_DECLINED,
        values={"decline_reason": reason},
        reason=reason,
    )


def measure_unpublish(*, measure, user, reason):
    """Take a published measure out of the catalogue again, with the reason."""
    reason = _reason(reason)
    return _step(
        measure,
        "unpublish",
        user=user,
        action=AuditAction.MEASURE_UNPUBLISHED,
        values={"published_on": None, "decline_reason": reason},
        reason=reason,
    )


@transaction.atomic
def measures_from_accession(*, accession, user):
    """The planned measures of a joined accession become measures (status planned), once each."""
    created = []
    for planned in accession.planned_measures.filter(measure__isnull=True).select_related(
        "action_field"
    ):
        measure = Measure.objects.create(
            jobcenter_id=accession.jobcenter_id,
            agreement_id=accession.agreement_id,
            title=planned.title,
            action_field=planned.action_field,
            contact_name=accession.contact_name,
            contact_email=accession.contact_email,
            contact_phone=accession.contact_phone,
            planned_measure=planned,
        )
        record_event(actor=user, obj=measure, action=AuditAction.MEASURE_FROM_ACCESSION)
        created.append(measure)
    return created


def key_figure_problems(values):
    """``{field: message}`` of what speaks against a year's key figures.

    Each is a whole number from 0 to ``MAX_KEY_FIGURE``; a group's integrations are among
    its customers, so there are never more of them than customers of that group.
    """
    problems = {}
    for field in KEY_FIGURE_FIELDS:
        value = values.get(field)
        if value is not None and not 0 <= value <= MAX_KEY_FIGURE:
            problems[field] = _("Bitte geben Sie eine ganze Zahl von 0 bis %(limit)s an.") % {
                "limit": number_format(MAX_KEY_FIGURE, force_grouping=True)
            }
    for integrations, customers in INTEGRATIONS_OF.items():
        if integrations in problems or customers in problems:
            continue
        count, of = values.get(integrations), values.get(customers)
        if count is not None and of is not None and count > of:
            problems[integrations] = _(
                "%(count)s Integrationen, aber nur %(of)s %(group)s: es können nicht mehr "
                "Integrationen sein als Kundinnen und Kunden der Gruppe."
            ) % {
                "count": number_format(count, force_grouping=True),
                "of": number_format(of, force_grouping=True),
                "group": KeyFigures._meta.get_field(customers).verbose_name,
            }
    return problems


class KeyFiguresExist(ValidationError):
    """The year has figures already, and replacing them was not asked for."""


@transaction.atomic
def key_figures_save(*, jobcenter, user, year, data, replace=False):
    """Enter a jobcenter's key figures for a year (not a future one), or correct them.

    A year that has figures already is corrected only with ``replace``; otherwise
    ``KeyFiguresExist`` is raised, so that no entry silently overwrites another. The
    history keeps every figure's old and new value. Returns ``(row, created)``.
    """
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("Kennzahlen gibt es erst, wenn das Jahr begonnen hat.")})
    values = {field: data[field] for field in KEY_FIGURE_FIELDS}
    for field, value in values.items():
        if value is None or value < 0:
            raise ValidationError({field: _("Bitte geben Sie eine ganze Zahl ab 0 an.")})
    problems = key_figure_problems(values)
    if problems:
        raise ValidationError(problems)
    current = KeyFigures.objects.select_for_update().filter(jobcenter=jobcenter, year=year).first()
    if current is None:
        try:
            with transaction.atomic():
                current = KeyFigures.objects.create(jobcenter=jobcenter, year=year, **values)
        except IntegrityError:
            # Entered by a colleague at the same moment: theirs stands unless replacing.
            current = KeyFigures.objects.select_for_update().get(jobcenter=jobcenter, year=year)
        else:
            record_event(
                actor=user,
                obj=current,
                action=AuditAction.KEY_FIGURES_ENTERED,
                data={"year": year},
                changes={field: [None, value] for field, value in values.items()},
            )
            return current, True
    if not replace:
        raise KeyFiguresExist(
            {
                "year": _("Für %(year)s sind schon Kennzahlen gespeichert.") % {"year": year},
            }
        )
    changes = changed_fields(current, values)
    if changes:
        current.save()
        record_event(
            actor=user,
            obj=current,
            action=AuditAction.KEY_FIGURES_UPDATED,
            data={"year": year},
            changes=changes,
        )
    return current, False
