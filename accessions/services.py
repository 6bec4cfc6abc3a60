"""Writes on accessions: the jobcenter's form and the ministry's decisions, each with its
audit events and e-mails."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessions.emails import EMAILS
from accessions.models import JOINED_STATUSES, Accession, AccessionStatus, PlannedMeasure
from accounts.audit import new_event
from accounts.models import AuditEvent
from accounts.services import AuditAction, changed_fields, record_event
from accounts.steps import lock_in_state, take_step
from agreements.models import FrameworkAgreement
from core.dates import german
from measures.services import measures_from_accession

# Accessions: the state machine. Every change of state goes through ``_step``.

TRANSITIONS = {
    "submit": ([AccessionStatus.DRAFT, AccessionStatus.RETURNED], AccessionStatus.SUBMITTED),
    "accept": ([AccessionStatus.SUBMITTED], AccessionStatus.ACCEPTED),
    "return": ([AccessionStatus.SUBMITTED], AccessionStatus.RETURNED),
    "withdraw": ([AccessionStatus.ACCEPTED], AccessionStatus.WITHDRAWN),
}

# The states each of the ministry's steps starts from; a joining date is corrected once set.
DECISION_STATUSES = {
    **{transition: allowed for transition, (allowed, _target) in TRANSITIONS.items()},
    "correct_joined_on": JOINED_STATUSES,
}

# What the accession form must hold before it can be submitted.
FORM_FIELDS = [
    "jobcenter_name",
    "street",
    "postal_code",
    "city",
    "management_name",
    "contact_name",
    "contact_function",
    "contact_email",
    "contact_phone",
    "carriers_agreed_on",
    "public_listing",
]
REQUIRED_FOR_SUBMIT = [field for field in FORM_FIELDS if field != "public_listing"]


class AccessionStateError(Exception):
    """A change of state that the accession's current state does not allow; says why in German."""


def _accessions():
    return Accession.objects.select_related("jobcenter", "agreement")


def _locked(accession):
    return _accessions().select_for_update(of=("self",)).get(pk=accession.pk)


def _refused(accession):
    """The state error for ``accession``: its state now, and who changed it last."""
    last = AuditEvent.objects.for_object(accession).select_related("actor").first()
    message = _("Der Beitritt ist inzwischen „%(status)s“.") % {
        "status": accession.get_status_display()
    }
    if last is not None:
        message += " " + _("Zuletzt: %(summary)s, von %(actor)s am %(when)s.") % {
            "summary": last.summary,
            "actor": last.actor.get_full_name() or last.actor.username if last.actor else "—",
            "when": date_format(timezone.localtime(last.created_at), "d.m.Y, H:i"),
        }
    return AccessionStateError(message)


def _step(accession, transition, *, user, action, emails=(), **step):
    """Take ``transition`` (``TRANSITIONS``) on ``accession``: ``accounts.steps.take_step``."""
    allowed, target = TRANSITIONS[transition]
    return take_step(
        _accessions(),
        accession.pk,
        allowed_from=allowed,
        to=target,
        refused=_refused,
        actor=user,
        action=action,
        emails=[EMAILS[email] for email in emails],
        **step,
    )


def _check_editable(accession):
    if not accession.is_editable:
        raise AccessionStateError(
            _("Der Beitritt ist „%(status)s“ und kann nicht mehr geändert werden.")
            % {"status": accession.get_status_display()}
        )


def prefilled_accession(*, jobcenter, agreement, **fields):
    """A new, unsaved accession of ``jobcenter`` to ``agreement``, its form prefilled from
    the registry (name, address, e-mail, phone); ``fields`` set more of it.

    ``accession_start`` saves one; the benchmark data (``demo.scale``) inserts many at once.
    """
    registry = {
        "jobcenter_name": jobcenter.name,
        "street": jobcenter.street,
        "postal_code": jobcenter.postal_code,
        "city": jobcenter.city,
        "contact_email": jobcenter.email,
        "contact_phone": jobcenter.phone,
    }
    return Accession(jobcenter=jobcenter, agreement=agreement, **{**registry, **fields})


def steps_history(
    accession, *, user=None, reviewer=None, planned_measures=(), signed_form_name=None, reason=""
):
    """The audit events, unsaved and oldest first, that the services write for
    ``accession`` on its way from the registry's prefill to its status: begun, saved (when
    its form differs from the prefill), submitted, then returned, accepted or accepted and
    withdrawn (with ``reason``).

    For inserting many accessions at once (``demo.scale``), which bypasses the services;
    ``tests/accessions/test_steps_history.py`` holds it to what they write.
    ``planned_measures`` are ``(action_field, title)`` as saved with the form (the benchmark
    data has none); ``signed_form_name`` is the name the form was uploaded under (else its
    stored file's).
    """
    prefill = prefilled_accession(jobcenter=accession.jobcenter, agreement=accession.agreement)
    changes = changed_fields(prefill, {field: getattr(accession, field) for field in FORM_FIELDS})
    if planned_measures:
        changes["planned_measures"] = [[], _planned_lines(planned_measures)]
    if accession.signed_form:
        changes["signed_form"] = [
            False,
            signed_form_name or accession.signed_form.name.rsplit("/", 1)[-1],
        ]
    events = [(user, AuditAction.ACCESSION_STARTED, {}, "")]
    if changes:
        events.append((user, AuditAction.ACCESSION_SAVED, {}, ""))
    if accession.status != AccessionStatus.DRAFT:
        events.append((user, AuditAction.ACCESSION_SUBMITTED, {}, ""))
    if accession.status == AccessionStatus.RETURNED:
        events.append((reviewer, AuditAction.ACCESSION_RETURNED, {}, accession.return_reasons))
    if accession.status in JOINED_STATUSES:
        data = {"joined_on": accession.joined_on}
        events.append((reviewer, AuditAction.ACCESSION_ACCEPTED, data, ""))
    if accession.status == AccessionStatus.WITHDRAWN:
        data = {"withdrawn_on": accession.withdrawn_on}
        events.append((reviewer, AuditAction.ACCESSION_WITHDRAWN, data, reason))
    return [
        new_event(
            actor=actor,
            obj=accession,
            action=action,
            data=data,
            reason=reason,
            changes=changes if action == AuditAction.ACCESSION_SAVED else None,
        )
        for actor, action, data, reason in events
    ]


@transaction.atomic
def accession_start(*, jobcenter, agreement, user):
    """Open a draft accession of ``jobcenter`` to ``agreement``, prefilled from the registry."""
    if not FrameworkAgreement.objects.open_to(jobcenter).filter(pk=agreement.pk).exists():
        raise ValidationError(_("Dieses Jobcenter kann dieser Vereinbarung nicht beitreten."))
    if Accession.objects.open().filter(jobcenter=jobcenter, agreement=agreement).exists():
        raise ValidationError(_("Für diese Vereinbarung gibt es schon einen offenen Beitritt."))
    accession = prefilled_accession(jobcenter=jobcenter, agreement=agreement)
    try:
        # The database constraint decides when two starts race each other.
        with transaction.atomic():
            accession.save()
    except IntegrityError:
        raise ValidationError(
            _("Für diese Vereinbarung gibt es schon einen offenen Beitritt.")
        ) from None
    record_event(actor=user, obj=accession, action=AuditAction.ACCESSION_STARTED)
    return accession


@transaction.atomic
def accession_save(*, accession, user, data, planned_measures, signed_form=None):
    """Save the accession form as a draft; the form may still be incomplete.

    ``planned_measures`` is a list of ``(action_field, title)``; it replaces the earlier
    list. ``signed_form``, when given, is an already checked upload (``uploads``).
    """
    current = _locked(accession)
    _check_editable(current)
    changes = changed_fields(current, {field: data[field] for field in FORM_FIELDS})
    measures = [(action_field.pk, title) for action_field, title in planned_measures]
    before = [
        (planned.action_field, planned.title)
        for planned in current.planned_measures.select_related("action_field")
    ]
    if measures != [(action_field.pk, title) for action_field, title in before]:
        current.planned_measures.all().delete()
        PlannedMeasure.objects.bulk_create(
            PlannedMeasure(accession=current, action_field_id=field_id, title=title)
            for field_id, title in measures
        )
        changes["planned_measures"] = [_planned_lines(before), _planned_lines(planned_measures)]
    if signed_form is not None:
        changes["signed_form"] = _signed_form_change(current, signed_form)
        _store_signed_form(current, signed_form)
    if not changes:
        return current
    current.save()
    record_event(
        actor=user,
        obj=current,
        action=AuditAction.ACCESSION_SAVED,
        changes=changes,
    )
    return current


def _planned_lines(planned_measures):
    """The planned measures as the history lists them: title and action field."""
    return [f"{title} ({action_field})" for action_field, title in planned_measures]


@transaction.atomic
def accession_attach_signed_form(*, accession, user, signed_form):
    """Store a checked signed form on an editable accession, without touching the rest."""
    current = _locked(accession)
    _check_editable(current)
    changes = {"signed_form": _signed_form_change(current, signed_form)}
    _store_signed_form(current, signed_form)
    current.save(update_fields=["signed_form", "signed_form_uploaded_at", "updated_at"])
    record_event(actor=user, obj=current, action=AuditAction.ACCESSION_SIGNED_FORM, changes=changes)
    return current


def _signed_form_change(accession, signed_form):
    """``[old, new]`` for the history: whether there was a form, and the new one's name as the
    user chose it (the stored name is random)."""
    return [bool(accession.signed_form), signed_form.name]


def _store_signed_form(accession, signed_form):
    old_file = accession.signed_form.name
    accession.signed_form.save(signed_form.name, signed_form, save=False)
    accession.signed_form_uploaded_at = timezone.now()
    if old_file:
        # The replaced file goes only once the new one is committed.
        storage = accession.signed_form.storage
        transaction.on_commit(lambda: storage.delete(old_file))


# What each field of the form asks for when it is still empty at submitting.
REQUIRED_MESSAGES = {
    "jobcenter_name": gettext_lazy("Bitte geben Sie den Namen des Jobcenters an."),
    "street": gettext_lazy("Bitte geben Sie Straße und Hausnummer an."),
    "postal_code": gettext_lazy("Bitte geben Sie die Postleitzahl an."),
    "city": gettext_lazy("Bitte geben Sie den Ort an."),
    "management_name": gettext_lazy(
        "Bitte nennen Sie die Geschäftsführerin oder den Geschäftsführer."
    ),
    "contact_name": gettext_lazy("Bitte nennen Sie die Ansprechperson."),
    "contact_function": gettext_lazy("Bitte geben Sie die Funktion der Ansprechperson an."),
    "contact_email": gettext_lazy("Bitte geben Sie die E-Mail-Adresse der Ansprechperson an."),
    "contact_phone": gettext_lazy("Bitte geben Sie die Telefonnummer der Ansprechperson an."),
    "carriers_agreed_on": gettext_lazy(
        "Bitte geben Sie an, wann die Träger dem Beitritt zugestimmt haben."
    ),
}


def submit_missing(*, values, has_planned_measures, has_signed_form):
    """``{field: message}`` of what a form with ``values`` lacks for submitting it.

    The edit page asks this of what was just typed, so that one round names everything;
    ``accession_missing`` asks it of what is stored.
    """
    missing = {
        field: str(REQUIRED_MESSAGES[field])
        for field in REQUIRED_FOR_SUBMIT
        if field in values and values[field] in ("", None)
    }
    if not has_planned_measures:
        missing["planned_measures"] = _("Bitte nennen Sie mindestens eine geplante Maßnahme.")
    if not has_signed_form:
        missing["signed_form"] = _(
            "Bitte laden Sie das unterschriebene Beitrittsformular als PDF hoch."
        )
    return missing


def accession_missing(accession):
    """``{field: message}`` of what the stored form still lacks for submitting it."""
    return submit_missing(
        values={field: getattr(accession, field) for field in REQUIRED_FOR_SUBMIT},
        has_planned_measures=accession.planned_measures.exists(),
        has_signed_form=bool(accession.signed_form),
    )


def accession_submit(*, accession, user):
    """Send the complete, signed accession form to the ministry for review."""

    def check(current):
        missing = accession_missing(current)
        if missing:
            raise ValidationError(missing)

    return _step(
        accession,
        "submit",
        user=user,
        action=AuditAction.ACCESSION_SUBMITTED,
        check=check,
        values={"submitted_at": timezone.now()},
        data=lambda current: (
            {"again": True} if current.status == AccessionStatus.RETURNED else None
        ),
        emails=["submitted", "receipt"],
    )


def agreement_start(agreement):
    """The first day a jobcenter can join ``agreement``: its signing, else its entry into force."""
    return agreement.signed_on or agreement.in_force_from


def joined_on_problems(accession, joined_on):
    """What speaks against ``joined_on`` as the day the jobcenter joined: German messages.

    Joining lies between the agreement's signing and today, not before the jobcenter
    submitted its form and not after it left again.
    """
    problems = []
    if joined_on > timezone.localdate():
        problems.append(_("Das Beitrittsdatum darf nicht in der Zukunft liegen."))
    agreement = accession.agreement
    start = agreement_start(agreement)
    if joined_on < start:
        message = (
            _("Die Vereinbarung ist erst am %(date)s unterzeichnet worden.")
            if agreement.signed_on
            else _("Die Vereinbarung gilt erst seit dem %(date)s.")
        )
        problems.append(message % {"date": german(start)})
    elif accession.submitted_at and joined_on < timezone.localdate(accession.submitted_at):
        problems.append(
            _("Das Jobcenter hat den Beitritt erst am %(date)s eingereicht.")
            % {"date": german(timezone.localdate(accession.submitted_at))}
        )
    if accession.withdrawn_on and joined_on > accession.withdrawn_on:
        problems.append(
            _("Das Jobcenter ist am %(date)s ausgetreten; der Beitritt muss davor liegen.")
            % {"date": german(accession.withdrawn_on)}
        )
    return problems


def withdrawn_on_problems(accession, withdrawn_on):
    """What speaks against ``withdrawn_on`` as the day the jobcenter left: German messages."""
    if withdrawn_on > timezone.localdate():
        return [_("Das Austrittsdatum darf nicht in der Zukunft liegen.")]
    if accession.joined_on and withdrawn_on < accession.joined_on:
        return [
            _("Das Austrittsdatum liegt vor dem Beitritt am %(date)s.")
            % {"date": german(accession.joined_on)}
        ]
    return []


@transaction.atomic
def accession_accept(*, accession, user, joined_on):
    """Accept a submitted accession: the jobcenter joined on ``joined_on`` (see
    ``joined_on_problems``)."""

    def check(current):
        problems = joined_on_problems(current, joined_on)
        if problems:
            raise ValidationError({"joined_on": problems})

    current = _step(
        accession,
        "accept",
        user=user,
        action=AuditAction.ACCESSION_ACCEPTED,
        check=check,
        values={"joined_on": joined_on, "return_reasons": ""},
        data={"joined_on": joined_on},
        emails=["accepted"],
    )
    # What the jobcenter planned on joining is now on its list of measures.
    measures_from_accession(accession=current, user=user)
    return current


def _check_date_and_reason(date_field, problems, reason, *, missing_reason):
    """Every problem of a dated step that needs a reason, in one round: those of its date
    (``problems``) at ``date_field`` and a reason left empty."""
    errors = {}
    if problems:
        errors[date_field] = problems
    if not reason.strip():
        errors["reason"] = missing_reason
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def accession_correct_joined_on(*, accession, user, joined_on, reason):
    """Correct the date a jobcenter joined on (a wrong date accepted earlier), with the reason.

    The same rules hold as for accepting; the history keeps the old and the new date.
    Returns the changes (none when the date was already right).
    """
    current = lock_in_state(
        _accessions(),
        accession.pk,
        allowed=DECISION_STATUSES["correct_joined_on"],
        refused=_refused,
    )
    _check_date_and_reason(
        "joined_on",
        joined_on_problems(current, joined_on),
        reason,
        missing_reason=_("Bitte nennen Sie den Grund der Korrektur."),
    )
    old = current.joined_on
    changes = changed_fields(current, {"joined_on": joined_on})
    if not changes:
        return changes
    current.save(update_fields=["joined_on", "updated_at"])
    record_event(
        actor=user,
        obj=current,
        action=AuditAction.ACCESSION_JOINED_ON_CORRECTED,
        data={"joined_on": joined_on, "was": old},
        reason=reason.strip(),
        changes=changes,
    )
    return changes


def accession_return(*, accession, user, reasons):
    """Return a submitted accession to the jobcenter, with the reasons it must address."""

    def check(_current):
        if not reasons.strip():
            raise ValidationError({"reasons": _("Bitte nennen Sie die Gründe der Rückgabe.")})

    return _step(
        accession,
        "return",
        user=user,
        action=AuditAction.ACCESSION_RETURNED,
        check=check,
        values={"return_reasons": reasons.strip()},
        reason=reasons.strip(),
        emails=["returned"],
    )


def accession_withdraw(*, accession, user, withdrawn_on, reason):
    """End an accepted accession: the jobcenter left the agreement on ``withdrawn_on``."""

    def check(current):
        _check_date_and_reason(
            "withdrawn_on",
            withdrawn_on_problems(current, withdrawn_on),
            reason,
            missing_reason=_("Bitte nennen Sie den Grund des Austritts."),
        )

    return _step(
        accession,
        "withdraw",
        user=user,
        action=AuditAction.ACCESSION_WITHDRAWN,
        check=check,
        values={"withdrawn_on": withdrawn_on},
        data={"withdrawn_on": withdrawn_on},
        reason=reason.strip(),
    )
