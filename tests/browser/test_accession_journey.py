"""The accession journey in a browser, with axe on every page on the way.

Steinfurt (demo: a draft) fills in its form, uploads the signed PDF and submits; the
ministry returns it with reasons; Steinfurt corrects and resubmits; the ministry accepts;
the public member page names Steinfurt.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.conftest import login, new_context
from tests.browser.test_axe import describe, run_axe
from tests.factories import minimal_pdf
from tests.pages import DEMO_LOGINS, KREIS_JOBCENTER

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_pdf(tmp_path):
    path = tmp_path / "Beitrittsformular unterschrieben.pdf"
    path.write_bytes(minimal_pdf())
    return path


def assert_accessible(page, axe_source):
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations, page.url)


def click(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_jobcenter_joins_after_one_return(browser, demo, axe_source, signed_pdf):
    from accessions.models import Accession

    accession = Accession.objects.get(jobcenter__name=KREIS_JOBCENTER)
    manager = new_context(browser)
    ministry = new_context(browser)
    try:
        page = manager.new_page()
        login(page, demo.base_url, DEMO_LOGINS["kreis_manager"])
        page.goto(demo.base_url + accession.get_absolute_url())
        assert_accessible(page, axe_source)
        page.get_by_role("link", name="Beitrittsformular bearbeiten und einreichen").click()
        page.wait_for_url("**/bearbeiten/")

        # Submitting the half-filled draft names what is missing at the fields.
        page.get_by_label("Geschäftsführung").fill("Dr. Erika Beispiel")
        click(page, "Speichern und einreichen")
        assert page.locator(".error-summary").is_visible()
        assert_accessible(page, axe_source)
        assert page.get_by_label("Geschäftsführung").input_value() == "Dr. Erika Beispiel"

        page.get_by_label("Straße und Hausnummer").fill("Am Bonneshof 35")
        page.get_by_label("Postleitzahl").fill("48565")
        page.get_by_label("Ort", exact=True).fill("Steinfurt")
        page.get_by_label("Ansprechperson").fill("Max Muster")
        page.get_by_label("Funktion").fill("Inklusionsbeauftragter")
        page.get_by_label("E-Mail-Adresse").fill("inklusion@kreis-steinfurt.example")
        page.get_by_label("Telefon").fill("02551 690")
        page.get_by_label("Zustimmung der Träger am").fill("01.11.2026")
        page.get_by_label("Wir sind einverstanden").check()
        with page.expect_download() as download:
            page.get_by_role("link", name="Beitrittserklärung als PDF herunterladen").click()
        assert download.value.suggested_filename.endswith(".pdf")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        page.get_by_label("Unterschriebenes Beitrittsformular (PDF)").set_input_files(signed_pdf)
        click(page, "Speichern und einreichen")
        main = page.locator("main").inner_text()
        assert "Der Beitritt ist eingereicht." in main, page.locator(".error-summary").inner_text()
        assert_accessible(page, axe_source)

        # The ministry finds it in its queue and returns it.
        review = ministry.new_page()
        login(review, demo.base_url, DEMO_LOGINS["ministry"])
        review.goto(demo.base_url + reverse("accessions:queue"))
        assert_accessible(review, axe_source)
        review.get_by_role("link", name=KREIS_JOBCENTER).click()
        review.get_by_role("link", name="Zurückgeben").click()
        click(review, "Zurückgeben")
        assert review.locator(".error-summary").is_visible()
        assert_accessible(review, axe_source)
        review.get_by_label("Gründe der Rückgabe").fill("Bitte das Datum des Beschlusses prüfen.")
        click(review, "Zurückgeben")
        assert "zurückgegeben" in review.locator("main").inner_text()

        # The jobcenter reads the reasons, corrects and resubmits.
        page.goto(demo.base_url + accession.get_absolute_url())
        assert "Bitte das Datum des Beschlusses prüfen." in page.locator("main").inner_text()
        assert_accessible(page, axe_source)
        page.get_by_role("link", name="Beitrittsformular bearbeiten und einreichen").click()
        page.get_by_label("Zustimmung der Träger am").fill("02.11.2026")
        click(page, "Speichern und einreichen")
        assert "Der Beitritt ist eingereicht." in page.locator("main").inner_text()

        # The ministry accepts, with today as the proposed date.
        review.goto(demo.base_url + reverse("accessions:accept", args=[accession.pk]))
        assert_accessible(review, axe_source)
        click(review, "Annehmen")
        assert "Der Beitritt ist angenommen." in review.locator("main").inner_text()
        assert_accessible(review, axe_source)
        # The public sees the new member.
        public = new_context(browser)
        visitor = public.new_page()
        visitor.goto(demo.base_url + reverse("agreement-members", args=[accession.agreement_id]))
        assert KREIS_JOBCENTER in visitor.locator("main table").last.inner_text()
        assert "48 von 53 Jobcentern sind beigetreten." in visitor.locator("main").inner_text()
        assert_accessible(visitor, axe_source)
        public.close()
    finally:
        manager.close()
        ministry.close()

    accession.refresh_from_db()
    assert accession.status == "accepted"
    assert accession.carriers_agreed_on.isoformat() == "2026-11-02"
