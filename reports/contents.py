"""The status overview (Sachstand): every jobcenter with its accession, its measures per
action field and its latest key figures; and the profile of one jobcenter. One builder
each for the page and the PDF.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from accessions.models import Accession, AccessionStatus, with_accession
from accounts.models import AuditEvent
from agreements.models import ActionField
from measures.access import catalogue_measures
from measures.models import KeyFigures, Measure
from measures.selectors import coverage_matrix


@dataclass
class OverviewRow:
    jobcenter: object  # annotated by ``with_accession``
    cells: list  # ``measures.selectors.Cell`` per action field
    key_figures: object  # the latest ``KeyFigures``: year and the three figures, or None


@dataclass
class StatusOverview:
    agreement: object
    action_fields: list
    rows: list
    covered: list  # per action field: jobcenters with a running or completed measure

    @property
    def joined(self):
        return sum(
            1 for row in self.rows if row.jobcenter.accession_status == AccessionStatus.ACCEPTED
        )


def status_overview(jobcenters, agreement):
    """The overview of ``jobcenters`` (already narrowed to what the reader may see).

    Six queries whatever the number of jobcenters: the action fields, the jobcenters with
    their accessions, the measures by main and by further action field, the key figures.
    """
    action_fields = list(ActionField.objects.filter(agreement=agreement))
    matrix = coverage_matrix(with_accession(jobcenters, agreement), agreement, action_fields)
    latest_year = (
        KeyFigures.objects.filter(jobcenter=OuterRef("jobcenter")).order_by("-year").values("year")
    )
    # The figures the table shows, as named tuples: 1,616 model objects cost 0.1 s; the
    # jobcenters as a subquery, not a list of 1,616 parameters.
    latest = {
        figures.jobcenter_id: figures
        for figures in KeyFigures.objects.filter(
            jobcenter__in=jobcenters.values("pk"), year=Subquery(latest_year[:1])
        )
        .order_by()
        .values_list(
            "jobcenter_id", "year", "severely_disabled", "equal_status", "rehabilitants", named=True
        )
    }
    rows = [
        OverviewRow(jobcenter=jobcenter, cells=cells, key_figures=latest.get(jobcenter.pk))
        for jobcenter, cells in matrix.rows
    ]
    return StatusOverview(
        agreement=agreement, action_fields=action_fields, rows=rows, covered=matrix.covered
    )


@dataclass
class JobcenterProfile:
    jobcenter: object
    agreement: object
    association: object
    accession: object  # the current accession, or None
    history: list  # its audit events, oldest first: the timeline
    measures: list
    key_figures: list  # every reported year, newest first


def jobcenter_profile(jobcenter, agreement):
    """One jobcenter under ``agreement``: its accession with timeline, measures, key figures.

    A fixed number of queries, whatever the number of measures or years.
    """
    accession = (
        Accession.objects.filter(jobcenter=jobcenter, agreement=agreement)
        .order_by("-created_at", "-pk")
        .first()
    )
    history = list(reversed(AuditEvent.objects.for_object(accession)[:50])) if accession else []
    measures = list(
        Measure.objects.filter(jobcenter=jobcenter, agreement=agreement)
        .select_related("action_field")
        .order_by("action_field__number", "title")
    )
    return JobcenterProfile(
        jobcenter=jobcenter,
        agreement=agreement,
        association=jobcenter.association,
        accession=accession,
        history=history,
        measures=measures,
        key_figures=list(KeyFigures.objects.filter(jobcenter=jobcenter).order_by("-year")),
    )


def reader_sections(agreement):
    """The Reader's sections: each action field of ``agreement`` with its published measures.

    Two queries: the action fields, and the published measures with their jobcenters.
    """

    measures = (
        catalogue_measures()
        .filter(agreement=agreement)
        .select_related("jobcenter")
        .order_by("action_field__number", "jobcenter__name", "title")
    )
    by_field = {}
    for measure in measures:
        by_field.setdefault(measure.action_field_id, []).append(measure)
    return [
        (field, by_field.get(field.pk, []))
        for field in ActionField.objects.filter(agreement=agreement)
    ]
