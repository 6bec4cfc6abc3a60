"""The table an ``Export`` row asks for: the list's own rows, with the requester's access
and the filters the list had (``core.exports.Table``), built again in the worker."""

from django.http import QueryDict

from accessions.access import get_overview_agreement_for_user
from accessions.dashboard_views import accession_table
from jobcenters.views import jobcenter_table
from measures.figures_views import key_figures_table
from measures.views import measure_table
from reports.models import ExportSource

TABLES = {
    ExportSource.JOBCENTERS: jobcenter_table,
    ExportSource.MEASURES: measure_table,
    ExportSource.KEY_FIGURES: key_figures_table,
}


def table_of(export):
    """The ``Table`` of ``export`` as its requester sees the list now; ``None`` when its
    filters are wrong (the list said so before the export was asked for). An agreement the
    requester no longer follows is ``Http404``, as on the list."""
    user = export.requested_by
    query = QueryDict(export.query)
    if export.source == ExportSource.ACCESSIONS:
        agreement = get_overview_agreement_for_user(user, export.agreement_id)
        return accession_table(user, query, agreement)
    return TABLES[export.source](user, query)
