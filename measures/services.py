"""Writes on measures, their progress, the catalogue and key figures, each with its audit event.

Every function is one transaction. The catalogue has its own small state machine
(``PUBLICATION_STEPS``): a step from a state it does not start from is refused with a
German message, never a 500.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import AuditAction, changed_fields, record_event
from measures.emails import EMAILS
from measures.models import KEY_FIGURE_FIELDS, KeyFigures, Measure, ProgressNote, Publication
from outbox import services as outbox

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


def _notify(measure, event):
    """Queue the e-mail of ``event`` (``measures.emails.EMAILS``) with the step: sent once
    it is committed, later if Redis or the mail server is down."""
    outbox.enqueue_email(EMAILS[event](measure))


class PublicationStateError(Exception):
    """The step does not fit the measure's catalogue state (somebody else was quicker)."""


def _check_dates(data):
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("Das Ende darf nicht vor dem Beginn liegen.")})


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


def _step(measure, step):
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    allowed, target = PUBLICATION_STEPS[step]
    if current.publication not in allowed:
        raise PublicationStateError(
            _("Die Maßnahme ist im Katalog „%(state)s“: das ist jetzt nicht möglich.")
            % {"state": current.get_publication_display()}
        )
    current.publication = target
    return current


@transaction.atomic
def measure_propose(*, measure, user, contact_consents):
    """Propose a measure for the public catalogue; its contact person must agree to be named."""
    current = _step(measure, "propose")
    errors = {}
    if not current.contact_name:
        errors["contact_name"] = _("Für den Katalog braucht die Maßnahme eine Ansprechperson.")
    if not contact_consents:
        errors["contact_consents"] = _(
            "Bitte bestätigen Sie, dass die Ansprechperson einverstanden ist."
        )
    if errors:
        raise ValidationError(errors)
    current.contact_consents = True
    current.decline_reason = ""
    current.save(update_fields=["publication", "contact_consents", "decline_reason", "updated_at"])
    record_event(actor=user, obj=current, action=AuditAction.MEASURE_PROPOSED)
    _notify(current, "proposed")
    return current


@transaction.atomic
def measure_publish(*, measure, user):
    """Publish a proposed measure in the catalogue, as of today."""
    current = _step(measure, "publish")
    current.published_on = timezone.localdate()
    current.save(update_fields=["publication", "published_on", "updated_at"])
    record_event(actor=user, obj=current, action=AuditAction.MEASURE_PUBLISHED)
    _notify(current, "published")
    return current


@transaction.atomic
def measure_decline(*, measure, user, reason):
    """Decline a proposal, with the reason the jobcenter reads."""
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund.")})
    current = _step(measure, "decline")
    current.decline_reason = reason.strip()
    current.save(update_fields=["publication", "decline_reason", "updated_at"])
    record_event(
        actor=user,
        obj=current,
        action=AuditAction.MEASURE_DECLINED,
        reason=current.decline_reason,
    )
    _notify(current, "declined")
    return current


@transaction.atomic
def measure_unpublish(*, measure, user, reason):
    """Take a published measure out of the catalogue again, with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund.")})
    current = _step(measure, "unpublish")
    current.published_on = None
    current.decline_reason = reason.strip()
    current.save(update_fields=["publication", "published_on", "decline_reason", "updated_at"])
    record_event(
        actor=user,
        obj=current,
        action=AuditAction.MEASURE_UNPUBLISHED,
        reason=current.decline_reason,
    )
    _notify(current, "unpublished")
    return current


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


@transaction.atomic
def key_figures_save(*, jobcenter, user, year, data):
    """Enter or correct a jobcenter's key figures for a year (not a future one)."""
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("Kennzahlen gibt es erst, wenn das Jahr begonnen hat.")})
    values = {field: data[field] for field in KEY_FIGURE_FIELDS}
    for field, value in values.items():
        if value is None or value < 0:
            raise ValidationError({field: _("Bitte geben Sie eine ganze Zahl ab 0 an.")})
    current = KeyFigures.objects.select_for_update().filter(jobcenter=jobcenter, year=year).first()
    if current is None:
        try:
            with transaction.atomic():
                current = KeyFigures.objects.create(jobcenter=jobcenter, year=year, **values)
        except IntegrityError:
            # Entered by a colleague at the same moment: correct that row instead.
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
