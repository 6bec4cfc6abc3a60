"""Across jobcenters: the coverage matrix of an agreement and the key figures by year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accessions.access import get_overview_agreement_for_user, overview_jobcenters
from accounts.models import AuditEvent
from agreements.models import ActionField
from core.exports import Column, Table, list_export
from core.forms import add_errors
from jobcenters.access import get_jobcenter_for_user, own_jobcenter, visible_jobcenters
from jobcenters.forms import JobcenterFilterForm
from measures import services
from measures.access import can_change_key_figures, visible_key_figures
from measures.forms import KeyFiguresFilterForm, KeyFiguresForm
from measures.models import KEY_FIGURE_FIELDS, KeyFigures
from measures.selectors import coverage_matrix, key_figure_sums_by_year
from reports.services import export_request


@login_required
def coverage(request, agreement_pk):
    """Jobcenters × action fields of an agreement, measures counted by status."""
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = overview_jobcenters(request.user, agreement)
    filters = JobcenterFilterForm(request.GET, jobcenters=jobcenters)
    action_fields = list(ActionField.objects.filter(agreement=agreement))
    matrix = coverage_matrix(filters.filter(jobcenters), agreement, action_fields)
    context = {
        "agreement": agreement,
        "filters": filters,
        "matrix": matrix,
        "sort": "name",
        "covered_cells": list(zip(action_fields, matrix.covered, strict=True)),
    }
    return render(request, "measures/coverage.html", context)


def _key_figures(request):
    return _key_figures_of(request.user, request.GET)


def _key_figures_of(user, query):
    """The filters, the chosen year (the latest reported by default) and its rows."""
    jobcenters = visible_jobcenters(user)
    filters = KeyFiguresFilterForm(query, jobcenters=jobcenters)
    figures = visible_key_figures(user).filter(
        jobcenter__in=filters.filter(jobcenters).values("pk")
    )
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    if year is None:
        year = figures.aggregate(latest=Max("year"))["latest"]
    rows = list(figures.filter(year=year).select_related("jobcenter").order_by("jobcenter__name"))
    return filters, figures, year, rows


@login_required
def key_figures(request):
    """Key figures of the visible jobcenters: one year in detail, and the sums of every year."""
    filters, figures, year, rows = _key_figures(request)
    own = own_jobcenter(request.user)
    query = request.GET.copy()
    query.pop("year", None)
    # The exports' filters: the page's, with the year it shows.
    export_query = query.copy()
    export_query["year"] = year
    context = {
        "filters": filters,
        "year": year,
        "rows": rows,
        "sums": {name: sum(getattr(row, name) for row in rows) for name in KEY_FIGURE_FIELDS},
        "by_year": key_figure_sums_by_year(figures),
        "fields": [KeyFigures._meta.get_field(name) for name in KEY_FIGURE_FIELDS],
        "can_enter": own is not None and can_change_key_figures(request.user, own),
        "query": query.urlencode(),
        "export_query": export_query.urlencode(),
        "sort": "name",
    }
    return render(request, "measures/key_figures.html", context)


@login_required
def key_figures_export(request, file_format):
    """The rows of the key figures page (its year and filters): a CSV at once, an XLSX from
    a worker, asked for by the page's button (a POST)."""
    return list_export(
        request,
        file_format,
        list_url=reverse("measures:key-figures"),
        table=lambda query: key_figures_table(request.user, query),
        ask_for_xlsx=lambda: export_request(
            user=request.user, source="key_figures", query=request.GET
        ),
    )


def key_figures_table(user, query):
    """The key figures ``user`` sees for the year and filters in ``query`` (one row per
    jobcenter); ``None`` when the filters are wrong."""
    filters, _figures, year, rows = _key_figures_of(user, query)
    if not filters.is_valid():
        return None
    columns = [Column(_("Jobcenter"), 40), Column(_("Jahr"), 8)] + [
        Column(str(KeyFigures._meta.get_field(name).verbose_name), 18) for name in KEY_FIGURE_FIELDS
    ]
    table = [
        (row.jobcenter.name, row.year, *(getattr(row, name) for name in KEY_FIGURE_FIELDS))
        for row in rows
    ]
    return Table(_("Kennzahlen"), columns, table, lambda: len(table), (year,))


@login_required
def key_figures_new(request):
    """A jobcenter manager enters a year's key figures (a year entered before is corrected)."""
    jobcenter = own_jobcenter(request.user)
    if jobcenter is None or not can_change_key_figures(request.user, jobcenter):
        raise PermissionDenied
    return _key_figures_form(request, jobcenter, None)


@login_required
def key_figures_edit(request, jobcenter_pk, year):
    jobcenter = get_jobcenter_for_user(request.user, jobcenter_pk)
    if not can_change_key_figures(request.user, jobcenter):
        raise PermissionDenied
    instance = KeyFigures.objects.filter(jobcenter=jobcenter, year=year).first()
    if instance is None:
        raise Http404
    return _key_figures_form(request, jobcenter, instance)


def _key_figures_form(request, jobcenter, instance):
    form = KeyFiguresForm(
        request.POST if request.method == "POST" else None, instance=instance, jobcenter=jobcenter
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, created = services.key_figures_save(
                jobcenter=jobcenter,
                user=request.user,
                year=data["year"],
                data=data,
                # A correction replaces by its nature; a new entry only when confirmed.
                replace=instance is not None or data["replace"],
            )
        except ValidationError as error:
            add_errors(form, error)
            if isinstance(error, services.KeyFiguresExist):
                # Entered by a colleague since the form was checked: show theirs.
                form.existing = KeyFigures.objects.get(jobcenter=jobcenter, year=data["year"])
        else:
            if created:
                message = _("Die Kennzahlen für %(year)s sind gespeichert.")
            else:
                message = _("Die Kennzahlen für %(year)s sind korrigiert.")
            messages.success(request, message % {"year": data["year"]})
            return redirect("measures:key-figures")
    heading = (
        _("Kennzahlen %(year)s korrigieren") % {"year": instance.year}
        if instance
        else _("Kennzahlen erfassen")
    )
    existing = form.existing
    context = {
        "form": form,
        "jobcenter": jobcenter,
        "heading": heading,
        # A new entry for a year entered before shows the stored figures beside the typed.
        "existing": existing,
        "existing_rows": [
            (form[field].label, getattr(existing, field), form[field].value())
            for field in KEY_FIGURE_FIELDS
        ]
        if existing
        else [],
        # A correction shows what was entered and corrected before, by whom.
        "history": AuditEvent.objects.for_object(instance) if instance else None,
    }
    return render(request, "measures/key_figures_edit.html", context)
