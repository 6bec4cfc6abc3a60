"""A rendering's page, its status for the page's script, its download and a new try."""

import datetime
import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from circulars.access import can_render_circular
from core.http import pdf_download
from reports import services
from reports.access import can_make_reader, get_rendering_for_user
from reports.models import JobStage, JobStatus, Rendering, RenderingKind

# Renderings


@login_required
def rendering_detail(request, pk):
    """Where a PDF stands; the page asks again by itself (static script) until it is done."""
    rendering = get_rendering_for_user(request.user, pk)
    stage = JobStage(rendering.stage)
    context = {
        "rendering": rendering,
        "stage": stage,
        "circular": rendering.circular,
        "can_retry": rendering.can_retry and _can_retry(request.user, rendering),
        # When the broker hands the task of a dead worker to another one by itself.
        "redelivery_minutes": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] // 60,
        "time_limit_minutes": math.ceil(Rendering.patience().total_seconds() / 60),
        # Under a minute "seit 0 Minuten" reads wrong: the page says "seit eben".
        "just_now": _under_a_minute(
            rendering.started_at if stage == JobStage.RUNNING else rendering.queued_at
        ),
    }
    return render(request, "reports/rendering_detail.html", context)


def _under_a_minute(moment):
    return moment is not None and timezone.now() - moment < datetime.timedelta(minutes=1)


@login_required
def rendering_status(request, pk):
    """The state for the page's script: JSON, no HTML."""
    rendering = get_rendering_for_user(request.user, pk)
    stage = rendering.stage
    return JsonResponse(
        {
            "status": rendering.status,
            "stage": stage,
            "label": JobStage(stage).label,
            "pending": rendering.is_pending,
        }
    )


@login_required
def rendering_download(request, pk):
    rendering = get_rendering_for_user(request.user, pk)
    if rendering.status != JobStatus.DONE:
        raise Http404
    return pdf_download(rendering.file, download_name(rendering))


def _can_retry(user, rendering):
    """A circular's association asks again; an overview or profile, whoever may see it."""
    if rendering.kind == RenderingKind.READER:
        return can_make_reader(user, rendering.agreement)
    if rendering.circular_id is None:
        return True  # visible_renderings let only its organisation (or an administrator) in
    return can_render_circular(user, rendering.circular)


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
    rendering = get_rendering_for_user(request.user, pk)
    if not _can_retry(request.user, rendering):
        raise PermissionDenied
    rendering = services.rendering_retry(rendering=rendering, user=request.user)
    return redirect(rendering)
