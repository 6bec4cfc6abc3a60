"""Measure pages: lists with filters and exports, the forms, the matrix, key figures, catalogue."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from measures import views
from measures.models import KeyFigures, Measure, MeasureStatus, ProgressNote, Publication
from tests import factories
from tests.downloads import download

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")

LIST = reverse("measures:list")


@pytest.fixture
def manager_client(client, users):
    client.force_login(users.city_manager)
    return client


def titles(response):
    return [measure.title for measure in response.context["page"]]


def _many_measures(agreement, action_field, count):
    jobcenters = [factories.JobcenterFactory(name=f"Jobcenter Masse {n:03d}") for n in range(10)]
    for number in range(count):
        factories.MeasureFactory(
            jobcenter=jobcenters[number % 10],
            agreement=agreement,
            action_field=action_field,
            status=MeasureStatus.values[number % 4],
        )


# The list


def test_a_manager_lists_only_the_own_jobcenters_measures(manager_client, accession_world):
    response = manager_client.get(LIST)

    assert sorted(titles(response)) == sorted(
        [accession_world.city_measure.title, accession_world.published_measure.title]
    )


def test_an_association_lists_its_members_measures(client, users, accession_world):
    client.force_login(users.landkreistag)

    assert titles(client.get(LIST)) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "eingang"}, ["Barrierefreier Eingangsbereich"]),
        ({"q": "bochum"}, ["Netzwerk psychische und Suchterkrankungen"]),
        ({"status": "completed"}, ["Barrierefreier Eingangsbereich"]),
        ({"year": "2018"}, []),
        (
            {"year": "2019"},
            [
                "Barrierefreier Eingangsbereich",
                "Netzwerk psychische und Suchterkrankungen",
                "„Hinschauen, statt wegschauen!“ – Inklusionstag",
            ],
        ),
    ],
)
def test_the_list_filters(ministry_client, accession_world, query, expected):
    Measure.objects.filter(pk=accession_world.city_measure.pk).update(
        status=MeasureStatus.COMPLETED
    )

    assert sorted(titles(ministry_client.get(LIST, query))) == sorted(expected)


def test_the_list_finds_a_measure_by_a_further_action_field(ministry_client, accession_world, nrw):
    second = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)
    accession_world.city_measure.further_action_fields.add(second)

    response = ministry_client.get(LIST, {"action_field": second.pk})

    assert titles(response) == ["Barrierefreier Eingangsbereich"]


def test_the_list_filters_by_jobcenter_and_association(ministry_client, accession_world, nrw):
    by_jobcenter = ministry_client.get(LIST, {"jobcenter": accession_world.bochum.pk})
    by_association = ministry_client.get(LIST, {"association": nrw.landkreistag.pk})

    assert titles(by_jobcenter) == ["Netzwerk psychische und Suchterkrankungen"]
    assert titles(by_association) == []


def test_the_list_filters_by_a_jobcenter_name_typed_in_any_case(ministry_client, accession_world):
    response = ministry_client.get(LIST, {"jobcenter": accession_world.bochum.name.upper()})

    assert titles(response) == ["Netzwerk psychische und Suchterkrankungen"]
    # The field shows what was typed; the pages keep the filter.
    assert f'value="{accession_world.bochum.name.upper()}"' in response.content.decode()


def test_a_part_of_one_jobcenter_name_typed_finds_that_jobcenter(ministry_client, accession_world):
    response = ministry_client.get(LIST, {"jobcenter": "bochum"})

    assert titles(response) == ["Netzwerk psychische und Suchterkrankungen"]
    assert not response.context["filters"].errors


def test_a_part_several_jobcenter_names_share_names_them_at_the_field(
    ministry_client, accession_world
):
    response = ministry_client.get(LIST, {"jobcenter": "jobcenter"})

    [error] = response.context["filters"].errors["jobcenter"]
    assert error.startswith("Mehrere Jobcenter passen zu „jobcenter“: ")
    assert accession_world.bochum.name in error
    assert titles(response) == []


def test_the_jobcenter_filter_is_a_text_field_with_suggestions_not_an_option_each(
    ministry_client, accession_world
):
    content = ministry_client.get(LIST).content.decode()

    field = re.search(r'<input type="search" name="jobcenter"[^>]*>', content).group()
    assert 'list="jobcenter-namen"' in field
    assert f'data-names-url="{reverse("jobcenters:names")}"' in field
    assert re.search(r'<label\s+for="id_jobcenter"', content)
    assert '<datalist id="jobcenter-namen"></datalist>' in content
    assert f'<option value="{accession_world.bochum.pk}"' not in content  # none per jobcenter


def test_a_jobcenter_nobody_sees_under_that_name_is_named_at_the_field(
    ministry_client, accession_world, hessen
):
    response = ministry_client.get(LIST, {"jobcenter": hessen.city_jobcenter.name})

    assert titles(response) == []
    assert "Kein Jobcenter heißt so." in response.context["filters"].errors["jobcenter"][0]


def test_a_jobcenter_filter_by_a_foreign_number_finds_nothing(ministry_client, hessen):
    factories.MeasureFactory(jobcenter=hessen.city_jobcenter)

    response = ministry_client.get(LIST, {"jobcenter": str(hessen.city_jobcenter.pk)})

    assert titles(response) == []
    assert "jobcenter" in response.context["filters"].errors


def test_a_jobcenter_filter_of_a_huge_number_is_a_name_nobody_has(ministry_client, nrw):
    response = ministry_client.get(LIST, {"jobcenter": "9" * 30})

    assert response.status_code == 200
    assert "jobcenter" in response.context["filters"].errors


@pytest.mark.parametrize("count", [10, 300])
@pytest.mark.parametrize("last", [False, True])
def test_the_list_runs_the_same_queries_for_10_and_300_measures(
    ministry_client, accession_world, nrw, count, last, django_assert_num_queries
):
    _many_measures(nrw.agreement, accession_world.action_field, count)
    query = {"status": "running", "sort": "-jobcenter"}
    if last:
        query["seite"] = ministry_client.get(LIST, query).context["page"].paginator.num_pages
    # session, user, organisation; the choices of agreement, action field and association
    # in one query (none per jobcenter); count; page rows.
    with django_assert_num_queries(6):
        response = ministry_client.get(LIST, query)
    assert response.status_code == 200
    assert len(response.context["page"]) > 0


def test_the_list_counts_its_measures_without_the_joins_of_its_columns(
    admin_client, accession_world, nrw
):
    _many_measures(nrw.agreement, accession_world.action_field, 60)

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(LIST)

    counts = [query["sql"] for query in captured if "COUNT(" in query["sql"]]
    assert len(counts) == 1
    assert "JOIN" not in counts[0]
    assert response.context["page"].paginator.count == Measure.objects.count()


def test_the_list_rows_show_their_cells_and_link_each_measure(
    ministry_client, accession_world, nrw
):
    measure = factories.MeasureFactory(
        jobcenter=nrw.city_jobcenter,
        agreement=nrw.agreement,
        action_field=accession_world.action_field,
        title="Beratung <barrierefrei> & mehr",
        status=MeasureStatus.RUNNING,
        starts_on=datetime.date(2025, 3, 4),
    )

    html = ministry_client.get(LIST, {"q": "barrierefrei"}).content.decode()

    title = "Beratung &lt;barrierefrei&gt; &amp; mehr"
    assert f'<a href="{measure.get_absolute_url()}">{title}</a>' in html
    assert f"<td>{nrw.city_jobcenter.name}</td>" in html
    field = accession_world.action_field
    assert f'<abbr title="{field.title}">HF {field.number}</abbr>' in html
    assert "<td>laufend</td>" in html
    assert "<td>04.03.2025</td>" in html
    assert "<td>nicht vorgeschlagen</td>" in html


def test_the_list_of_many_pages_links_a_handful_of_them(ministry_client, accession_world, nrw):
    _many_measures(nrw.agreement, accession_world.action_field, 450)

    response = ministry_client.get(LIST, {"seite": "8"})

    pages = re.search(r'<nav aria-label="Seiten">.*?</nav>', response.content.decode(), re.S)
    links = re.findall(r"seite=(\d+)\"", pages.group())
    assert response.context["page"].paginator.num_pages == 10
    # previous, 1, …, 6 to 10, next: not one link per page
    assert links == ["7", "1", "6", "7", "8", "9", "10", "9"]


def test_the_filters_offer_no_action_field_of_another_state_s_agreement(
    manager_client, accession_world
):
    hessen = factories.AgreementFactory(state="HE", short_title="Kooperation Hessen")
    factories.ActionFieldFactory(agreement=hessen, title="Jugendberufsagenturen")

    filters = manager_client.get(LIST).context["filters"]

    assert hessen not in filters.fields["agreement"].queryset
    assert not filters.fields["action_field"].queryset.filter(agreement=hessen).exists()
    assert filters.fields["action_field"].queryset.exists()


def test_the_export_holds_exactly_the_filtered_rows(ministry_client, accession_world, nrw):
    _many_measures(nrw.agreement, accession_world.action_field, 120)
    query = {"agreement": nrw.agreement.pk, "sort": "jobcenter"}

    listed = ministry_client.get(LIST, query).context["page"].paginator.object_list
    response = ministry_client.get(reverse("measures:export-csv"), query)
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8")[1:]), delimiter=";"))

    assert rows[0][:4] == ["Titel", "Jobcenter", "Vereinbarung", "Handlungsfeld"]
    assert [row[0] for row in rows[1:]] == [measure["title"] for measure in listed]
    assert len(rows) - 1 > 50  # more than one page


def test_the_export_is_named_with_its_umlaut_and_names_action_fields_by_title(
    ministry_client, accession_world
):
    measure = accession_world.city_measure
    measure.further_action_fields.add(
        factories.ActionFieldFactory(agreement=measure.agreement, number=2, title="Zugänglichkeit")
    )

    response = ministry_client.get(reverse("measures:export-csv"), {"q": "eingang"})

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="massnahmen-')
    assert "filename*=utf-8''ma%C3%9Fnahmen-" in disposition
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    field = accession_world.action_field
    assert rows[1][3:5] == [f"{field.number}. {field.title}", "2. Zugänglichkeit"]


def test_exports_end_with_their_last_row(ministry_client, accession_world):
    text = ministry_client.get(reverse("measures:export-csv")).getvalue().decode("utf-8-sig")
    empty = download(ministry_client, reverse("measures:export-xlsx"), {"q": "gibt es nicht"})

    assert not text.endswith("\n")
    assert all(line for line in text.split("\r\n"))
    sheet = load_workbook(io.BytesIO(empty.getvalue())).active
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:M1"


def test_the_xlsx_export_has_real_dates(ministry_client, accession_world):
    response = download(ministry_client, reverse("measures:export-xlsx"), {"q": "eingang"})

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    start = sheet.cell(row=2, column=7)
    assert start.is_date and start.value.date() == datetime.date(2019, 1, 1)
    assert start.number_format == "DD.MM.YYYY"


@pytest.mark.parametrize("name", ["measures:export-csv", "measures:export-xlsx"])
def test_the_export_leaves_out_control_characters_stored_before_they_were_refused(
    ministry_client, accession_world, name
):
    Measure.objects.filter(pk=accession_world.city_measure.pk).update(
        title="Barrierefreier\x0b Eingang\x01bereich"
    )

    response = download(ministry_client, reverse(name), {"q": "barrierefrei"})

    assert response.status_code == 200
    if name.endswith("xlsx"):
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        title = sheet.cell(row=2, column=1).value
    else:
        title = response.getvalue().decode("utf-8").splitlines()[1].split(";")[0]
    assert title == "Barrierefreier Eingangbereich"


def test_the_export_with_a_bad_year_goes_back_to_the_list(ministry_client, accession_world):
    response = ministry_client.get(reverse("measures:export-csv"), {"year": "neunzehn"})

    assert response.status_code == 302
    assert response.url == f"{LIST}?year=neunzehn"


def test_the_export_of_a_manager_holds_only_the_own_measures(manager_client, accession_world):
    response = manager_client.get(reverse("measures:export-csv"))

    assert "Netzwerk psychische" not in response.getvalue().decode()


@pytest.mark.parametrize("name", ["measures:export-csv", "measures:export-xlsx"])
def test_the_export_asks_the_anonymous_to_log_in(client, name):
    assert client.get(reverse(name)).status_code == 302


# Recording


def _new_measure(accession_world, title):
    return {
        "title": title,
        "action_field": accession_world.action_field.pk,
        "status": "planned",
        "starts_on": "01.08.2026",
    }


def test_a_manager_records_a_measure(manager_client, accession_world, nrw, readback):
    response = manager_client.post(
        reverse("measures:create", args=[nrw.agreement.pk]),
        _new_measure(accession_world, "Inklusive Ausbildung"),
    )

    measure = Measure.objects.get(title="Inklusive Ausbildung")
    assert response.url == measure.get_absolute_url()
    assert measure.jobcenter == nrw.city_jobcenter
    assert measure.starts_on == datetime.date(2026, 8, 1)
    readback(measure, "Inklusive Ausbildung", "01.08.2026", "geplant")


def test_an_unknown_sort_sorts_by_title_without_an_error(ministry_client, accession_world):
    response = ministry_client.get(LIST, {"sort": "-title;drop"})

    assert titles(response) == sorted(titles(response)) != []
    assert "error-summary" not in response.content.decode()


def test_a_control_character_in_the_title_is_named_at_the_field_and_kept(
    manager_client, accession_world, nrw
):
    response = manager_client.post(
        reverse("measures:create", args=[nrw.agreement.pk]),
        _new_measure(accession_world, "Inklusive\x0bAusbildung"),
    )

    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Inklusive\x0bAusbildung"
    assert response.context["form"].errors["title"] == [
        "Der Text enthält ein unsichtbares Steuerzeichen (U+000B, an Stelle 10), wie es oft "
        "mit kopiertem Text kommt. Bitte entfernen Sie es."
    ]
    assert not Measure.objects.filter(title__startswith="Inklusive").exists()


def test_bad_input_is_named_at_the_field_and_kept(manager_client, accession_world, nrw):
    response = manager_client.post(
        reverse("measures:create", args=[nrw.agreement.pk]),
        {
            "title": "Inklusive Ausbildung",
            "action_field": accession_world.action_field.pk,
            "status": "planned",
            "starts_on": "01.08.2026",
            "ends_on": "01.07.2026",
            "partners": "Lernen fördern e. V.",
        },
    )

    content = response.content.decode()
    assert response.context["form"].errors == {
        "ends_on": ["Das Ende darf nicht vor dem Beginn liegen."]
    }
    assert 'value="Lernen fördern e. V."' in content
    assert not Measure.objects.filter(title="Inklusive Ausbildung").exists()


def test_a_note_is_added_and_shown(manager_client, accession_world, readback):
    measure = accession_world.city_measure

    manager_client.post(
        reverse("measures:note", args=[measure.pk]),
        {"written_on": "30.06.2019", "text": "Rampe eingebaut."},
    )
    response = manager_client.get(measure.get_absolute_url())

    assert ProgressNote.objects.get(measure=measure).written_on == datetime.date(2019, 6, 30)
    assert "Rampe eingebaut." in response.content.decode()
    assert "30.06.2019" in response.content.decode()
    readback(ProgressNote.objects.get(measure=measure), "Rampe eingebaut.", "30.06.2019")


def test_the_ministry_publishes_a_proposal(ministry_client, accession_world, readback):
    measure = accession_world.proposed_measure

    ministry_client.post(reverse("measures:publish", args=[measure.pk]))

    assert ministry_client.get(reverse("catalogue:detail", args=[measure.pk])).status_code == 200
    readback(measure, "veröffentlicht")


def test_publishing_twice_says_what_happened(ministry_client, accession_world):
    measure = accession_world.published_measure

    response = ministry_client.post(reverse("measures:publish", args=[measure.pk]), follow=True)

    assert "„veröffentlicht“: das ist jetzt nicht möglich" in response.content.decode()


# Matrix


def test_the_matrix_counts_measures_by_status_in_each_field(ministry_client, accession_world, nrw):
    second = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)
    accession_world.city_measure.further_action_fields.add(second)

    response = ministry_client.get(reverse("measures:coverage", args=[nrw.agreement.pk]))

    matrix = response.context["matrix"]
    row = dict(matrix.rows)
    city = next(cells for jobcenter, cells in matrix.rows if jobcenter.pk == nrw.city_jobcenter.pk)
    assert [cell.parts() for cell in city] == [[("laufend", 2)], [("laufend", 1)]]
    assert matrix.covered == [2, 1]  # Düsseldorf and Bochum in HF 1; Düsseldorf in HF 2
    assert len(row) == 4


@pytest.mark.parametrize("count", [10, 300])
def test_the_matrix_runs_the_same_queries_for_10_and_300_measures(
    ministry_client, accession_world, nrw, count, django_assert_num_queries
):
    _many_measures(nrw.agreement, accession_world.action_field, count)
    # session, user, organisation; agreement; action fields; jobcenters; measures by
    # main field; by further fields; the association choices of the filter form.
    with django_assert_num_queries(9):
        response = ministry_client.get(
            reverse("measures:coverage", args=[nrw.agreement.pk]), {"form": "gE"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("sort", ["association", "-association"])
@pytest.mark.parametrize("view", ["coverage", "key-figures"])
def test_a_page_with_the_jobcenter_filters_takes_the_association_sort(
    ministry_client, accession_world, nrw, view, sort
):
    # Typed by hand, it was a 500: only the registry had annotated the association's name.
    args = [nrw.agreement.pk] if view == "coverage" else []

    response = ministry_client.get(reverse(f"measures:{view}", args=args), {"sort": sort})

    assert response.status_code == 200
    assert "Jobcenter Düsseldorf" in response.content.decode()


# Key figures


def test_key_figures_show_the_latest_year_with_sums(ministry_client, accession_world):
    factories.KeyFiguresFactory(jobcenter=accession_world.bochum, year=2025, severely_disabled=100)
    factories.KeyFiguresFactory(jobcenter=accession_world.bochum, year=2024)

    response = ministry_client.get(reverse("measures:key-figures"))

    assert response.context["year"] == 2025
    assert response.context["sums"]["severely_disabled"] == 920
    assert [row["year"] for row in response.context["by_year"]] == [2025, 2024]


def test_a_measure_s_text_shows_its_marks_as_emphasis_not_as_asterisks(
    client, users, accession_world
):
    measure = accession_world.published_measure
    measure.description = "Wir sprechen Arbeitgeber **gezielt** an. <b>kein HTML</b>"
    measure.save()
    client.force_login(users.ministry)

    pages = [
        client.get(reverse("measures:detail", args=[measure.pk])).content.decode(),
        client.get(reverse("catalogue:detail", args=[measure.pk])).content.decode(),
    ]
    preview = client.get(reverse("catalogue:list")).content.decode()

    for page in pages:
        assert "Arbeitgeber <strong>gezielt</strong> an. &lt;b&gt;kein HTML&lt;/b&gt;" in page
    assert "Arbeitgeber gezielt an." in preview
    assert "**gezielt**" not in preview


def test_the_catalogue_preview_keeps_list_items_and_paragraphs_apart(client, accession_world):
    # The defect: "Wir bieten: Messen Besuche" previewed as "Wir bieten:MessenBesuche".
    measure = accession_world.published_measure
    measure.description = "Wir bieten:\n- Messen\n- Besuche\n\nDanach **mehr**."
    measure.save()

    preview = client.get(reverse("catalogue:list")).content.decode()

    assert "Wir bieten: Messen Besuche Danach mehr." in preview


def test_key_figures_on_the_page_have_thousands_separators_the_export_raw_numbers(
    ministry_client, accession_world
):
    factories.KeyFiguresFactory(jobcenter=accession_world.bochum, year=2025, equal_status=2387)

    page = ministry_client.get(reverse("measures:key-figures")).content.decode()
    export = ministry_client.get(reverse("measures:key-figures-export-csv"), {"year": "2025"})

    assert '<td class="text-end">2.387</td>' in page
    assert '<td class="text-end">2.667</td>' in page  # the sum with Düsseldorf's 280
    assert "Das Jahr 2025" in page  # years stay years
    assert ";2387;" in export.getvalue().decode()


def test_proposing_without_contact_person_and_consent_names_both_in_one_round(
    manager_client, accession_world
):
    # The consent was a required field of the form: the missing contact person came only
    # after it was ticked.
    measure = accession_world.city_measure
    Measure.objects.filter(pk=measure.pk).update(contact_name="")

    response = manager_client.post(reverse("measures:propose", args=[measure.pk]), {})

    content = response.content.decode()
    assert response.status_code == 200
    # Once, in the summary above the form: crispy's box of the form's own errors repeated it.
    assert content.count("Für den Katalog braucht die Maßnahme eine Ansprechperson.") == 1
    assert "Bitte bestätigen Sie, dass die Ansprechperson einverstanden ist." in content
    measure.refresh_from_db()
    assert measure.publication == Publication.INTERNAL


def test_the_consent_on_the_propose_page_is_marked_required(manager_client, accession_world):
    page = manager_client.get(
        reverse("measures:propose", args=[accession_world.city_measure.pk])
    ).content.decode()

    checkbox = re.search(r'<input type="checkbox" name="contact_consents"[^>]*>', page).group()
    assert " required" in checkbox
    assert "asteriskField" in page


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({"year": "abc"}, "Keine Kennzahlen: Bitte korrigieren Sie die Filter oben."),
        ({"year": "1999"}, "Keine Kennzahlen: Bitte korrigieren Sie die Filter oben."),
        ({"q": "Nirgendwo"}, "Keine Kennzahlen zu diesen Filtern"),
    ],
)
def test_the_key_figures_heading_says_why_it_shows_none(client, users, nrw, query, heading):
    # A filter in error, or one nothing matches, said "no key figures yet".
    client.force_login(users.ministry)

    page = client.get(reverse("measures:key-figures"), query).content.decode()

    assert f'<h2 id="jahr">{heading}</h2>' in page


def test_the_filter_form_sent_empty_is_no_filter_for_the_key_figures_heading(client, users, nrw):
    # The form sends its hidden sort with every field empty: the query is not empty, yet
    # nothing is filtered.
    KeyFigures.objects.all().delete()
    client.force_login(users.ministry)
    query = {"q": "", "year": "", "association": "", "sort": "name", "seite": "2"}

    page = client.get(reverse("measures:key-figures"), query).content.decode()

    assert '<h2 id="jahr">Noch keine Kennzahlen</h2>' in page


def test_a_manager_enters_key_figures(manager_client, nrw, readback):
    data = {
        "year": "2024",
        "severely_disabled": "800",
        "equal_status": "300",
        "rehabilitants": "300",
        "integrations_severely_disabled": "60",
        "integrations_equal_status": "20",
        "integrations_rehabilitants": "30",
    }

    response = manager_client.post(reverse("measures:key-figures-new"), data)

    assert response.status_code == 302
    figures = KeyFigures.objects.get(jobcenter=nrw.city_jobcenter, year=2024)
    assert figures.rehabilitants == 300
    readback(figures, "800", "300", "60")


def test_correcting_key_figures_shows_who_entered_and_changed_them(
    manager_client, nrw, users, readback
):
    data = {
        "year": "2024",
        "severely_disabled": "800",
        "equal_status": "300",
        "rehabilitants": "300",
        "integrations_severely_disabled": "60",
        "integrations_equal_status": "20",
        "integrations_rehabilitants": "30",
    }
    manager_client.post(reverse("measures:key-figures-new"), data)
    manager_client.post(
        reverse("measures:key-figures-edit", args=[nrw.city_jobcenter.pk, 2024]),
        {**data, "rehabilitants": "310"},
    )

    response = manager_client.get(
        reverse("measures:key-figures-edit", args=[nrw.city_jobcenter.pk, 2024])
    )

    history = [event.summary for event in response.context["history"]]
    assert history == ["Kennzahlen 2024 geändert", "Kennzahlen 2024 erfasst"]
    assert "„300“ → „310“" in response.content.decode()
    readback(KeyFigures.objects.get(jobcenter=nrw.city_jobcenter, year=2024), "310")


def test_bad_key_figures_are_named_at_their_fields(manager_client, nrw):
    response = manager_client.post(
        reverse("measures:key-figures-new"),
        {"year": "2999", "severely_disabled": "-3", "equal_status": "viele", "rehabilitants": "5"},
    )

    errors = response.context["form"].errors
    assert errors["year"] == ["Kennzahlen gibt es erst, wenn das Jahr begonnen hat."]
    assert errors["severely_disabled"] == ["Bitte geben Sie eine ganze Zahl ab 0 an."]
    assert errors["equal_status"] == ["Bitte geben Sie eine ganze Zahl ab 0 an."]
    assert 'value="5"' in response.content.decode()


def test_key_figures_export(ministry_client, accession_world):
    url = reverse("measures:key-figures-export-xlsx")

    response = download(ministry_client, url, {"year": "2025"})

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [cell.value for cell in sheet[2]][:3] == ["Jobcenter Düsseldorf", 2025, 820]


@pytest.mark.parametrize("count", [5, 200])
def test_key_figures_run_the_same_queries_for_5_and_200_jobcenters(
    ministry_client, accession_world, count, django_assert_num_queries
):
    for number in range(count):
        factories.KeyFiguresFactory(
            jobcenter=factories.JobcenterFactory(name=f"Jobcenter Zahl {number:03d}"), year=2025
        )
    # session, user, organisation; association choices; latest year; rows; sums by year.
    with django_assert_num_queries(7):
        response = ministry_client.get(reverse("measures:key-figures"))
    assert len(response.context["rows"]) == count + 1


# The public catalogue


def test_the_catalogue_shows_only_published_measures(client, accession_world):
    response = client.get(reverse("catalogue:list"))

    assert titles(response) == [accession_world.published_measure.title]


@pytest.mark.parametrize("search", ["\x00", "a\u202eb", "x" * 101])
def test_a_search_the_catalogue_cannot_take_is_named_at_the_field(client, accession_world, search):
    response = client.get(reverse("catalogue:list"), {"q": search})

    assert response.status_code == 200
    assert response.context["search"].errors["q"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert titles(response) == []


def test_the_catalogue_searches(client, accession_world):
    assert titles(client.get(reverse("catalogue:list"), {"q": "düsseldorf"})) == [
        accession_world.published_measure.title
    ]
    assert titles(client.get(reverse("catalogue:list"), {"q": "nichts"})) == []


def test_the_catalogue_page_names_the_contact_person(client, accession_world):
    measure = accession_world.published_measure

    content = client.get(reverse("catalogue:detail", args=[measure.pk])).content.decode()

    assert "Max Muster" in content
    assert "Jobcenter Düsseldorf" in content


@pytest.mark.parametrize("count", [10, 300])
def test_the_catalogue_runs_the_same_queries_for_10_and_300_measures(
    client, accession_world, nrw, count, django_assert_num_queries
):
    for number in range(count):
        factories.MeasureFactory(
            jobcenter=nrw.city_jobcenter,
            agreement=nrw.agreement,
            action_field=accession_world.action_field,
            published=True,
            title=f"Gute Praxis {number:03d}",
        )
    # count; page rows with jobcenter, agreement and action field.
    with django_assert_num_queries(2):
        response = client.get(reverse("catalogue:list"))
    assert response.status_code == 200


def test_the_catalogue_pages_through_its_action_fields_in_order(
    client, accession_world, nrw, django_assert_num_queries
):
    fields = [
        accession_world.action_field,
        factories.ActionFieldFactory(agreement=nrw.agreement, number=2),
        factories.ActionFieldFactory(agreement=nrw.agreement, number=3),
    ]
    # 20, 40 and 45 measures, created out of order: page 2 spans two action fields,
    # page 3 lies inside the last one.
    for number in range(105):
        field = fields[0 if number < 20 else 1 if number < 60 else 2]
        factories.MeasureFactory(
            jobcenter=nrw.city_jobcenter,
            agreement=nrw.agreement,
            action_field=field,
            published=True,
            title=f"Gute Praxis {(number * 37) % 105:03d}",
        )
    expected = list(
        Measure.objects.published()
        .order_by("action_field__number", "title", "pk")
        .values_list("pk", flat=True)
    )

    shown = []
    for page in (1, 2, 3):
        with django_assert_num_queries(2) as captured:  # measures per action field; the page
            response = client.get(reverse("catalogue:list"), {"seite": page})
        shown += [measure.pk for measure in response.context["page"]]

    assert shown == expected
    assert response.context["page"].paginator.count == len(expected) > 100
    # The last page reads the measures of its one action field, not every one before it.
    assert f'"action_field_id" IN ({fields[2].pk})' in captured.captured_queries[-1]["sql"]


# Plausible numbers and dates

KEY_FIGURES = {
    "year": "2024",
    "severely_disabled": "2400",
    "equal_status": "300",
    "rehabilitants": "300",
    "integrations_severely_disabled": "60",
    "integrations_equal_status": "20",
    "integrations_rehabilitants": "30",
}
# Who sees Düsseldorf's key figures.
SEE_CITY_FIGURES = ["admin", "ministry", "directorate", "staedtetag", "city_manager"]


def _key_figures_page(client, users, roles, year, *texts):
    """The key figures list of ``year``, read back by each role that sees Düsseldorf's."""
    for role in roles:
        client.force_login(getattr(users, role))
        response = client.get(reverse("measures:key-figures"), {"year": year})
        assert response.status_code == 200, role
        for text in texts:
            assert text in response.text, (role, text)


@pytest.mark.parametrize(
    ("integrations", "customers", "group"),
    [
        ("integrations_severely_disabled", "severely_disabled", "schwerbehinderte"),
        ("integrations_equal_status", "equal_status", "gleichgestellte"),
        ("integrations_rehabilitants", "rehabilitants", "Rehabilitandinnen"),
    ],
)
def test_more_integrations_than_customers_of_the_group_are_refused(
    manager_client, nrw, integrations, customers, group
):
    # The defect: 3,000 integrations of 2,400 severely disabled customers were accepted.
    data = {**KEY_FIGURES, customers: "2400", integrations: "3000"}

    response = manager_client.post(reverse("measures:key-figures-new"), data)

    [message] = response.context["form"].errors[integrations]
    assert message.startswith("3.000 Integrationen, aber nur 2.400 ")
    assert group in message
    assert set(response.context["form"].errors) == {integrations}
    assert not KeyFigures.objects.filter(jobcenter=nrw.city_jobcenter, year=2024).exists()


@pytest.mark.parametrize("language", ["de", "en"])
def test_key_figures_typed_with_thousands_separators_are_read_as_the_page_shows_them(
    manager_client, nrw, settings, language
):
    # The defect: "2.000" (as the list shows two thousand) was stored as 2, and "2.400"
    # was refused as no whole number.
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = {**KEY_FIGURES, "severely_disabled": "2.400", "equal_status": "2.000"}
    data |= {"rehabilitants": "1 200", "integrations_severely_disabled": "1,100"}

    response = manager_client.post(reverse("measures:key-figures-new"), data)

    assert response.status_code == 302
    figures = KeyFigures.objects.get(jobcenter=nrw.city_jobcenter, year=2024)
    assert figures.severely_disabled == 2400
    assert figures.equal_status == 2000
    assert figures.rehabilitants == 1200
    assert figures.integrations_severely_disabled == 1100


@pytest.mark.parametrize("typed", ["2.5", "2,5", "2.40", "1.2.3", "2.0000"])
def test_a_key_figure_with_a_fraction_is_no_whole_number(manager_client, nrw, typed):
    response = manager_client.post(
        reverse("measures:key-figures-new"), {**KEY_FIGURES, "equal_status": typed}
    )

    assert response.context["form"].errors == {
        "equal_status": ["Bitte geben Sie eine ganze Zahl ab 0 an."]
    }


def test_a_key_figure_beyond_any_jobcenter_is_refused(manager_client, nrw):
    response = manager_client.post(
        reverse("measures:key-figures-new"), {**KEY_FIGURES, "rehabilitants": "3000000"}
    )

    assert response.context["form"].errors == {
        "rehabilitants": ["So viele hat kein Jobcenter: höchstens 100.000."]
    }


def test_a_year_with_figures_is_not_replaced_unseen(
    client, users, manager_client, accession_world, nrw
):
    # Düsseldorf reported 2025 already (820 severely disabled customers).
    response = manager_client.post(
        reverse("measures:key-figures-new"), {**KEY_FIGURES, "year": "2025"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "year": [
            "Für 2025 sind schon Kennzahlen gespeichert (unten neben Ihren Zahlen). "
            "Bestätigen Sie, dass Ihre Zahlen sie ersetzen sollen."
        ]
    }
    rows = response.context["existing_rows"]
    assert ("Schwerbehinderte Kundinnen und Kunden", 820, "2400") in [
        (str(label), stored, typed) for label, stored, typed in rows
    ]
    assert "Ja, meine Zahlen sollen die gespeicherten Kennzahlen dieses Jahres ersetzen." in (
        response.text
    )
    assert KeyFigures.objects.get(jobcenter=nrw.city_jobcenter, year=2025).severely_disabled == 820
    _key_figures_page(client, users, SEE_CITY_FIGURES, 2025, '<td class="text-end">820</td>')


def test_confirmed_figures_replace_the_year_and_the_history_keeps_old_and_new(
    client, users, manager_client, accession_world, nrw, readback
):
    response = manager_client.post(
        reverse("measures:key-figures-new"), {**KEY_FIGURES, "year": "2025", "replace": "on"}
    )

    assert response.url == reverse("measures:key-figures")
    _key_figures_page(client, users, SEE_CITY_FIGURES, 2025, '<td class="text-end">2.400</td>')
    client.force_login(users.city_manager)
    correction = client.get(
        reverse("measures:key-figures-edit", args=[nrw.city_jobcenter.pk, 2025])
    )
    assert "„820“ → „2400“" in correction.text
    readback(accession_world.city_key_figures, "2.400")


def test_a_new_year_needs_no_confirmation(manager_client, nrw):
    response = manager_client.post(reverse("measures:key-figures-new"), KEY_FIGURES)

    assert response.status_code == 302
    assert "Ja, meine Zahlen" not in manager_client.get(reverse("measures:key-figures-new")).text


def test_a_running_measure_does_not_start_in_the_future(manager_client, accession_world, nrw):
    next_year = datetime.date.today().year + 1

    response = manager_client.post(
        reverse("measures:create", args=[nrw.agreement.pk]),
        {
            "title": "Inklusive Ausbildung",
            "action_field": accession_world.action_field.pk,
            "status": "running",
            "starts_on": f"01.08.{next_year}",
        },
    )

    assert response.context["form"].errors == {
        "starts_on": [
            "Eine laufende oder abgeschlossene Maßnahme hat schon begonnen: der Beginn liegt "
            "nicht in der Zukunft."
        ]
    }


def test_a_completed_measure_does_not_end_in_the_future(
    client, users, manager_client, accession_world
):
    measure = accession_world.city_measure
    next_year = datetime.date.today().year + 1

    response = manager_client.post(
        reverse("measures:edit", args=[measure.pk]),
        {
            "title": measure.title,
            "action_field": accession_world.action_field.pk,
            "status": "completed",
            "starts_on": "01.01.2019",
            "ends_on": f"31.12.{next_year}",
        },
    )

    assert response.context["form"].errors == {
        "ends_on": [
            "Eine abgeschlossene Maßnahme endet nicht in der Zukunft: bitte geben Sie den Tag "
            "an, an dem sie endete."
        ]
    }
    for role in ("city_manager", "ministry", "staedtetag"):
        client.force_login(getattr(users, role))
        page = client.get(measure.get_absolute_url())
        assert page.status_code == 200
        assert "laufend" in page.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("starts_on", "01.01.0001", "Bitte geben Sie ein Datum ab dem 01.01.1990 an."),
        ("ends_on", "01.01.2101", "Bitte geben Sie ein Datum bis zum 31.12.2100 an."),
        ("starts_on", "30.02.2020", "Den 30.02.2020 gibt es nicht: der Februar 2020 hat 29 Tage."),
    ],
)
def test_measure_dates_lie_between_1990_and_2100(
    manager_client, accession_world, nrw, field, typed, message
):
    response = manager_client.post(
        reverse("measures:create", args=[nrw.agreement.pk]),
        {
            "title": "Inklusive Ausbildung",
            "action_field": accession_world.action_field.pk,
            "status": "planned",
            field: typed,
        },
    )

    assert response.context["form"].errors == {field: [message]}


def test_a_note_before_1990_is_refused_at_the_field(manager_client, accession_world):
    measure = accession_world.city_measure

    response = manager_client.post(
        reverse("measures:note", args=[measure.pk]),
        {"written_on": "30.06.1919", "text": "Rampe eingebaut."},
    )

    assert response.context["form"].errors == {
        "written_on": ["Bitte geben Sie ein Datum ab dem 01.01.1990 an."]
    }
    assert not ProgressNote.objects.filter(measure=measure).exists()


def test_the_export_rows_read_as_the_measures_do_chunk_for_chunk(
    ministry_client, accession_world, nrw, monkeypatch
):
    # The rows come as plain values a chunk at a time (CHUNK_SIZE), each chunk's further
    # action fields in one query: they must read exactly as the measures themselves.
    monkeypatch.setattr(views, "CHUNK_SIZE", 3)
    fields = [
        factories.ActionFieldFactory(agreement=nrw.agreement, number=number, title=f"Feld {number}")
        for number in (4, 2)
    ]
    _many_measures(nrw.agreement, accession_world.action_field, 7)
    for measure in Measure.objects.all()[:4]:
        measure.further_action_fields.add(*fields)
    measures = Measure.objects.order_by("title", "pk")
    expected = [
        [
            measure.title,
            measure.jobcenter.name,
            measure.agreement.short_title,
            str(measure.action_field),
            "; ".join(str(field) for field in measure.further_action_fields.all()),
            measure.get_status_display(),
            measure.starts_on.strftime("%d.%m.%Y") if measure.starts_on else "",
            measure.ends_on.strftime("%d.%m.%Y") if measure.ends_on else "",
            measure.target_group,
            measure.partners,
            measure.locations,
            measure.contact_name,
            measure.get_publication_display(),
        ]
        for measure in measures
    ]

    response = ministry_client.get(reverse("measures:export-csv"), {"sort": "title"})

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == expected
    assert "2. Feld 2; 4. Feld 4" in {row[4] for row in rows}


def test_a_key_figures_year_typed_wrong_stays_in_its_field_beside_its_error(manager_client, nrw):
    # A number input shows a value that is no number as empty: the official would see an
    # empty year and an error without what was wrong.
    response = manager_client.post(
        reverse("measures:key-figures-new"), {**KEY_FIGURES, "year": "31.02.2026"}
    )

    assert response.context["form"].errors == {
        "year": ["Bitte geben Sie eine Jahreszahl an, z. B. 2019."]
    }
    year = re.search(r'<input[^>]*name="year"[^>]*>', response.text).group()
    assert 'type="text"' in year
    assert 'value="31.02.2026"' in year
    assert 'inputmode="numeric"' in year
    assert 'aria-describedby="' in year


@pytest.mark.parametrize("typed", ["²", "①", "٣"])
def test_a_digit_that_is_not_ascii_is_a_name_not_a_500(ministry_client, accession_world, typed):
    # str.isdigit() admits "²", which int() refuses ("٣" it takes): from the review.
    response = ministry_client.get(LIST, {"jobcenter": typed})

    assert response.status_code == 200
    assert "Kein Jobcenter heißt so." in response.context["filters"].errors["jobcenter"][0]
