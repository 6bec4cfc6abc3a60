"""The letterhead an administrator sets, and its logo in the circular's PDF."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reports.documents import circular_pdf
from reports.models import Letterhead
from tests import factories

pytestmark = pytest.mark.django_db


def _image(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, format=image_format)
    return buffer.getvalue()


def _post(client, association, logo):
    return client.post(
        reverse("admin:reports_letterhead_add"),
        {
            "association": association.pk,
            "name": "Landkreistag Nordrhein-Westfalen",
            "street": "Kavalleriestraße 8",
            "postal_code": "40213",
            "city": "Düsseldorf",
            "phone": "+49 211 300491-0",
            "email": "info@lkt-nrw.example",
            "website": "",
            "logo": logo,
        },
    )


def test_an_administrator_sets_a_letterhead_with_a_png_logo(client, users, nrw):
    client.force_login(users.admin)

    response = _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("PNG")))

    assert response.status_code == 302
    letterhead = Letterhead.objects.get(association=nrw.landkreistag)
    assert letterhead.logo.name == f"letterheads/{nrw.landkreistag.pk}.png"


def test_a_logo_that_is_no_png_is_refused_at_its_field(client, users, nrw):
    client.force_login(users.admin)

    response = _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("JPEG")))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "Das Logo muss eine PNG-Datei sein."
    ]


def test_the_logo_is_drawn_in_the_letterhead_of_the_pdf(client, users, nrw):
    client.force_login(users.admin)
    _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("PNG")))
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True)

    pdf, _pages = circular_pdf(circular)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        images = list(document.pages[0].get_images())
    assert len(images) == 1
