"""Circular pages: associations write, attach, finalise and render; readers open the PDF."""

import datetime
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import AuditEvent, Role
from jobcenters.accession_views import private_download
from jobcenters.views import PAGE_SIZE
from outbox import services as outbox
from reports import selectors, services
from reports.documents import circular_context
from reports.forms import AttachmentForm, CircularForm, DocumentAttachmentForm
from reports.models import (
    RenderingKind,
    RenderingStage,
    RenderingStatus,
    default_addressees,
    running_patience,
)


@login_required
def circular_list(request):
    """The circulars the user may see, newest first; association staff also find drafts."""
    if not access.can_see_circulars(request.user):
        raise PermissionDenied
    circulars = access.visible_circulars(request.user).select_related("association")
    page = Paginator(circulars.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    context = {
        "page": page,
        "can_write": access.can_write_circulars(request.user),
        "query": "",
    }
    return render(request, "reports/circular_list.html", context)


@login_required
def circular_new(request):
    if not access.can_write_circulars(request.user):
        raise PermissionDenied
    association = request.user.organisation
    form = CircularForm(
        request.POST or None,
        initial={
            "date": timezone.localdate(),
            "addressees": default_addressees(association),
            "signer_name": request.user.get_full_name(),
            "signer_email": request.user.email,
        },
    )
    if request.method == "POST" and form.is_valid():
        circular = services.circular_create(
            association=association, user=request.user, data=form.cleaned_data
        )
        messages.success(request, _("Der Entwurf ist gespeichert."))
        return redirect(circular)
    return render(request, "reports/circular_edit.html", {"form": form, "circular": None})


@login_required
def circular_edit(request, pk):
    circular = access.get_circular_for_user(request.user, pk, action="render")
    final = not access.can_change_circular(request.user, circular)
    if request.method != "POST" and final:
        raise PermissionDenied  # final: a correction is a new circular
    form = CircularForm(request.POST if request.method == "POST" else None, instance=circular)
    try:
        if final:
            raise services.final_circular_error(circular)
        if request.method == "POST" and form.is_valid():
            services.circular_update(circular=circular, user=request.user, data=form.cleaned_data)
            messages.success(request, _("Der Entwurf ist gespeichert."))
            return redirect(circular)
    except services.CircularStateError as error:
        # Refused (a colleague finalised it meanwhile), but what was typed stays on the
        # page, to be copied into a new circular.
        form.is_valid()  # errors in what was typed show as well
        form.add_error(None, str(error))
        return render(
            request,
            "reports/circular_edit.html",
            {"form": form, "circular": circular},
            status=403,
        )
    return render(request, "reports/circular_edit.html", {"form": form, "circular": circular})


@login_required
def circular_detail(request, pk):
    """The circular as it will read, its attachments, its PDF and its history."""
    circular = access.get_circular_for_user(request.user, pk)
    user = request.user
    # Its association renders it and alone sees its history; readers see the text.
    can_render = access.can_render_circular(user, circular)
    context = {
        **circular_context(circular),
        "can_change": access.can_change_circular(user, circular),
        "can_render": can_render,
        "rendering": circular.final_rendering(),
        "attachment_form": AttachmentForm(),
        "document_form": DocumentAttachmentForm(agreements=_document_agreements(user, circular)),
        "can_send": access.can_send_circular(user, circular),
        # Before it is sent, whoever sees it sees whom it would reach (and who can fix gaps).
        **(
            _send_preview_context(user, circular)
            if circular.is_final and circular.sent_at is None
            else {}
        ),
        "recipients": circular.recipients.select_related("jobcenter")
        .prefetch_related("mails")
        .order_by("jobcenter__name")
        if circular.sent_at and user.role != Role.JOBCENTER_MANAGER
        else None,
        "mail_counts": services.circular_mail_counts(circular) if circular.sent_at else None,
        "can_resend": access.can_resend_circular(user, circular),
        "history": AuditEvent.objects.for_object(circular) if can_render else None,
    }
    return render(request, "reports/circular_detail.html", context)


@login_required
def circular_finalise(request, pk):
    """Confirm, then give the number; afterwards the circular cannot change."""
    circular = access.get_circular_for_user(request.user, pk, action="change")
    error = None
    if request.method == "POST":
        try:
            circular = services.circular_finalise(circular=circular, user=request.user)
        except services.CircularStateError as state_error:
            messages.error(request, str(state_error))
            return redirect(circular)
        except ValidationError as invalid:
            error = invalid.messages[0]
        else:
            # The final text deserves its PDF at once: the page that follows it comes next.
            rendering = services.circular_render(circular=circular, user=request.user)
            messages.success(
                request,
                _("Das Rundschreiben ist abgeschlossen und trägt die Nummer %(number)s.")
                % {"number": circular.number_label},
            )
            return redirect(rendering)
    year = circular.date.year
    counter = circular.association.circular_counters.filter(year=year).first()
    context = {
        "circular": circular,
        "error": error,
        "next_number": f"{(counter.last_number if counter else 0) + 1}/{year % 100:02d}",
    }
    return render(request, "reports/circular_finalise.html", context)


@login_required
def circular_send(request, pk):
    """Confirm, then send the final circular to every member jobcenter."""
    circular = access.get_circular_for_user(request.user, pk, action="send")
    if request.method == "POST":
        try:
            recipients = services.circular_send(circular=circular, user=request.user)
        except services.CircularStateError as error:
            messages.error(request, str(error))
        else:
            emails = sum(len(recipient.emails) for recipient in recipients)
            # Honest: queued, not yet sent; the list below counts what went out.
            messages.success(
                request,
                ngettext(
                    "Das Rundschreiben ist an %(count)s Jobcenter versandt.",
                    "Das Rundschreiben ist an %(count)s Jobcenter versandt.",
                    len(recipients),
                )
                % {"count": len(recipients)}
                + " "
                + ngettext(
                    "%(emails)s E-Mail geht hinaus; wie viele schon hinausgegangen sind, "
                    "steht unter „Empfänger“.",
                    "%(emails)s E-Mails gehen hinaus; wie viele schon hinausgegangen sind, "
                    "steht unter „Empfänger“.",
                    emails,
                )
                % {"emails": emails},
            )
        return redirect(reverse("circulars:detail", args=[circular.pk]) + "#empfaenger")
    context = {"circular": circular, **_send_preview_context(request.user, circular)}
    return render(request, "reports/circular_send.html", context)


def _send_preview_context(user, circular):
    """Who the circular would reach; those without an address with whether ``user`` may add
    it (else the link goes to the jobcenter's page, which names who may)."""
    preview = selectors.send_preview(circular)
    unreached = [
        (addressee.jobcenter, access.can_change_jobcenter(user, addressee.jobcenter))
        for addressee in preview.unreached
    ]
    return {"preview": preview, "unreached": unreached}


@login_required
@require_POST
def circular_resend(request, pk):
    """Send the e-mails of a sent circular that failed for good once more."""
    circular = access.get_circular_for_user(request.user, pk, action="resend")
    count = services.circular_resend(circular=circular, user=request.user)
    messages.success(request, outbox.resent_message(count))
    return redirect(reverse("circulars:detail", args=[circular.pk]) + "#empfaenger")


@login_required
def attachment_add(request, pk):
    circular = access.get_circular_for_user(request.user, pk, action="change")
    form = AttachmentForm(request.POST or None, request.FILES or None, circular=circular)
    if request.method == "POST" and form.is_valid():
        return _attachment_added(
            request,
            circular,
            lambda: services.attachment_add(
                circular=circular,
                user=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            ),
        )
    return render(request, "reports/attachment_add.html", {"circular": circular, "form": form})


def _attachment_added(request, circular, add):
    """Run ``add`` and go back to the attachments, saying what happened."""
    try:
        attachment = add()
    except services.CircularStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Die Anlage %(label)s ist hinzugefügt.") % {"label": attachment.label}
        )
    return redirect(reverse("circulars:detail", args=[circular.pk]) + "#anlagen")


def _document_agreements(user, circular):
    """The agreements of the association's state whose documents can be attached."""
    return access.visible_agreements(user).filter(state=circular.association.state)


@login_required
def attachment_add_document(request, pk):
    circular = access.get_circular_for_user(request.user, pk, action="change")
    form = DocumentAttachmentForm(
        request.POST or None, agreements=_document_agreements(request.user, circular)
    )
    if request.method == "POST" and form.is_valid():
        return _attachment_added(
            request,
            circular,
            lambda: services.attachment_add_document(
                circular=circular,
                user=request.user,
                document=form.cleaned_data["document"],
                agreement=form.cleaned_data["agreement"],
            ),
        )
    return render(request, "reports/attachment_document.html", {"circular": circular, "form": form})


@login_required
def attachment_remove(request, pk, attachment_pk):
    circular = access.get_circular_for_user(request.user, pk, action="change")
    attachment = get_object_or_404(circular.attachments, pk=attachment_pk)
    if request.method == "POST":
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
        except services.CircularStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Die Anlage „%(title)s“ ist entfernt.") % {"title": attachment.title}
            )
        return redirect(reverse("circulars:detail", args=[circular.pk]) + "#anlagen")
    return render(
        request,
        "reports/attachment_remove.html",
        {"circular": circular, "attachment": attachment},
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    circular = access.get_circular_for_user(request.user, pk)
    attachment = get_object_or_404(circular.attachments.exclude(file=""), pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"Anlage-{attachment.label}.pdf",
        content_type="application/pdf",
    )
    return private_download(response)


@login_required
@require_POST
def circular_render(request, pk):
    """Ask for the PDF and go to the page that follows it."""
    circular = access.get_circular_for_user(request.user, pk, action="render")
    rendering = services.circular_render(circular=circular, user=request.user)
    return redirect(rendering)


# Renderings


@login_required
def rendering_detail(request, pk):
    """Where a PDF stands; the page asks again by itself (static script) until it is done."""
    rendering = access.get_rendering_for_user(request.user, pk)
    stage = RenderingStage(rendering.stage)
    context = {
        "rendering": rendering,
        "stage": stage,
        "circular": rendering.circular,
        "can_retry": rendering.can_retry and _can_retry(request.user, rendering),
        # When the broker hands the task of a dead worker to another one by itself.
        "redelivery_minutes": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] // 60,
        "time_limit_minutes": math.ceil(running_patience().total_seconds() / 60),
        # Under a minute "seit 0 Minuten" reads wrong: the page says "seit eben".
        "just_now": _under_a_minute(
            rendering.started_at if stage == RenderingStage.RUNNING else rendering.queued_at
        ),
    }
    return render(request, "reports/rendering_detail.html", context)


def _under_a_minute(moment):
    return moment is not None and timezone.now() - moment < datetime.timedelta(minutes=1)


@login_required
def rendering_status(request, pk):
    """The state for the page's script: JSON, no HTML."""
    rendering = access.get_rendering_for_user(request.user, pk)
    stage = rendering.stage
    return JsonResponse(
        {
            "status": rendering.status,
            "stage": stage,
            "label": RenderingStage(stage).label,
            "pending": rendering.is_pending,
        }
    )


@login_required
def rendering_download(request, pk):
    rendering = access.get_rendering_for_user(request.user, pk)
    if rendering.status != RenderingStatus.DONE:
        raise Http404
    response = FileResponse(
        rendering.file.open("rb"),
        as_attachment=True,
        filename=download_name(rendering),
        content_type="application/pdf",
    )
    return private_download(response)


def _can_retry(user, rendering):
    """A circular's association asks again; an overview or profile, whoever may see it."""
    if rendering.kind == RenderingKind.READER:
        return access.can_make_reader(user, rendering.agreement)
    if rendering.circular_id is None:
        return True  # visible_renderings let only its organisation (or an administrator) in
    return access.can_render_circular(user, rendering.circular)


def download_name(rendering):
    """E.g. ``Rundschreiben-151-18.pdf``; a draft is ``Rundschreiben-Entwurf-7.pdf``."""
    circular = rendering.circular
    if rendering.kind == RenderingKind.READER:
        return f"Reader-gute-Praxis-{rendering.agreement_id}-{rendering.created_at:%Y-%m-%d}.pdf"
    if rendering.jobcenter_id is not None:
        return f"Profil-{rendering.jobcenter_id}-{rendering.created_at:%Y-%m-%d}.pdf"
    if circular is None:
        return f"Statusuebersicht-{rendering.agreement_id}-{rendering.created_at:%Y-%m-%d}.pdf"
    if rendering.of_final:
        return f"Rundschreiben-{circular.number}-{circular.year % 100:02d}.pdf"
    return f"Rundschreiben-Entwurf-{rendering.pk}.pdf"


@login_required
@require_POST
def rendering_retry(request, pk):
    rendering = access.get_rendering_for_user(request.user, pk)
    if not _can_retry(request.user, rendering):
        raise PermissionDenied
    rendering = services.rendering_retry(rendering=rendering, user=request.user)
    return redirect(rendering)
