"""The accessibility statement: its date and the bodies of the Land it names."""

import datetime

from django.urls import reverse

STATEMENT = reverse("accessibility")


def test_the_statement_carries_its_date(client, db, settings):
    settings.ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 12, 1)

    page = client.get(STATEMENT).content.decode()

    assert "Diese Erklärung wurde am 01.12.2026 erstellt" in page


def test_an_nrw_installation_names_the_nrw_monitoring_and_complaints_bodies(client, db):
    page = client.get(STATEMENT).content.decode()

    assert "Überwachungsstelle für barrierefreie Informationstechnik NRW" in page
    assert "Ombudsstelle für barrierefreie Informationstechnik NRW" in page
    assert "Schlichtungsstelle BGG" not in page


def test_the_bodies_addresses_are_configured(client, db, settings):
    settings.ACCESSIBILITY_BODIES = {
        **settings.ACCESSIBILITY_BODIES,
        "complaints": {
            "name": "Ombudsstelle für barrierefreie Informationstechnik NRW",
            "address": "Beispielstraße 1\n40213 Düsseldorf",
            "url": "https://ombudsstelle.example",
        },
    }

    page = client.get(STATEMENT).content.decode()

    assert "Beispielstraße 1<br>40213 Düsseldorf" in page
    assert '<a href="https://ombudsstelle.example">' in page


def test_without_bodies_of_a_land_the_statement_names_the_federal_conciliation_body(
    client, db, settings
):
    nobody = {"name": "", "address": "", "url": ""}
    settings.ACCESSIBILITY_BODIES = {"monitoring": nobody, "complaints": nobody}

    page = client.get(STATEMENT).content.decode()

    assert "Schlichtungsstelle BGG" in page
    assert "Überwachungsstelle" not in page
