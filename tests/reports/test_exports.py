"""Exports: a CSV streams from the web worker, an XLSX is an ``Export`` row a Celery worker
writes (its page shows the progress, then the download) for its requester and the
colleagues who see the same list; anybody else's is not found."""

import csv
import datetime
import io
import re

import pytest
from django.http import QueryDict
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import memory
from core.exports import CSV_ROWS_PER_CHUNK, Column, Table, _csv_value, csv_response, write_xlsx
from reports import jobs, services
from reports.models import Export, JobStage, JobStatus
from tests import factories
from tests.downloads import ask_for_xlsx, download

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

REGISTER_XLSX = reverse("jobcenters:export-xlsx")


def _ask(client, url=REGISTER_XLSX, query=None, run=False):
    """The export button; with ``run`` its (eager) task runs after the commit."""
    with TestCase.captureOnCommitCallbacks(execute=run):
        response = ask_for_xlsx(client, url, query)
    assert response.status_code == 302
    return Export.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


# The CSV: streamed, as it was before


def _csv_as_before(columns, rows):
    """The CSV as ``core.exports.csv_response`` built it in memory before it streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue().removesuffix("\r\n")).encode()


TRICKY_ROWS = [
    ("Jobcenter Düsseldorf", 12, datetime.date(2018, 3, 20), None),
    ('Semikolon; und "Anführung"', 0, None, "Zeile\neins\r\nzwei"),
    ("=HYPERLINK(1)", -3, datetime.date(2026, 1, 1), "+49 211"),
    ("Steuer\x0bzeichen\x01", None, None, "@start"),
]


@pytest.mark.parametrize("count", [0, 1, CSV_ROWS_PER_CHUNK, CSV_ROWS_PER_CHUNK * 2 + 7])
def test_the_streamed_csv_is_byte_for_byte_the_file_made_in_memory_before(count):
    columns = [Column("Name"), Column("Zahl"), Column("Datum"), Column("Text")]
    rows = [TRICKY_ROWS[number % len(TRICKY_ROWS)] for number in range(count)]
    table = Table("Jobcenter", columns, iter(rows), lambda: len(rows))

    response = csv_response(table)

    assert response.streaming
    assert response.getvalue() == _csv_as_before(columns, rows)


def test_the_csv_export_streams_from_the_database_a_chunk_at_a_time(ministry_client, nrw):
    response = ministry_client.get(reverse("jobcenters:export-csv"))

    # A generator over the queryset's iterator: nothing is read before it is sent.
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.getvalue().decode("utf-8-sig").startswith("Jobcenter;Region;")


# The XLSX: a job


def test_the_xlsx_button_leads_to_the_export_page_which_offers_the_file(
    ministry_client, users, nrw
):
    export = _ask(ministry_client, query={"q": "Steinfurt"}, run=True)

    page = ministry_client.get(export.get_absolute_url()).content.decode()
    response = ministry_client.get(reverse("exports:download", args=[export.pk]))

    export.refresh_from_db()
    assert export.status == JobStatus.DONE
    assert (export.rows_done, export.rows_total) == (1, 1)
    assert export.requested_by == users.ministry
    assert "Die Excel-Datei ist fertig (1 Zeile" in page
    assert reverse("exports:download", args=[export.pk]) in page
    assert response["Content-Disposition"].startswith('attachment; filename="jobcenter-')
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "Jobcenter",
        "Jobcenter Kreis Steinfurt",
    ]


def test_an_xlsx_export_gives_back_the_memory_it_freed(monkeypatch, ministry_client):
    trims = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: trims.append)

    export = _ask(ministry_client, query={"q": "Steinfurt"}, run=True)

    export.refresh_from_db()
    assert export.status == JobStatus.DONE and trims == [0]


XLSX_BUTTONS = [
    ("jobcenters:export-xlsx", "jobcenters:list"),
    ("measures:export-xlsx", "measures:list"),
    ("measures:key-figures-export-xlsx", "measures:key-figures"),
    ("accessions:export-xlsx", "accessions:jobcenters"),
]


@pytest.mark.parametrize(("export_name", "list_name"), XLSX_BUTTONS)
def test_a_get_of_an_xlsx_address_makes_no_export_and_leads_to_the_list_s_button(
    ministry_client, accession_world, nrw, export_name, list_name
):
    kwargs = {"agreement_pk": nrw.agreement.pk} if export_name.startswith("accessions") else None
    url = reverse(export_name, kwargs=kwargs)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = ministry_client.get(url, {"q": "Jobcenter"})  # a bookmark, a prefetch
    page = ministry_client.get(response.url).content.decode()

    assert not Export.objects.exists()
    assert response.url == f"{reverse(list_name, kwargs=kwargs)}?q=Jobcenter"
    assert "Eine Excel-Datei entsteht mit ihrem Knopf auf dieser Seite." in page
    # The button: a form that posts to the same address with the list's filters.
    button = re.search(
        r'<form class="d-flex" method="post" data-export '
        rf'action="{re.escape(url)}\?q=Jobcenter[^"]*">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">\s*'
        r'<button type="submit" class="btn btn-outline-primary">',
        page,
    )
    assert button is not None, page


def test_the_xlsx_button_needs_its_csrf_token(users, nrw):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.ministry)
    page = client.get(reverse("jobcenters:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    refused = client.post(REGISTER_XLSX)
    asked = client.post(REGISTER_XLSX, {"csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert asked.url == Export.objects.get().get_absolute_url()


def test_a_waiting_export_shows_its_progress_and_follows_it_with_the_static_script(
    ministry_client, nrw
):
    export = _ask(ministry_client)
    Export.objects.filter(pk=export.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), rows_done=12000, rows_total=80000
    )

    page = ministry_client.get(export.get_absolute_url()).content.decode()
    state = ministry_client.get(reverse("exports:status", args=[export.pk])).json()

    assert "12.000 von 80.000 Zeilen" in page
    assert "js/rendering-status.js" in page
    assert "<script>" not in page  # the CSP allows no inline script
    assert state == {
        "status": "running",
        "stage": "running",
        "label": "wird erstellt",
        "pending": True,
        "rows_done": 12000,
        "rows_total": 80000,
        "progress": "12.000 von 80.000 Zeilen",
    }


def test_a_second_click_while_it_waits_is_the_same_export(ministry_client, nrw):
    first = _ask(ministry_client, query={"q": "Kreis"})

    second = _ask(ministry_client, query={"q": "Kreis"})

    assert second.pk == first.pk
    assert _ask(ministry_client, query={"q": "Stadt"}).pk != first.pk


def test_the_export_holds_the_list_s_rows_in_the_language_of_the_page(client, users, nrw):
    client.force_login(users.ministry)
    client.cookies["django_language"] = "en"

    response = download(client, REGISTER_XLSX, {"q": "Steinfurt"})

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.cell(row=1, column=3).value == "Area type"
    assert sheet.cell(row=2, column=1).value == "Jobcenter Kreis Steinfurt"


def test_a_finished_export_is_not_downloaded_before_it_is_done(ministry_client, nrw):
    export = _ask(ministry_client)

    assert ministry_client.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_the_xlsx_of_each_list_opens_with_its_rows(ministry_client, accession_world, nrw):
    urls = [
        reverse("measures:export-xlsx"),
        reverse("measures:key-figures-export-xlsx"),
        reverse("accessions:export-xlsx", args=[nrw.agreement.pk]),
    ]

    sheets = [load_workbook(io.BytesIO(download(ministry_client, url).getvalue())) for url in urls]

    titles = [workbook.active.title for workbook in sheets]
    assert titles == ["Maßnahmen", "Kennzahlen", "Beitritte"]
    assert all(workbook.active.max_row > 1 for workbook in sheets)


def test_an_export_whose_filters_went_wrong_fails_and_is_offered_again(ministry_client, nrw):
    export = _ask(ministry_client)
    Export.objects.filter(pk=export.pk).update(query="form=quatsch")

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.export_dispatch(export.pk)
    page = ministry_client.get(export.get_absolute_url()).content.decode()

    export.refresh_from_db()
    assert export.status == JobStatus.FAILED
    assert "Noch einmal versuchen" in page


# Who sees it


@pytest.fixture
def landkreistag_export(client, users, nrw):
    client.force_login(users.landkreistag)
    export = _ask(client, run=True)
    client.logout()
    return export


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [
        ("landkreistag", 200),  # its requester
        ("colleague", 200),  # the same association, the same role: the same list
        ("admin", 200),
        ("staedtetag", 404),  # another association
        ("ministry", 404),
        ("kreis_manager", 404),  # a member of the association
        ("hessen_ministry", 404),
    ],
)
@pytest.mark.parametrize("name", ["exports:detail", "exports:status", "exports:download"])
def test_an_export_is_seen_by_its_requester_and_colleagues_only(
    client, users, nrw, landkreistag_export, user_kind, status, name
):
    if user_kind == "colleague":
        user = factories.UserFactory(organisation=nrw.landkreistag, role="association_staff")
    else:
        user = getattr(users, user_kind)
    client.force_login(user)

    response = client.get(reverse(name, args=[landkreistag_export.pk]))

    assert response.status_code == status


def test_a_foreign_export_cannot_be_asked_for_again(client, users, nrw, landkreistag_export):
    Export.objects.filter(pk=landkreistag_export.pk).update(status=JobStatus.FAILED)
    client.force_login(users.staedtetag)

    response = client.post(reverse("exports:retry", args=[landkreistag_export.pk]))

    assert response.status_code == 404


def test_the_export_pages_ask_the_anonymous_to_log_in(client, landkreistag_export):
    response = client.get(landkreistag_export.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Writing it


def test_write_xlsx_reports_progress_and_filters_exactly_its_rows(tmp_path):
    rows = [(f"Jobcenter {number}", number, datetime.date(2026, 1, 1)) for number in range(25)]
    table = Table("Jobcenter", [Column("Name"), Column("Zahl"), Column("Datum")], rows, len)
    progress = []

    written = write_xlsx(table, tmp_path / "x.xlsx", progress=progress.append, every=10)

    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert written == 25
    assert progress == [10, 20, 25]
    assert sheet.auto_filter.ref == "A1:C26"
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=26, column=3).number_format == "DD.MM.YYYY"


# Lost and found


def test_an_export_asked_for_while_redis_is_down_is_recorded_and_swept_once(
    ministry_client, nrw, monkeypatch
):
    dispatched = []
    monkeypatch.setattr(jobs, "dispatch_task", lambda task, pk: None)  # Redis is down

    export = _ask(ministry_client, run=True)
    page = ministry_client.get(export.get_absolute_url())

    assert page.status_code == 200
    assert "Die Excel-Datei wartet auf den Hintergrunddienst." in page.content.decode()
    assert export.stage == JobStage.UNDISPATCHED
    monkeypatch.setattr(
        jobs, "dispatch_task", lambda task, pk: dispatched.append(pk) or _Result(pk)
    )
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert services.exports_sweep(now=later) == 1
    assert services.exports_sweep(now=later + datetime.timedelta(minutes=1)) == 0
    assert dispatched == [export.pk]


class _Result:
    def __init__(self, pk):
        self.id = f"task-{pk}"


def test_the_export_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "reports.tasks.sweep_exports" in tasks


def test_exports_older_than_a_week_are_pruned_with_their_files(ministry_client, nrw, private_media):
    export = _ask(ministry_client, run=True)
    export.refresh_from_db()
    fresh = _ask(ministry_client, query={"q": "Kreis"}, run=True)
    Export.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=8)
    )

    assert services.exports_prune() == 1

    assert list(Export.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not (private_media / export.file.name).exists()


def test_the_query_is_kept_as_the_list_had_it(ministry_client, nrw):
    export = _ask(ministry_client, query={"q": "Kreis", "sort": "-name"})

    assert QueryDict(export.query) == QueryDict("q=Kreis&sort=-name")
    assert export.list_url == f"{reverse('jobcenters:list')}?q=Kreis&sort=-name"
