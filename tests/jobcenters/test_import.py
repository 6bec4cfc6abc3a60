"""The CSV import of jobcenters (``jobcenters_import``) and its management command."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from jobcenters.importing import JobcenterImportError, jobcenters_import
from jobcenters.models import Jobcenter
from tests import factories

HEADER = "name,form,region,region_kind,association,state"
DUESSELDORF = "Jobcenter Düsseldorf,gE,Düsseldorf,kreisfreie Stadt,Städtetag NRW,NW"
STEINFURT = "Jobcenter Kreis Steinfurt,zkT,Steinfurt,Kreis,Landkreistag NRW,NW"
NRW_FILE = Path(__file__).resolve().parents[2] / "jobcenters" / "data" / "nrw_jobcenters.csv"


def csv(*lines):
    return "".join(f"{line}\n" for line in lines).encode()


def import_errors(data, **kwargs):
    with pytest.raises(JobcenterImportError) as raised:
        jobcenters_import(data=data, actor=None, **kwargs)
    return raised.value.errors


@pytest.fixture
def associations(db):
    """The two NRW associations, by the names the import files use."""
    factories.OrganisationFactory(landkreistag=True, name="Landkreistag NRW")
    factories.OrganisationFactory(staedtetag=True, name="Städtetag NRW")


def test_it_creates_the_jobcenters_of_the_file(associations):
    result = jobcenters_import(data=csv(HEADER, DUESSELDORF, STEINFURT), actor=None)

    assert (result.created, result.updated) == (2, 0)
    steinfurt = Jobcenter.objects.get(name="Jobcenter Kreis Steinfurt")
    assert (steinfurt.form, steinfurt.region, steinfurt.region_kind, steinfurt.state) == (
        "zkT",
        "Steinfurt",
        "kreis",
        "NW",
    )


def test_it_records_an_audit_event_for_each_created_jobcenter(associations):
    jobcenters_import(data=csv(HEADER, DUESSELDORF, STEINFURT), actor=None)

    assert AuditEvent.objects.filter(action="jobcenter_imported").count() == 2


def test_it_updates_on_a_second_import_and_creates_no_duplicates(associations):
    jobcenters_import(data=csv(HEADER, DUESSELDORF, STEINFURT), actor=None)
    moved = "Jobcenter Düsseldorf,zkT,Düsseldorf,kreisfreie Stadt,Städtetag NRW,NW"

    result = jobcenters_import(data=csv(HEADER, moved, STEINFURT), actor=None)

    assert (result.created, result.updated) == (0, 1)
    assert Jobcenter.objects.count() == 2
    assert Jobcenter.objects.get(name="Jobcenter Düsseldorf").form == "zkT"


def test_it_imports_the_shipped_nrw_file(associations):
    result = jobcenters_import(data=NRW_FILE.read_bytes(), actor=None)

    # NRW has 53 jobcenters: 31 in Kreise, 22 in kreisfreie Städte.
    assert (result.created, result.updated) == (53, 0)


def test_it_reads_a_semicolon_separated_file(associations):
    data = csv(HEADER.replace(",", ";"), DUESSELDORF.replace(",", ";"))

    result = jobcenters_import(data=data, actor=None)

    assert result.created == 1


def test_it_takes_the_state_from_the_form_when_the_file_has_none(associations):
    data = csv("name,form,region,region_kind", "Jobcenter Kassel,gE,Kassel,kreisfreie Stadt")

    jobcenters_import(data=data, actor=None, default_state="HE")

    assert Jobcenter.objects.get(name="Jobcenter Kassel").state == "HE"


def test_it_names_the_row_of_an_unknown_form(associations):
    bad = "Jobcenter Bonn,ARGE,Bonn,kreisfreie Stadt,Städtetag NRW,NW"

    errors = import_errors(csv(HEADER, DUESSELDORF, bad))

    assert errors == ["Zeile 3: Form „ARGE“ ist unbekannt; erlaubt sind gE und zkT."]


def test_a_wrong_row_imports_none_of_the_good_ones(associations):
    bad = "Jobcenter Bonn,ARGE,Bonn,kreisfreie Stadt,Städtetag NRW,NW"

    import_errors(csv(HEADER, DUESSELDORF, bad))

    assert not Jobcenter.objects.exists()


def test_it_names_the_row_of_an_unknown_region_kind(associations):
    bad = "Jobcenter Bonn,gE,Bonn,Gemeinde,Städtetag NRW,NW"

    errors = import_errors(csv(HEADER, bad))

    assert errors == [
        "Zeile 2: Gebietsart „Gemeinde“ ist unbekannt; erlaubt sind Kreis und kreisfreie Stadt."
    ]


def test_it_refuses_an_unknown_column(associations):
    errors = import_errors(csv(f"{HEADER},fax", f"{DUESSELDORF},0211 1234"))

    assert errors == [
        "Unbekannte Spalten: fax. Erlaubt sind: name, form, region, region_kind, state, "
        "association, street, postal_code, city, email, phone, website."
    ]


def test_it_refuses_an_association_that_does_not_match_the_region_kind(associations):
    kreis_with_staedtetag = "Jobcenter Kreis Steinfurt,zkT,Steinfurt,Kreis,Städtetag NRW,NW"

    errors = import_errors(csv(HEADER, kreis_with_staedtetag))

    assert errors == [
        "Zeile 2: Verband „Städtetag NRW“ passt nicht zur Gebietsart; "
        "zuständig ist „Landkreistag NRW“."
    ]


def test_it_refuses_a_name_twice_in_the_file(associations):
    errors = import_errors(csv(HEADER, DUESSELDORF, STEINFURT, DUESSELDORF))

    assert errors == ["Zeile 4: „Jobcenter Düsseldorf“ steht schon in Zeile 2."]


def test_it_refuses_a_file_that_is_not_utf8(associations):
    errors = import_errors(f"{HEADER}\n{DUESSELDORF}\n".encode("cp1252"))

    assert errors == [
        "Die Datei ist keine UTF-8-kodierte CSV-Datei. Bitte als „CSV UTF-8“ speichern."
    ]


def test_it_refuses_an_empty_file(associations):
    assert import_errors(b"") == ["Die Datei ist leer."]


def test_command_imports_the_file_and_reports_the_counts(associations, tmp_path):
    path = tmp_path / "jobcenter.csv"
    path.write_bytes(csv(HEADER, DUESSELDORF, STEINFURT))
    out = io.StringIO()

    call_command("import_jobcenters", str(path), stdout=out)

    assert out.getvalue().strip() == "2 Jobcenter angelegt, 0 aktualisiert."
    assert Jobcenter.objects.count() == 2


def test_command_uses_the_state_option_for_a_file_without_state(associations, tmp_path):
    path = tmp_path / "jobcenter.csv"
    path.write_bytes(csv("name,form,region,region_kind", "Jobcenter Kassel,gE,Kassel,Kreis"))

    call_command("import_jobcenters", str(path), "--state", "he", stdout=io.StringIO())

    assert Jobcenter.objects.get(name="Jobcenter Kassel").state == "HE"


def test_command_prints_every_error_and_imports_nothing(associations, tmp_path):
    path = tmp_path / "jobcenter.csv"
    path.write_bytes(
        csv(
            HEADER,
            DUESSELDORF,
            "Jobcenter Bonn,ARGE,Bonn,kreisfreie Stadt,Städtetag NRW,NW",
            "Jobcenter Hagen,gE,Hagen,Gemeinde,Städtetag NRW,NW",
        )
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 Fehler"):
        call_command("import_jobcenters", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Zeile 3: Form „ARGE“ ist unbekannt; erlaubt sind gE und zkT.",
        "Zeile 4: Gebietsart „Gemeinde“ ist unbekannt; erlaubt sind Kreis und kreisfreie Stadt.",
    ]
    assert not Jobcenter.objects.exists()


def test_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        call_command("import_jobcenters", str(tmp_path / "fehlt.csv"))


def test_it_imports_the_contact_address_circulars_go_to(associations):
    jobcenters_import(
        data=csv(HEADER + ",email", DUESSELDORF + ",kontakt@jobcenter-duesseldorf.example"),
        actor=None,
    )

    assert (
        Jobcenter.objects.get(name="Jobcenter Düsseldorf").email
        == "kontakt@jobcenter-duesseldorf.example"
    )


def test_a_file_without_the_email_column_keeps_the_address_entered_on_the_site(associations):
    jobcenters_import(data=csv(HEADER, DUESSELDORF), actor=None)
    Jobcenter.objects.filter(name="Jobcenter Düsseldorf").update(email="jc@duesseldorf.example")

    result = jobcenters_import(data=csv(HEADER, DUESSELDORF), actor=None)

    assert result.updated == 0
    assert Jobcenter.objects.get(name="Jobcenter Düsseldorf").email == "jc@duesseldorf.example"


def test_an_empty_email_cell_keeps_the_stored_address(associations):
    jobcenters_import(data=csv(HEADER, DUESSELDORF), actor=None)
    Jobcenter.objects.filter(name="Jobcenter Düsseldorf").update(email="jc@duesseldorf.example")

    jobcenters_import(data=csv(HEADER + ",email", DUESSELDORF + ","), actor=None)

    assert Jobcenter.objects.get(name="Jobcenter Düsseldorf").email == "jc@duesseldorf.example"


WESEL = "Jobcenter Kreis Wesel,zkT,Wesel,Kreis,Landkreistag NRW,NW"


def test_an_imported_jobcenter_is_on_every_page_that_shows_it_for_every_role(nrw, readback):
    jobcenters_import(data=csv(HEADER, WESEL), actor=None)

    readback(Jobcenter.objects.get(name="Jobcenter Kreis Wesel"), "Wesel")


def test_a_jobcenter_changed_by_a_second_import_shows_the_change_for_every_role(nrw, readback):
    moved = "Jobcenter Düsseldorf,zkT,Düsseldorf,kreisfreie Stadt,Städtetag NRW,NW"

    jobcenters_import(data=csv(HEADER, moved), actor=None)

    nrw.city_jobcenter.refresh_from_db()
    assert nrw.city_jobcenter.form == "zkT"
    readback(nrw.city_jobcenter, nrw.city_jobcenter.get_form_display())
