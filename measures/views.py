"""Measure pages: jobcenters record and report, the ministry follows them and runs the catalogue."""

from itertools import batched

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessions.models import AccessionStatus
from accounts.models import AuditEvent, Organisation, Role
from agreements.access import get_agreement_for_user, visible_agreements
from core.choices import labels_of
from core.exports import CHUNK_SIZE, Column, Table, list_export
from core.forms import add_errors
from core.paging import Row, page_of, page_of_groups, query_without, row_urls, without_paging
from core.rows import day
from core.steps import Step, step_view
from jobcenters.access import own_jobcenter, visible_jobcenters, visible_states
from measures import services
from measures.access import (
    can_change_measure,
    can_record_measures,
    can_review_publication,
    can_see_measure_mails,
    can_see_publication_queue,
    catalogue_measures,
    get_measure_for_user,
    visible_measures,
)
from measures.forms import (
    CatalogueSearchForm,
    MeasureFilterForm,
    MeasureForm,
    ProgressNoteForm,
    ProposeForm,
    PublishForm,
    ReasonForm,
)
from measures.models import Measure, MeasureStatus, Publication
from outbox.models import MAILS_ON_A_PAGE, OutgoingEmail
from reports.services import export_request
from reports.states import rows_state


@login_required
def measure_list(request):
    """The measures the user may see: filtered, searched, sorted, paginated, exportable."""
    filters, measures = _filtered(request)
    page = page_of(request, measures.values(*LIST_FIELDS), counted=measures, count_state=rows_state)
    page.object_list = _list_rows(page.object_list)
    query = without_paging(request.GET)
    context = {
        "filters": filters,
        "page": page,
        "sort": filters.cleaned_data["sort"],
        "query": query.urlencode(),
        "query_without_sort": query_without(query, "sort"),
        "recording_agreements": _recording_agreements(request.user),
    }
    return render(request, "measures/measure_list.html", context)


# What a row of the list shows, read as plain values: no model object a row.
LIST_FIELDS = (
    "pk",
    "title",
    "jobcenter__name",
    "action_field__number",
    "action_field__title",
    "status",
    "starts_on",
    "publication",
)


def _list_rows(values):
    """The page's rows as the template shows them: labels from a table, the date written
    once, each measure's address from one ``reverse``."""
    url = row_urls("measures:detail")
    statuses = labels_of(Measure._meta.get_field("status"))
    publications = labels_of(Measure._meta.get_field("publication"))
    return [
        Row(
            pk=row["pk"],
            url=url(row["pk"]),
            title=row["title"],
            jobcenter=row["jobcenter__name"],
            action_field_number=row["action_field__number"],
            action_field_title=row["action_field__title"],
            status=statuses.get(row["status"], row["status"]),
            starts_on=day(row["starts_on"]),
            publication=publications.get(row["publication"], row["publication"]),
        )
        for row in values
    ]


def _filtered(request):
    return _filter(request.user, request.GET)


def _filter(user, query):
    jobcenters = visible_jobcenters(user)
    # Only agreements whose measures the user can see: an NRW jobcenter is not offered
    # the Hessen agreement or its action fields.
    states = visible_states(user)
    agreements = visible_agreements(user).filter(state__in=states)
    filters = MeasureFilterForm(
        query,
        user=user,
        jobcenters=jobcenters,
        states=states,
        agreements=agreements.order_by("state", "short_title"),
    )
    return filters, filters.filter(visible_measures(user))


def _recording_agreements(user):
    """The agreements under which this manager's jobcenter records measures (joined ones)."""
    if user.role != Role.JOBCENTER_MANAGER:
        return []
    return list(
        visible_agreements(user).filter(
            accessions__jobcenter=user.organisation_id,
            accessions__status=AccessionStatus.ACCEPTED,
        )
    )


EXPORT_COLUMNS = [
    Column(gettext_lazy("Titel"), 40),
    Column(gettext_lazy("Jobcenter"), 32),
    Column(gettext_lazy("Vereinbarung"), 28),
    Column(gettext_lazy("Handlungsfeld"), 40),
    Column(gettext_lazy("weitere Handlungsfelder"), 40),
    Column(gettext_lazy("Stand"), 14),
    Column(gettext_lazy("Beginn"), 12),
    Column(gettext_lazy("Ende"), 12),
    Column(gettext_lazy("Zielgruppe"), 28),
    Column(gettext_lazy("Partner"), 28),
    Column(gettext_lazy("Standorte"), 24),
    Column(gettext_lazy("Ansprechperson"), 24),
    Column(gettext_lazy("Katalog"), 16),
]


@login_required
def measure_export(request, file_format):
    """Exactly the measures the list shows with these filters (all pages): a CSV at once,
    an XLSX from a worker, asked for by the list's button (a POST; its page shows the
    progress and then the download)."""
    return list_export(
        request,
        file_format,
        list_url=reverse("measures:list"),
        table=lambda query: measure_table(request.user, query),
        ask_for_xlsx=lambda: export_request(
            user=request.user, source="measures", query=request.GET
        ),
    )


def measure_table(user, query):
    """The measures ``user`` sees with the list's filters in ``query`` as a ``Table``;
    ``None`` when the filters are wrong."""
    filters, measures = _filter(user, query)
    if not filters.is_valid():
        return None
    return Table(_("Maßnahmen"), EXPORT_COLUMNS, _measure_rows(measures), measures.count)


def _measure_rows(measures):
    """The export's rows of ``measures``, in their order: plain values a chunk at a time,
    each chunk's further action fields in one more query; never every measure at once."""
    statuses = dict(MeasureStatus.choices)
    publications = dict(Publication.choices)
    values = measures.values_list(
        "pk",
        "title",
        "jobcenter__name",
        "agreement__short_title",
        "action_field__number",
        "action_field__title",
        "status",
        "starts_on",
        "ends_on",
        "target_group",
        "partners",
        "locations",
        "contact_name",
        "publication",
    )
    for chunk in batched(values.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        further = {}
        for measure, number, title in (
            Measure.further_action_fields.through.objects.filter(
                measure__in=[row[0] for row in chunk]
            )
            .order_by("actionfield__agreement", "actionfield__number")
            .values_list("measure", "actionfield__number", "actionfield__title")
        ):
            # By title, as on the page: "2. Weiterentwicklung der Zugänglichkeit".
            further.setdefault(measure, []).append(f"{number}. {title}")
        for pk, title, jobcenter, agreement, number, field, status, *rest in chunk:
            *details, publication = rest
            yield (
                title,
                jobcenter,
                agreement,
                f"{number}. {field}",
                "; ".join(further.get(pk, ())),
                str(statuses[status]),
                *details,
                str(publications[publication]),
            )


@login_required
def measure_create(request, agreement_pk):
    """A jobcenter manager records a new measure under an agreement the jobcenter joined."""
    agreement = get_agreement_for_user(request.user, agreement_pk)
    jobcenter = own_jobcenter(request.user)
    if jobcenter is None or not can_record_measures(request.user, jobcenter, agreement):
        raise PermissionDenied
    form = MeasureForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(
                jobcenter=jobcenter,
                agreement=agreement,
                user=request.user,
                data=form.cleaned_data,
                further_action_fields=form.cleaned_data["further_action_fields"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Die Maßnahme ist angelegt."))
            return redirect(measure)
    context = {"form": form, "agreement": agreement, "jobcenter": jobcenter, "measure": None}
    return render(request, "measures/measure_edit.html", context)


@login_required
def measure_detail(request, pk):
    measure = get_measure_for_user(request.user, pk)
    can_change = can_change_measure(request.user, measure)
    context = {
        "measure": measure,
        "further_action_fields": measure.further_action_fields.all(),
        "notes": measure.notes.select_related("author"),
        "can_change": can_change,
        "can_review": can_review_publication(request.user, measure),
        "can_propose": can_change
        and measure.publication in services.PUBLICATION_STEPS["propose"][0],
        "note_form": ProgressNoteForm(initial={"written_on": timezone.localdate()})
        if can_change
        else None,
        "history": AuditEvent.objects.for_object(measure)[:50],
        "mails": OutgoingEmail.objects.about(measure)[:MAILS_ON_A_PAGE]
        if can_see_measure_mails(request.user, measure)
        else None,
    }
    return render(request, "measures/measure_detail.html", context)


@login_required
def measure_edit(request, pk):
    measure = get_measure_for_user(request.user, pk, can_change_measure)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        instance=measure,
        agreement=measure.agreement,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.measure_update(
                measure=measure,
                user=request.user,
                data=form.cleaned_data,
                further_action_fields=form.cleaned_data["further_action_fields"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Die Maßnahme ist gespeichert."))
            else:
                messages.info(request, _("Es gab nichts zu ändern."))
            return redirect(measure)
    context = {
        "form": form,
        "agreement": measure.agreement,
        "jobcenter": measure.jobcenter,
        "measure": measure,
    }
    return render(request, "measures/measure_edit.html", context)


@login_required
def measure_note(request, pk):
    """Add a dated progress note; the measure page shows the notes with the history."""
    measure = get_measure_for_user(request.user, pk, can_change_measure)
    form = ProgressNoteForm(
        request.POST if request.method == "POST" else None,
        initial={"written_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_add_note(measure=measure, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Der Fortschritt ist notiert."))
            return redirect(measure)
    return _step_page(request, measure, form, _("Fortschritt notieren"), _("Notieren"))


@login_required
def measure_propose(request, pk):
    """Propose the measure for the public catalogue, with the contact person's consent."""
    measure = get_measure_for_user(request.user, pk, can_change_measure)
    form = ProposeForm(request.POST if request.method == "POST" else None, measure=measure)
    return _catalogue_step(
        request, measure, form, "propose", _("Die Maßnahme ist für den Katalog vorgeschlagen.")
    )


@login_required
def measure_publish(request, pk):
    measure = get_measure_for_user(request.user, pk, can_review_publication)
    form = PublishForm(request.POST if request.method == "POST" else None)
    return _catalogue_step(
        request, measure, form, "publish", _("Die Maßnahme ist im Katalog veröffentlicht.")
    )


@login_required
def measure_decline(request, pk):
    measure = get_measure_for_user(request.user, pk, can_review_publication)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    return _catalogue_step(request, measure, form, "decline", _("Der Vorschlag ist abgelehnt."))


@login_required
def measure_unpublish(request, pk):
    measure = get_measure_for_user(request.user, pk, can_review_publication)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    return _catalogue_step(
        request, measure, form, "unpublish", _("Die Maßnahme ist aus dem Katalog zurückgezogen.")
    )


CATALOGUE_STEPS = {
    "propose": Step(gettext_lazy("Für den Katalog vorschlagen"), gettext_lazy("Vorschlagen")),
    "publish": Step(gettext_lazy("Im Katalog veröffentlichen"), gettext_lazy("Veröffentlichen")),
    "decline": Step(gettext_lazy("Vorschlag ablehnen"), gettext_lazy("Ablehnen")),
    "unpublish": Step(gettext_lazy("Aus dem Katalog zurückziehen"), gettext_lazy("Zurückziehen")),
}


def _catalogue_step(request, measure, form, step, success):
    """The page of catalogue ``step`` on ``measure`` (``core.steps.step_view``)."""
    service = getattr(services, f"measure_{step}")
    allowed, _target = services.PUBLICATION_STEPS[step]
    return step_view(
        request,
        measure,
        form,
        CATALOGUE_STEPS[step],
        run=lambda data: service(measure=measure, user=request.user, **data),
        allowed=measure.publication in allowed,
        refusal=_("Die Maßnahme ist im Katalog „%(state)s“: das ist jetzt nicht möglich.")
        % {"state": measure.get_publication_display()},
        state_error=services.PublicationStateError,
        success=success,
        template=STEP_TEMPLATE,
        context={"measure": measure},
    )


STEP_TEMPLATE = "measures/measure_step.html"


def _step_page(request, measure, form, heading, button):
    context = {"measure": measure, "form": form, "heading": heading, "button": button}
    return render(request, STEP_TEMPLATE, context)


@login_required
def proposal_queue(request):
    """Measures proposed for the catalogue, oldest proposal first, for the ministry."""
    if not can_see_publication_queue(request.user):
        raise PermissionDenied
    measures = (
        visible_measures(request.user)
        .filter(publication=Publication.PROPOSED)
        .select_related("jobcenter", "action_field", "agreement")
        .order_by("updated_at", "pk")
    )
    context = {
        "measures": measures,
        "rows": measures,
        "heading": _("Vorschläge für den Katalog"),
        "table_id": "proposal-queue-tabelle",
    }
    return render(request, "measures/proposal_queue.html", context)


# The public catalogue


# The catalogue's groups in order: agreement, action field (its id breaks a tie of two
# agreements' short titles, so that each action field's measures stay together).
CATALOGUE_GROUPS = ("agreement__short_title", "action_field__number", "action_field_id")


def catalogue(request):
    """Published measures by action field, with search: for everybody."""
    search = CatalogueSearchForm(request.GET)
    found = search.filter(catalogue_measures())
    # The order spans three tables, so no index serves it: the measures are counted per
    # action field (with what a section's heading shows) and a page sorts only the action
    # fields it shows.
    groups = (
        found.values("action_field", *SECTION_FIELDS)
        .annotate(rows=Count("*"))
        .order_by(*CATALOGUE_GROUPS)
    )
    # The jobcenter's name read for each of the page's rows: a join of two more tables
    # took PostgreSQL five times as long to plan as the whole query takes without it.
    measures = (
        found.annotate(jobcenter_name=Subquery(_names.filter(pk=OuterRef("jobcenter_id"))))
        .values(*CARD_FIELDS)
        .order_by("title", "pk")
    )
    page = page_of_groups(
        request, measures, group="action_field", groups=groups, count_state=rows_state
    )
    query = without_paging(request.GET)
    context = {
        "page": page,
        "sections": _catalogue_sections(page),
        "search": search,
        "query": query.urlencode(),
    }
    return render(request, "measures/catalogue.html", context)


# What the catalogue shows, read as plain values: no model object a measure.
SECTION_FIELDS = ("action_field__number", "action_field__title", "agreement__short_title")
CARD_FIELDS = ("pk", "title", "description", "jobcenter_name", "action_field")
_names = Organisation.objects.values("name")


def _catalogue_sections(page):
    """The page's measures in a section per action field, in the page's order, each
    measure's address from one ``reverse``; the page's rows become the measures' cards."""
    url = row_urls("catalogue:detail")
    sections = {
        group["action_field"]: Row(
            pk=group["action_field"],
            number=group["action_field__number"],
            title=group["action_field__title"],
            agreement=group["agreement__short_title"],
            measures=[],
        )
        for group in page.groups
    }
    cards = []
    for row in page.object_list:
        card = Row(
            pk=row["pk"],
            url=url(row["pk"]),
            title=row["title"],
            jobcenter=row["jobcenter_name"],
            description=row["description"],
        )
        sections[row["action_field"]].measures.append(card)
        cards.append(card)
    page.object_list = cards
    return list(sections.values())


def catalogue_detail(request, pk):
    measure = get_object_or_404(
        catalogue_measures().select_related("jobcenter", "agreement", "action_field"), pk=pk
    )
    context = {"measure": measure, "further_action_fields": measure.further_action_fields.all()}
    return render(request, "measures/catalogue_detail.html", context)
