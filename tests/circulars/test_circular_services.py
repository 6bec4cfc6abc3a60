"""Circulars: drafts, attachments and gapless numbering per association and year."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEvent
from circulars import services
from circulars.models import Circular, CircularCounter, CircularStatus, default_addressees
from core.markup import render_markup
from tests import factories

pytestmark = pytest.mark.django_db


def _data(**changes):
    data = {
        "date": datetime.date(2018, 3, 12),
        "file_reference": "50.05.02.3 DH/Schw",
        "addressees": "An die\nMitglieder des\nLandkreistages Nordrhein-Westfalen",
        "subject": "Rahmenvereinbarung Inklusion",
        "summary": "Kurz gesagt.",
        "salutation": "Sehr geehrte Damen und Herren,",
        "body": "Text.\n\nWir bitten um Kenntnisnahme.",
        "closing": "Mit freundlichen Grüßen",
        "signature_line": "Im Auftrag",
        "signer_name": "Dana Hoffmann",
        "signer_phone": "+49 211 300491-220",
        "signer_email": "d.hoffmann@lkt-nrw.example",
    }
    return {**data, **changes}


def test_a_new_circular_is_a_draft_without_a_number(nrw, users):
    circular = services.circular_create(
        association=nrw.landkreistag, user=users.landkreistag, data=_data()
    )

    assert circular.status == CircularStatus.DRAFT
    assert circular.number is None
    assert AuditEvent.objects.for_object(circular).get().action == "circular_created"


def test_finalising_takes_the_number_after_the_counter(nrw, users):
    CircularCounter.objects.create(association=nrw.landkreistag, year=2018, last_number=150)
    draft = factories.CircularFactory(association=nrw.landkreistag)

    circular = services.circular_finalise(circular=draft, user=users.landkreistag)

    assert circular.number_label == "151/18"
    assert CircularCounter.objects.get(association=nrw.landkreistag, year=2018).last_number == 151


def test_numbers_count_per_association_and_year(nrw, users):
    numbers = []
    for association, date in [
        (nrw.landkreistag, datetime.date(2018, 3, 12)),
        (nrw.landkreistag, datetime.date(2018, 4, 1)),
        (nrw.staedtetag, datetime.date(2018, 4, 1)),
        (nrw.landkreistag, datetime.date(2019, 1, 7)),
    ]:
        draft = factories.CircularFactory(association=association, date=date)
        numbers.append(services.circular_finalise(circular=draft, user=None).number_label)

    assert numbers == ["1/18", "2/18", "1/18", "1/19"]


def test_a_rolled_back_finalisation_gives_its_number_back(nrw):
    first = factories.CircularFactory(association=nrw.landkreistag)
    second = factories.CircularFactory(association=nrw.landkreistag)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.circular_finalise(circular=first, user=None)
        raise RuntimeError("the request failed after finalising")

    assert services.circular_finalise(circular=second, user=None).number == 1


def test_a_final_circular_cannot_be_changed(nrw, users):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)

    with pytest.raises(services.CircularStateError, match="151/18"):
        services.circular_update(
            circular=circular, user=users.landkreistag, data=_data(subject="Neu")
        )

    circular.refresh_from_db()
    assert circular.subject != "Neu"


def test_a_final_circular_is_not_finalised_twice(nrw, users):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)

    with pytest.raises(services.CircularStateError):
        services.circular_finalise(circular=circular, user=users.landkreistag)

    assert not CircularCounter.objects.exists()


def test_a_draft_without_text_is_not_finalised(nrw, users):
    draft = factories.CircularFactory(association=nrw.landkreistag, body="  ")

    with pytest.raises(ValidationError, match="keinen Text"):
        services.circular_finalise(circular=draft, user=users.landkreistag)


def test_changes_to_a_draft_are_recorded_field_by_field(nrw, users):
    circular = services.circular_create(
        association=nrw.landkreistag, user=users.landkreistag, data=_data()
    )

    services.circular_update(
        circular=circular, user=users.landkreistag, data=_data(subject="Neuer Betreff")
    )

    event = AuditEvent.objects.for_object(circular).first()
    assert event.changes == {"subject": ["Rahmenvereinbarung Inklusion", "Neuer Betreff"]}


def test_the_database_refuses_a_final_circular_without_a_number(nrw):
    with pytest.raises(IntegrityError):
        factories.CircularFactory(association=nrw.landkreistag, status=CircularStatus.FINAL)


def test_the_database_refuses_a_number_twice(nrw):
    factories.CircularFactory(association=nrw.landkreistag, final=True, number=7)

    with pytest.raises(IntegrityError):
        factories.CircularFactory(association=nrw.landkreistag, final=True, number=7)


def test_attachments_are_numbered_in_the_order_they_are_added(nrw, users):
    draft = factories.CircularFactory(association=nrw.landkreistag)

    labels = [
        services.attachment_add(
            circular=draft,
            user=users.landkreistag,
            title=title,
            file=ContentFile(factories.minimal_pdf(), name="a.pdf"),
        ).label
        for title in ["Vereinbarung", "Schreiben", "Formular"]
    ]

    assert labels == ["A1", "A2", "A3"]


def test_removing_an_attachment_moves_the_later_ones_up(
    nrw, users, django_capture_on_commit_callbacks, readback
):
    draft = factories.CircularFactory(association=nrw.landkreistag)
    first, *_later = [
        factories.CircularAttachmentFactory(circular=draft, position=position, title=title)
        for position, title in [(1, "Vereinbarung"), (2, "Schreiben"), (3, "Formular")]
    ]

    stored = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=first, user=users.landkreistag)

    assert [(a.label, a.title) for a in draft.attachments.order_by("position")] == [
        ("A1", "Schreiben"),
        ("A2", "Formular"),
    ]
    assert not first.file.storage.exists(stored)
    # Two attachments are left, A1 and A2 (the history still names the one removed).
    readback(draft, "Schreiben", "Formular", absent=["A3"])


def test_a_final_circular_gets_no_new_attachment(nrw, users):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True)

    with pytest.raises(services.CircularStateError):
        services.attachment_add(
            circular=circular,
            user=users.landkreistag,
            title="Nachtrag",
            file=ContentFile(factories.minimal_pdf(), name="a.pdf"),
        )


@pytest.mark.parametrize(
    ("name", "block"),
    [
        ("Landkreistag Nordrhein-Westfalen", "Landkreistages Nordrhein-Westfalen"),
        ("Städtetag Nordrhein-Westfalen", "Städtetages Nordrhein-Westfalen"),
        ("Hessischer Städtetag", "Hessischen Städtetages"),
    ],
)
def test_the_default_addressees_name_the_association_in_the_genitive(name, block):
    association = factories.OrganisationFactory.build(name=name)

    assert default_addressees(association) == f"An die\nMitglieder des\n{block}"


def test_the_text_markup_escapes_html_and_knows_paragraphs_emphasis_and_lists():
    html = render_markup(
        "Hallo <script>alert(1)</script> **fett** und *kursiv*\n\n- eins\n- zwei\n\n"
        "1. erstens\n2. zweitens"
    )

    assert html == (
        "<p>Hallo &lt;script&gt;alert(1)&lt;/script&gt; <strong>fett</strong> und "
        "<em>kursiv</em></p>\n<ul><li>eins</li><li>zwei</li></ul>\n"
        "<ol><li>erstens</li><li>zweitens</li></ol>"
    )


def test_a_date_at_the_start_of_a_line_stays_text():
    assert render_markup("am\n15. März 2018 unterzeichnet") == (
        "<p>am<br>15. März 2018 unterzeichnet</p>"
    )


def test_a_numbered_list_keeps_its_first_number():
    assert render_markup("3. drei\n4. vier") == '<ol start="3"><li>drei</li><li>vier</li></ol>'


def test_a_line_starting_with_a_huge_number_stays_text():
    huge = "9" * 5000

    assert render_markup(f"{huge}. Zeile\n{huge}1. Zeile") == (
        f"<p>{huge}. Zeile<br>{huge}1. Zeile</p>"
    )


def test_bold_that_never_closes_ends_at_the_next_marks():
    assert render_markup("**a **b**") == "<p>**a <strong>b</strong></p>"


@pytest.mark.parametrize(
    "text",
    ["**a " * 25_000, "*a " * 33_000, "**a *b " * 14_000, "*" * 100_000, "1" * 100_000 + ". x"],
    ids=["bold openers", "emphasis openers", "both", "stars", "digits"],
)
def test_the_markup_of_a_long_hostile_text_takes_linear_time(text):
    # 100,000 characters: quadratic matching took minutes here, linear takes milliseconds.
    started = time.perf_counter()
    render_markup(text)
    assert time.perf_counter() - started < 1


def test_removing_an_attachment_twice_removes_it_once(nrw, users):
    draft = factories.CircularFactory(association=nrw.landkreistag)
    first, *_later = [
        factories.CircularAttachmentFactory(circular=draft, position=position)
        for position in (1, 2)
    ]

    services.attachment_remove(attachment=first, user=users.landkreistag)
    services.attachment_remove(attachment=first, user=users.landkreistag)

    assert list(draft.attachments.values_list("position", flat=True)) == [1]


def finalise_at_once(drafts):
    """Finalise every draft in its own thread and connection, all starting together."""
    start = threading.Barrier(len(drafts))
    errors = []

    def finalise(draft):
        try:
            start.wait()
            services.circular_finalise(circular=draft, user=None)
        except Exception as error:  # returned to the test, which names it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_staff_finalising_at_the_same_time_get_distinct_numbers_without_gaps(nrw):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    CircularCounter.objects.create(association=nrw.landkreistag, year=2018, last_number=150)
    drafts = factories.CircularFactory.create_batch(8, association=nrw.landkreistag)

    errors = finalise_at_once(drafts)

    assert errors == []
    numbers = sorted(Circular.objects.values_list("number", flat=True))
    assert numbers == list(range(151, 159))


@pytest.mark.django_db(transaction=True)
def test_the_first_finalisations_of_a_year_at_the_same_time_create_one_counter(nrw):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    drafts = factories.CircularFactory.create_batch(6, association=nrw.staedtetag)

    errors = finalise_at_once(drafts)

    assert errors == []
    assert sorted(Circular.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert CircularCounter.objects.get().last_number == 6
