from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessions.access import can_start_accession, visible_accessions
from accessions.contacts import jobcenter_addresses
from accessions.models import Accession, AccessionStatus
from accounts.models import AuditEvent, RegionKind
from agreements.access import get_agreement_for_user, visible_agreements
from agreements.models import FrameworkAgreement
from core.choices import labels_of
from core.exports import CHUNK_SIZE, Column, Table, list_export
from core.paging import Row, page_of, query_without, row_urls, sorted_values, without_paging
from jobcenters.access import can_change_jobcenter, get_jobcenter_for_user, visible_jobcenters
from jobcenters.forms import JobcenterContactForm, JobcenterFilterForm
from jobcenters.models import Jobcenter
from jobcenters.services import jobcenter_update
from reports.services import export_request
from reports.states import rows_state


def public_home(request):
    """What the agreements are and how many jobcenters joined each, for everybody."""
    agreements = (
        visible_agreements(AnonymousUser())
        .annotate(
            action_field_count=Count("action_fields", distinct=True),
            joined_count=Count(
                "accessions",
                filter=Q(accessions__status=AccessionStatus.ACCEPTED),
                distinct=True,
            ),
        )
        .ordered_for(request.user)
    )
    return render(request, "jobcenters/public_home.html", {"agreements": agreements})


def _filtered_jobcenters(request):
    return _filter_jobcenters(request.user, request.GET)


def _filter_jobcenters(user, query):
    jobcenters = visible_jobcenters(user)
    filters = JobcenterFilterForm(query, jobcenters=jobcenters)
    return filters, filters.filter(jobcenters.with_association())


# What a row of a list of jobcenters shows, read as plain values (after ``with_association``).
ROW_FIELDS = ("pk", "name", "region", "region_kind", "form", "association_name")


def jobcenter_rows(values, **extra):
    """The rows of a list of jobcenters as its template shows them: labels from a table,
    each address from one ``reverse``; ``extra`` (name: function of the values) adds
    cells of a list of its own."""
    url = row_urls("jobcenters:detail")
    region_kinds = labels_of(Jobcenter._meta.get_field("region_kind"))
    forms = labels_of(Jobcenter._meta.get_field("form"))
    return [
        Row(
            pk=row["pk"],
            url=url(row["pk"]),
            name=row["name"],
            region=row["region"],
            region_kind=region_kinds.get(row["region_kind"], row["region_kind"]),
            form=row["form"],
            form_label=forms.get(row["form"], row["form"]),
            association_name=row["association_name"] or "–",
            **{name: cell(row) for name, cell in extra.items()},
        )
        for row in values
    ]


@login_required
def jobcenter_list(request):
    filters, jobcenters = _filtered_jobcenters(request)
    page = page_of(request, sorted_values(jobcenters, *ROW_FIELDS), count_state=rows_state)
    page.object_list = jobcenter_rows(page.object_list)
    query = without_paging(request.GET)
    return render(
        request,
        "jobcenters/jobcenter_list.html",
        {
            "filters": filters,
            "page": page,
            "sort": filters.cleaned_data["sort"],
            "query": query.urlencode(),
            "query_without_sort": query_without(query, "sort"),
        },
    )


# Names a jobcenter filter suggests at most while typing (``JobcenterNameField``).
NAME_SUGGESTIONS = 20


@login_required
def jobcenter_names(request):
    """The names of the jobcenters the user may see that contain ``?q=`` (two characters at
    least), alphabetically, at most ``NAME_SUGGESTIONS``: what a jobcenter filter offers."""
    search = request.GET.get("q", "").strip()[:100]
    names = []
    if len(search) >= 2:
        names = list(
            visible_jobcenters(request.user)
            .filter(name__icontains=search)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()[:NAME_SUGGESTIONS]
        )
    return JsonResponse({"names": names})


# The first columns of every export of jobcenters: who each one is.
JOBCENTER_COLUMNS = [
    Column(gettext_lazy("Jobcenter"), 40),
    Column(gettext_lazy("Region"), 28),
    Column(gettext_lazy("Gebietsart"), 16),
    Column(gettext_lazy("Form"), 8),
    Column(gettext_lazy("Kommunaler Spitzenverband"), 28),
]
REGISTER_COLUMNS = [
    *JOBCENTER_COLUMNS,
    Column(gettext_lazy("Bundesland"), 20),
    Column(gettext_lazy("Straße und Hausnummer"), 28),
    Column(gettext_lazy("Postleitzahl"), 10),
    Column(gettext_lazy("Ort"), 20),
    Column(gettext_lazy("E-Mail"), 32),
    Column(gettext_lazy("Telefon"), 18),
    Column(gettext_lazy("Internetseite"), 32),
]


def jobcenter_values(jobcenter):
    """The values of ``JOBCENTER_COLUMNS`` (after ``with_association``)."""
    return (
        jobcenter.name,
        jobcenter.region,
        jobcenter.get_region_kind_display(),
        jobcenter.form,
        jobcenter.association_name or "",
    )


@login_required
def jobcenter_export(request, file_format):
    """The register as the list shows it with these filters (all pages): a CSV at once, an
    XLSX from a worker, asked for by the list's button (a POST)."""
    return list_export(
        request,
        file_format,
        list_url=reverse("jobcenters:list"),
        table=lambda query: jobcenter_table(request.user, query),
        ask_for_xlsx=lambda: export_request(
            user=request.user, source="jobcenters", query=request.GET
        ),
    )


def jobcenter_table(user, query):
    """The register ``user`` sees with the list's filters in ``query``; ``None`` when the
    filters are wrong."""
    filters, jobcenters = _filter_jobcenters(user, query)
    if not filters.is_valid():
        return None
    rows = (
        (
            *jobcenter_values(jobcenter),
            jobcenter.get_state_display(),
            jobcenter.street,
            jobcenter.postal_code,
            jobcenter.city,
            jobcenter.email,
            jobcenter.phone,
            jobcenter.website,
        )
        for jobcenter in jobcenters.iterator(chunk_size=CHUNK_SIZE)
    )
    return Table(_("Jobcenter"), REGISTER_COLUMNS, rows, jobcenters.count)


@login_required
def jobcenter_detail(request, pk):
    jobcenter = get_jobcenter_for_user(request.user, pk)
    accessions = {
        accession.agreement_id: accession
        for accession in visible_accessions(request.user)
        .filter(jobcenter=jobcenter)
        # The newest per agreement wins: an open one is always newer than a withdrawn one.
        .order_by("created_at")
    }
    # What it may join, and whatever it started before.
    open_to = FrameworkAgreement.objects.open_to(jobcenter).values("pk")
    agreements = visible_agreements(request.user).filter(
        Q(pk__in=open_to) | Q(pk__in=list(accessions))
    )
    context = {
        "jobcenter": jobcenter,
        "association": jobcenter.association,
        # Where circulars and notices go: the registry's address or, without one, a fallback.
        "addresses": jobcenter_addresses(jobcenter),
        "can_change": can_change_jobcenter(request.user, jobcenter),
        "can_start": can_start_accession(request.user, jobcenter),
        "agreement_rows": [(agreement, accessions.get(agreement.pk)) for agreement in agreements],
        "history": AuditEvent.objects.for_object(jobcenter)[:50],
    }
    return render(request, "jobcenters/jobcenter_detail.html", context)


@login_required
def jobcenter_edit(request, pk):
    jobcenter = get_jobcenter_for_user(request.user, pk, write=True)
    form = JobcenterContactForm(request.POST or None, instance=jobcenter)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = jobcenter_update(
            jobcenter=jobcenter,
            user=request.user,
            data=data,
            reason=data["reason"],
        )
        if changes:
            messages.success(request, _("Die Kontaktdaten wurden gespeichert."))
        else:
            messages.info(request, _("Es gab nichts zu ändern."))
        return redirect(jobcenter)
    return render(request, "jobcenters/jobcenter_edit.html", {"jobcenter": jobcenter, "form": form})


def agreement_members(request, pk):
    """Public: the jobcenters that joined an agreement and agreed to be named, by region kind."""
    agreement = get_agreement_for_user(AnonymousUser(), pk)
    jobcenters = Jobcenter.objects.filter(state=agreement.state)
    joined = Q(accessions__agreement=agreement, accessions__status=AccessionStatus.ACCEPTED)
    by_region_kind = list(
        jobcenters.values("region_kind")
        .annotate(
            total=Count("pk", distinct=True), joined=Count("pk", filter=joined, distinct=True)
        )
        .order_by("region_kind")
    )
    for row in by_region_kind:
        row["label"] = RegionKind(row["region_kind"]).label
    members = (
        Accession.objects.publicly_listed()
        .filter(agreement=agreement)
        .select_related("jobcenter")
        .order_by("jobcenter__region", "pk")
    )
    context = {
        "agreement": agreement,
        "members": members,
        "by_region_kind": by_region_kind,
        "joined_count": sum(row["joined"] for row in by_region_kind),
        "total_count": sum(row["total"] for row in by_region_kind),
    }
    return render(request, "jobcenters/agreement_members.html", context)
