"""Circular pages: associations write, attach, finalise and render; readers open the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent, Role
from agreements.access import visible_agreements
from circulars import selectors, services
from circulars.access import (
    can_change_circular,
    can_render_circular,
    can_resend_circular,
    can_see_circulars,
    can_send_circular,
    can_write_circulars,
    get_circular_for_user,
    visible_circulars,
)
from circulars.forms import AttachmentForm, CircularForm, DocumentAttachmentForm
from circulars.models import Circular, default_addressees, number_with_association
from circulars.selectors import circular_context
from core.choices import labels_of
from core.http import pdf_download
from core.paging import Row, page_of, row_urls
from core.rows import day
from jobcenters.access import can_change_jobcenter
from outbox import services as outbox
from reports import services as renderings
from reports.models import final_rendering
from reports.states import rows_state


@login_required
def circular_list(request):
    """The circulars the user may see, newest first (by their date, as a reader numbers
    them; not by when a draft was begun); association staff also find drafts."""
    if not can_see_circulars(request.user):
        raise PermissionDenied
    circulars = visible_circulars(request.user).order_by("-date", "-pk")
    # Counted without the join to the association's name (14,000 circulars at 4x
    # Germany: 5 ms with it, 1 without), and the count kept until a circular changes; in
    # the list's order, a far page reads its ids there first (core.paging.DEFERRED_FROM).
    rows = circulars.values(*LIST_FIELDS)
    page = page_of(request, rows, counted=circulars, count_state=rows_state)
    page.object_list = _list_rows(page.object_list)
    context = {
        "page": page,
        "can_write": can_write_circulars(request.user),
        "query": "",
    }
    return render(request, "circulars/circular_list.html", context)


# What a row of the list shows, read as plain values: no model object a row.
LIST_FIELDS = (
    "pk",
    "number",
    "year",
    "date",
    "subject",
    "status",
    "association__name",
    "association__short_name",
)


def _list_rows(values):
    """The page's rows as the template shows them: labels from a table, the date written
    once, each circular's address from one ``reverse``."""
    url = row_urls("circulars:detail")
    statuses = labels_of(Circular._meta.get_field("status"))
    return [
        Row(
            number=number_with_association(
                row["number"],
                row["year"],
                row["association__short_name"] or row["association__name"],
            ),
            day=day(row["date"]),
            day_iso=row["date"].isoformat(),
            url=url(row["pk"]),
            subject=row["subject"],
            status=statuses.get(row["status"], row["status"]),
        )
        for row in values
    ]


@login_required
def circular_new(request):
    if not can_write_circulars(request.user):
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
    return render(request, "circulars/circular_edit.html", {"form": form, "circular": None})


@login_required
def circular_edit(request, pk):
    circular = get_circular_for_user(request.user, pk, can_render_circular)
    final = not can_change_circular(request.user, circular)
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
            "circulars/circular_edit.html",
            {"form": form, "circular": circular},
            status=403,
        )
    return render(request, "circulars/circular_edit.html", {"form": form, "circular": circular})


@login_required
def circular_detail(request, pk):
    """The circular as it will read, its attachments, its PDF and its history."""
    circular = get_circular_for_user(request.user, pk)
    user = request.user
    # Its association renders it and alone sees its history; readers see the text.
    can_render = can_render_circular(user, circular)
    context = {
        **circular_context(circular),
        "can_change": can_change_circular(user, circular),
        "can_render": can_render,
        "rendering": final_rendering(circular),
        "attachment_form": AttachmentForm(),
        "document_form": DocumentAttachmentForm(agreements=_document_agreements(user, circular)),
        "can_send": can_send_circular(user, circular),
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
        "can_resend": can_resend_circular(user, circular),
        "history": AuditEvent.objects.for_object(circular) if can_render else None,
    }
    return render(request, "circulars/circular_detail.html", context)


@login_required
def circular_finalise(request, pk):
    """Confirm, then give the number; afterwards the circular cannot change."""
    circular = get_circular_for_user(request.user, pk, can_change_circular)
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
            rendering = renderings.circular_render(circular=circular, user=request.user)
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
    return render(request, "circulars/circular_finalise.html", context)


@login_required
def circular_send(request, pk):
    """Confirm, then send the final circular to every member jobcenter."""
    circular = get_circular_for_user(request.user, pk, can_send_circular)
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
    return render(request, "circulars/circular_send.html", context)


def _send_preview_context(user, circular):
    """Who the circular would reach; those without an address with whether ``user`` may add
    it (else the link goes to the jobcenter's page, which names who may)."""
    preview = selectors.send_preview(circular)
    unreached = [
        (addressee.jobcenter, can_change_jobcenter(user, addressee.jobcenter))
        for addressee in preview.unreached
    ]
    return {"preview": preview, "unreached": unreached}


@login_required
@require_POST
def circular_resend(request, pk):
    """Send the e-mails of a sent circular that failed for good once more."""
    circular = get_circular_for_user(request.user, pk, can_resend_circular)
    count = services.circular_resend(circular=circular, user=request.user)
    messages.success(request, outbox.resent_message(count))
    return redirect(reverse("circulars:detail", args=[circular.pk]) + "#empfaenger")


@login_required
def attachment_add(request, pk):
    circular = get_circular_for_user(request.user, pk, can_change_circular)
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
    return render(request, "circulars/attachment_add.html", {"circular": circular, "form": form})


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
    return visible_agreements(user).filter(state=circular.association.state)


@login_required
def attachment_add_document(request, pk):
    circular = get_circular_for_user(request.user, pk, can_change_circular)
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
    return render(
        request, "circulars/attachment_document.html", {"circular": circular, "form": form}
    )


@login_required
def attachment_remove(request, pk, attachment_pk):
    circular = get_circular_for_user(request.user, pk, can_change_circular)
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
        "circulars/attachment_remove.html",
        {"circular": circular, "attachment": attachment},
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    circular = get_circular_for_user(request.user, pk)
    attachment = get_object_or_404(circular.attachments.exclude(file=""), pk=attachment_pk)
    return pdf_download(attachment.file, f"Anlage-{attachment.label}.pdf")


@login_required
@require_POST
def circular_render(request, pk):
    """Ask for the PDF and go to the page that follows it."""
    circular = get_circular_for_user(request.user, pk, can_render_circular)
    rendering = renderings.circular_render(circular=circular, user=request.user)
    return redirect(rendering)
