from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accessions.access import can_see_accession_overview, visible_accessions
from accessions.models import AccessionStatus
from accounts.forms import AccessibilityFeedbackForm
from accounts.models import Role, SignLanguageTopic, SignLanguageVideo
from accounts.roles import is_state_wide
from accounts.services import feedback_sender, feedback_submit
from accounts.waiting import waiting_for
from agreements.access import visible_agreements
from core.clients import client_address
from jobcenters.access import visible_jobcenters

PAGES = {"leichte_sprache", "impressum", "datenschutz"}


@login_required
def home(request):
    """The start page after login: what this user's role comes here to do."""
    user = request.user
    jobcenters = visible_jobcenters(user)
    agreements = list(visible_agreements(user).ordered_for(user))
    context = {
        "agreements": agreements,
        # Administrators reach every agreement's overview from its page, not from 16 cards.
        "overview_agreements": [
            agreement
            for agreement in agreements
            if not user.is_superuser and can_see_accession_overview(user, agreement)
        ],
        "jobcenter_count": jobcenters.count(),
        "own_jobcenter": (
            jobcenters.with_association().first() if user.role == Role.JOBCENTER_MANAGER else None
        ),
        "can_change": user.role in (Role.MINISTRY_STAFF, Role.JOBCENTER_MANAGER),
        # Only the pages with the queue (ministry, directorate) pay for counting it.
        "waiting_count": (
            visible_accessions(user).filter(status=AccessionStatus.SUBMITTED).count()
            if is_state_wide(user)
            else None
        ),
    }
    context["waiting"] = waiting_for(user)
    return render(request, "accounts/home.html", context)


def page(request, name):
    if name not in PAGES:
        raise Http404
    return render(request, f"pages/{name}.html")


def sign_language(request):
    """The sign-language page: a slot per topic, with its DGS video once one is uploaded."""
    videos = {video.topic: video for video in SignLanguageVideo.objects.all()}
    slots = [(topic, videos.get(topic.value)) for topic in SignLanguageTopic]
    context = {"slots": slots, "all_uploaded": all(video for _topic, video in slots)}
    return render(request, "pages/gebaerdensprache.html", context)


def sign_language_video(request, topic):
    """A DGS video, to play on the page or (``?herunterladen``) to download."""
    video = get_object_or_404(SignLanguageVideo, topic=topic)
    return FileResponse(
        video.file.open("rb"),
        as_attachment="herunterladen" in request.GET,
        filename=f"gebaerdensprache-{video.topic}.{video.kind}",
        content_type=video.content_type,
    )


def accessibility(request):
    """The accessibility statement with its feedback form (§ 12b BGG)."""
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback = feedback_submit(
            **form.cleaned_data, sender=feedback_sender(client_address(request))
        )
        if feedback.held_back:
            messages.warning(
                request,
                _(
                    "Ihre Rückmeldung ist gespeichert. Weil in der letzten Stunde sehr viele "
                    "Rückmeldungen eingegangen sind, wird sie nicht sofort per E-Mail an uns "
                    "weitergeleitet; wir lesen sie trotzdem. Wenn es eilt, schreiben Sie bitte "
                    "an %(email)s."
                )
                % {"email": settings.OPERATOR_EMAIL},
            )
        else:
            messages.success(
                request,
                _("Vielen Dank. Ihre Rückmeldung ist eingegangen und wurde an uns weitergeleitet."),
            )
        return redirect("accessibility")
    context = {
        "form": form,
        "statement_date": settings.ACCESSIBILITY_STATEMENT_DATE,
        "monitoring": settings.ACCESSIBILITY_BODIES["monitoring"],
        "complaints": settings.ACCESSIBILITY_BODIES["complaints"],
    }
    return render(request, "pages/barrierefreiheit.html", context)
