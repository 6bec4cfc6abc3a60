"""Circular pages: write, attach, finalise, render and download, each as the rules allow."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from circulars import services as circulars_services
from circulars.models import AttachmentDocument, Circular, CircularCounter, CircularStatus
from reports import services
from reports.models import JobStatus, Rendering
from tests import factories
from tests.core import corpus

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "date": "12.03.2018",
        "file_reference": "50.05.02.3 DH/Schw",
        "addressees": "An die\nMitglieder des\nStädtetages NRW",
        "subject": "Stand der Beitritte",
        "summary": "",
        "salutation": "Sehr geehrte Damen und Herren,",
        "body": "Text.",
        "closing": "Mit freundlichen Grüßen",
        "signature_line": "Im Auftrag",
        "signer_name": "Stefan Demo",
        "signer_phone": "",
        "signer_email": "",
    }
    return {**data, **changes}


@pytest.fixture
def staedtetag_client(client, users):
    client.force_login(users.staedtetag)
    return client


def test_association_staff_start_a_draft_of_their_association(staedtetag_client, nrw, readback):
    response = staedtetag_client.post(reverse("circulars:new"), _form())

    circular = Circular.objects.get()
    assert response.status_code == 302
    assert response.url == circular.get_absolute_url()
    assert circular.association == nrw.staedtetag
    assert circular.status == CircularStatus.DRAFT
    readback(circular, "Entwurf")


def test_the_new_circular_form_suggests_the_association_s_addressees(staedtetag_client):
    response = staedtetag_client.get(reverse("circulars:new"))

    assert "An die\nMitglieder des\nStädtetages NRW" in response.content.decode()


def test_a_bad_date_is_named_at_its_field_and_keeps_what_was_typed(staedtetag_client):
    response = staedtetag_client.post(
        reverse("circulars:new"), _form(date="31.02.2018", subject="Mein Betreff")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["date"] == ["Den 31.02.2018 gibt es nicht: der Februar 2018 hat 28 Tage."]
    assert 'value="Mein Betreff"' in response.content.decode()
    assert not Circular.objects.exists()


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n"])
def test_a_subject_with_a_line_break_is_refused_at_its_field(staedtetag_client, line_break):
    # The subject becomes the e-mail's Subject header: a line break would start another.
    response = staedtetag_client.post(
        reverse("circulars:new"), _form(subject=f"Stand{line_break}Bcc: x@evil.example")
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["subject"]
    assert error.startswith("Bitte schreiben Sie alles in eine Zeile")
    assert not Circular.objects.exists()


def test_finalising_gives_the_number_and_renders_the_pdf(
    client, users, nrw, django_capture_on_commit_callbacks, readback
):
    CircularCounter.objects.create(association=nrw.staedtetag, year=2018, last_number=41)
    draft = factories.CircularFactory(association=nrw.staedtetag)
    client.force_login(users.staedtetag)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("circulars:finalise", args=[draft.pk]))
    response = client.get(response.url)

    draft.refresh_from_db()
    assert draft.number_label == "42/18"
    assert "trägt die Nummer 42/18" in response.content.decode()
    assert draft.renderings.get().status == JobStatus.DONE
    readback(draft, "42/18")
    readback(draft.renderings.get(), "42/18")


def test_the_finalise_page_names_the_number_it_expects(client, users, nrw):
    CircularCounter.objects.create(association=nrw.staedtetag, year=2018, last_number=41)
    draft = factories.CircularFactory(association=nrw.staedtetag)
    client.force_login(users.staedtetag)

    response = client.get(reverse("circulars:finalise", args=[draft.pk]))

    assert "die Nummer 42/18" in response.content.decode()


def test_a_draft_without_text_is_not_finalised_and_the_page_says_why(client, users, nrw):
    draft = factories.CircularFactory(association=nrw.staedtetag, body=" ")
    client.force_login(users.staedtetag)

    response = client.post(reverse("circulars:finalise", args=[draft.pk]))

    assert response.status_code == 200
    assert "Das Rundschreiben hat noch keinen Text." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CircularStatus.DRAFT


def test_an_uploaded_pdf_becomes_the_next_attachment(client, users, accession_world, readback):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    client.post(
        reverse("circulars:attachment-add", args=[draft.pk]),
        {
            "title": "Schreiben des MAGS",
            "file": SimpleUploadedFile("brief.pdf", factories.minimal_pdf()),
        },
    )

    assert [(a.label, a.title) for a in draft.attachments.order_by("position")] == [
        ("A1", "Übersicht der Beitritte"),
        ("A2", "Schreiben des MAGS"),
    ]
    readback(draft.attachments.get(position=2), "Schreiben des MAGS")


def _upload_attachment(client, circular, data, title="Anlage"):
    return client.post(
        reverse("circulars:attachment-add", args=[circular.pk]),
        {"title": title, "file": SimpleUploadedFile("anlage.pdf", data)},
    )


def _refusal_at_the_file(response, title):
    """The errors at the file field of a refused upload, whose title stays on the page."""
    assert response.status_code == 200
    assert f'value="{title}"' in response.content.decode()
    return response.context["form"].errors["file"]


@pytest.mark.long  # the upload check parses for seconds: started first
def test_a_pdf_of_a_million_objects_is_refused_at_the_attachment_field(
    client, users, accession_world
):
    draft = accession_world.draft_circular
    client.force_login(users.staedtetag)
    # How long the check takes is measured around the form's clean
    # (tests/core/test_pdf_uploads.py): here the test client's multipart encoding of
    # megabytes would count too.
    response = _upload_attachment(client, draft, corpus.many_objects(), "Schreiben des MAGS")

    assert _refusal_at_the_file(response, "Schreiben des MAGS") == [
        "Das PDF besteht aus ungewöhnlich vielen Teilen (Objekten). Bitte speichern Sie es neu, "
        "etwa über „Drucken als PDF“, und laden Sie es noch einmal hoch."
    ]
    assert draft.attachments.count() == 1


def _many_objects(count):
    objects = corpus.page_objects(1)
    objects.update(dict.fromkeys(range(4, count), b"0"))
    return corpus.packed_pdf(objects)


@pytest.mark.parametrize(
    ("first", "second", "refusal"),
    [
        pytest.param(
            lambda: corpus.pages(250),
            lambda: corpus.pages(50),
            # A1 of the draft is an uploaded page as well.
            "Mit dieser Datei hätten die hochgeladenen Anlagen des Rundschreibens zusammen 301 "
            "Seiten; erlaubt sind höchstens 300.",
            id="301-pages",
        ),
        pytest.param(
            lambda: _many_objects(60_000),
            lambda: _many_objects(60_000),
            "Mit dieser Datei wären die hochgeladenen Anlagen des Rundschreibens zusammen zu "
            "umfangreich (mehr als 100000 Objekte). Bitte speichern Sie die Datei neu, etwa über "
            "„Drucken als PDF“.",
            id="120000-objects",
        ),
    ],
)
def test_an_upload_beyond_what_a_circulars_uploads_hold_together_is_refused_at_the_field(
    client, users, accession_world, first, second, refusal
):
    draft = accession_world.draft_circular
    client.force_login(users.staedtetag)
    _upload_attachment(client, draft, first())

    response = _upload_attachment(client, draft, second(), title="Zu viel")

    assert _refusal_at_the_file(response, "Zu viel") == [refusal]
    assert draft.attachments.count() == 2


def test_an_eleventh_attachment_is_refused_at_the_field(client, users, accession_world):
    draft = accession_world.draft_circular
    for number in range(2, 11):
        factories.CircularAttachmentFactory(circular=draft, position=number)
    client.force_login(users.staedtetag)

    response = _upload_attachment(client, draft, factories.minimal_pdf())

    refusal = _refusal_at_the_file(response, "Anlage")
    assert refusal == ["Ein Rundschreiben hat höchstens 10 Anlagen."]
    assert draft.attachments.count() == 10


def test_an_eleventh_document_is_not_added(client, users, accession_world, nrw):
    draft = accession_world.draft_circular
    for number in range(2, 11):
        factories.CircularAttachmentFactory(circular=draft, position=number)

    with pytest.raises(circulars_services.CircularStateError, match="höchstens 10 Anlagen"):
        circulars_services.attachment_add_document(
            circular=draft,
            user=users.staedtetag,
            document=AttachmentDocument.OVERVIEW,
            agreement=nrw.agreement,
        )
    assert draft.attachments.count() == 10


def test_an_attachment_title_that_reverses_the_reading_direction_is_refused(
    client, users, accession_world
):
    draft = accession_world.draft_circular
    client.force_login(users.staedtetag)

    response = client.post(
        reverse("circulars:attachment-add", args=[draft.pk]),
        {
            "title": "Rechnung\u202efdp.exe",
            "file": SimpleUploadedFile("brief.pdf", factories.minimal_pdf()),
        },
    )

    assert "die Leserichtung umkehrt (U+202E, an Stelle 9)" in response.content.decode()
    assert draft.attachments.count() == 1


def test_an_attachment_without_a_title_is_named_after_its_file(client, users, accession_world):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    client.post(
        reverse("circulars:attachment-add", args=[draft.pk]),
        {"title": "", "file": SimpleUploadedFile("Schreiben_MAGS.pdf", factories.minimal_pdf())},
    )

    assert draft.attachments.get(position=2).title == "Schreiben MAGS"


def test_a_file_that_is_no_pdf_is_refused_at_its_field_keeping_the_title(
    client, users, accession_world
):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    response = client.post(
        reverse("circulars:attachment-add", args=[draft.pk]),
        {"title": "Mein Titel", "file": SimpleUploadedFile("x.pdf", b"<html>kein PDF</html>")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Die Datei ist kein PDF."]
    assert 'value="Mein Titel"' in response.content.decode()
    assert draft.attachments.count() == 1


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [
        ("landkreistag", 200),
        ("ministry", 200),
        ("directorate", 200),
        ("staedtetag", 404),
        ("kreis_manager", 200),
        ("city_manager", 404),
        ("hessen_ministry", 404),
    ],
)
def test_an_attachment_is_downloaded_by_those_who_see_its_circular(
    client, users, accession_world, user_kind, status
):
    attachment = accession_world.final_circular.attachments.get()
    client.force_login(getattr(users, user_kind))

    response = client.get(
        reverse("circulars:attachment", args=[attachment.circular_id, attachment.pk])
    )

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_an_anonymous_visitor_is_sent_to_the_login_for_a_download(client, accession_world):
    rendering = accession_world.final_rendering

    response = client.get(reverse("renderings:download", args=[rendering.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [
        ("landkreistag", 200),
        ("ministry", 200),
        ("directorate", 200),
        ("staedtetag", 404),
        ("kreis_manager", 200),  # Steinfurt received it
        ("city_manager", 404),
        ("hessen_ministry", 404),
    ],
)
def test_the_rendered_pdf_is_downloaded_by_those_who_see_its_circular(
    client, users, accession_world, user_kind, status
):
    client.force_login(getattr(users, user_kind))

    response = client.get(reverse("renderings:download", args=[accession_world.final_rendering.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="Rundschreiben-151-18.pdf"' in response["Content-Disposition"]


def test_a_pdf_that_is_not_done_has_nothing_to_download(client, users, accession_world):
    rendering = factories.RenderingFactory(circular=accession_world.final_circular)
    client.force_login(users.landkreistag)

    response = client.get(reverse("renderings:download", args=[rendering.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("landkreistag", 200), ("ministry", 200), ("staedtetag", 404), ("city_manager", 404)],
)
def test_the_status_of_a_rendering_is_json_for_those_who_see_it(
    client, users, accession_world, user_kind, status
):
    client.force_login(getattr(users, user_kind))

    response = client.get(reverse("renderings:status", args=[accession_world.final_rendering.pk]))

    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "status": "done",
            "stage": "done",
            "label": "fertig",
            "pending": False,
        }


def test_a_one_page_pdf_is_named_one_page_not_one_pages(client, users, accession_world):
    client.force_login(users.landkreistag)
    rendering = accession_world.final_rendering
    assert rendering.page_count == 1

    pages = [
        client.get(rendering.get_absolute_url()).content.decode(),
        client.get(accession_world.final_circular.get_absolute_url()).content.decode(),
    ]

    assert "(1 Seite, erstellt am" in pages[0]
    assert "PDF herunterladen (1 Seite)" in pages[1]
    assert not any("1 Seiten" in page for page in pages)


def test_a_pending_rendering_page_follows_itself_with_a_static_script(
    client, users, accession_world
):
    rendering = factories.RenderingFactory(circular=accession_world.final_circular)
    client.force_login(users.landkreistag)

    content = client.get(rendering.get_absolute_url()).content.decode()

    assert 'data-status-url="/pdf/' in content
    assert "js/rendering-status.js" in content
    assert "<script>" not in content


@pytest.mark.parametrize(
    ("user_kind", "status"),
    [("landkreistag", 302), ("ministry", 403), ("staedtetag", 404), ("city_manager", 404)],
)
def test_only_the_association_asks_for_a_pdf(client, users, accession_world, user_kind, status):
    client.force_login(getattr(users, user_kind))

    response = client.post(reverse("circulars:render", args=[accession_world.final_circular.pk]))

    assert response.status_code == status


def test_asking_again_for_a_final_circular_s_pdf_reuses_the_one_there_is(
    client, users, accession_world
):
    client.force_login(users.landkreistag)

    response = client.post(reverse("circulars:render", args=[accession_world.final_circular.pk]))

    assert response.url == accession_world.final_rendering.get_absolute_url()


def test_a_draft_can_be_looked_at_as_pdf(
    client, users, accession_world, django_capture_on_commit_callbacks
):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("circulars:render", args=[draft.pk]))
    response = client.get(response.url)

    rendering = draft.renderings.get()
    assert rendering.status == JobStatus.DONE
    assert "Das PDF ist fertig" in response.content.decode()


def test_a_failed_rendering_says_so_in_german_and_can_be_tried_again(
    client, users, accession_world, django_capture_on_commit_callbacks
):
    rendering = factories.RenderingFactory(
        circular=accession_world.final_circular, status=JobStatus.FAILED, error="boom"
    )
    client.force_login(users.landkreistag)

    page = client.get(rendering.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("renderings:retry", args=[rendering.pk]))
    response = client.get(response.url)

    assert "Das PDF konnte nicht erstellt werden." in page
    assert "boom" not in page
    rendering.refresh_from_db()
    assert rendering.status == JobStatus.DONE
    assert "Das PDF ist fertig" in response.content.decode()


def test_only_the_association_tries_a_failed_rendering_again(client, users, accession_world):
    rendering = factories.RenderingFactory(
        circular=accession_world.final_circular, status=JobStatus.FAILED
    )
    client.force_login(users.ministry)

    response = client.post(reverse("renderings:retry", args=[rendering.pk]))

    assert response.status_code == 403


def test_two_associations_circulars_of_the_same_number_are_told_apart(client, users, nrw):
    for association in (nrw.landkreistag, nrw.staedtetag):
        circular = factories.CircularFactory(
            association=association, final=True, number=1, date=datetime.date(2026, 1, 8)
        )
        factories.RenderingFactory(circular=circular, done=True)
    client.force_login(users.ministry)

    listed = client.get(reverse("circulars:list")).content.decode()
    pages = [
        client.get(rendering.get_absolute_url()).content.decode()
        for rendering in Rendering.objects.order_by("pk")
    ]

    assert "1/26 (Landkreistag NRW)" in listed
    assert "1/26 (Städtetag NRW)" in listed
    assert "Rundschreiben 1/26 (Landkreistag NRW)" in pages[0]
    assert "Rundschreiben 1/26 (Städtetag NRW)" in pages[1]


def test_a_row_of_the_list_links_its_circular_and_shows_its_date(client, users, nrw):
    circular = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=7, date=datetime.date(2026, 3, 4)
    )
    client.force_login(users.ministry)

    listed = client.get(reverse("circulars:list")).content.decode()

    assert '<td><time datetime="2026-03-04">04.03.2026</time></td>' in listed
    assert f'<a href="{circular.get_absolute_url()}">{circular.subject}</a>' in listed
    assert "7/26 (Landkreistag NRW)" in listed


def test_the_list_shows_the_newest_circular_by_its_date_first(client, users, nrw):
    # 2/26 was drafted before 1/26 but is dated and numbered after it: newest first is by
    # the date on the letter, not by when the draft was begun.
    later = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=2, date=datetime.date(2026, 11, 30)
    )
    earlier = factories.CircularFactory(
        association=nrw.landkreistag, final=True, number=1, date=datetime.date(2026, 11, 16)
    )
    same_day = factories.CircularFactory(
        association=nrw.landkreistag, date=datetime.date(2026, 11, 16)
    )
    client.force_login(users.landkreistag)

    rows = client.get(reverse("circulars:list")).context["page"]

    assert [row.url for row in rows] == [c.get_absolute_url() for c in (later, same_day, earlier)]


@pytest.mark.parametrize("count", [3, 30, 120])
@pytest.mark.parametrize("page", ["1", "3"])
def test_the_list_runs_a_fixed_number_of_queries(
    client, users, nrw, count, page, django_assert_num_queries
):
    factories.CircularFactory.create_batch(count, association=nrw.landkreistag, final=True)
    client.force_login(users.ministry)

    with django_assert_num_queries(5):
        response = client.get(reverse("circulars:list"), {"seite": page})

    assert response.status_code == 200
    assert len(response.context["page"]) > 0


@pytest.mark.parametrize("count", [1, 10])
def test_the_circular_page_runs_a_fixed_number_of_queries(
    client, users, nrw, count, django_assert_num_queries
):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True)
    for position in range(1, count + 1):
        factories.CircularAttachmentFactory(circular=circular, position=position)
    client.force_login(users.landkreistag)

    # 8, and 3 for whom it would reach if sent now: the members, the contact persons of
    # those without an address in the registry, the managers of those still without.
    with django_assert_num_queries(11):
        response = client.get(circular.get_absolute_url())

    assert response.status_code == 200


def test_ministry_staff_see_final_circulars_but_no_drafts(client, users, accession_world):
    client.force_login(users.ministry)

    content = client.get(reverse("circulars:list")).content.decode()

    assert accession_world.final_circular.subject in content
    assert accession_world.draft_circular.subject not in content


def test_the_admin_cannot_set_a_counter_below_a_number_already_given(
    client, users, accession_world, nrw
):
    counter = CircularCounter.objects.create(
        association=nrw.landkreistag, year=2018, last_number=151
    )
    client.force_login(users.admin)

    response = client.post(
        reverse("admin:circulars_circularcounter_change", args=[counter.pk]),
        {"association": nrw.landkreistag.pk, "year": 2018, "last_number": 100},
    )

    assert response.status_code == 200
    assert "schon die Nummer 151 vergeben" in response.content.decode()
    counter.refresh_from_db()
    assert counter.last_number == 151


def test_the_demo_date_is_german_on_the_circular_page(client, users, accession_world):
    client.force_login(users.landkreistag)

    content = client.get(accession_world.final_circular.get_absolute_url()).content.decode()

    assert datetime.date(2018, 3, 12).strftime("%d.%m.%Y") in content
    assert "Rundschreiben-Nr. 151/18" in content


def test_edits_sent_after_a_colleague_finalised_are_refused_and_kept_on_the_page(
    client, users, nrw
):
    circular = factories.CircularFactory(association=nrw.staedtetag, final=True, number=3)
    client.force_login(users.staedtetag)

    response = client.post(
        reverse("circulars:edit", args=[circular.pk]), _form(subject="Mein neuer Betreff")
    )

    assert response.status_code == 403
    content = response.content.decode()
    assert "ist abgeschlossen und kann nicht mehr geändert werden" in content
    assert 'value="Mein neuer Betreff"' in content
    circular.refresh_from_db()
    assert circular.subject != "Mein neuer Betreff"


def test_a_post_to_a_final_circular_is_forbidden_even_when_the_form_is_wrong(client, users, nrw):
    circular = factories.CircularFactory(association=nrw.staedtetag, final=True, number=3)
    client.force_login(users.staedtetag)

    response = client.post(reverse("circulars:edit", args=[circular.pk]), {})

    assert response.status_code == 403
    assert "ist abgeschlossen und kann nicht mehr geändert werden" in response.content.decode()


def test_a_year_outside_the_numbering_is_named_at_the_date(staedtetag_client):
    response = staedtetag_client.post(reverse("circulars:new"), _form(date="12.03.0218"))

    assert response.context["form"].errors["date"] == [
        "Bitte geben Sie ein Datum ab dem 01.01.1990 an."
    ]


def test_a_circular_is_dated_at_most_a_year_ahead(staedtetag_client):
    in_two_years = timezone.localdate() + datetime.timedelta(days=730)

    response = staedtetag_client.post(
        reverse("circulars:new"), _form(date=in_two_years.strftime("%d.%m.%Y"))
    )

    [message] = response.context["form"].errors["date"]
    assert message.startswith("Ein Rundschreiben trägt das Datum, an dem es verschickt wird")
    assert not Circular.objects.exists()


def test_the_database_refuses_a_circular_dated_before_1990(accession_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Circular.objects.filter(pk=accession_world.draft_circular.pk).update(
            date=datetime.date(218, 3, 12)
        )


def test_the_admin_offers_no_deletion_of_a_final_circular(client, users, accession_world):
    client.force_login(users.admin)

    response = client.get(
        reverse("admin:circulars_circular_delete", args=[accession_world.final_circular.pk])
    )

    assert response.status_code == 403


def test_a_draft_s_pdf_stays_with_the_association_after_finalising(
    client, users, nrw, django_capture_on_commit_callbacks
):
    draft = factories.CircularFactory(association=nrw.landkreistag)
    with django_capture_on_commit_callbacks(execute=True):
        draft_pdf = services.circular_render(circular=draft, user=users.landkreistag)
        final = circulars_services.circular_finalise(circular=draft, user=users.landkreistag)
        final_pdf = services.circular_render(circular=final, user=users.landkreistag)
    client.force_login(users.ministry)

    assert final_pdf != draft_pdf
    assert final_pdf.of_final
    assert client.get(reverse("renderings:download", args=[draft_pdf.pk])).status_code == 404
    assert client.get(reverse("renderings:download", args=[final_pdf.pk])).status_code == 200


def test_a_status_overview_is_added_as_the_next_attachment(client, users, accession_world, nrw):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    client.post(
        reverse("circulars:attachment-add-document", args=[draft.pk]),
        {"dokument-document": "overview", "dokument-agreement": nrw.agreement.pk},
    )

    attachment = draft.attachments.get(position=2)
    assert attachment.title == "Statusübersicht Rahmenvereinbarung Inklusion NRW"
    assert attachment.is_generated
    response = client.get(reverse("circulars:attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 404  # nothing uploaded to hand out


def test_an_agreement_of_another_state_is_not_offered_for_the_overview(
    client, users, accession_world, hessen
):
    client.force_login(users.staedtetag)
    draft = accession_world.draft_circular

    response = client.post(
        reverse("circulars:attachment-add-document", args=[draft.pk]),
        {"dokument-document": "overview", "dokument-agreement": hessen.agreement.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["agreement"] == [
        "Bitte wählen Sie eine der angebotenen Vereinbarungen."
    ]
    assert draft.attachments.count() == 1


def test_a_document_without_a_choice_is_named_at_its_field(client, users, accession_world, nrw):
    client.force_login(users.staedtetag)

    response = client.post(
        reverse("circulars:attachment-add-document", args=[accession_world.draft_circular.pk]),
        {"dokument-agreement": nrw.agreement.pk},
    )

    assert response.context["form"].errors["document"] == ["Bitte wählen Sie das Dokument."]
