"""The circular as PDF: like seed 000 in its text, tagged (PDF/UA-1), attachments appended."""

import io
import subprocess

import pikepdf
import pytest

from circulars import services as circulars_services
from circulars.models import CircularCounter
from reports import jobs, services
from reports.documents import circular_pdf
from reports.models import OUT_OF_MEMORY, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _text(pdf, *, first=None, last=None):
    command = ["pdftotext", "-layout"]
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    result = subprocess.run([*command, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def circular_151(nrw):
    CircularCounter.objects.create(association=nrw.landkreistag, year=2018, last_number=150)
    draft = factories.CircularFactory(
        association=nrw.landkreistag,
        subject="SGB II–Rahmenvereinbarung zur Verbesserung der beruflichen Integration",
        summary="Nach längeren Verhandlungen liegt nun die Rahmenvereinbarung vor.",
        body="zurückgehend auf einen Beschluss …\n\nDas Beitrittsformular finden Sie in der "
        "**Anlage A3** beigefügt.\n\nWir bitten um Kenntnisnahme.",
        signer_phone="+49 211 300491-220",
    )
    for position, title in enumerate(["Rahmenvereinbarung", "Schreiben des MAGS NRW"], 1):
        factories.CircularAttachmentFactory(circular=draft, position=position, title=title)
    return circulars_services.circular_finalise(circular=draft, user=None)


def test_the_letter_carries_number_date_reference_addressees_and_subject(circular_151):
    pdf, _pages = circular_pdf(circular_151)

    letter = _text(pdf, first=1)
    assert "RUNDSCHREIBEN-NR.: 151/18" in letter
    assert "Datum: 12.03.2018" in letter
    assert "Aktenz.: 50.05.02.3 DH/Schw" in letter
    assert "Direkt: +49 211 300491-220" in letter
    assert "Mitglieder des" in letter
    assert "SGB II–Rahmenvereinbarung zur Verbesserung der beruflichen Integration" in letter
    assert "Zusammenfassung:" in letter


def test_the_letter_ends_with_signature_and_the_list_of_attachments(circular_151):
    pdf, _pages = circular_pdf(circular_151)

    letter = " ".join(_text(pdf, first=1, last=2).split())
    assert "Mit freundlichen Grüßen Im Auftrag Dana Hoffmann" in letter
    assert "Anlagen A1 Rahmenvereinbarung A2 Schreiben des MAGS NRW" in letter
    assert "Seite 1 von 1" in letter


def test_each_attachment_follows_its_separator_page(circular_151):
    pdf, page_count = circular_pdf(circular_151)

    # The letter (one page), then per attachment a separator and its one page.
    assert page_count == 5
    assert "Anlage A1 – Rahmenvereinbarung" in _text(pdf, first=2)
    assert _text(pdf, first=3).strip() == ""  # the blank page of the uploaded PDF
    assert "Anlage A2 – Schreiben des MAGS NRW" in _text(pdf, first=4)
    assert "zum Rundschreiben Nr. 151/18 vom 12.03.2018" in _text(pdf, first=4)


def test_the_pdf_is_tagged_german_and_titled(circular_151):
    pdf, _pages = circular_pdf(circular_151)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.Root.Lang == "de"
        assert "/StructTreeRoot" in document.Root
        assert document.Root.MarkInfo.Marked
        assert document.Root.ViewerPreferences.DisplayDocTitle
        with document.open_metadata() as metadata:
            assert metadata["dc:title"].startswith("Rundschreiben Nr. 151/18")
        # The appended pages do not point into the letter's structure tree.
        assert "/StructParents" not in document.pages[2].obj


def test_a_circular_without_uploads_claims_pdf_ua_1(nrw):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True)

    pdf, _pages = circular_pdf(circular)

    with pikepdf.open(io.BytesIO(pdf)) as document, document.open_metadata() as metadata:
        assert metadata["pdfuaid:part"] == "1"


def test_a_circular_with_uploaded_attachments_claims_no_more_than_it_is(circular_151):
    pdf, _pages = circular_pdf(circular_151)

    with pikepdf.open(io.BytesIO(pdf)) as document, document.open_metadata() as metadata:
        assert "pdfuaid:part" not in metadata


def test_a_draft_says_so_on_every_page(nrw):
    draft = factories.CircularFactory(association=nrw.staedtetag, body="Text\n\n" * 200)

    pdf, page_count = circular_pdf(draft)

    assert page_count > 1
    for page in range(1, page_count + 1):
        assert "ENTWURF" in _text(pdf, first=page)


def test_a_final_circular_whose_line_starts_with_a_huge_number_has_its_page_and_pdf(
    client, users, nrw
):
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, body="9" * 5000 + ". Zeile\n2. Zeile"
    )
    client.force_login(users.landkreistag)

    assert client.get(circular.get_absolute_url()).status_code == 200
    pdf, _page_count = circular_pdf(circular)
    text = _text(pdf)
    assert text.count("9") >= 5000  # broken into lines, not cut off at the margin
    assert "2. Zeile" in text


def test_rendering_stores_one_file_and_marks_the_row_done(
    circular_151, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rendering = services.circular_render(circular=circular_151, user=None)

    rendering.refresh_from_db()
    assert rendering.status == JobStatus.DONE
    assert rendering.page_count == 5
    assert rendering.file.name == f"renderings/{rendering.pk}.pdf"
    assert rendering.file.read().startswith(b"%PDF-")


def test_finishing_a_rendering_twice_leaves_one_file(circular_151, private_media):
    rendering = factories.RenderingFactory(circular=circular_151, status=JobStatus.RUNNING)

    services.rendering_finish(rendering=rendering, pdf=factories.minimal_pdf(), page_count=1)
    rendering.status = JobStatus.RUNNING  # as a second delivery of the task sees it
    rendering.save()
    services.rendering_finish(rendering=rendering, pdf=factories.minimal_pdf(), page_count=1)

    assert [path.name for path in (private_media / "renderings").iterdir()] == [
        f"{rendering.pk}.pdf"
    ]


def test_a_final_circular_is_rendered_once(circular_151, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.circular_render(circular=circular_151, user=None)
        second = services.circular_render(circular=circular_151, user=None)

    assert first == second
    assert circular_151.renderings.count() == 1


def test_a_rendering_delivered_too_often_is_given_up_and_says_so(circular_151):
    rendering = factories.RenderingFactory(
        circular=circular_151, status=JobStatus.RUNNING, attempts=jobs.MAX_ATTEMPTS
    )

    assert services.rendering_start(rendering.pk) is None

    rendering.refresh_from_db()
    assert rendering.status == JobStatus.FAILED
    assert rendering.can_retry


def test_a_failed_rendering_delivered_again_stays_failed_and_is_not_started(circular_151):
    # Its message comes again when the broker restores it (a render that ran past the
    # visibility timeout, a worker that died after recording the failure): the failure
    # stands until someone asks again ("Noch einmal versuchen"), the render runs once.
    rendering = factories.RenderingFactory(
        circular=circular_151, status=JobStatus.FAILED, attempts=1, error=OUT_OF_MEMORY
    )

    assert services.rendering_start(rendering.pk) is None

    rendering.refresh_from_db()
    assert (rendering.status, rendering.attempts, rendering.error) == (
        JobStatus.FAILED,
        1,
        OUT_OF_MEMORY,
    )
    assert rendering.out_of_memory and rendering.can_retry


def test_a_status_overview_attachment_is_made_with_the_pdf_and_stays_tagged(accession_world, nrw):
    draft = factories.CircularFactory(association=nrw.landkreistag)
    circulars_services.attachment_add_document(
        circular=draft, user=None, document="overview", agreement=nrw.agreement
    )
    circular = circulars_services.circular_finalise(circular=draft, user=None)

    pdf, pages = circular_pdf(circular)

    assert pages == 3  # letter, separator, the overview of the Landkreistag's members
    separator = " ".join(_text(pdf, first=2).split())
    assert "Anlage A1 – Statusübersicht Rahmenvereinbarung Inklusion NRW" in separator
    overview = " ".join(_text(pdf, first=3).split())
    assert "Für Landkreistag NRW" in overview
    assert "Jobcenter Kreis Steinfurt" in overview
    assert "Jobcenter Düsseldorf" not in overview
    with pikepdf.open(io.BytesIO(pdf)) as document, document.open_metadata() as metadata:
        assert metadata["pdfuaid:part"] == "1"


def test_the_agreement_and_the_blank_accession_form_are_made_as_attachments(accession_world, nrw):
    draft = factories.CircularFactory(association=nrw.landkreistag)
    for document in ("agreement", "accession_form"):
        circulars_services.attachment_add_document(
            circular=draft, user=None, document=document, agreement=nrw.agreement
        )

    pdf, pages = circular_pdf(draft)

    text = " ".join(" ".join(_text(pdf, first=page).split()) for page in range(1, pages + 1))
    assert "Anlage A1 – Rahmenvereinbarung Inklusion NRW" in text
    assert "Vertragspartner" in text
    assert "Anlage A2 – Beitrittsformular Rahmenvereinbarung Inklusion NRW" in text
    assert "Beitrittserklärung" in text
    assert "☐ ja" in text
