"""Benchmark: the accession dashboard, the jobcenter list with standings and the form PDF.

Run: ``.venv/bin/python bench/accessions.py [--rounds 30] [--warmup 5] [--pdf-rounds 5] [--sql]``
(or ``make bench``). Set DATABASE_URL to measure on PostgreSQL.

It builds a throwaway test database (Django's test utilities, like the test suite),
fills it with ``seed_scale`` (405 jobcenters, 16 states, 16 agreements with their
accessions), and then times, interleaved in one run, each scenario three times:

- real:  the real view through django.test.Client (all middleware, logged in);
- floor: a minimal view in this file behind the same middleware and URL namespace that
  renders the SAME template with a context of the same shape, and must produce the same
  HTML (checked before timing).

  * Dashboard (``accessions:dashboard``): ONE query for everything the page counts: the
    jobcenters LEFT JOIN their accessions to the agreement (``FilteredRelation``, no
    subquery), from which Python takes each jobcenter's newest accession (its standing)
    and the dates of joining and withdrawing (the course). The real view asks the
    associations, the jobcenters with five correlated subqueries each (``with_accession``)
    and the accessions again for the course. The floor loads the agreement through the
    access layer as the real view does; only the names of the state's municipal
    associations are loaded once beforehand.
  * List (``accessions:jobcenters``): ONE ``.values()`` query for the page's rows, with the
    total count as a window function and only the four correlated subqueries the page
    shows (association name, accession id, standing, date of joining); the real view
    annotates seven (``with_association().with_accession()``), counts in a query of its
    own and loads the association choices of the filter (loaded once beforehand here).

- admin: the Django admin changelist showing the same rows: a ``ModelAdmin`` for
  Jobcenter on an ``AdminSite`` of its own (mounted at ``/bench-admin/``) whose queryset
  is ``with_association().with_accession(agreement)`` of the agreement's state, with the
  list's columns (name, region kind, form, association, standing, joined on), 50 rows a
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

import argparse
import difflib
import gc
import io
import logging
import os
import re
import statistics
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_HTTPS", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

import pikepdf  # noqa: E402
import weasyprint  # noqa: E402
from common import (  # noqa: E402
    Rows,
    Warnings,
    clients,
    get,
    given_associations,
    in_test_database,
    queries,
    timed,
)
from django.contrib import admin  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import (  # noqa: E402
    CharField,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from accessions import form_pdf as accession_pdf  # noqa: E402
from accessions import urls as accession_urls  # noqa: E402
from accessions.access import get_overview_agreement_for_user, overview_jobcenters  # noqa: E402
from accessions.dashboard import Overview, Tally, _association_tally, bar_chart, membership_course  # noqa: E402
from accessions.forms import AccessionFilterForm  # noqa: E402
from accessions.models import (  # noqa: E402
    NOT_STARTED,
    STANDINGS,
    Accession,
    AccessionStatus,
    PlannedMeasure,
    standing_label,
    with_accession,
)
from accounts.models import (  # noqa: E402
    Organisation,
    OrganisationKind,
    RegionKind,
    Role,
    State,
    User,
)
from accounts.roles import is_state_wide  # noqa: E402
from agreements.models import FrameworkAgreement  # noqa: E402
from core.paging import PAGE_SIZE  # noqa: E402
from core.pdf import PDF_VARIANT, ProjectFileFetcher, static_root  # noqa: E402
from jobcenters.models import Jobcenter, JobcenterForm  # noqa: E402

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


ASSOCIATIONS = {}  # state -> {region kind: association}


def associations_of(state):
    """The state's municipal associations, loaded once (outside the timed requests)."""
    if state not in ASSOCIATIONS:
        ASSOCIATIONS[state] = {
            association.member_region_kind: association
            for association in Organisation.objects.filter(
                kind=OrganisationKind.MUNICIPAL_ASSOCIATION, state=state
            )
        }
    return ASSOCIATIONS[state]


def dashboard_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    rows = (
        overview_jobcenters(request.user, agreement)
        .annotate(
            accession=FilteredRelation("accessions", condition=Q(accessions__agreement=agreement))
        )
        .order_by()
        .values_list(
            "pk",
            "form",
            "region_kind",
            "accession__pk",
            "accession__created_at",
            "accession__status",
            "accession__joined_on",
            "accession__withdrawn_on",
        )
    )
    groups = {}  # jobcenter -> (form, region kind)
    newest = {}  # jobcenter -> ((created_at, pk), status) of its newest accession
    events = Events()
    for pk, form, region_kind, accession, created_at, status, joined_on, withdrawn_on in rows:
        groups[pk] = (form, region_kind)
        if accession is None:
            continue
        if pk not in newest or (created_at, accession) > newest[pk][0]:
            newest[pk] = ((created_at, accession), status)
        if joined_on:
            events.append((joined_on, withdrawn_on))
    associations = associations_of(agreement.state)
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
    return render(request, "accessions/accession_dashboard.html", context)


# The list's floor


FloorFilterForm = given_associations(AccessionFilterForm)


ASSOCIATION_CHOICES = {}  # (user pk, agreement pk) -> the associations offered in the filter
REGION_KIND_LABELS = dict(RegionKind.choices)
FORM_LABELS = dict(JobcenterForm.choices)
STANDING_LABELS = dict(STANDINGS)


def association_choices(user, agreement):
    """What the real form offers this user, loaded once (outside the timed requests)."""
    key = (user.pk, agreement.pk)
    if key not in ASSOCIATION_CHOICES:
        form = AccessionFilterForm(jobcenters=overview_jobcenters(user, agreement))
        ASSOCIATION_CHOICES[key] = list(form.fields["association"].queryset)
    return ASSOCIATION_CHOICES[key]


def list_floor(request, agreement_pk):
    agreement = get_overview_agreement_for_user(request.user, agreement_pk)
    filters = FloorFilterForm(
        request.GET, associations=association_choices(request.user, agreement)
    )
    associations = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        state=OuterRef("state"),
        member_region_kind=OuterRef("region_kind"),
    )
    newest = Accession.objects.filter(jobcenter=OuterRef("pk"), agreement=agreement).order_by(
        "-created_at", "-pk"
    )
    jobcenters = overview_jobcenters(request.user, agreement).annotate(
        association_name=Subquery(associations.values("name")[:1]),
        accession_id=Subquery(newest.values("pk")[:1]),
        accession_status=Coalesce(
            Subquery(newest.values("status")[:1]), Value(NOT_STARTED), output_field=CharField()
        ),
        accession_joined_on=Subquery(newest.values("joined_on")[:1]),
    )
    jobcenters = filters.filter(jobcenters)
    try:
        number = max(1, int(request.GET.get("seite", 1)))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(
        jobcenters.annotate(total=Window(Count("pk"))).values(
            "pk",
            "name",
            "region_kind",
            "form",
            "association_name",
            "accession_id",
            "accession_status",
            "accession_joined_on",
            "total",
        )[offset : offset + PAGE_SIZE]
    )
    url = reverse("jobcenters:detail", args=[0]).removesuffix("0/")
    for row in rows:
        # What the template asks of a Jobcenter, as keys of the dict.
        row["get_absolute_url"] = f"{url}{row['pk']}/"
        row["get_region_kind_display"] = REGION_KIND_LABELS[row["region_kind"]]
        row["get_form_display"] = FORM_LABELS[row["form"]]
        row["standing_label"] = STANDING_LABELS[row["accession_status"]]
    total = rows[0]["total"] if rows else 0
    page = Paginator(Rows(rows, total, offset), PAGE_SIZE).get_page(number)
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
    return render(request, "accessions/accession_jobcenters.html", context)


# The admin changelist


class StandingAdmin(admin.ModelAdmin):
    """The jobcenters of one agreement's state with where they stand: the list, as admin."""

    agreement = None  # set once the data is seeded
    list_display = ["name", "region_kind", "form", "association", "standing", "joined_on"]
    list_filter = ["form", "region_kind"]
    list_per_page = 50

    def get_queryset(self, request):
        return with_accession(
            Jobcenter.objects.filter(state=self.agreement.state).with_association(),
            self.agreement,
        )

    @admin.display(description="Kommunaler Spitzenverband", ordering="association_name")
    def association(self, jobcenter):
        return jobcenter.association_name

    @admin.display(description="Stand", ordering="accession_status")
    def standing(self, jobcenter):
        return standing_label(jobcenter.accession_status)

    @admin.display(
        description="beigetreten am", ordering=F("accession_joined_on").asc(nulls_last=True)
    )
    def joined_on(self, jobcenter):
        return jobcenter.accession_joined_on


bench_admin = admin.AdminSite(name="bench_admin")
bench_admin.register(Jobcenter, StandingAdmin)


def admin_column(name):
    """The changelist's number of a column for ``o=`` (0 is the checkbox of the actions)."""
    return StandingAdmin.list_display.index(name) + 1


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
    patterns.append(path("bench-admin/", bench_admin.urls))
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


def timed_call(function):
    # A render allocates megabytes: collect what the one before left, not during this one.
    gc.collect()
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def normalised(response, agreement):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
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
    times: tuple = field(default_factory=lambda: ([], [], []))
    queries: tuple = ()

    def requests(self):
        return (
            (self.client, self.real),
            (self.client, self.floor),
            (self.admin_client, self.admin),
        )


def pages(agreement, by_user):
    changelist = reverse("bench_admin:jobcenters_jobcenter_changelist")
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
    start = time.perf_counter()
    call_command("seed_scale", force=True)
    seeded = time.perf_counter() - start
    agreement = FrameworkAgreement.objects.get(state=STATE)
    StandingAdmin.agreement = agreement
    users = create_users()
    counted = {key: overview_jobcenters(user, agreement).count() for key, user in users.items()}
    print(
        f"{connection.vendor}, {Jobcenter.objects.count()} Jobcenter, "
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

    for _round in range(args.warmup):
        for page in scenarios:
            for client, url in page.requests():
                timed(client, url)
    for _round in range(args.rounds):
        for page in scenarios:
            for ms, (client, url) in zip(page.times, page.requests(), strict=True):
                ms.append(timed(client, url))
    for page in scenarios:
        page.queries = tuple(
            queries(lambda client=client, url=url: get(client, url), url, args.sql)
            for client, url in page.requests()
        )

    for _label, function in pdf_scenarios:
        function()
    bare()
    pdf_times = {label: ([], []) for label, _function in pdf_scenarios}
    for _round in range(args.pdf_rounds):
        for label, function in pdf_scenarios:
            pdf_times[label][0].append(timed_call(function))
            pdf_times[label][1].append(timed_call(bare))
    pdf_queries = {label: queries(function, label, args.sql) for label, function in pdf_scenarios}

    print(
        f"\nMedian aus {args.rounds} Runden (abwechselnd, nach {args.warmup} zum Aufwärmen); "
        f"PDF: Bestwert aus {args.pdf_rounds} Runden (abwechselnd mit der Untergrenze):\n"
    )
    header = (
        f"{'Szenario':<34}{'echt ms':>9}{'Boden ms':>10}{'Faktor':>8}"
        f"{'Admin ms':>10}{'/Admin':>8}{'SQL echt':>10}{'Boden':>7}{'Admin':>7}"
    )
    print(header)
    print("-" * len(header))
    for page in scenarios:
        real, floor, changelist = (statistics.median(ms) for ms in page.times)
        print(
            f"{page.label:<34}{real:>9.2f}{floor:>10.2f}{real / floor:>8.2f}"
            f"{changelist:>10.2f}{real / changelist:>8.2f}"
            + "".join(
                f"{count:>{width}}" for count, width in zip(page.queries, (10, 7, 7), strict=True)
            )
        )
    for label, (real_ms, bare_ms) in pdf_times.items():
        real, floor = min(real_ms), min(bare_ms)
        print(
            f"{label:<34}{real:>9.1f}{floor:>10.1f}{real / floor:>8.2f}"
            f"{'–':>10}{'–':>8}{pdf_queries[label]:>10}{0:>7}{'–':>7}"
        )
    print(
        "\nFaktor: echt / Untergrenze. /Admin: echt / Admin-Änderungsliste mit denselben "
        "Jobcentern (beim Beitrittsstand deren erste Seite: die nächstliegende Admin-Seite)."
        "\nSQL: Abfragen je Anfrage, einschließlich Sitzung und Benutzer (Middleware)."
        "\nPDF-Untergrenze: bloß WeasyPrint write_pdf() auf demselben HTML, ohne PDF/UA-1 "
        f"({real_pages} Seiten; Strukturbaum echt: {'ja' if real_tagged else 'nein'}, "
        f"bloß: {'ja' if bare_tagged else 'nein'})."
    )
    if problems:
        print("\n" + "\n\n".join(problems))
    else:
        print(
            "HTML von echter Ansicht und Untergrenze ist gleich (ohne CSRF-Token); "
            "die Admin-Änderungsliste zeigt dieselben Jobcenter."
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--pdf-rounds", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the SQL of each request")
    args = parser.parse_args()

    # WeasyPrint logs every step of every render at INFO: only its warnings matter here.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    in_test_database(run, args, bench_urlconf())


if __name__ == "__main__":
    main()
