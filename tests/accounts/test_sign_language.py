"""The sign-language page: a slot per topic for a DGS video the administrator uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import SignLanguageVideo

PAGE = reverse("sign-language")
ADD = reverse("admin:accounts_signlanguagevideo_add")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 500


@pytest.fixture
def admin_client(client, users):
    client.force_login(users.admin)
    return client


def _upload(admin_client, content, name="erklaerung.mp4", topic="rahmenvereinbarung"):
    return admin_client.post(
        ADD,
        {
            "topic": topic,
            "duration_seconds": "150",
            "file": SimpleUploadedFile(name, content, content_type="video/mp4"),
        },
    )


def test_without_videos_each_topic_says_its_video_is_still_to_come(client, db):
    page = client.get(PAGE).content.decode()

    assert page.count("Dieses Video wird noch bereitgestellt.") == 3
    assert "Wie melde ich eine Barriere?" in page
    assert "<video" not in page
    assert "Solange hier kein Video zu sehen ist" in page


def test_an_uploaded_mp4_plays_on_the_page_with_its_size_and_duration(client, admin_client):
    response = _upload(admin_client, MP4)
    assert response.status_code == 302

    client.logout()
    page = client.get(PAGE).content.decode()
    video = client.get(reverse("sign-language-video", args=["rahmenvereinbarung"]))

    assert '<video class="sign-language-video" controls' in page
    assert "Video herunterladen (MP4, 2,0\xa0KB, 2:30 Min.)" in page
    assert page.count("Dieses Video wird noch bereitgestellt.") == 2
    assert video["Content-Type"] == "video/mp4"
    assert b"".join(video.streaming_content) == MP4


def test_the_video_downloads_under_its_topic_s_name(client, admin_client):
    _upload(admin_client, WEBM, name="irgendwas.bin", topic="jobcenter")

    response = client.get(reverse("sign-language-video", args=["jobcenter"]) + "?herunterladen")

    assert response["Content-Type"] == "video/webm"
    assert response["Content-Disposition"] == (
        'attachment; filename="gebaerdensprache-jobcenter.webm"'
    )
    assert SignLanguageVideo.objects.get().file.name == "gebaerdensprache/jobcenter.webm"


def test_a_file_that_is_no_video_and_too_large_is_refused_with_both_reasons(admin_client, settings):
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = 1000

    response = _upload(admin_client, b"%PDF-1.7\n" + b"x" * 2000, name="video.mp4")

    errors = response.context["adminform"].form.errors["file"]
    assert errors == [
        "Das Video ist 2,0\xa0KB groß; erlaubt sind höchstens 1000\xa0Bytes.",
        "Die Datei ist kein MP4- oder WebM-Video (geprüft wird der Inhalt, nicht der Name).",
    ]
    assert not SignLanguageVideo.objects.exists()


def test_a_topic_without_a_video_is_a_404(client, db):
    response = client.get(reverse("sign-language-video", args=["barriere-melden"]))

    assert response.status_code == 404
