"""An XLSX export's page (progress, then the download), its state for the page's script,
its download and a new try. The list's export button leads here (``export_request``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import XLSX_TYPE
from core.http import file_download
from reports import services
from reports.access import get_export_for_user
from reports.models import JobStage, JobStatus


def _progress(export):
    """ "12.000 von 80.000 Zeilen", or "" before the worker counted them."""
    if export.rows_total is None:
        return ""
    return _("%(done)s von %(total)s Zeilen") % {
        "done": number_format(export.rows_done, force_grouping=True),
        "total": number_format(export.rows_total, force_grouping=True),
    }


@login_required
def export_detail(request, pk):
    """Where an export stands; the page asks again by itself (static script) until done."""
    export = get_export_for_user(request.user, pk)
    context = {
        "export": export,
        "stage": JobStage(export.stage),
        "progress": _progress(export),
        "can_retry": export.can_retry,
    }
    return render(request, "reports/export_detail.html", context)


@login_required
def export_status(request, pk):
    """The state for the page's script: JSON, no HTML."""
    export = get_export_for_user(request.user, pk)
    stage = export.stage
    return JsonResponse(
        {
            "status": export.status,
            "stage": stage,
            "label": JobStage(stage).label,
            "pending": export.is_pending,
            "rows_done": export.rows_done,
            "rows_total": export.rows_total,
            "progress": _progress(export),
        }
    )


@login_required
def export_download(request, pk):
    export = get_export_for_user(request.user, pk)
    if export.status != JobStatus.DONE:
        raise Http404
    return file_download(export.file, export.file_name, XLSX_TYPE)


@login_required
@require_POST
def export_retry(request, pk):
    export = get_export_for_user(request.user, pk)
    export = services.export_retry(export=export, user=request.user)
    return redirect(export)
