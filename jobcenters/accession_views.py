"""Accession pages: the jobcenter fills in and submits its form, the ministry reviews it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import AuditEvent
from agreements.models import ActionField
from jobcenters import services
from jobcenters.forms import (
    AccessionAcceptForm,
    AccessionForm,
    AccessionReturnForm,
    AccessionWithdrawForm,
    PlannedMeasureFormSet,
)
from jobcenters.models import AccessionStatus


@login_required
@require_POST
def accession_start(request, jobcenter_pk, agreement_pk):
    jobcenter = access.get_jobcenter_for_user(request.user, jobcenter_pk)
    agreement = access.get_agreement_for_user(request.user, agreement_pk)
    if not access.can_start_accession(request.user, jobcenter):
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
    accession = access.get_accession_for_user(request.user, pk)
    context = {
        "accession": accession,
        "planned_measures": accession.planned_measures.select_related("action_field"),
        "can_edit": access.can_edit_accession(request.user, accession),
        "can_review": access.can_review_accession(request.user, accession),
        "history": AuditEvent.objects.for_object(accession)[:50],
        "missing": services.accession_missing(accession) if accession.is_editable else {},
    }
    return render(request, "jobcenters/accession_detail.html", context)


@login_required
def accession_edit(request, pk):
    """Save the form as a draft, or save and submit it (button ``action=submit``)."""
    accession = access.get_accession_for_user(request.user, pk, action="edit")
    action_fields = ActionField.objects.filter(agreement=accession.agreement)
    data = request.POST if request.method == "POST" else None
    form = AccessionForm(data, request.FILES or None, instance=accession)
    formset = PlannedMeasureFormSet(
        data,
        initial=list(accession.planned_measures.values("action_field", "title")),
        form_kwargs={"action_fields": action_fields},
        prefix="massnahmen",
    )
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                accession = services.accession_save(
                    accession=accession,
                    user=request.user,
                    data=form.cleaned_data,
                    planned_measures=formset.measures(),
                    signed_form=form.cleaned_data["signed_form"] or None,
                )
                if request.POST.get("action") != "submit":
                    messages.success(request, _("Der Entwurf ist gespeichert."))
                    return redirect(accession)
                services.accession_submit(accession=accession, user=request.user)
            except services.AccessionStateError as error:
                messages.error(request, str(error))
                return redirect(accession)
            except ValidationError as error:
                # Saved as a draft, but not complete: name what is missing at its field.
                _add_missing(form, formset, error.message_dict)
                messages.warning(
                    request, _("Der Entwurf ist gespeichert, aber noch nicht eingereicht.")
                )
            else:
                messages.success(request, _("Der Beitritt ist eingereicht."))
                return redirect(accession)
        elif "signed_form" not in form.errors and form.cleaned_data.get("signed_form"):
            # Keep a good signed form even when other fields need correcting.
            services.accession_attach_signed_form(
                accession=accession, user=request.user, signed_form=form.cleaned_data["signed_form"]
            )
            accession.refresh_from_db()
            messages.info(request, _("Das unterschriebene Formular ist gespeichert."))
    context = {"accession": accession, "form": form, "formset": formset}
    return render(request, "jobcenters/accession_edit.html", context)


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
    accession = access.get_accession_for_user(request.user, pk)
    if not accession.signed_form:
        raise Http404
    response = FileResponse(
        accession.signed_form.open("rb"),
        as_attachment=True,
        filename=f"Beitrittsformular-{accession.jobcenter.name}-unterschrieben.pdf",
        content_type="application/pdf",
    )
    return private_download(response)


def private_download(response):
    """A PDF for one user: never sniffed or run as a page, never cached on the way."""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def review_queue(request):
    """Submitted accessions, oldest first, with the days they have been waiting."""
    if not access.can_see_review_queue(request.user):
        raise PermissionDenied
    accessions = (
        access.visible_accessions(request.user)
        .filter(status=AccessionStatus.SUBMITTED)
        .select_related("jobcenter", "agreement")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    today = timezone.localdate()
    rows = [
        (accession, (today - timezone.localdate(accession.submitted_at)).days)
        for accession in accessions
    ]
    return render(request, "jobcenters/review_queue.html", {"rows": rows})


@login_required
def accession_accept(request, pk):
    accession = access.get_accession_for_user(request.user, pk, action="review")
    form = AccessionAcceptForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        return _decide(
            request,
            form,
            accession,
            "accept",
            {"joined_on": form.cleaned_data["joined_on"]},
            _("Der Beitritt ist angenommen."),
        )
    return _decision_page(request, accession, form, "accept")


@login_required
def accession_return(request, pk):
    accession = access.get_accession_for_user(request.user, pk, action="review")
    form = AccessionReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _decide(
            request,
            form,
            accession,
            "return",
            {"reasons": form.cleaned_data["reasons"]},
            _("Der Beitritt ist an das Jobcenter zurückgegeben."),
        )
    return _decision_page(request, accession, form, "return")


@login_required
def accession_withdraw(request, pk):
    accession = access.get_accession_for_user(request.user, pk, action="review")
    form = AccessionWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _decide(
            request,
            form,
            accession,
            "withdraw",
            {
                "withdrawn_on": form.cleaned_data["withdrawn_on"],
                "reason": form.cleaned_data["reason"],
            },
            _("Der Austritt ist eingetragen."),
        )
    return _decision_page(request, accession, form, "withdraw")


def _decide(request, form, accession, decision, arguments, success):
    service = getattr(services, f"accession_{decision}")
    try:
        service(accession=accession, user=request.user, **arguments)
    except services.AccessionStateError as error:
        # Somebody else decided first: say what happened instead of deciding twice.
        messages.error(request, str(error))
        return redirect(accession)
    except ValidationError as error:
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field, message)
        return _decision_page(request, accession, form, decision)
    messages.success(request, success)
    return redirect(accession)


# decision: (page heading, button); the states each needs are in services.TRANSITIONS.
DECISIONS = {
    "accept": (_lazy("Beitritt annehmen"), _lazy("Annehmen")),
    "return": (_lazy("Beitritt zurückgeben"), _lazy("Zurückgeben")),
    "withdraw": (_lazy("Austritt eintragen"), _lazy("Austritt eintragen")),
}


def _decision_page(request, accession, form, decision):
    heading, button = DECISIONS[decision]
    allowed, _target = services.TRANSITIONS[decision]
    if accession.status not in allowed:
        messages.error(
            request,
            _("Der Beitritt ist „%(status)s“: das ist jetzt nicht möglich.")
            % {"status": accession.get_status_display()},
        )
        return redirect(accession)
    context = {"accession": accession, "form": form, "heading": heading, "button": button}
    return render(request, "jobcenters/accession_decision.html", context)


@login_required
def accession_form_pdf(request, pk):
    """The accession form as a pre-filled PDF to sign (PDF/UA-1), to whoever sees the accession."""
    # Imported here so that WeasyPrint loads only when somebody asks for a PDF.
    from jobcenters import accession_pdf

    accession = access.get_accession_for_user(request.user, pk)
    response = HttpResponse(accession_pdf.render_form(accession), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=accession_pdf.form_filename(accession)
    )
    return private_download(response)
