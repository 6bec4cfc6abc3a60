import pytest
from django.core.exceptions import ValidationError

from accounts.models import AccessibilityFeedback, AuditEvent
from accounts.services import feedback_submit, user_create


def test_user_create_sends_a_link_to_set_the_password(
    nrw, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(
            actor=users.admin,
            username="neu",
            email="neu@example.org",
            organisation=nrw.staedtetag,
            role="association_staff",
        )

    assert not user.has_usable_password()
    [mail] = mailoutbox
    assert mail.to == ["neu@example.org"]
    assert mail.subject == "Ihr Zugang zu Rahmenwerk"
    assert "/passwort/setzen/" in mail.body


def test_user_create_records_who_created_the_user(nrw, users):
    user = user_create(
        actor=users.admin,
        username="neu",
        email="neu@example.org",
        organisation=nrw.ministry,
        role="ministry_staff",
    )

    event = AuditEvent.objects.for_object(user).get()
    assert event.actor == users.admin
    assert event.action == "user_created"


def test_a_role_must_fit_the_organisation(nrw):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None,
            username="neu",
            email="neu@example.org",
            organisation=nrw.city_jobcenter,
            role="ministry_staff",
        )

    assert "passt nicht zu einer Organisation der Art „Jobcenter“" in error.value.messages[0]


def test_feedback_is_stored_and_forwarded_to_the_operator(
    db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(name="", email="", page="/jobcenter/", message="Kontrast zu gering")

    assert AccessibilityFeedback.objects.get().message == "Kontrast zu gering"
    [mail] = mailoutbox
    assert mail.to == [settings.OPERATOR_EMAIL]
    assert "Kontrast zu gering" in mail.body


def test_the_feedback_form_thanks_and_keeps_nothing_back(client, db, mailoutbox):
    response = client.post(
        "/barrierefreiheit/",
        {"message": "Die Tabelle ist mit dem Screenreader schwer."},
        follow=True,
    )

    assert "Vielen Dank" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 1


def test_an_empty_feedback_is_refused_at_the_field(client, db):
    response = client.post("/barrierefreiheit/", {"name": "Erika", "message": ""})

    content = response.content.decode()
    assert "Bitte beschreiben Sie die Barriere." in content
    assert 'value="Erika"' in content
    assert not AccessibilityFeedback.objects.exists()
