"""The status overview: each jobcenter's accession, measures per action field and latest key
figures, as a page and as a tagged PDF whose table repeats its header on every page."""

import copy
import dataclasses
import io
import logging
import subprocess

import pikepdf
import pytest
from django.urls import reverse

from accessions.access import organisation_overview_jobcenters
from accessions.models import standing_label
from accounts.models import RegionKind
from core.pdf import TWO_PROCESSES_FROM, render_table_pdf
from jobcenters.models import Jobcenter
from measures.models import MAX_KEY_FIGURE
from reports import services
from reports.contents import jobcenter_profile, status_overview
from reports.documents import OVERVIEW_PAGE_STYLE, _overview_part, overview_pdf, profile_pdf
from reports.models import JobStatus, Rendering, RenderingKind
from tests import factories

pytestmark = pytest.mark.django_db


def _text(pdf, page):
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def test_a_row_holds_the_accession_the_measures_per_field_and_the_latest_key_figures(
    accession_world, nrw
):
    factories.KeyFiguresFactory(
        jobcenter=nrw.city_jobcenter, year=2023, rehabilitants=1, integrations_rehabilitants=1
    )

    overview = status_overview(
        organisation_overview_jobcenters(nrw.ministry, nrw.agreement), nrw.agreement
    )

    row = next(row for row in overview.rows if row.jobcenter == nrw.city_jobcenter)
    assert standing_label(row.jobcenter.accession_status) == "beigetreten"
    assert [cell.total for cell in row.cells] == [2]  # two measures in action field 1
    assert row.key_figures.year == 2025


def test_an_association_s_overview_shows_only_its_members(accession_world, nrw):
    overview = status_overview(
        organisation_overview_jobcenters(nrw.landkreistag, nrw.agreement), nrw.agreement
    )

    names = {row.jobcenter.name for row in overview.rows}
    assert "Jobcenter Kreis Steinfurt" in names
    assert "Jobcenter Düsseldorf" not in names


@pytest.mark.parametrize("count", [3, 40])
def test_the_page_runs_a_fixed_number_of_queries(
    client, users, nrw, count, django_assert_num_queries
):
    for jobcenter in factories.JobcenterFactory.create_batch(count):
        factories.AccessionFactory(jobcenter=jobcenter, agreement=nrw.agreement, joined=True)
        factories.KeyFiguresFactory(jobcenter=jobcenter)
    client.force_login(users.ministry)

    with django_assert_num_queries(9):
        response = client.get(reverse("overviews:status", args=[nrw.agreement.pk]))

    assert response.status_code == 200


def test_asking_for_the_pdf_renders_it_for_the_user_s_organisation(
    client, users, nrw, accession_world, django_capture_on_commit_callbacks, readback
):
    client.force_login(users.staedtetag)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("overviews:status-pdf", args=[nrw.agreement.pk]))

    rendering = Rendering.objects.get(kind=RenderingKind.OVERVIEW, organisation=nrw.staedtetag)
    assert response.url == rendering.get_absolute_url()
    assert rendering.status == JobStatus.DONE
    readback(rendering, "Das PDF ist fertig", "PDF herunterladen")


@pytest.mark.parametrize(("user_kind", "status"), [("city_manager", 403), ("hessen_ministry", 403)])
def test_those_who_do_not_follow_the_agreement_get_no_pdf(client, users, nrw, user_kind, status):
    client.force_login(getattr(users, user_kind))

    response = client.post(reverse("overviews:status-pdf", args=[nrw.agreement.pk]))

    assert response.status_code == status
    assert not Rendering.objects.exists()


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("landkreistag", 200), ("staedtetag", 404), ("ministry", 404), ("kreis_manager", 404)],
)
def test_an_overview_pdf_is_downloaded_only_by_the_organisation_it_was_made_for(
    client, users, accession_world, user_kind, status
):
    client.force_login(getattr(users, user_kind))

    response = client.get(
        reverse("renderings:download", args=[accession_world.overview_rendering.pk])
    )

    assert response.status_code == status


@pytest.fixture
def many_rows(nrw):
    factories.ActionFieldFactory(agreement=nrw.agreement, number=1)
    for number in range(80):
        jobcenter = factories.JobcenterFactory(name=f"Jobcenter Beispiel {number:02d}")
        factories.AccessionFactory(jobcenter=jobcenter, agreement=nrw.agreement, joined=True)


def test_the_pdf_repeats_the_header_row_on_every_page(many_rows, nrw, users):
    rendering = factories.RenderingFactory(
        kind="overview", circular=None, agreement=nrw.agreement, organisation=nrw.ministry
    )

    pdf, pages = overview_pdf(rendering)

    texts = [_text(pdf, page) for page in range(1, pages + 1)]
    assert pages > 1
    # The header's cells, wherever their words wrap: "beigetreten am" takes two lines.
    assert all("Jobcenter Stand" in text and "SB GL Reha" in text for text in texts)
    assert " ".join(texts).count("Jobcenter Beispiel") == 80


def test_the_pdf_tags_the_table_with_header_cells(many_rows, nrw):
    rendering = factories.RenderingFactory(
        kind="overview", circular=None, agreement=nrw.agreement, organisation=nrw.ministry
    )

    pdf, _pages = overview_pdf(rendering)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.Root.Lang == "de"
        kinds = set()
        stack = [document.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary):
                if "/S" in element:
                    kinds.add(str(element.S))
                children = element.get("/K")
                if isinstance(children, pikepdf.Array):
                    stack.extend(children)
                elif isinstance(children, pikepdf.Dictionary):
                    stack.append(children)
    assert {"/Table", "/THead", "/TH", "/TD"} <= kinds


def _overview_rendering(nrw):
    return factories.RenderingFactory(
        kind="overview", circular=None, agreement=nrw.agreement, organisation=nrw.ministry
    )


def _structure(pdf):
    """The kinds of the elements under the document's ``/Document`` element."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.StructTreeRoot
        element = root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]
        with document.open_metadata() as metadata:
            part = metadata.get("pdfuaid:part")
        return part, [str(kid.S) for kid in element.K if isinstance(kid, pikepdf.Dictionary)]


@pytest.fixture
def wrapping_rows(nrw):
    """80 rows, every seventh name so long (100 characters) that it takes two lines."""
    factories.ActionFieldFactory(agreement=nrw.agreement, number=1)
    for number in range(80):
        name = f"Jobcenter Beispiel {number:02d}"
        if number % 7 == 0:
            name = f"{name} des Kreises mit dem sehr langen Namen, der umbricht und umbricht"
            name = name.ljust(100, "x")
        jobcenter = factories.JobcenterFactory(name=name)
        factories.AccessionFactory(jobcenter=jobcenter, agreement=nrw.agreement, joined=True)


def test_an_overview_set_in_two_processes_reads_page_for_page_as_set_in_one(
    wrapping_rows, nrw, caplog
):
    rendering = _overview_rendering(nrw)
    caplog.set_level(logging.INFO, logger="core.pdf")

    whole, pages = overview_pdf(rendering, processes=1)
    joined, joined_pages = overview_pdf(rendering, processes=2)

    assert "in two processes" in caplog.text
    assert joined_pages == pages > 2
    for page in range(1, pages + 1):
        # Header and caption on the first page only, the legend on the last, "Seite x von y".
        assert _text(joined, page) == _text(whole, page)
    assert f"Seite {pages} von {pages}" in _text(joined, pages)


def test_an_overview_set_in_two_processes_is_tagged_as_one_set_whole(wrapping_rows, nrw):
    rendering = _overview_rendering(nrw)

    whole, _pages = overview_pdf(rendering, processes=1)
    joined, _pages = overview_pdf(rendering, processes=2)

    # WeasyPrint tags a table per page; the parts' tables follow the heading in order.
    assert (
        _structure(joined)
        == _structure(whole)
        == (
            "1",
            ["/NonStruct", *["/Table"] * _pages, "/Sect"],
        )
    )
    with pikepdf.open(io.BytesIO(joined)) as document:
        root = document.Root.StructTreeRoot
        keys = [int(key) for key in root.ParentTree.Nums[::2]]
        # Each page points to its own entry of the parent tree, none to another's.
        parents = [int(page.obj.StructParents) for page in document.pages]
        assert sorted(set(parents)) == parents and set(parents) <= set(keys)
        assert int(root.ParentTreeNextKey) == max(keys) + 1
        # The page numbers drawn on after the join: an artifact, outside the structure.
        for page in document.pages:
            assert b"/Artifact BMC q /Nr" in page.obj.Contents[-1].read_bytes()
        assert document.check_pdf_syntax() == []


def _navigation(pdf):
    """The bookmarks (title and page number, nested) and the named destinations' pages."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages, 1)}

        def marks(items):
            return [
                (item.title, pages[item.destination[0].objgen], marks(item.children))
                for item in items
            ]

        with document.open_outline() as outline:
            bookmarks = marks(outline.root)
        destinations = {
            str(name): pages[destination[0].objgen]
            for name, destination in pikepdf.NameTree(document.Root.Names.Dests).items()
        }
        return bookmarks, destinations


def test_an_overview_set_in_two_processes_keeps_every_bookmark_and_destination(wrapping_rows, nrw):
    rendering = _overview_rendering(nrw)

    whole, pages = overview_pdf(rendering, processes=1)
    joined, _pages = overview_pdf(rendering, processes=2)

    bookmarks, destinations = _navigation(joined)
    assert (bookmarks, destinations) == _navigation(whole)
    # The title on the first page, the legend under it on the last (the child's part).
    assert [(title[:15], page) for title, page, _children in bookmarks] == [("Statusübersicht", 1)]
    assert bookmarks[0][2] == [("Erläuterungen", pages, [])]
    assert destinations["legende"] == pages


def test_the_largest_key_figures_keep_their_rows_as_tall_as_measured(wrapping_rows, nrw, caplog):
    # Every row of the first part with the largest figures a jobcenter may report.
    for jobcenter in Jobcenter.objects.order_by("name")[:40]:
        factories.KeyFiguresFactory(
            jobcenter=jobcenter,
            severely_disabled=MAX_KEY_FIGURE,
            equal_status=MAX_KEY_FIGURE,
            rehabilitants=MAX_KEY_FIGURE,
        )
    caplog.set_level(logging.INFO, logger="core.pdf")

    joined, _pages = overview_pdf(_overview_rendering(nrw), processes=2)

    assert "in two processes" in caplog.text
    assert "100.000 100.000 100.000" in _text(joined, 1)


def test_a_child_that_fails_leaves_the_table_to_one_process(wrapping_rows, nrw, caplog):
    name, context = _overview_part(nrw.ministry, nrw.agreement)
    rows = context["overview"].rows

    def failing_in_the_rest(part):
        if part.rest:  # only the child sets the rest
            raise RuntimeError("the child's part fails")
        return {**context, "part": part}

    pdf, pages = render_table_pdf(
        name, failing_in_the_rest, len(rows), page_style=OVERVIEW_PAGE_STYLE, processes=2
    )

    assert "the child setting its rest failed" in caplog.text
    assert f"Seite {pages} von {pages}" in _text(pdf, pages)
    assert "Erläuterungen" in _text(pdf, pages)


def _named(jobcenter, name):
    jobcenter = copy.copy(jobcenter)
    jobcenter.name = name
    return jobcenter


def test_a_part_that_breaks_other_than_measured_is_set_in_one_process(wrapping_rows, nrw, caplog):
    name, context = _overview_part(nrw.ministry, nrw.agreement)
    rows = context["overview"].rows

    def measured_wrongly(part):
        # The measuring part is told every name is short: the real rows are taller.
        overview = context["overview"]
        if part.measuring:
            short = [dataclasses.replace(row, jobcenter=_named(row.jobcenter, "X")) for row in rows]
            overview = dataclasses.replace(overview, rows=short)
        return {**context, "overview": overview, "part": part}

    pdf, pages = render_table_pdf(
        name, measured_wrongly, len(rows), page_style=OVERVIEW_PAGE_STYLE, processes=2
    )
    whole, whole_pages = render_table_pdf(
        name, measured_wrongly, len(rows), page_style=OVERVIEW_PAGE_STYLE, processes=1
    )

    assert "its first part broke other than measured" in caplog.text
    assert pages == whole_pages
    assert [_text(pdf, page) for page in range(1, pages + 1)] == [
        _text(whole, page) for page in range(1, pages + 1)
    ]


def test_a_short_overview_is_set_in_one_process(wrapping_rows, nrw, caplog):
    rendering = _overview_rendering(nrw)
    caplog.set_level(logging.INFO, logger="core.pdf")

    _pdf, pages = overview_pdf(rendering)

    assert Jobcenter.objects.count() < TWO_PROCESSES_FROM and pages > 2
    assert "in two processes" not in caplog.text


def test_a_retry_of_an_overview_is_offered_to_its_organisation(client, users, accession_world):
    rendering = accession_world.overview_rendering
    Rendering.objects.filter(pk=rendering.pk).update(status=JobStatus.FAILED)
    client.force_login(users.landkreistag)

    content = client.get(rendering.get_absolute_url()).content.decode()

    assert "Noch einmal versuchen" in content


def test_a_profile_holds_accession_timeline_measures_and_every_year(accession_world, nrw):
    factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, year=2024)

    profile = jobcenter_profile(nrw.city_jobcenter, nrw.agreement)

    assert profile.accession == accession_world.joined
    assert profile.association == nrw.staedtetag
    assert {measure.title for measure in profile.measures} == {
        "Barrierefreier Eingangsbereich",
        "„Hinschauen, statt wegschauen!“ – Inklusionstag",
    }
    assert [figures.year for figures in profile.key_figures] == [2025, 2024]


@pytest.mark.parametrize("count", [2, 20])
def test_the_profile_page_runs_a_fixed_number_of_queries(
    client, users, nrw, count, django_assert_num_queries
):
    accession = factories.AccessionFactory(
        jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True
    )
    for year in range(2025 - count, 2025):
        factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, year=year)
    factories.MeasureFactory.create_batch(
        count,
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=factories.ActionFieldFactory(agreement=nrw.agreement, number=1),
    )
    assert accession
    client.force_login(users.ministry)

    with django_assert_num_queries(10):
        response = client.get(
            reverse("overviews:profile", args=[nrw.agreement.pk, nrw.city_jobcenter.pk])
        )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("staedtetag", 200), ("city_manager", 200), ("landkreistag", 404), ("kreis_manager", 404)],
)
def test_a_profile_pdf_is_downloaded_by_whoever_sees_the_jobcenter(
    client, users, nrw, accession_world, user_kind, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rendering = services.profile_render(
            agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=users.ministry
        )
    client.force_login(getattr(users, user_kind))

    response = client.get(reverse("renderings:download", args=[rendering.pk]))

    assert response.status_code == status


def test_a_profile_pdf_asked_for_is_done_on_its_page_for_whoever_sees_the_jobcenter(
    users, nrw, accession_world, django_capture_on_commit_callbacks, readback
):
    with django_capture_on_commit_callbacks(execute=True):
        rendering = services.profile_render(
            agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=users.ministry
        )

    readback(rendering, "Das PDF ist fertig", "PDF herunterladen")


def test_the_profile_pdf_names_the_jobcenter_its_accession_and_key_figures(
    accession_world, nrw, users
):
    rendering = factories.RenderingFactory(
        kind="profile", circular=None, agreement=nrw.agreement, jobcenter=nrw.city_jobcenter
    )

    pdf, pages = profile_pdf(rendering)

    text = _text(pdf, 1)
    assert pages == 1
    assert "Profil: Jobcenter Düsseldorf" in text
    assert "Stand beigetreten" in text
    assert "Barrierefreier Eingangsbereich" in text
    assert "2025 820 280 300" in text


def test_asking_for_a_profile_of_a_foreign_jobcenter_is_a_404(client, users, nrw):
    client.force_login(users.landkreistag)

    response = client.post(
        reverse("overviews:profile-pdf", args=[nrw.agreement.pk, nrw.city_jobcenter.pk])
    )

    assert response.status_code == 404
    assert not Rendering.objects.exists()


def test_an_overview_without_jobcenters_says_so(client, users, nrw):
    # The Landkreistag's only member becomes a city: nothing is left for its overview.
    Jobcenter.objects.filter(pk=nrw.kreis_jobcenter.pk).update(
        region_kind=RegionKind.KREISFREIE_STADT
    )
    client.force_login(users.landkreistag)

    response = client.get(reverse("overviews:status", args=[nrw.agreement.pk]))

    assert "Keine Jobcenter in dieser Übersicht." in response.content.decode()
