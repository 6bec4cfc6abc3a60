"""The letterhead an administrator sets, and its logo in the circular's PDF."""

import io
import time

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from circulars.models import Letterhead
from reports.documents import circular_pdf
from tests import factories

pytestmark = pytest.mark.django_db


def _image(image_format, size=(120, 40), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "navy" if mode == "RGB" else 0).save(buffer, format=image_format)
    return buffer.getvalue()


def _post(client, association, logo, letterhead=None):
    url = (
        reverse("admin:circulars_letterhead_change", args=[letterhead.pk])
        if letterhead
        else reverse("admin:circulars_letterhead_add")
    )
    return client.post(
        url,
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


def _stored(association):
    return Letterhead.objects.get(association=association).logo


def test_a_logo_of_9400_by_9400_pixels_is_refused_at_its_field_within_a_second(client, users, nrw):
    # One bit per pixel: a small file that would decode to 350 MB as the PDF draws it.
    huge = SimpleUploadedFile("logo.png", _image("PNG", (9400, 9400), mode="1"))
    client.force_login(users.admin)

    # CPU time of this process (the request runs in it): what the check costs, whatever
    # else the machine is doing (decoding the image took 9.5 s of it before the check).
    start = time.process_time()
    response = _post(client, nrw.landkreistag, huge)
    seconds = time.process_time() - start

    assert seconds < 1, f"{seconds:.1f} s CPU"
    assert response.context["adminform"].form.errors["logo"] == [
        "Das Logo ist 9400 × 9400 Pixel groß; erlaubt sind höchstens 4000 × 4000. Im "
        "Briefkopf erscheint es höchstens 50 × 22 mm groß, dafür genügen 591 × 260 Pixel."
    ]
    assert not Letterhead.objects.filter(association=nrw.landkreistag).exists()


def test_a_big_logo_is_stored_at_the_size_the_letterhead_draws_it(client, users, nrw):
    client.force_login(users.admin)

    _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("PNG", (3000, 1000))))

    with _stored(nrw.landkreistag).open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.size == (591, 197)


def test_a_logo_that_fits_is_stored_as_it_was_uploaded(client, users, nrw):
    data = _image("PNG")
    client.force_login(users.admin)

    _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", data))

    with _stored(nrw.landkreistag).open("rb") as stored:
        assert stored.read() == data


def test_a_replaced_logo_file_is_deleted(client, users, nrw, django_capture_on_commit_callbacks):
    client.force_login(users.admin)
    _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("PNG")))
    old = _stored(nrw.landkreistag)

    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            nrw.landkreistag,
            SimpleUploadedFile("logo.png", _image("PNG", (60, 20))),
            letterhead=old.instance,
        )

    new = _stored(nrw.landkreistag)
    assert new.name != old.name
    assert new.storage.exists(new.name)
    assert not old.storage.exists(old.name)


def test_a_cleared_logo_file_is_deleted(client, users, nrw, django_capture_on_commit_callbacks):
    client.force_login(users.admin)
    _post(client, nrw.landkreistag, SimpleUploadedFile("logo.png", _image("PNG")))
    old = _stored(nrw.landkreistag)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:circulars_letterhead_change", args=[old.instance.pk]),
            {
                "association": nrw.landkreistag.pk,
                "name": "Landkreistag Nordrhein-Westfalen",
                "street": "Kavalleriestraße 8",
                "postal_code": "40213",
                "city": "Düsseldorf",
                "logo-clear": "on",
            },
        )

    assert response.status_code == 302
    assert not _stored(nrw.landkreistag)
    assert not old.storage.exists(old.name)


def test_a_huge_logo_stored_before_the_check_is_left_out_of_the_pdf(nrw):
    letterhead = Letterhead.objects.create(
        association=nrw.landkreistag,
        name="Landkreistag Nordrhein-Westfalen",
        street="Kavalleriestraße 8",
        postal_code="40213",
        city="Düsseldorf",
    )
    huge = _image("PNG", (9400, 9400), mode="1")
    letterhead.logo.save("logo.png", ContentFile(huge))  # past the admin's form
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True)

    pdf, _pages = circular_pdf(circular)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert not list(document.pages[0].get_images())
