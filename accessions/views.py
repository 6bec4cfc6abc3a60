"""Accession pages: the jobcenter fills in and submits its form, the ministry reviews it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accessions import form_pdf, services
from accessions.access import (
    can_edit_accession,
    can_review_accession,
    can_see_accession_mails,
    can_see_review_queue,
    can_start_accession,
    get_accession_for_user,
    visible_accessions,
)
from accessions.forms import (
    AccessionAcceptForm,
    AccessionForm,
    AccessionJoinedOnForm,
    AccessionReturnForm,
    AccessionWithdrawForm,
    PlannedMeasureFormSet,
)
from accessions.models import AccessionStatus
from accounts.models import AuditEvent
from agreements.access import get_agreement_for_user
from agreements.models import ActionField
from core.dates import german
from core.http import pdf_download, private_download
from core.steps import Step, step_view
from jobcenters.access import get_jobcenter_for_user
from outbox.models import MAILS_ON_A_PAGE, OutgoingEmail


@login_required
@require_POST
def accession_start(request, jobcenter_pk, agreement_pk):
    jobcenter = get_jobcenter_for_user(request.user, jobcenter_pk)
    agreement = get_agreement_for_user(request.user, agreement_pk)
    if not can_start_accession(request.user, jobcenter):
        raise PermissionDenied
    try:
        accession = services.accession_start(
            jobcenter=jobcenter, agreement=agreement, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(jobcenter)
    messages.success(request, _("Der Beitritt ist als Entwurf angelegt."))
    return redirect("accessions:edit", accession.pk)


@login_required
def accession_detail(request, pk):
    accession = get_accession_for_user(request.user, pk)
    context = {
        "accession": accession,
        "planned_measures": accession.planned_measures.select_related("action_field"),
        "can_edit": can_edit_accession(request.user, accession),
        "can_review": can_review_accession(request.user, accession),
        "history": AuditEvent.objects.for_object(accession)[:50],
        "missing": services.accession_missing(accession) if accession.is_editable else {},
        "mails": OutgoingEmail.objects.about(accession)[:MAILS_ON_A_PAGE]
        if can_see_accession_mails(request.user, accession)
        else None,
    }
    return render(request, "accessions/accession_detail.html", context)


@login_required
def accession_edit(request, pk):
    """Save the form as a draft, or save and submit it (button ``action=submit``).

    One round names every problem: wrong fields, and on submitting also every field still
    empty, a missing measure and a missing signed PDF. ``outcome`` tells above the errors
    what became of the draft.
    """
    accession = get_accession_for_user(request.user, pk, can_edit_accession)
    action_fields = ActionField.objects.filter(agreement=accession.agreement)
    data = request.POST if request.method == "POST" else None
    form = AccessionForm(data, request.FILES or None, instance=accession)
    formset = PlannedMeasureFormSet(
        data,
        initial=list(accession.planned_measures.values("action_field", "title")),
        form_kwargs={"action_fields": action_fields},
        prefix="massnahmen",
    )
    outcome = None
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        if form.is_valid() and formset.is_valid():
            try:
                accession = services.accession_save(
                    accession=accession,
                    user=request.user,
                    data=form.cleaned_data,
                    planned_measures=formset.measures(),
                    signed_form=form.cleaned_data["signed_form"] or None,
                )
                if not submitting:
                    messages.success(request, _("Der Entwurf ist gespeichert."))
                    return redirect(accession)
                services.accession_submit(accession=accession, user=request.user)
            except services.AccessionStateError as error:
                messages.error(request, str(error))
                return redirect(accession)
            except ValidationError as error:
                # Saved as a draft, but not complete: name what is missing at its field.
                _add_missing(form, formset, error.message_dict)
                outcome = _("Der Entwurf ist gespeichert, aber nicht eingereicht.")
            else:
                messages.success(request, _("Der Beitritt ist eingereicht."))
                return redirect(accession)
        else:
            kept_pdf = _keep_signed_form(request, form, accession)
            if submitting:
                _add_missing(form, formset, _missing_besides_errors(form, formset, accession))
            outcome = _not_saved(submitting=submitting, kept_pdf=kept_pdf)
    context = {"accession": accession, "form": form, "formset": formset, "outcome": outcome}
    return render(request, "accessions/accession_edit.html", context)


def _not_saved(*, submitting, kept_pdf):
    """What became of a form with errors: nothing saved but a good PDF, nothing lost."""
    if kept_pdf:
        kept = _("Nur das unterschriebene Formular ist gespeichert.")
    else:
        kept = _("Nichts ist gespeichert.")
    if submitting:
        return _("Nicht eingereicht. %(kept)s Ihre Eingaben stehen noch im Formular.") % {
            "kept": kept
        }
    return _("%(kept)s Ihre Eingaben stehen noch im Formular.") % {"kept": kept}


def _keep_signed_form(request, form, accession):
    """Keep a good signed form even when other fields need correcting; True if one was kept."""
    if "signed_form" in form.errors or not form.cleaned_data.get("signed_form"):
        return False
    services.accession_attach_signed_form(
        accession=accession, user=request.user, signed_form=form.cleaned_data["signed_form"]
    )
    accession.refresh_from_db()
    return True


def _missing_besides_errors(form, formset, accession):
    """What submitting would still miss in what was typed, where no error is named yet."""
    values = {
        field: form.cleaned_data.get(field) for field in form.fields if field not in form.errors
    }
    # A row typed half is named at its fields already: only no measure at all is missing.
    has_measures = not formset.is_valid() or bool(formset.measures())
    missing = services.submit_missing(
        values=values,
        has_planned_measures=has_measures,
        has_signed_form=bool(accession.signed_form) or "signed_form" in form.errors,
    )
    return {field: [message] for field, message in missing.items()}


def _add_missing(form, formset, missing):
    for field, messages_ in missing.items():
        for message in messages_:
            if field == "planned_measures":
                formset._non_form_errors.append(message)
            else:
                form.add_error(field, message)


@login_required
def signed_form_download(request, pk):
    """The signed PDF, to those who may see the accession: a download, never rendered inline."""
    accession = get_accession_for_user(request.user, pk)
    if not accession.signed_form:
        raise Http404
    return pdf_download(
        accession.signed_form, f"Beitrittsformular-{accession.jobcenter.name}-unterschrieben.pdf"
    )


@login_required
def review_queue(request):
    """Submitted accessions, oldest first, with the days they have been waiting."""
    if not can_see_review_queue(request.user):
        raise PermissionDenied
    accessions = (
        visible_accessions(request.user)
        .filter(status=AccessionStatus.SUBMITTED)
        .select_related("jobcenter", "agreement")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    today = timezone.localdate()
    rows = [
        (accession, (today - timezone.localdate(accession.submitted_at)).days)
        for accession in accessions
    ]
    context = {"rows": rows, "heading": _("Beitritte prüfen"), "table_id": "review-queue-tabelle"}
    return render(request, "accessions/review_queue.html", context)


@login_required
def accession_accept(request, pk):
    accession = get_accession_for_user(request.user, pk, can_review_accession)
    form = AccessionAcceptForm(
        request.POST or None, accession=accession, initial={"joined_on": timezone.localdate()}
    )
    return _decide(request, accession, form, "accept", _("Der Beitritt ist angenommen."))


@login_required
def accession_return(request, pk):
    accession = get_accession_for_user(request.user, pk, can_review_accession)
    form = AccessionReturnForm(request.POST or None, accession=accession)
    return _decide(
        request, accession, form, "return", _("Der Beitritt ist an das Jobcenter zurückgegeben.")
    )


@login_required
def accession_withdraw(request, pk):
    accession = get_accession_for_user(request.user, pk, can_review_accession)
    form = AccessionWithdrawForm(request.POST or None, accession=accession)
    return _decide(request, accession, form, "withdraw", _("Der Austritt ist eingetragen."))


@login_required
def accession_correct_joined_on(request, pk):
    """The ministry corrects the date a jobcenter joined on, with the reason (in the history)."""
    accession = get_accession_for_user(request.user, pk, can_review_accession)
    form = AccessionJoinedOnForm(
        request.POST or None, accession=accession, initial={"joined_on": accession.joined_on}
    )
    return _decide(
        request,
        accession,
        form,
        "correct_joined_on",
        _("Das Beitrittsdatum ist korrigiert."),
        # The same date again: the service records nothing, and the page says so.
        unchanged=lambda data: (
            _("Das Beitrittsdatum war schon der %(date)s; nichts ist geändert.")
            % {"date": german(data["joined_on"])}
        ),
    )


# The states each decision needs are in services.DECISION_STATUSES.
DECISIONS = {
    "accept": Step(gettext_lazy("Beitritt annehmen"), gettext_lazy("Annehmen")),
    "return": Step(gettext_lazy("Beitritt zurückgeben"), gettext_lazy("Zurückgeben")),
    "withdraw": Step(gettext_lazy("Austritt eintragen"), gettext_lazy("Austritt eintragen")),
    "correct_joined_on": Step(
        gettext_lazy("Beitrittsdatum korrigieren"), gettext_lazy("Korrigieren")
    ),
}


def _decide(request, accession, form, decision, success, unchanged=None):
    """The page of ``decision`` on ``accession`` (``core.steps.step_view``)."""
    service = getattr(services, f"accession_{decision}")
    return step_view(
        request,
        accession,
        form,
        DECISIONS[decision],
        run=lambda data: service(accession=accession, user=request.user, **data),
        allowed=accession.status in services.DECISION_STATUSES[decision],
        refusal=_("Der Beitritt ist „%(status)s“: das ist jetzt nicht möglich.")
        % {"status": accession.get_status_display()},
        # Somebody else decided first: say what happened instead of deciding twice.
        state_error=services.AccessionStateError,
        success=success,
        unchanged=unchanged,
        template="accessions/accession_decision.html",
        context={"accession": accession},
    )


@login_required
def accession_form_pdf(request, pk):
    """The accession form as a pre-filled PDF to sign (PDF/UA-1), to whoever sees the accession."""
    accession = get_accession_for_user(request.user, pk)
    response = HttpResponse(form_pdf.render_form(accession), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=form_pdf.form_filename(accession)
    )
    return private_download(response)
