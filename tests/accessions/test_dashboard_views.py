"""Where the jobcenters stand with an agreement: dashboard, list, CSV and XLSX export."""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accessions.dashboard_views import EXPORT_COLUMNS
from accessions.models import AccessionStatus, standing_label
from tests import factories
from tests.downloads import ask_for_xlsx, download

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def world(nrw, accession_world):
    """accession_world (with Bochum, not started) plus a returned city, a withdrawn Kreis and
    a Kreis not started."""

    class World:
        agreement = nrw.agreement
        returned = factories.AccessionFactory(
            jobcenter=factories.JobcenterFactory(name="Jobcenter Solingen", zkt=True),
            agreement=nrw.agreement,
            returned=True,
        )
        withdrawn = factories.AccessionFactory(
            jobcenter=factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Höxter"),
            agreement=nrw.agreement,
            complete=True,
            status=AccessionStatus.WITHDRAWN,
            joined_on=datetime.date(2018, 7, 2),
            withdrawn_on=datetime.date(2019, 1, 15),
        )
        not_started = factories.JobcenterFactory(kreis=True, name="Jobcenter Kreis Gütersloh")

    return World


def dashboard(world):
    return reverse("accessions:dashboard", args=[world.agreement.pk])


def jobcenter_list(world):
    return reverse("accessions:jobcenters", args=[world.agreement.pk])


def export(world, file_format):
    return reverse(f"accessions:export-{file_format}", args=[world.agreement.pk])


def names(response):
    return [jobcenter.name for jobcenter in response.context["page"]]


def csv_rows(response):
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


# The dashboard


def test_dashboard_counts_joined_of_all(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    total = response.context["overview"].total
    assert (total.joined, total.total) == (1, 7)
    assert "1 von 7 Jobcentern sind beigetreten (14 %)." in " ".join(
        response.content.decode().split()
    )


def test_dashboard_counts_every_standing(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    counts = {
        standing: count for standing, _l, count, _q in response.context["overview"].total.cells()
    }
    assert counts == {
        "accepted": 1,
        "submitted": 1,
        "returned": 1,
        "draft": 1,
        "not_started": 2,
        "withdrawn": 1,
    }


def test_dashboard_splits_by_association(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    by_association = {
        tally.label: (tally.joined, tally.total)
        for tally in response.context["overview"].by_association
    }
    # Kreise: Steinfurt, Olpe, Höxter, Gütersloh; cities: Düsseldorf, Solingen, Bochum.
    assert by_association == {"Landkreistag NRW": (0, 4), "Städtetag NRW": (1, 3)}


def test_dashboard_splits_by_form(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    by_form = {tally.filters["form"]: tally.total for tally in response.context["overview"].by_form}
    assert by_form == {"gE": 6, "zkT": 1}


def test_dashboard_counts_only_the_members_for_an_association(client, users, world):
    client.force_login(users.staedtetag)

    response = client.get(dashboard(world))

    overview = response.context["overview"]
    assert (overview.total.joined, overview.total.total) == (1, 3)
    assert [tally.label for tally in overview.by_association] == ["Städtetag NRW"]
    assert "Gezählt sind die Jobcenter Ihrer Mitglieder." in response.content.decode()


def test_dashboard_links_each_count_to_the_list_of_exactly_those(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    tally = next(
        t for t in response.context["overview"].by_association if t.label == "Städtetag NRW"
    )
    link = (
        f"{jobcenter_list(world)}?association={tally.filters['association']}&amp;standing=returned"
    )
    assert link in response.content.decode()
    listed = ministry_client.get(
        jobcenter_list(world), {"association": tally.filters["association"], "standing": "returned"}
    )
    assert names(listed) == ["Jobcenter Solingen"]


def test_dashboard_course_counts_members_by_quarter(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    course = response.context["course"]
    assert not course.by_year
    # Düsseldorf joined 20.03.2018, Höxter 02.07.2018 and left 15.01.2019.
    assert [(p.label, p.joined, p.withdrawn, p.members) for p in course.periods] == [
        ("1. Quartal 2018", 1, 0, 1),
        ("2. Quartal 2018", 0, 0, 1),
        ("3. Quartal 2018", 1, 0, 2),
        ("4. Quartal 2018", 0, 0, 2),
        ("1. Quartal 2019", 0, 1, 1),
    ]


def test_dashboard_chart_is_an_svg_with_a_name_and_its_table(ministry_client, world):
    response = ministry_client.get(dashboard(world))

    content = response.content.decode()
    assert '<svg class="chart"' in content
    assert 'role="img" aria-labelledby="verlauf-titel verlauf-beschreibung"' in content
    assert '<title id="verlauf-titel">Mitglieder am Ende jedes Quartals</title>' in content
    assert "style=" not in content.split('<svg class="chart"')[1].split("</svg>")[0]
    assert '<th scope="row" class="fw-normal">1. Quartal 2019</th>' in content


def test_dashboard_without_members_says_so(ministry_client):
    agreement = factories.AgreementFactory(short_title="Vereinbarung ohne Mitglieder")

    response = ministry_client.get(reverse("accessions:dashboard", args=[agreement.pk]))

    assert response.context["course"] is None
    assert "Noch ist kein Jobcenter beigetreten." in response.content.decode()


@pytest.mark.parametrize("count", [10, 400])
def test_dashboard_runs_the_same_queries_for_10_and_400_jobcenters(
    ministry_client, world, count, django_assert_num_queries
):
    _make_jobcenters(world.agreement, count)
    # session, user, organisation; agreement; associations; jobcenters with their
    # standing; the joined accessions for the course.
    with django_assert_num_queries(7):
        response = ministry_client.get(dashboard(world))
    assert response.context["overview"].total.total == count + 7


# The list


def test_list_shows_each_jobcenter_with_its_standing(ministry_client, world):
    response = ministry_client.get(jobcenter_list(world), {"sort": "standing"})

    rows = [(j.name, standing_label(j.accession_status)) for j in response.context["page"]]
    assert rows == [
        ("Jobcenter Düsseldorf", "beigetreten"),
        ("Jobcenter Kreis Olpe", "eingereicht"),
        ("Jobcenter Solingen", "zurückgegeben"),
        ("Jobcenter Kreis Steinfurt", "Entwurf"),
        ("Jobcenter Bochum", "nicht begonnen"),
        ("Jobcenter Kreis Gütersloh", "nicht begonnen"),
        ("Jobcenter Kreis Höxter", "ausgetreten"),
    ]


def test_list_links_the_standing_to_the_accession(ministry_client, world):
    response = ministry_client.get(jobcenter_list(world))

    assert reverse("accessions:detail", args=[world.returned.pk]) in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"standing": "not_started"}, ["Jobcenter Bochum", "Jobcenter Kreis Gütersloh"]),
        ({"standing": "draft"}, ["Jobcenter Kreis Steinfurt"]),
        ({"form": "zkT"}, ["Jobcenter Solingen"]),
        (
            {"region_kind": "kreisfreie_stadt"},
            ["Jobcenter Bochum", "Jobcenter Düsseldorf", "Jobcenter Solingen"],
        ),
        ({"q": "olpe"}, ["Jobcenter Kreis Olpe"]),
        ({"joined_from": "01.04.2018"}, ["Jobcenter Kreis Höxter"]),
        ({"joined_to": "31.03.2018"}, ["Jobcenter Düsseldorf"]),
        (
            {"joined_from": "01.01.2018", "joined_to": "31.12.2018", "sort": "-joined_on"},
            ["Jobcenter Kreis Höxter", "Jobcenter Düsseldorf"],
        ),
    ],
)
def test_list_filters(ministry_client, world, query, expected):
    response = ministry_client.get(jobcenter_list(world), query)

    assert names(response) == expected


def test_list_filters_by_association(ministry_client, world, nrw):
    response = ministry_client.get(jobcenter_list(world), {"association": nrw.staedtetag.pk})

    assert names(response) == ["Jobcenter Bochum", "Jobcenter Düsseldorf", "Jobcenter Solingen"]


def test_list_sorts_by_joined_on_with_the_unjoined_last(ministry_client, world):
    response = ministry_client.get(jobcenter_list(world), {"sort": "joined_on"})

    assert names(response)[:2] == ["Jobcenter Düsseldorf", "Jobcenter Kreis Höxter"]


@pytest.mark.parametrize(("sort", "places"), [("name", 0), ("-standing", 1)])
def test_the_standing_s_place_is_made_for_its_sort_only_and_names_the_status_once(
    ministry_client, world, sort, places
):
    # A Case with a When per standing wrote the status subquery six times, and compiling
    # it was most of the list's cost, on every sort.
    with CaptureQueriesContext(connection) as captured:
        ministry_client.get(jobcenter_list(world), {"sort": sort})

    page_query = next(q["sql"] for q in captured if '"accession_status"' in q["sql"])
    assert page_query.count("CASE") == places
    assert page_query.count('"status" AS') == 1 + places  # a subquery's column


def test_an_unknown_sort_sorts_by_name_and_keeps_the_other_filters(ministry_client, world, nrw):
    response = ministry_client.get(
        jobcenter_list(world), {"sort": "joined", "association": nrw.staedtetag.pk}
    )

    assert names(response) == ["Jobcenter Bochum", "Jobcenter Düsseldorf", "Jobcenter Solingen"]
    assert "error-summary" not in response.content.decode()


def test_list_names_a_bad_date_at_its_field_and_keeps_it(ministry_client, world):
    response = ministry_client.get(jobcenter_list(world), {"joined_from": "31.02.2018"})

    content = response.content.decode()
    assert "Den 31.02.2018 gibt es nicht: der Februar 2018 hat 28 Tage." in content
    assert 'value="31.02.2018"' in content
    assert "Diese Liste als CSV-Datei" not in content


def test_list_names_a_date_before_1990_at_its_field(ministry_client, world):
    response = ministry_client.get(jobcenter_list(world), {"joined_from": "01.01.0001"})

    assert response.context["filters"].errors["joined_from"] == [
        "Bitte geben Sie ein Datum ab dem 01.01.1990 an."
    ]


def test_list_refuses_an_end_before_the_start(ministry_client, world):
    response = ministry_client.get(
        jobcenter_list(world), {"joined_from": "01.01.2019", "joined_to": "01.01.2018"}
    )

    assert response.context["filters"].errors["joined_to"] == [
        "Das Ende darf nicht vor dem Anfang liegen."
    ]


def test_list_shows_only_the_members_to_an_association(client, users, world):
    client.force_login(users.landkreistag)

    response = client.get(jobcenter_list(world))

    assert sorted(names(response)) == [
        "Jobcenter Kreis Gütersloh",
        "Jobcenter Kreis Höxter",
        "Jobcenter Kreis Olpe",
        "Jobcenter Kreis Steinfurt",
    ]


def test_list_paginates_and_keeps_the_filters(ministry_client, world):
    _make_jobcenters(world.agreement, 200)  # 50 of them joined, and Düsseldorf

    response = ministry_client.get(jobcenter_list(world), {"standing": "accepted", "seite": 2})

    assert response.context["page"].number == 2
    assert re.search(r'"\?standing=accepted&amp;vor=2\.\d+&amp;seite=1"', response.content.decode())


@pytest.mark.parametrize("count", [10, 400])
@pytest.mark.parametrize("last", [False, True])
def test_list_runs_the_same_queries_for_10_and_400_jobcenters(
    ministry_client, world, count, last, django_assert_num_queries
):
    _make_jobcenters(world.agreement, count)
    query = {"sort": "-standing", "form": "gE", "joined_to": "31.12.2030"}
    if last:
        first = ministry_client.get(jobcenter_list(world), query)
        query["seite"] = first.context["page"].paginator.num_pages
    # session, user, organisation; agreement; association choices; count; page rows
    # (association and standing as subqueries); nothing per row.
    with django_assert_num_queries(7):
        response = ministry_client.get(jobcenter_list(world), query)
    assert response.status_code == 200
    assert len(response.context["page"]) > 0


# The exports


def test_csv_has_german_headers_and_dates(ministry_client, world):
    response = ministry_client.get(export(world, "csv"), {"standing": "accepted"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="beitritte-rahmenvereinbarung-inklusion-nrw-'
    )
    header, *rows = csv_rows(response)
    assert header == [
        "Jobcenter",
        "Region",
        "Gebietsart",
        "Form",
        "Kommunaler Spitzenverband",
        "Stand",
        "eingereicht am",
        "beigetreten am",
        "ausgetreten am",
    ]
    assert len(rows) == 1
    assert rows[0][0] == "Jobcenter Düsseldorf"
    assert rows[0][4:] == ["Städtetag NRW", "beigetreten", "", "20.03.2018", ""]


def test_csv_asked_for_in_english_is_english(ministry_client, world):
    # Streamed after the view returned: its headers and values were German, the language
    # the page's was reset to before the rows were written.
    ministry_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = ministry_client.get(export(world, "csv"), {"standing": "accepted"})

    header, *rows = csv_rows(response)
    with translation.override("en"):
        english = [str(column.header) for column in EXPORT_COLUMNS]
        joined = str(standing_label(AccessionStatus.ACCEPTED))
    assert header == english
    assert header[5] != "Stand" and joined != "beigetreten"
    assert rows[0][5] == joined


def test_export_holds_exactly_the_filtered_rows_of_all_pages(ministry_client, world):
    _make_jobcenters(world.agreement, 200)
    query = {"form": "gE", "sort": "-standing"}

    listed = ministry_client.get(jobcenter_list(world), query)
    exported = csv_rows(ministry_client.get(export(world, "csv"), query))[1:]

    assert listed.context["page"].paginator.num_pages == 2
    all_listed = [j["name"] for j in listed.context["page"].paginator.object_list]
    assert [row[0] for row in exported] == all_listed


def test_xlsx_has_real_dates_and_german_headers(ministry_client, world):
    response = download(ministry_client, export(world, "xlsx"), {"sort": "name"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="beitritte-rahmenvereinbarung-inklusion-nrw-'
    )
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Jobcenter"
    assert rows[0][7] == "beigetreten am"
    hoexter = next(
        row for row in sheet.iter_rows(min_row=2) if row[0].value == "Jobcenter Kreis Höxter"
    )
    assert hoexter[7].is_date
    assert hoexter[7].value.date() == datetime.date(2018, 7, 2)
    assert hoexter[7].number_format == "DD.MM.YYYY"
    assert hoexter[8].value.date() == datetime.date(2019, 1, 15)
    assert len(rows) == 8


def test_exports_keep_a_formula_as_text(ministry_client, world):
    factories.JobcenterFactory(name='=HYPERLINK("http://boese.example")', region="+1")

    csv_names = [row[0] for row in csv_rows(ministry_client.get(export(world, "csv")))]
    xlsx = download(ministry_client, export(world, "xlsx")).getvalue()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]

    assert '\'=HYPERLINK("http://boese.example")' in csv_names
    evil = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert evil.data_type == "s"
    assert evil.value == '=HYPERLINK("http://boese.example")'


def test_export_with_bad_filters_sends_back_to_the_list(ministry_client, world):
    response = ask_for_xlsx(ministry_client, export(world, "xlsx"), {"joined_from": "gestern"})

    assert response.status_code == 302
    assert response.url == f"{jobcenter_list(world)}?joined_from=gestern"


def test_export_for_an_association_holds_only_its_members(client, users, world):
    client.force_login(users.staedtetag)

    rows = csv_rows(client.get(export(world, "csv")))[1:]

    assert sorted(row[0] for row in rows) == [
        "Jobcenter Bochum",
        "Jobcenter Düsseldorf",
        "Jobcenter Solingen",
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("user_kind", "status"),
    [
        ("ministry", 200),
        ("directorate", 200),
        ("landkreistag", 200),
        ("city_manager", 403),
        ("kreis_manager", 403),
        ("hessen_ministry", 403),
    ],
)
def test_export_access(client, users, world, user_kind, status, file_format):
    client.force_login(getattr(users, user_kind))

    assert download(client, export(world, file_format)).status_code == status


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_asks_the_anonymous_to_log_in(client, world, file_format):
    response = client.get(export(world, file_format))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_of_a_foreign_unpublished_agreement_is_not_found(client, users, hessen, file_format):
    client.force_login(users.ministry)

    url = reverse(f"accessions:export-{file_format}", args=[hessen.agreement.pk])

    response = download(client, url)

    assert response.status_code == 404


@pytest.mark.parametrize("count", [10, 400])
def test_export_runs_the_same_queries_for_10_and_400_jobcenters(
    ministry_client, world, count, django_assert_num_queries
):
    _make_jobcenters(world.agreement, count)
    # session, user, organisation; agreement; rows (streamed as they are sent).
    with django_assert_num_queries(5):
        response = ministry_client.get(export(world, "csv"), {"form": "gE"})
        content = response.getvalue()
    assert response.status_code == 200
    assert content.startswith("\ufeffJobcenter;".encode())


# The start page


def test_start_page_links_the_directorate_to_the_dashboard_and_the_queue(client, users, world):
    client.force_login(users.directorate)

    content = client.get(reverse("home")).content.decode()

    assert dashboard(world) in content
    assert reverse("accessions:queue") in content
    assert "1 eingereichter Beitritt wartet auf die Entscheidung des Ministeriums." in content


def test_start_page_links_an_association_to_its_dashboard(client, users, world):
    client.force_login(users.landkreistag)

    content = client.get(reverse("home")).content.decode()

    assert dashboard(world) in content
    assert "Wer von Ihren Mitgliedern beigetreten ist" in content


def test_start_page_offers_no_dashboard_to_a_jobcenter(client, users, world):
    client.force_login(users.city_manager)

    assert dashboard(world) not in client.get(reverse("home")).content.decode()


def _make_jobcenters(agreement, count):
    """``count`` more jobcenters, every fourth joined, every fourth submitted."""
    for number in range(count):
        jobcenter = factories.JobcenterFactory(
            name=f"Jobcenter Massentest {number:04d}", kreis=bool(number % 2), zkt=bool(number % 3)
        )
        if number % 4 == 0:
            factories.AccessionFactory(
                jobcenter=jobcenter,
                agreement=agreement,
                status=AccessionStatus.ACCEPTED,
                joined_on=datetime.date(2018, 1, 1) + datetime.timedelta(days=number),
                signed_form="beitritte/x.pdf",
            )
        elif number % 4 == 1:
            factories.AccessionFactory(
                jobcenter=jobcenter,
                agreement=agreement,
                status=AccessionStatus.SUBMITTED,
                signed_form="beitritte/x.pdf",
            )


@pytest.mark.parametrize("sort", ["standing", "-standing", "association", "joined_on"])
def test_next_and_previous_pages_of_the_standings_read_on_in_every_sort(
    client, users, nrw, accession_world, sort
):
    # By standing or association the sort key is an annotation that the rows' ``values``
    # hid from the anchor's look-up: "next" was a 500.
    for number in range(56):
        factories.JobcenterFactory(name=f"Jobcenter {number:02d}", kreis=bool(number % 2))
    client.force_login(users.ministry)
    url = reverse("accessions:jobcenters", args=[nrw.agreement.pk])
    numbered = [
        [row.pk for row in client.get(url, {"sort": sort, "seite": page}).context["page"]]
        for page in (1, 2)
    ]
    page = client.get(url, {"sort": sort, "seite": 1}).context["page"]
    # An order of expressions (the date of joining, empty ones last) has no anchor.
    query = {"sort": sort, "seite": 2}
    if page.next_anchor:
        direction, _equals, anchor = page.next_anchor.partition("=")
        query[direction] = anchor

    response = client.get(url, query)

    assert response.status_code == 200
    assert [row.pk for row in response.context["page"]] == numbered[1]
