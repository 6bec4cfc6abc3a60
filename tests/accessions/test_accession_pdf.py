"""The accession form as a pre-filled PDF to sign: who gets it, and that it is PDF/UA-1.

Rendering is real (WeasyPrint); the text is read back with ``pdftotext`` (poppler-utils).
"""

import io
import shutil
import subprocess

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accessions import form_pdf
from core.pdf import ProjectFileFetcher, static_root
from core.pdf_uploads import ACCESSION_MAX_PAGES, check_pdf_upload
from tests import factories


def _url(accession):
    return reverse("accessions:form-pdf", args=[accession.pk])


def _download(client, user, accession):
    client.force_login(user)
    response = client.get(_url(accession))
    assert response.status_code == 200
    return response.content


def _text(pdf_bytes, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf_bytes)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


@pytest.fixture
def joined(nrw, accession_world):
    """Düsseldorf's accepted accession, with the agreement's parties and a named measure."""
    nrw.agreement.parties.set([nrw.staedtetag, nrw.landkreistag, nrw.directorate, nrw.ministry])
    factories.PlannedMeasureFactory(
        accession=accession_world.joined,
        action_field=accession_world.action_field,
        title="Barrierefreier Eingangsbereich",
    )
    return accession_world.joined


# Who gets it


def test_the_owner_downloads_the_form_as_a_pdf_attachment(client, users, accession_world):
    draft = accession_world.draft
    client.force_login(users.kreis_manager)

    response = client.get(_url(draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Beitrittserklaerung-jobcenter-kreis-steinfurt.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content.startswith(b"%PDF-1.7")


@pytest.mark.parametrize("outsider", ["city_manager", "hessen_ministry"])
def test_whoever_may_not_see_the_accession_gets_404(client, users, accession_world, outsider):
    client.force_login(getattr(users, outsider))

    assert client.get(_url(accession_world.draft)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, accession_world):
    response = client.get(_url(accession_world.draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_detail_and_edit_pages_link_the_form(client, users, accession_world):
    draft = accession_world.draft
    client.force_login(users.kreis_manager)

    for page in ("accessions:detail", "accessions:edit"):
        html = client.get(reverse(page, args=[draft.pk])).text
        assert f'href="{_url(draft)}"' in html


# PDF/UA-1


def test_the_pdf_is_tagged_german_titled_and_pdf_ua_1(client, users, joined):
    pdf_bytes = _download(client, users.city_manager, joined)

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.StructTreeRoot.K  # the structure tree has the document's elements
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "de"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == "Beitrittserklärung – Jobcenter Düsseldorf"
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert "Beitrittserklärung" in meta.get("dc:title")
        fonts = [font for page in pdf.pages for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            descriptor = (
                font.DescendantFonts[0].FontDescriptor
                if font.Subtype == "/Type0"
                else font.FontDescriptor
            )
            assert "DejaVu" in str(font.BaseFont)
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_pdf_passes_the_check_for_the_signed_upload(client, users, joined):
    """A jobcenter that signs the PDF digitally can upload it as its signed form."""
    pdf_bytes = _download(client, users.city_manager, joined)

    check_pdf_upload(SimpleUploadedFile("signed.pdf", pdf_bytes), max_pages=ACCESSION_MAX_PAGES)


# Content


def test_the_pdf_is_the_prefilled_form(client, users, joined, tmp_path):
    text = _text(_download(client, users.ministry, joined), tmp_path)

    assert "Beitrittserklärung" in text
    assert joined.agreement.title in text
    assert "Jobcenter Düsseldorf" in text
    assert "Musterstraße 1" in text
    assert "40210 Düsseldorf" in text
    assert "Dr. Erika Beispiel" in text
    assert "inklusion@jobcenter.example" in text
    assert "0211 123456" in text
    assert "01.03.2018" in text  # the carriers agreed
    assert "Barrierefreier Eingangsbereich" in text
    assert "ja – das Jobcenter ist einverstanden" in text
    assert "Hiermit erklärt das Jobcenter Düsseldorf" in text
    assert "Ort, Datum" in text
    assert "Unterschrift Geschäftsführung" in text
    assert "Unterschrift Träger" in text
    # The parties, ministry first.
    assert text.index("MAGS NRW") < text.index("RD NRW") < text.index("Städtetag NRW")


def test_an_empty_draft_prints_lines_to_fill_by_hand(client, users, accession_world, tmp_path):
    text = _text(_download(client, users.kreis_manager, accession_world.draft), tmp_path)

    assert "________" in text
    assert "Zustimmung der Träger am" in text
    assert "nein – das Jobcenter wird nicht öffentlich" in text
    assert "Unterschrift Geschäftsführung" in text
    assert "Name in Druckschrift" in text


# Building blocks


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Jobcenter Düsseldorf", "Beitrittserklaerung-jobcenter-duesseldorf.pdf"),
        ("Jobcenter Kreis Höxter", "Beitrittserklaerung-jobcenter-kreis-hoexter.pdf"),
        ("Jobcenter Werra-Meißner-Kreis", "Beitrittserklaerung-jobcenter-werra-meissner-kreis.pdf"),
    ],
)
def test_the_file_name_is_ascii(db, name, filename):
    accession = factories.AccessionFactory.build(
        jobcenter=factories.JobcenterFactory.build(name=name)
    )

    assert form_pdf.form_filename(accession) == filename


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        (
            "SGB II-Rahmenvereinbarung zur Verbesserung",
            "SGB II-Rahmenvereinbarung zur Verbesserung",
        ),
        ("Kooperationsvertrag Arbeitsmarkt", "Vereinbarung „Kooperationsvertrag Arbeitsmarkt“"),
    ],
)
def test_the_declaration_names_the_agreement_grammatically(title, phrase):
    assert form_pdf.joined_agreement(title) == phrase


def test_the_url_fetcher_loads_only_the_projects_static_files(settings):
    fetcher = ProjectFileFetcher()
    stylesheet = static_root() / "pdf" / "base.css"

    response = fetcher(stylesheet.as_uri())
    try:
        assert b"DejaVu Sans" in response.read()
    finally:
        response.close()
    for refused in (
        "https://example.org/style.css",
        "http://127.0.0.1/",
        "data:text/css,body{}",
        (settings.BASE_DIR / "config" / "settings.py").as_uri(),
        stylesheet.as_uri().replace("/pdf/base.css", "/../config/settings.py"),
    ):
        with pytest.raises(ValueError):
            fetcher(refused)
