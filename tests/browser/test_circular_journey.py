"""The circular journey in a browser, with axe on every page on the way.

The Städtetag (demo: a draft) adds an attachment, finalises the draft, which gets the
next number of its year, downloads the PDF the worker made and sends the circular to its
members; the ministry then finds it.
"""

import pytest
from django.urls import reverse

from core.pdf_uploads import ATTACHMENT_MAX_PAGES
from tests.browser.conftest import login, new_context
from tests.browser.test_accession_journey import assert_accessible, click
from tests.factories import minimal_pdf
from tests.pages import DEMO_LOGINS, DRAFT_CIRCULAR

pytestmark = pytest.mark.browser


def test_an_association_finalises_a_circular_and_the_ministry_reads_it(
    browser, demo, axe_source, tmp_path
):
    from circulars.models import Circular

    letter = tmp_path / "Schreiben des MAGS.pdf"
    letter.write_bytes(minimal_pdf())
    circular = Circular.objects.get(subject=DRAFT_CIRCULAR)
    association = new_context(browser)
    ministry = new_context(browser)
    try:
        page = association.new_page()
        login(page, demo.base_url, DEMO_LOGINS["staedtetag"])
        page.goto(demo.base_url + circular.get_absolute_url())
        assert_accessible(page, axe_source)

        page.get_by_label("Bezeichnung der Anlage").fill("Schreiben des MAGS NRW")
        page.get_by_label(
            f"Datei (PDF, höchstens 10 MB und {ATTACHMENT_MAX_PAGES} Seiten)"
        ).set_input_files(letter)
        click(page, "Hochladen")
        assert page.get_by_role(
            "link", name="Schreiben des MAGS NRW (PDF herunterladen)", exact=True
        ).is_visible()

        page.get_by_role("link", name="Abschließen und Nummer vergeben").click()
        page.wait_for_url("**/abschliessen/")
        assert_accessible(page, axe_source)
        click(page, "Abschließen und Nummer vergeben")

        # The PDF's page follows the worker by itself until it offers the download.
        page.wait_for_url("**/pdf/*/")
        assert "trägt die Nummer 2/26" in page.content()
        download_button = page.get_by_role("link", name="PDF herunterladen", exact=True)
        download_button.wait_for(timeout=30000)
        assert_accessible(page, axe_source)
        with page.expect_download() as download:
            download_button.click()
        assert download.value.suggested_filename == "Rundschreiben-2-26.pdf"

        page.goto(demo.base_url + circular.get_absolute_url())
        page.get_by_role("link", name="An die Mitglieder versenden").click()
        page.wait_for_url("**/versenden/")
        assert_accessible(page, axe_source)
        click(page, "Jetzt versenden")
        assert "Das Rundschreiben ist an" in page.content()
        assert page.get_by_role("heading", name="Empfänger").is_visible()
        assert_accessible(page, axe_source)

        reader = ministry.new_page()
        login(reader, demo.base_url, DEMO_LOGINS["ministry"])
        reader.goto(demo.base_url + reverse("circulars:list"))
        assert reader.get_by_role("link", name=DRAFT_CIRCULAR).is_visible()
        assert_accessible(reader, axe_source)
    finally:
        association.close()
        ministry.close()
