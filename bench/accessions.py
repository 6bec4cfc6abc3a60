"""Benchmark: the accession dashboard, the jobcenter list with standings and the form PDF.

Run: ``.venv/bin/python bench/accessions.py [--rounds 30] [--warmup 5] [--pdf-rounds 5]
[--factor 1] [--sql] [--markdown FILE]`` (or ``make bench``). Set DATABASE_URL to measure
on PostgreSQL.

It builds a throwaway test database (``common.in_test_database``), fills it with
``seed_scale --factor`` (405 × factor jobcenters, 16 states, 16 agreements with their
accessions), and then times, interleaved in one run, each scenario four times:

- real:  the real view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace that
  renders the page's real template from ONE ``.values()`` query, nothing preloaded; its
  filter form is the real one offering no association to choose. It must produce the
  same HTML but for those options (checked before timing).

  * Dashboard (``accessions:dashboard``): the jobcenters LEFT JOIN their accessions to
    the agreement (``FilteredRelation``, no subquery) with their municipal association
    (two scalar subqueries in the same query), from which Python takes each jobcenter's
    newest accession (its standing) and the dates of joining and withdrawing (the
    course). The real view asks the associations, the jobcenters with five correlated
    subqueries each (``with_accession``) and the accessions again for the course. The
    floor loads the agreement through the access layer as the real view does.
  * List (``accessions:jobcenters``): the page's rows, with the total count as a window
    function and only the four correlated subqueries the page shows (association name,
    accession id, standing, date of joining); the real view annotates seven
    (``with_association().with_accession()``), counts in a query of its own and loads
    the association choices of the filter.

- template: the floor's template with the floor's context rendered again, without
  request and SQL: what the template alone costs.
- admin: the Django admin changelist showing the same rows: ``bench_urls.StandingAdmin``
  (the one ``load.py`` compares with), a ``ModelAdmin`` for Jobcenter on an ``AdminSite``
  of its own (mounted at ``/bench-admin-stand/``) whose queryset is
  ``overview_jobcenters(user, agreement).with_association().with_accession(agreement)``,
  with the list's columns (name, region kind, form, association, standing, joined on), 50 rows a
  page and filters on form and region kind; always requested by the superuser (the admin
  knows no roles). The dashboard has no admin counterpart: it is compared with the same
  changelist (its first page of the jobcenters the dashboard counts), the closest admin
  page. The rows of list and changelist are compared (as sets of names) before timing.

The accession form PDF is measured separately, in fewer rounds (a render takes a quarter
to a third of a second), against bare WeasyPrint on the same HTML: the template is
rendered once beforehand exactly as ``core.pdf.render_pdf`` renders it (German, the
form's context, ``static/`` as base URL) and then ``weasyprint.HTML(string=html,
base_url=...).write_pdf()`` runs without ``pdf_variant="pdf/ua-1"`` (no tagged structure
tree, no PDF/UA metadata) and with WeasyPrint's default URL fetcher instead of
``ProjectFileFetcher`` (which allows the same ``file:`` stylesheets and only checks
their paths). A third line times WeasyPrint with PDF/UA-1 and the project's fetcher on
the same HTML, to show what the variant costs. Both must give the same number of pages,
without a warning from WeasyPrint (a stylesheet it could not load). The PDF lines show
the best of their rounds, each after a garbage collection: a render that long is easily
slowed down by any other process.
"""

import difflib
import io
import logging
import os
import re
import sys
import types
from dataclasses import dataclass, field

import pikepdf
import weasyprint
from common import (
    Table,
    Warnings,
    clients,
    comparable,
    empty_form,
    get,
    in_test_database,
    interleaved,
    machine,
    median,
    parser,
    queries,
    ratio,
    render_floor,
    seed,
    time_pages,
    values_page,
)
from django.db.models import (
    CharField,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accessions import form_pdf as accession_pdf
from accessions import urls as accession_urls
from accessions.access import get_overview_agreement_for_user, overview_jobcenters
from accessions.dashboard import Overview, Tally, _association_tally, bar_chart, membership_course
from accessions.forms import AccessionFilterForm
from accessions.models import (
    NOT_STARTED,
    STANDINGS,
    Accession,
    AccessionStatus,
    PlannedMeasure,
    standing_label,
)
from accounts.models import (
    Organisation,
    OrganisationKind,
    RegionKind,
    Role,
    State,
    User,
)
from accounts.roles import is_state_wide
from agreements.models import FrameworkAgreement
from core.paging import PAGE_SIZE, row_urls
from core.pdf import PDF_VARIANT, ProjectFileFetcher, static_root
from core.rows import day
from jobcenters.models import Jobcenter, JobcenterForm
from jobcenters.views import jobcenter_rows

STATE = State.BY  # the biggest state: 91 jobcenters
DASHBOARD_FLOOR = "bench-dashboard-floor"
LIST_FLOOR = "bench-list-floor"

# (label, kind, user, query string of the list, query string of the admin changelist)
SCENARIOS = [
    ("Beitrittsstand, Admin", "dashboard", "admin", "", ""),
    ("Beitrittsstand, Ministerium", "dashboard", "ministry", "", ""),
    ("Beitrittsstand, Landkreistag", "dashboard", "association", "", "region_kind__exact=kreis"),
    ("Liste, Admin, Seite 1", "list", "admin", "", ""),
    (
        "Liste, Kreise nach Beitritt, S. 2",
        "list",
        "admin",
        "region_kind=kreis&sort=joined_on&seite=2",
        "region_kind__exact=kreis&o={joined_on}&p=2",
    ),
    ("Liste, Landkreistag, Seite 1", "list", "association", "", "region_kind__exact=kreis"),
]


# The dashboard's floor


class Events(list):
    """(joined_on, withdrawn_on) pairs posing as the accessions ``membership_course`` asks."""

    def filter(self, **_lookups):
        return self

    def values_list(self, *_fields):
        return self


@dataclass(frozen=True)
class Association:
    """What ``_association_tally`` asks of a municipal association."""

    pk: int
    name: str


def association_of(field):
    """The jobcenter's municipal association's ``field``, as a subquery of the one query."""
    return Subquery(
        Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            state=OuterRef("state"),
            member_region_kind=OuterRef("region_kind"),
        ).values(field)[:1]
    )


def dashboard_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    rows = (
        overview_jobcenters(request.user, agreement)
        .annotate(
            accession=FilteredRelation("accessions", condition=Q(accessions__agreement=agreement)),
            association_pk=association_of("pk"),
            association_name=association_of("name"),
        )
        .order_by()
        .values_list(
            "pk",
            "form",
            "region_kind",
            "association_pk",
            "association_name",
            "accession__pk",
            "accession__created_at",
            "accession__status",
            "accession__joined_on",
            "accession__withdrawn_on",
        )
    )
    groups = {}  # jobcenter -> (form, region kind)
    newest = {}  # jobcenter -> ((created_at, pk), status) of its newest accession
    associations = {}  # region kind -> association
    events = Events()
    for row in rows:
        pk, form, region_kind, association_pk, association_name, accession = row[:6]
        created_at, status, joined_on, withdrawn_on = row[6:]
        groups[pk] = (form, region_kind)
        if association_pk is not None:
            associations[region_kind] = Association(association_pk, association_name)
        if accession is None:
            continue
        if pk not in newest or (created_at, accession) > newest[pk][0]:
            newest[pk] = ((created_at, accession), status)
        if joined_on:
            events.append((joined_on, withdrawn_on))
    total = Tally(_("alle Jobcenter"))
    by_association = {}
    by_form = {form: Tally(label, {"form": form}) for form, label in JobcenterForm.choices}
    for pk, (form, region_kind) in groups.items():
        standing = newest[pk][1] if pk in newest else NOT_STARTED
        total.counts[standing] += 1
        by_form[form].counts[standing] += 1
        if region_kind not in by_association:
            by_association[region_kind] = _association_tally(
                associations.get(region_kind), region_kind
            )
        by_association[region_kind].counts[standing] += 1
    overview = Overview(
        total=total,
        by_association=sorted(by_association.values(), key=lambda tally: tally.label),
        by_form=[tally for tally in by_form.values() if tally.total],
    )
    course = membership_course(events)
    context = {
        "agreement": agreement,
        "overview": overview,
        "standings": STANDINGS,
        "course": course,
        "chart": bar_chart(course.periods, total.total) if course else None,
        "members_only": not is_state_wide(request.user) and not request.user.is_superuser,
    }
    return render_floor(request, "accessions/accession_dashboard.html", context)


# The list's floor


REGION_KIND_LABELS = dict(RegionKind.choices)
FORM_LABELS = dict(JobcenterForm.choices)
STANDING_LABELS = dict(STANDINGS)


def list_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    jobcenters = overview_jobcenters(request.user, agreement)
    # The real form, bound to the same query, offering no association (none is chosen).
    filters = empty_form(AccessionFilterForm, request.GET, jobcenters=jobcenters)
    associations = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        state=OuterRef("state"),
        member_region_kind=OuterRef("region_kind"),
    )
    newest = Accession.objects.filter(jobcenter=OuterRef("pk"), agreement=agreement).order_by(
        "-created_at", "-pk"
    )
    jobcenters = jobcenters.annotate(
        association_name=Subquery(associations.values("name")[:1]),
        accession_id=Subquery(newest.values("pk")[:1]),
        accession_status=Coalesce(
            Subquery(newest.values("status")[:1]), Value(NOT_STARTED), output_field=CharField()
        ),
        accession_joined_on=Subquery(newest.values("joined_on")[:1]),
    )
    page, rows = values_page(
        filters.filter(jobcenters),
        [
            "pk",
            "name",
            "region",
            "region_kind",
            "form",
            "association_name",
            "accession_id",
            "accession_status",
            "accession_joined_on",
        ],
        request,
        PAGE_SIZE,
    )
    # The rows as the view hands them to the template (plain values, labels from a table).
    accession_url = row_urls("accessions:detail")
    page.object_list = jobcenter_rows(
        rows,
        accession_status=lambda row: row["accession_status"],
        accession_url=lambda row: row["accession_id"] and accession_url(row["accession_id"]),
        standing=lambda row: standing_label(row["accession_status"]),
        joined_on=lambda row: day(row["accession_joined_on"]),
    )
    query = request.GET.copy()
    query.pop("seite", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    context = {
        "agreement": agreement,
        "filters": filters,
        "page": page,
        "sort": request.GET.get("sort", "name"),
        "query": query.urlencode(),
        "query_without_sort": without_sort.urlencode(),
    }
    return render_floor(request, "accessions/accession_jobcenters.html", context)


# The admin changelist: bench_urls.StandingAdmin (as bench/load.py compares with), on the
# agreement BENCH_AGREEMENT names (set once the data is seeded).


def admin_column(name):
    """The changelist's number of a column for ``o=``: its place in ``list_display``, to
    which the checkbox of the actions is added only where there are actions (the bench's
    admin has none; one more sorted by the column after it)."""
    from bench_urls import StandingAdmin  # after common: it needs Django set up

    checkbox = StandingAdmin.actions is not None
    return StandingAdmin.list_display.index(name) + checkbox


def bench_urlconf():
    """config.urls, with the floors added to the accessions namespace and the bench admin."""
    from config import urls

    patterns = []
    for pattern in urls.urlpatterns:
        if getattr(pattern, "app_name", None) == "accessions":
            pattern = path(
                "beitritte/",
                include(
                    (
                        [
                            path(
                                "stand/<int:agreement_pk>/untergrenze/",
                                dashboard_floor,
                                name=DASHBOARD_FLOOR,
                            ),
                            path(
                                "stand/<int:agreement_pk>/jobcenter/untergrenze/",
                                list_floor,
                                name=LIST_FLOOR,
                            ),
                            *accession_urls.urlpatterns,
                        ],
                        "accessions",
                    )
                ),
            )
        patterns.append(pattern)
    from bench_urls import standings  # after common: it needs Django set up

    patterns.append(path("bench-admin-stand/", standings.urls))
    module = types.ModuleType("bench_accession_urls")
    module.urlpatterns = patterns
    sys.modules[module.__name__] = module
    return module.__name__


# Setup


def create_users():
    def user(username, **fields):
        user = User(username=username, **fields)
        user.set_unusable_password()
        user.save()
        return user

    return {
        "admin": user("bench-admin", is_staff=True, is_superuser=True),
        "ministry": user(
            "bench-ministerium",
            organisation=Organisation.objects.get(state=STATE, kind=OrganisationKind.MINISTRY),
            role=Role.MINISTRY_STAFF,
        ),
        "association": user(
            "bench-landkreistag",
            organisation=Organisation.objects.get(
                state=STATE,
                kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
                member_region_kind=RegionKind.KREIS,
            ),
            role=Role.ASSOCIATION_STAFF,
        ),
    }


def normalised(response, agreement):
    html = response.content.decode()
    html = comparable(html)
    for floor, real in (
        (LIST_FLOOR, "jobcenters"),  # the longer path first: it contains the other
        (DASHBOARD_FLOOR, "dashboard"),
    ):
        html = html.replace(
            reverse(f"accessions:{floor}", args=[agreement.pk]),
            reverse(f"accessions:{real}", args=[agreement.pk]),
        )
    return html


def list_names(html):
    return [
        name
        for name in re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>', html)
        if name.startswith("Jobcenter")
    ]


def admin_names(html):
    return re.findall(r'<th class="field-name"><a href="[^"]*">([^<]*)</a></th>', html)


def pdf_setup(agreement):
    """An accepted accession with two planned measures, and its form rendered once as HTML."""
    accession = (
        Accession.objects.select_related("jobcenter", "agreement")
        .filter(agreement=agreement, status=AccessionStatus.ACCEPTED)
        .order_by("jobcenter__name")
        .first()
    )
    fields = list(agreement.action_fields.order_by("number"))
    PlannedMeasure.objects.create(
        accession=accession, action_field=fields[0], title="Inklusionstag im Jobcenter"
    )
    PlannedMeasure.objects.create(
        accession=accession,
        action_field=fields[2],
        title="Schulung der Integrationsfachkräfte zu Rehabilitation",
    )
    # As core.pdf.render_pdf renders it.
    with translation.override("de"):
        html = render_to_string(accession_pdf.TEMPLATE, accession_pdf.form_context(accession))
    return accession, html


def pdf_pages(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages), "/StructTreeRoot" in pdf.Root


@dataclass
class Page:
    """One scenario: the real page, its floor and the admin changelist with the same rows."""

    label: str
    kind: str
    user: str
    client: Client
    real: str
    floor: str
    admin_client: Client
    admin: str
    times: list = field(default_factory=list)
    queries: tuple = ()

    def requests(self):
        return (
            (self.client, self.real),
            (self.client, self.floor),
            (self.admin_client, self.admin),
        )


def pages(agreement, by_user):
    changelist = reverse("bench_standings:jobcenters_jobcenter_changelist")
    urls = {
        "dashboard": (
            reverse("accessions:dashboard", args=[agreement.pk]),
            reverse(f"accessions:{DASHBOARD_FLOOR}", args=[agreement.pk]),
        ),
        "list": (
            reverse("accessions:jobcenters", args=[agreement.pk]),
            reverse(f"accessions:{LIST_FLOOR}", args=[agreement.pk]),
        ),
    }
    result = []
    for label, kind, user, query, admin_query in SCENARIOS:
        real, floor = urls[kind]
        admin_query = admin_query.format(joined_on=admin_column("joined_on"))
        result.append(
            Page(
                label,
                kind,
                user,
                by_user[user],
                f"{real}?{query}",
                f"{floor}?{query}",
                by_user["admin"],
                f"{changelist}?{admin_query}",
            )
        )
    return result


def check_pages(scenarios, agreement, counted):
    """The floor renders the same HTML; the changelist shows the same jobcenters."""
    problems = []
    for page in scenarios:
        real_html = normalised(get(page.client, page.real), agreement)
        floor_html = normalised(get(page.client, page.floor), agreement)
        if real_html != floor_html:
            diff = difflib.unified_diff(
                real_html.splitlines(), floor_html.splitlines(), "echt", "Untergrenze", n=1
            )
            problems.append(f"{page.label}: HTML weicht ab\n" + "\n".join(list(diff)[:40]))
        shown = admin_names(get(page.admin_client, page.admin).content.decode())
        if page.kind == "list":
            names = list_names(real_html)
            if not names or set(names) != set(shown):
                problems.append(f"{page.label}: der Admin zeigt andere Zeilen als die Liste")
        elif len(shown) != min(PAGE_SIZE, counted[page.user]):
            problems.append(
                f"{page.label}: der Admin zeigt {len(shown)} von {counted[page.user]} Jobcentern"
            )
    return problems


def run(args):
    seeded = seed(args.factor)
    agreement = FrameworkAgreement.objects.get(state=STATE)
    os.environ["BENCH_AGREEMENT"] = str(agreement.pk)
    users = create_users()
    counted = {key: overview_jobcenters(user, agreement).count() for key, user in users.items()}
    print(
        f"{machine()}; {Jobcenter.objects.count()} Jobcenter, "
        f"{FrameworkAgreement.objects.count()} Vereinbarungen, "
        f"{Accession.objects.count()} Beitritte angelegt in {seeded:.1f} s; "
        f"{agreement.short_title}: Admin und Ministerium {counted['admin']} Jobcenter, "
        f"Landkreistag {counted['association']}"
    )
    by_user = clients(users)
    scenarios = pages(agreement, by_user)
    problems = check_pages(scenarios, agreement, counted)

    accession, html = pdf_setup(agreement)
    pdf_url = reverse("accessions:form-pdf", args=[accession.pk])
    base_url = static_root().as_uri() + "/"

    def bare():
        return weasyprint.HTML(string=html, base_url=base_url).write_pdf()

    def with_variant():
        return weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=ProjectFileFetcher()
        ).write_pdf(pdf_variant=PDF_VARIANT)

    pdf_scenarios = [
        ("PDF: Ansicht form-pdf", lambda: get(by_user["admin"], pdf_url)),
        ("PDF: render_form (ohne HTTP)", lambda: accession_pdf.render_form(accession)),
        ("PDF: nur WeasyPrint mit PDF/UA-1", with_variant),
    ]
    warnings = Warnings()
    logging.getLogger("weasyprint").addHandler(warnings)
    bare_pages, bare_tagged = pdf_pages(bare())
    real_pages, real_tagged = pdf_pages(get(by_user["admin"], pdf_url).content)
    logging.getLogger("weasyprint").removeHandler(warnings)
    if warnings.messages:
        problems.append("WeasyPrint warnt: " + "; ".join(warnings.messages[:5]))
    if bare_pages != real_pages:
        problems.append(f"PDF: {real_pages} Seiten echt, {bare_pages} bloß mit WeasyPrint")

    time_pages(scenarios, args)
    pdf_times = interleaved(
        {label: [function, bare] for label, function in pdf_scenarios}, args.pdf_rounds, 1
    )
    pdf_queries = {label: queries(function, label, args.sql) for label, function in pdf_scenarios}

    table = Table(
        f"Beitritte, Faktor {args.factor}: Median aus {args.rounds} Runden (abwechselnd, nach "
        f"{args.warmup} zum Aufwärmen); PDF: Bestwert aus {args.pdf_rounds} Runden",
        [
            "Szenario",
            "echt ms",
            "Boden ms",
            "echt/Boden",
            "davon Vorlage ms",
            "Admin ms",
            "echt/Admin",
            "Boden/Admin",
            "SQL echt / Boden / Admin",
        ],
    )
    for page in scenarios:
        real, floor, changelist, template = (median(ms) for ms in page.times)
        table.add(
            page.label,
            real,
            floor,
            ratio(real, floor),
            template,
            changelist,
            ratio(real, changelist),
            ratio(floor, changelist),
            " / ".join(str(count) for count in page.queries),
        )
    for label, (real_ms, bare_ms) in pdf_times.items():
        real, floor = min(real_ms), min(bare_ms)
        table.add(
            label, real, floor, ratio(real, floor), None, None, None, None, f"{pdf_queries[label]}"
        )
    table.note(
        "Boden: dieselbe Vorlage aus einer `.values()`-Abfrage (der Verband als Unterabfrage "
        "darin), das echte Filterformular ohne Verbände zur Auswahl, nichts vorab geladen. "
        "Vorlage: dieselbe Vorlage mit dem Kontext des Bodens noch einmal, ohne Anfrage und "
        "SQL. Admin: die Admin-Änderungsliste mit denselben Jobcentern (beim Beitrittsstand "
        "deren erste Seite: die nächstliegende Admin-Seite). SQL je Anfrage einschließlich "
        "Sitzung und Benutzer. PDF-Boden: bloß WeasyPrint `write_pdf()` auf demselben HTML, "
        f"ohne PDF/UA-1 ({real_pages} Seiten; Strukturbaum echt: "
        f"{'ja' if real_tagged else 'nein'}, bloß: {'ja' if bare_tagged else 'nein'})."
    )
    table.show(args)
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print(
            "HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF und Verbände); "
            "die Admin-Änderungsliste zeigt dieselben Jobcenter."
        )


def main():
    arguments = parser(__doc__, rounds=30, warmup=5)
    arguments.add_argument("--pdf-rounds", type=int, default=5)
    in_test_database(run, arguments.parse_args(), bench_urlconf(), "accessions")


if __name__ == "__main__":
    main()
