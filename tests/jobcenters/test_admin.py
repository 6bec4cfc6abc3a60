"""The jobcenter admin and its CSV import view."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from jobcenters.admin import MAX_IMPORT_SIZE
from jobcenters.models import Jobcenter
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world")

IMPORT_URL = reverse("admin:jobcenters_jobcenter_import")
CHANGELIST_URL = reverse("admin:jobcenters_jobcenter_changelist")
HEADER = "name,form,region,region_kind,association,state"
BONN = "Jobcenter Bonn,gE,Bonn,kreisfreie Stadt,Städtetag NRW,NW"
BAD = "Jobcenter Hagen,ARGE,Hagen,kreisfreie Stadt,Städtetag NRW,NW"


def upload(*lines, name="jobcenter.csv"):
    return SimpleUploadedFile(name, "".join(f"{line}\n" for line in lines).encode(), "text/csv")


@pytest.fixture
def admin_client(client, users):
    client.force_login(users.admin)
    return client


def test_admin_import_page_opens_for_an_administrator(admin_client):
    response = admin_client.get(IMPORT_URL)

    assert response.status_code == 200
    assert '<label for="id_file">CSV-Datei:</label>' in response.content.decode()


def test_admin_import_page_sends_a_user_who_is_not_staff_to_the_admin_login(client, users):
    client.force_login(users.ministry)

    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_import_page_is_forbidden_to_staff_who_may_only_add_jobcenters(client, users):
    users.ministry.is_staff = True
    users.ministry.save()
    users.ministry.user_permissions.add(Permission.objects.get(codename="add_jobcenter"))
    client.force_login(users.ministry)

    response = client.get(IMPORT_URL)

    assert response.status_code == 403


def test_admin_import_page_opens_for_staff_who_may_add_and_change_jobcenters(client, users):
    users.ministry.is_staff = True
    users.ministry.save()
    users.ministry.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_jobcenter", "change_jobcenter"])
    )
    client.force_login(users.ministry)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200


def test_admin_import_of_a_good_file_creates_the_jobcenters(admin_client):
    admin_client.post(IMPORT_URL, {"file": upload(HEADER, BONN), "state": ""})

    assert Jobcenter.objects.filter(name="Jobcenter Bonn").exists()


def test_admin_import_of_a_good_file_reports_and_returns_to_the_list(admin_client):
    response = admin_client.post(IMPORT_URL, {"file": upload(HEADER, BONN), "state": ""})

    assert response.status_code == 302
    assert response.url == CHANGELIST_URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 Jobcenter angelegt, 0 aktualisiert."
    ]


def test_admin_import_records_the_administrator_as_actor(admin_client, users):
    admin_client.post(IMPORT_URL, {"file": upload(HEADER, BONN), "state": ""})

    event = AuditEvent.objects.get(action="jobcenter_imported")
    assert event.actor == users.admin


def test_admin_import_uses_the_chosen_state_for_a_file_without_state(admin_client):
    lines = ["name,form,region,region_kind", "Jobcenter Kassel,gE,Kassel,kreisfreie Stadt"]

    admin_client.post(IMPORT_URL, {"file": upload(*lines), "state": "HE"})

    assert Jobcenter.objects.filter(name="Jobcenter Kassel", state="HE").count() == 1


def test_admin_import_of_a_bad_file_shows_the_errors_at_the_file_field(admin_client):
    response = admin_client.post(IMPORT_URL, {"file": upload(HEADER, BONN, BAD), "state": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["Zeile 3: Form „ARGE“ ist unbekannt; erlaubt sind gE und zkT."]
    }
    content = response.content.decode()
    # The error list is tied to the input, so a screen reader reads it with the field.
    assert '<ul class="errorlist" id="id_file_error">' in content
    assert 'aria-describedby="id_file_helptext id_file_error"' in content
    assert 'aria-invalid="true"' in content


def test_admin_import_of_a_bad_file_imports_nothing(admin_client):
    admin_client.post(IMPORT_URL, {"file": upload(HEADER, BONN, BAD), "state": ""})

    assert not Jobcenter.objects.filter(name="Jobcenter Bonn").exists()


def test_admin_import_refuses_a_file_over_5_mb(admin_client):
    too_big = SimpleUploadedFile("gross.csv", b"x" * (MAX_IMPORT_SIZE + 1), "text/csv")

    response = admin_client.post(IMPORT_URL, {"file": too_big, "state": ""})

    assert response.context["form"].errors == {
        "file": ["Die Datei ist größer als 5 MB. Bitte teilen Sie sie in mehrere Dateien auf."]
    }


def test_admin_changelist_offers_the_import(admin_client):
    response = admin_client.get(CHANGELIST_URL)

    assert f'href="{IMPORT_URL}"' in response.content.decode()


def test_admin_changelist_shows_each_jobcenters_association(admin_client):
    response = admin_client.get(CHANGELIST_URL)

    jobcenters = {jc.name: jc.association_name for jc in response.context["cl"].result_list}
    assert jobcenters["Jobcenter Kreis Steinfurt"] == "Landkreistag NRW"
    assert jobcenters["Jobcenter Düsseldorf"] == "Städtetag NRW"


def test_admin_change_of_a_jobcenter_records_an_event(admin_client, nrw, users):
    jobcenter = nrw.city_jobcenter
    data = {
        "name": jobcenter.name,
        "short_name": "",
        "state": "NW",
        "form": "zkT",
        "region": jobcenter.region,
        "region_kind": jobcenter.region_kind,
        **dict.fromkeys(["street", "postal_code", "city", "email", "phone", "website"], ""),
    }

    admin_client.post(reverse("admin:jobcenters_jobcenter_change", args=[jobcenter.pk]), data)

    event = AuditEvent.objects.for_object(jobcenter).get()
    assert (event.action, event.actor, event.changes) == (
        "admin_changed",
        users.admin,
        {"form": ["gE", "zkT"]},
    )


def test_an_address_set_in_the_admin_is_where_the_jobcenters_notices_go(
    admin_client, client, nrw, users
):
    jobcenter = nrw.kreis_jobcenter
    data = {
        "name": jobcenter.name,
        "short_name": "",
        "state": "NW",
        "form": jobcenter.form,
        "region": jobcenter.region,
        "region_kind": jobcenter.region_kind,
        **dict.fromkeys(["street", "postal_code", "city", "phone", "website"], ""),
        "email": "kontakt@jobcenter-steinfurt.example",
    }

    response = admin_client.post(
        reverse("admin:jobcenters_jobcenter_change", args=[jobcenter.pk]), data
    )

    assert response.status_code == 302
    for user in (users.kreis_manager, users.ministry, users.landkreistag):
        client.force_login(user)
        page = client.get(jobcenter.get_absolute_url()).content.decode()
        assert "kontakt@jobcenter-steinfurt.example <span" in page  # under "Nachrichten gehen an"


def test_admin_adds_a_jobcenter_of_the_jobcenter_kind(admin_client, nrw):
    data = {
        "name": "Jobcenter Bonn",
        "short_name": "",
        "state": "NW",
        "form": "gE",
        "region": "Bonn",
        "region_kind": "kreisfreie_stadt",
        **dict.fromkeys(["street", "postal_code", "city", "email", "phone", "website"], ""),
    }

    admin_client.post(reverse("admin:jobcenters_jobcenter_add"), data)

    assert Jobcenter.objects.get(name="Jobcenter Bonn").kind == "jobcenter"


def test_admin_deletes_a_jobcenter_with_an_event(admin_client, nrw):
    jobcenter = factories.JobcenterFactory(name="Jobcenter Aufgelöst")
    url = reverse("admin:jobcenters_jobcenter_delete", args=[jobcenter.pk])

    admin_client.post(url, {"post": "yes"})

    assert not Jobcenter.objects.filter(pk=jobcenter.pk).exists()
    assert AuditEvent.objects.for_object(jobcenter).get().action == "admin_deleted"
