import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent, Organisation
from jobcenters.models import Jobcenter
from tests import factories
from tests.downloads import download

LIST = reverse("jobcenters:list")


def _names(response):
    return [jobcenter.name for jobcenter in response.context["page"]]


def test_ministry_sees_every_jobcenter_of_its_state_with_association(ministry_client, nrw):
    response = ministry_client.get(LIST)

    assert _names(response) == ["Jobcenter Düsseldorf", "Jobcenter Kreis Steinfurt"]
    assert [jc.association_name for jc in response.context["page"]] == [
        "Städtetag NRW",
        "Landkreistag NRW",
    ]


def test_the_english_register_names_jobcenters_as_a_heading_does(ministry_client, nrw, settings):
    # The defect: the English menu, heading and column read "jobcenter", lower case.
    ministry_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = ministry_client.get(reverse("jobcenters:list")).content.decode()

    assert "<h1>Jobcenter</h1>" in page
    assert 'aria-current="page">Jobcenter</a>' in page
    assert ">jobcenter<" not in page


def test_association_sees_only_its_members(client, users):
    client.force_login(users.landkreistag)

    assert _names(client.get(LIST)) == ["Jobcenter Kreis Steinfurt"]


def test_manager_sees_only_their_own_jobcenter(client, users):
    client.force_login(users.city_manager)

    assert _names(client.get(LIST)) == ["Jobcenter Düsseldorf"]


def test_list_filters_by_association(ministry_client, nrw):
    response = ministry_client.get(LIST, {"association": nrw.staedtetag.pk})

    assert _names(response) == ["Jobcenter Düsseldorf"]


def test_list_filters_by_form_and_region_kind(ministry_client, nrw):
    factories.JobcenterFactory(name="Jobcenter Kreis Borken", kreis=True, zkt=True)

    response = ministry_client.get(LIST, {"form": "zkT", "region_kind": "kreis"})

    assert _names(response) == ["Jobcenter Kreis Borken"]


def test_list_searches_name_and_region(ministry_client, nrw):
    assert _names(ministry_client.get(LIST, {"q": "steinf"})) == ["Jobcenter Kreis Steinfurt"]


def test_list_sorts_descending(ministry_client, nrw):
    response = ministry_client.get(LIST, {"sort": "-name"})

    assert _names(response) == ["Jobcenter Kreis Steinfurt", "Jobcenter Düsseldorf"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_list_sorts_by_association(ministry_client, nrw):
    response = ministry_client.get(LIST, {"sort": "association"})

    assert _names(response) == ["Jobcenter Kreis Steinfurt", "Jobcenter Düsseldorf"]


@pytest.mark.parametrize("sort", ["association", "-association"])
def test_the_association_sort_is_the_order_of_the_associations_names(
    client, users, nrw, hessen, sort
):
    # Both states' associations (two share a name), a state without any (Berlin), and
    # more jobcenters than a page: the same order as the association's name and the id.
    Organisation.objects.filter(pk=hessen.landkreistag.pk).update(name="Landkreistag NRW")
    for number in range(56):
        factories.JobcenterFactory(
            name=f"Jobcenter {number:02d}",
            state=["NW", "HE", "BE"][number % 3],
            kreis=bool(number % 2),
        )
    expected = list(
        Jobcenter.objects.with_association()
        .order_by(sort.replace("association", "association_name"), "-pk" if "-" in sort else "pk")
        .values_list("pk", flat=True)
    )
    client.force_login(users.admin)

    shown = [
        row.pk
        for page in (1, 2)
        for row in client.get(LIST, {"sort": sort, "seite": page}).context["page"]
    ]

    assert shown == expected
    # Three names and none.
    assert len(set(Jobcenter.objects.with_association().values_list("association_name"))) == 4


def _follow(client, url, sort, link):
    """The rows of the page that ``link`` (``next_anchor``/``previous_anchor``) of the
    current page leads to, and that page."""
    page = client.get(url, {"sort": sort, "seite": 1}).context["page"]
    pages = [page]
    direction, _equals, anchor = getattr(page, link).partition("=")
    page = client.get(url, {"sort": sort, "seite": 2, direction: anchor}).context["page"]
    pages.append(page)
    direction, _equals, anchor = page.previous_anchor.partition("=")
    pages.append(client.get(url, {"sort": sort, "seite": 1, direction: anchor}).context["page"])
    return [[row.pk for row in page] for page in pages]


@pytest.mark.parametrize("sort", ["association", "-association", "name", "-region"])
def test_next_and_previous_read_on_from_their_anchor_in_every_sort(client, users, nrw, sort):
    # By association the sort key is an annotation, which the rows' ``values`` hid from
    # the anchor's look-up: "next" was a 500.
    for number in range(56):
        factories.JobcenterFactory(name=f"Jobcenter {number:02d}", kreis=bool(number % 2))
    client.force_login(users.admin)
    numbered = [
        [row.pk for row in client.get(LIST, {"sort": sort, "seite": page}).context["page"]]
        for page in (1, 2)
    ]

    first, second, back = _follow(client, LIST, sort, "next_anchor")

    assert (first, second, back) == (numbered[0], numbered[1], numbered[0])


@pytest.mark.parametrize("sort", ["password", "", "-", "name ", "NAME", "-association_place"])
def test_an_unknown_sort_sorts_by_name_without_an_error(ministry_client, nrw, sort):
    # The sort comes from a column's link (an old bookmark, a typed address), not from a
    # field on the page: an error about it had nothing to point to.
    response = ministry_client.get(LIST, {"sort": sort})

    content = response.content.decode()
    assert _names(response) == ["Jobcenter Düsseldorf", "Jobcenter Kreis Steinfurt"]
    assert "error-summary" not in content
    assert '<input type="hidden" name="sort" value="name">' in content
    assert 'aria-sort="ascending"' in content


def test_an_association_filter_of_another_state_is_refused(ministry_client, nrw, hessen):
    response = ministry_client.get(LIST, {"association": hessen.landkreistag.pk})

    assert response.status_code == 200
    assert _names(response) == []
    assert response.context["filters"].errors["association"]


def test_list_is_paginated_and_keeps_the_filters_in_page_links(ministry_client, nrw):
    for number in range(60):
        factories.JobcenterFactory(name=f"Jobcenter Kreis Test {number:02d}", kreis=True)

    response = ministry_client.get(LIST, {"region_kind": "kreis", "seite": 2})

    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 11
    # The filters and, to read on from this page, the anchor of its first row.
    assert re.search(r'"\?region_kind=kreis&amp;vor=2\.\d+&amp;seite=1"', response.content.decode())


def _make_jobcenters(count):
    for number in range(count):
        factories.JobcenterFactory(
            name=f"Jobcenter Massentest {number:04d}", kreis=bool(number % 2), zkt=bool(number % 3)
        )


@pytest.mark.parametrize("count", [10, 400])
@pytest.mark.parametrize("last", [False, True])
def test_list_runs_the_same_queries_for_10_and_400_jobcenters(
    ministry_client, nrw, count, last, django_assert_num_queries
):
    _make_jobcenters(count)
    query = {"sort": "association", "form": "gE"}
    if last:
        query["seite"] = ministry_client.get(LIST, query).context["page"].paginator.num_pages
    # session, user, organisation; association choices; the associations' places in the
    # order of their names (the sort); count; page rows (with the association's name as
    # a subquery); nothing per row.
    with django_assert_num_queries(7):
        response = ministry_client.get(LIST, query)
    assert response.status_code == 200
    assert len(response.context["page"]) > 0


def test_the_last_page_shows_the_end_of_the_list_in_order(ministry_client, nrw):
    _make_jobcenters(120)

    response = ministry_client.get(LIST, {"seite": 3, "sort": "-name"})

    names = _names(response)
    assert names[-1] == "Jobcenter Düsseldorf"
    assert names == sorted(names, reverse=True)


def test_names_suggest_the_visible_jobcenters_containing_the_text(ministry_client, nrw, hessen):
    response = ministry_client.get(reverse("jobcenters:names"), {"q": "jobcenter"})

    assert response.json() == {"names": ["Jobcenter Düsseldorf", "Jobcenter Kreis Steinfurt"]}


def test_names_of_an_association_are_those_of_its_members(client, users, nrw):
    client.force_login(users.landkreistag)

    response = client.get(reverse("jobcenters:names"), {"q": "jobcenter"})

    assert response.json() == {"names": ["Jobcenter Kreis Steinfurt"]}


def test_names_of_an_outsider_are_none_of_another_state(client, users, nrw):
    client.force_login(users.hessen_ministry)

    response = client.get(reverse("jobcenters:names"), {"q": "Düsseldorf"})

    assert response.json() == {"names": []}


def test_names_need_two_characters_and_suggest_at_most_twenty(ministry_client, nrw):
    _make_jobcenters(30)
    url = reverse("jobcenters:names")

    assert ministry_client.get(url, {"q": "J"}).json() == {"names": []}
    assert len(ministry_client.get(url, {"q": "Massentest"}).json()["names"]) == 20


def test_names_ask_the_anonymous_to_log_in(client):
    response = client.get(reverse("jobcenters:names"), {"q": "Jobcenter"})

    assert response.status_code == 302


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))


def test_the_register_exports_what_its_reader_sees_with_the_list_s_filters(client, users, nrw):
    client.force_login(users.landkreistag)

    response = client.get(reverse("jobcenters:export-csv"), {"q": "Steinfurt"})

    rows = _csv_rows(response)
    assert rows[0][:3] == ["Jobcenter", "Region", "Gebietsart"]
    assert [row[0] for row in rows[1:]] == ["Jobcenter Kreis Steinfurt"]
    assert rows[1][4] == "Landkreistag NRW"


def test_the_register_export_holds_every_page_and_opens_as_xlsx(ministry_client, nrw):
    factories.JobcenterFactory.create_batch(60)

    response = download(ministry_client, reverse("jobcenters:export-xlsx"))

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 1 + 62
    assert response["Content-Disposition"].startswith('attachment; filename="jobcenter-')


def test_the_register_export_with_a_bad_filter_goes_back_to_the_list(ministry_client, nrw):
    response = ministry_client.get(reverse("jobcenters:export-csv"), {"form": "quatsch"})

    assert response.status_code == 302
    assert response.url == f"{LIST}?form=quatsch"


@pytest.mark.parametrize("name", ["jobcenters:export-csv", "jobcenters:export-xlsx"])
def test_the_register_export_asks_the_anonymous_to_log_in(client, name):
    assert client.get(reverse(name)).url.startswith(reverse("login"))


def test_another_state_s_ministry_exports_only_its_own_register(client, users, nrw):
    client.force_login(users.hessen_ministry)

    rows = _csv_rows(client.get(reverse("jobcenters:export-csv")))

    assert [row[0] for row in rows[1:]] == ["Jobcenter Kassel", "Jobcenter Werra-Meißner-Kreis"]


def test_detail_shows_registry_data_and_association(ministry_client, nrw):
    response = ministry_client.get(reverse("jobcenters:detail", args=[nrw.city_jobcenter.pk]))

    content = response.content.decode()
    assert "Städtetag NRW" in content
    assert "gemeinsame Einrichtung (gE)" in content
    assert "Kontaktdaten bearbeiten" in content


def test_detail_offers_no_edit_to_readers(client, users, nrw):
    client.force_login(users.directorate)

    response = client.get(reverse("jobcenters:detail", args=[nrw.city_jobcenter.pk]))

    assert "Kontaktdaten bearbeiten" not in response.content.decode()


@pytest.mark.parametrize("role", ["ministry", "directorate", "staedtetag", "city_manager"])
def test_detail_links_the_profile_that_its_visitor_may_open(client, users, nrw, role):
    client.force_login(getattr(users, role))

    response = client.get(reverse("jobcenters:detail", args=[nrw.city_jobcenter.pk]))

    profile = reverse("overviews:profile", args=[nrw.agreement.pk, nrw.city_jobcenter.pk])
    assert f'href="{profile}"' in response.content.decode()
    assert client.get(profile).status_code == 200


CONTACT = {
    "street": "Grafenberger Allee 300",
    "postal_code": "40237",
    "city": "Düsseldorf",
    "email": "jobcenter@example.org",
    "phone": "0211 123456",
    "website": "https://jobcenter.example.org",
    "reason": "Umzug",
}


def test_manager_changes_contact_data_and_it_appears_in_the_history(client, users, nrw, readback):
    client.force_login(users.city_manager)
    url = reverse("jobcenters:edit", args=[nrw.city_jobcenter.pk])

    response = client.post(url, CONTACT, follow=True)

    jobcenter = Jobcenter.objects.get(pk=nrw.city_jobcenter.pk)
    assert jobcenter.street == "Grafenberger Allee 300"
    event = AuditEvent.objects.for_object(jobcenter).get()
    assert event.actor == users.city_manager
    assert event.reason == "Umzug"
    assert event.changes["postal_code"] == ["", "40237"]
    content = response.content.decode()
    assert "Kontaktdaten geändert" in content
    assert "Postleitzahl: (leer) → „40237“" in content
    readback(jobcenter, "Grafenberger Allee 300", "40237", "Umzug")


def test_saving_without_changes_records_no_event(client, users, nrw):
    client.force_login(users.city_manager)
    url = reverse("jobcenters:edit", args=[nrw.city_jobcenter.pk])
    client.post(url, CONTACT)

    client.post(url, CONTACT)

    assert AuditEvent.objects.for_object(nrw.city_jobcenter).count() == 1


def test_invalid_contact_data_keeps_what_was_typed_and_names_the_field(client, users, nrw):
    client.force_login(users.city_manager)
    url = reverse("jobcenters:edit", args=[nrw.city_jobcenter.pk])

    response = client.post(url, {**CONTACT, "postal_code": "4023"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Bitte geben Sie eine fünfstellige Postleitzahl an." in content
    assert 'value="Grafenberger Allee 300"' in content
    assert 'aria-describedby="id_postal_code_error"' in content
    assert Jobcenter.objects.get(pk=nrw.city_jobcenter.pk).street == ""


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("directorate", 403), ("staedtetag", 403), ("kreis_manager", 404), ("hessen_ministry", 404)],
)
def test_a_forbidden_post_changes_nothing(client, users, nrw, user_kind, status):
    client.force_login(getattr(users, user_kind))

    response = client.post(reverse("jobcenters:edit", args=[nrw.city_jobcenter.pk]), CONTACT)

    assert response.status_code == status
    assert Jobcenter.objects.get(pk=nrw.city_jobcenter.pk).street == ""
    assert not AuditEvent.objects.exists()


def test_the_public_start_page_counts_the_jobcenters_that_joined(client, nrw):
    factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True)
    factories.AccessionFactory(jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement)

    response = client.get(reverse("public-home"))

    [agreement] = response.context["agreements"]
    assert agreement.joined_count == 1


def test_the_public_start_page_runs_the_same_queries_for_many_accessions(
    client, nrw, django_assert_num_queries
):
    for _number in range(30):
        factories.AccessionFactory(agreement=nrw.agreement, joined=True)
    factories.AgreementFactory()

    with django_assert_num_queries(1):
        client.get(reverse("public-home"))


def _members_url(agreement):
    return reverse("agreement-members", args=[agreement.pk])


def test_the_public_member_page_lists_joined_jobcenters_that_consented(client, nrw):
    factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True)
    factories.AccessionFactory(
        jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement, joined=True, public_listing=False
    )

    response = client.get(_members_url(nrw.agreement))

    assert [a.jobcenter.name for a in response.context["members"]] == ["Jobcenter Düsseldorf"]
    assert "2 von 2 Jobcentern sind beigetreten." in response.text
    assert "20.03.2018" in response.text


def test_the_public_member_page_counts_by_region_kind(client, nrw):
    factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, joined=True)
    factories.AccessionFactory(jobcenter=nrw.kreis_jobcenter, agreement=nrw.agreement)

    rows = client.get(_members_url(nrw.agreement)).context["by_region_kind"]

    assert [(row["region_kind"], row["joined"], row["total"]) for row in rows] == [
        ("kreis", 0, 1),
        ("kreisfreie_stadt", 1, 1),
    ]


@pytest.mark.parametrize("count", [2, 40])
def test_the_public_member_page_runs_the_same_queries_for_any_length(
    client, nrw, count, django_assert_num_queries
):
    for _number in range(count):
        factories.AccessionFactory(agreement=nrw.agreement, joined=True)
    # agreement; counts by region kind; the listed members with their jobcenters.
    with django_assert_num_queries(3):
        assert client.get(_members_url(nrw.agreement)).status_code == 200


def test_a_postal_code_of_other_digits_is_named_at_the_field(client, users, nrw):
    client.force_login(users.city_manager)
    url = reverse("jobcenters:edit", args=[nrw.city_jobcenter.pk])

    response = client.post(url, {**CONTACT, "postal_code": "²²²²²"})

    assert "Bitte geben Sie eine fünfstellige Postleitzahl an." in response.content.decode()
    assert Jobcenter.objects.get(pk=nrw.city_jobcenter.pk).postal_code == ""
