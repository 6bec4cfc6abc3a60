"""The best-practice Reader: published measures by action field, as a PDF for everybody."""

import subprocess

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from reports.contents import reader_sections
from reports.documents import reader_pdf
from reports.models import JobStatus, Rendering, RenderingKind
from tests import factories

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def _text(pdf, page):
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def test_the_reader_holds_only_published_measures_by_action_field(accession_world, nrw):
    second = factories.ActionFieldFactory(agreement=nrw.agreement, number=2, title="Zugang")

    sections = reader_sections(nrw.agreement)

    assert [(field.number, [m.title for m in measures]) for field, measures in sections] == [
        (1, ["„Hinschauen, statt wegschauen!“ – Inklusionstag"]),
        (2, []),
    ]
    assert second == sections[1][0]


def test_the_reader_pdf_has_a_cover_contents_with_page_numbers_and_the_contact(
    accession_world, nrw
):
    rendering = factories.RenderingFactory(kind="reader", circular=None, agreement=nrw.agreement)

    pdf, pages = reader_pdf(rendering)

    assert pages == 3
    assert "Gute Praxis der Jobcenter" in _text(pdf, 1)
    assert "Inhalt" in _text(pdf, 2)
    assert _text(pdf, 2).endswith("3 2")  # the section's page, then the page's own number
    section = _text(pdf, 3)
    assert "„Hinschauen, statt wegschauen!“ – Inklusionstag Jobcenter Düsseldorf" in section
    assert "Ansprechperson Max Muster, inklusion@jobcenter.example" in section


def test_the_reader_names_its_publisher_and_shows_no_raw_markup(accession_world, nrw):
    nrw.agreement.parties.add(nrw.ministry)
    measure = accession_world.published_measure
    measure.description = "Wir sprechen Arbeitgeber **gezielt** an:\n- Messen\n- Besuche"
    measure.save()
    rendering = factories.RenderingFactory(kind="reader", circular=None, agreement=nrw.agreement)

    pdf, _pages = reader_pdf(rendering)

    assert "Herausgegeben von: MAGS NRW" in _text(pdf, 1)
    section = _text(pdf, 3)
    assert "Wir sprechen Arbeitgeber gezielt an: • Messen • Besuche" in section
    assert "**" not in section


def test_the_reader_never_hyphenates_e_mail_addresses_and_phone_numbers(accession_world, nrw):
    html = render_to_string(
        "reports/reader_pdf.html",
        {"agreement": nrw.agreement, "sections": reader_sections(nrw.agreement)},
    )
    css = (settings.BASE_DIR / "static/pdf/reader.css").read_text()

    assert '<span class="contact">inklusion@jobcenter.example</span>' in html
    assert ".contact {\n  hyphens: none;" in css


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("ministry", 302), ("staedtetag", 403), ("city_manager", 403), ("hessen_ministry", 403)],
)
def test_only_the_state_s_ministry_makes_a_reader(client, users, nrw, user_kind, status):
    client.force_login(getattr(users, user_kind))

    response = client.post(reverse("overviews:reader-pdf", args=[nrw.agreement.pk]))

    assert response.status_code == status
    assert Rendering.objects.filter(kind=RenderingKind.READER).exists() == (status == 302)


def test_everybody_downloads_the_latest_finished_reader(client, nrw):
    factories.RenderingFactory(kind="reader", circular=None, agreement=nrw.agreement, done=True)

    response = client.get(reverse("overviews:reader", args=[nrw.agreement.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_reader_still_being_made_is_not_offered(client, nrw):
    factories.RenderingFactory(kind="reader", circular=None, agreement=nrw.agreement)

    assert client.get(reverse("overviews:reader", args=[nrw.agreement.pk])).status_code == 404


def test_the_reader_of_an_unpublished_agreement_is_nobody_s_download(client, hessen):
    factories.RenderingFactory(kind="reader", circular=None, agreement=hessen.agreement, done=True)

    assert client.get(reverse("overviews:reader", args=[hessen.agreement.pk])).status_code == 404


def test_the_readers_page_offers_the_download_and_to_the_ministry_a_new_one(client, users, nrw):
    factories.RenderingFactory(kind="reader", circular=None, agreement=nrw.agreement, done=True)

    public = client.get(reverse("overviews:readers")).content.decode()
    client.force_login(users.ministry)
    ministry = client.get(reverse("overviews:readers")).content.decode()

    assert reverse("overviews:reader", args=[nrw.agreement.pk]) in public
    assert "Reader neu erstellen" not in public
    assert "Reader neu erstellen" in ministry


def test_making_a_reader_renders_it(
    client, users, accession_world, nrw, django_capture_on_commit_callbacks
):
    client.force_login(users.ministry)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("overviews:reader-pdf", args=[nrw.agreement.pk]))

    assert Rendering.objects.get(kind=RenderingKind.READER).status == JobStatus.DONE
