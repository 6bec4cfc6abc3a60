import datetime
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accessions import services
from accessions.models import Accession
from accounts.models import AuditEvent, Organisation, User
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import Circular
from config.celery import app as celery_app
from jobcenters.models import Jobcenter
from measures.models import KeyFigures
from outbox.models import OutgoingEmail
from tests.conftest import FAST_HASHERS, private_storage

# The module loads the demo data (``demo_data``): started first (``long``, tests/conftest.py).
pytestmark = pytest.mark.long


def _counts():
    return [
        model.objects.count()
        for model in (
            Organisation,
            Jobcenter,
            User,
            FrameworkAgreement,
            ActionField,
            AuditEvent,
            Accession,
        )
    ]


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """``load_demo`` once for the module (half a minute and more on a busy machine).

    The rows live in a transaction around the module, rolled back after its last test; each
    test (it has ``db``) runs in a savepoint inside it, so what one test changes is gone
    for the next. Returns the folder of the demo's files.
    """
    media = tmp_path_factory.mktemp("demo-files")
    eager = celery_app.conf.task_always_eager
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, STORAGES=private_storage(media)),
        transaction.atomic(),
    ):
        # The demo's circular PDF is made in-process, as in a test (``celery_eager``).
        celery_app.conf.task_always_eager = True
        try:
            call_command("load_demo", "--force")
        finally:
            celery_app.conf.task_always_eager = eager
        yield media
        transaction.set_rollback(True)


@pytest.fixture
def demo_data(_demo_loaded, db, private_media):
    """The demo data as ``load_demo --force`` leaves it, with a copy of its files for the test."""
    shutil.copytree(_demo_loaded, private_media, dirs_exist_ok=True)


def test_demo_data_has_nrw_as_in_the_seed_documents(demo_data):
    assert Jobcenter.objects.filter(state="NW").count() == 53
    assert Jobcenter.objects.filter(form="gE").count() == 35
    nrw = FrameworkAgreement.objects.get(short_title="Rahmenvereinbarung Inklusion NRW")
    assert nrw.action_fields.count() == 6
    assert nrw.action_fields.get(number=4).title == "Gewinnung der Arbeitgeber"
    assert sorted(p.short_name for p in nrw.parties.all()) == [
        "Landkreistag NRW",
        "MAGS NRW",
        "Regionaldirektion NRW",
        "Städtetag NRW",
    ]
    youth = FrameworkAgreement.objects.get(short_title="JobCenterJugend Kamen und Unna")
    assert (youth.initial_term_months, youth.renewal_months, youth.notice_months) == (12, 12, 3)


def test_loading_the_demo_twice_changes_nothing(demo_data):
    before = _counts()

    call_command("load_demo", "--force")

    assert _counts() == before


@pytest.mark.parametrize(
    "username",
    [
        "ministerium",
        "regionaldirektion",
        "landkreistag",
        "staedtetag",
        "jobcenter-duesseldorf",
        "jobcenter-steinfurt",
        "admin",
    ],
)
def test_every_demo_login_works(client, demo_data, username):
    response = client.post(reverse("login"), {"username": username, "password": "rahmenwerk-demo"})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_demo_data_is_refused_outside_debug_without_force(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("load_demo")


def test_demo_nrw_has_47_of_53_joined_and_steinfurt_in_draft(demo_data):
    accessions = Accession.objects.filter(agreement__short_title="Rahmenvereinbarung Inklusion NRW")
    assert accessions.filter(status="accepted").count() == 47
    assert accessions.get(jobcenter__name="Jobcenter Kreis Steinfurt").status == "draft"
    first = accessions.filter(status="accepted").order_by("joined_on").first()
    assert first.jobcenter.name == "Jobcenter Düsseldorf"
    assert accessions.filter(status="accepted").latest("joined_on").joined_on.year == 2019


def test_demo_accessions_are_signed_and_have_their_timeline(demo_data):
    accessions = Accession.objects.exclude(status="draft")
    assert accessions.count() == 51
    assert not accessions.filter(signed_form="").exists()
    solingen = Accession.objects.get(jobcenter__name="Jobcenter Solingen")
    assert solingen.status == "returned"
    assert solingen.return_reasons
    history = [event.action for event in AuditEvent.objects.for_object(solingen)]
    assert history == [
        "accession_returned",
        "accession_submitted",
        "accession_saved",
        "accession_started",
    ]


def _history(accession):
    """What the history of ``accession`` records, oldest first, without who, when and the
    values of dates."""
    return [
        (event.action, sorted(event.data), event.reason, sorted(event.changes))
        for event in reversed(AuditEvent.objects.for_object(accession))
    ]


def test_a_demo_accession_has_the_history_the_services_write(demo_data):
    demo = Accession.objects.get(jobcenter__name="Jobcenter Bochum")
    # The same steps on the site, for a jobcenter the demo has not started.
    jobcenter = Jobcenter.objects.get(name="Jobcenter Kreis Gütersloh")
    manager = User.objects.get(username="jobcenter-steinfurt")
    reviewer = User.objects.get(username="ministerium")
    accession = services.accession_start(
        jobcenter=jobcenter, agreement=demo.agreement, user=manager
    )
    # Its registry's prefill, and what the demo's jobcenter typed besides.
    data = {field: getattr(accession, field) for field in services.FORM_FIELDS}
    typed = ["management_name", "contact_name", "contact_function", "contact_email"]
    data.update({field: getattr(demo, field) for field in [*typed, "carriers_agreed_on"]})
    data["public_listing"] = demo.public_listing
    planned = [(p.action_field, p.title) for p in demo.planned_measures.all()]
    signed_form = ContentFile(demo.signed_form.read(), name="demo.pdf")
    services.accession_save(
        accession=accession,
        user=manager,
        data=data,
        planned_measures=planned,
        signed_form=signed_form,
    )
    services.accession_submit(accession=accession, user=manager)
    # Submitted today on the site, so it joins today.
    services.accession_accept(accession=accession, user=reviewer, joined_on=timezone.localdate())

    assert _history(demo) == _history(accession)
    accepted = AuditEvent.objects.for_object(demo).first()
    assert (accepted.action, accepted.data) == (
        "accession_accepted",
        {"joined_on": demo.joined_on.isoformat()},
    )


def test_the_demo_history_lies_on_the_days_of_the_steps(demo_data):
    accession = Accession.objects.get(jobcenter__name="Jobcenter Düsseldorf")

    dates = [
        timezone.localdate(event.created_at)
        for event in reversed(AuditEvent.objects.for_object(accession))
    ]

    assert dates == sorted(dates)
    assert dates[-1] == datetime.date(2018, 3, 20)
    assert timezone.localdate(accession.submitted_at) == datetime.date(2018, 3, 13)


def test_the_demo_queues_no_e_mails_of_its_accessions_past_steps(demo_data):
    subjects = set(OutgoingEmail.objects.values_list("subject", flat=True))

    assert not [subject for subject in subjects if "Beitritt" in subject]


def test_the_demo_jobcenters_have_a_fictional_postal_address_and_phone(demo_data, client):
    jobcenters = Jobcenter.objects.filter(state="NW")

    assert not jobcenters.filter(street="").exists()
    assert not jobcenters.filter(phone="").exists()
    assert all(
        phone.startswith("0221 4710 ") for phone in jobcenters.values_list("phone", flat=True)
    )
    steinfurt = jobcenters.get(name="Jobcenter Kreis Steinfurt")
    assert steinfurt.city == "Steinfurt"
    draft = Accession.objects.get(jobcenter=steinfurt)
    assert (draft.street, draft.postal_code, draft.contact_phone) == (
        steinfurt.street,
        steinfurt.postal_code,
        steinfurt.phone,
    )
    client.force_login(User.objects.get(username="ministerium"))
    page = client.get(steinfurt.get_absolute_url()).content.decode()
    assert steinfurt.street in page


def test_demo_key_figures_have_their_entry_in_the_history(demo_data):
    figures = KeyFigures.objects.get(jobcenter__name="Jobcenter Hagen", year=2018)
    events = AuditEvent.objects.for_object(figures)
    assert [event.action for event in events] == ["key_figures_entered"]


def test_the_demo_circular_151_18_went_to_the_kreise_at_their_demo_addresses(demo_data):
    circular = Circular.objects.get(association__short_name="Landkreistag NRW", number=151)
    emails = dict(circular.recipients.values_list("jobcenter__name", "emails"))
    assert len(emails) == 31
    assert emails["Jobcenter Kreis Steinfurt"] == ["kontakt@jobcenter-kreis-steinfurt.example"]
    # Gütersloh has no address anywhere: the demo shows a member the e-mail cannot reach.
    assert [name for name, addresses in emails.items() if not addresses] == [
        "Jobcenter Kreis Gütersloh"
    ]


def test_sending_the_demo_circular_of_the_staedtetag_e_mails_every_city(
    demo_data, client, django_capture_on_commit_callbacks, settings
):
    circular = Circular.objects.get(
        association__short_name="Städtetag NRW", status="final", sent_at__isnull=True
    )
    client.force_login(User.objects.get(username="staedtetag"))
    preview = client.get(reverse("circulars:send", args=[circular.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("circulars:send", args=[circular.pk]))

    assert "22 von 22 Jobcentern erhalten beim Versand eine E-Mail" in preview
    addresses = sorted(message.to[0] for message in mail.outbox)
    assert len(addresses) == 22
    assert "kontakt@jobcenter-duesseldorf.example" in addresses
    assert "inklusion@jobcenter-solingen.example" in addresses  # its accession's contact
    assert all(address.endswith(".example") for address in addresses)
    duesseldorf = next(m for m in mail.outbox if m.to == ["kontakt@jobcenter-duesseldorf.example"])
    link = next(line for line in duesseldorf.body.splitlines() if line.startswith("http"))
    assert link == settings.SITE_URL + circular.get_absolute_url()
    client.force_login(User.objects.get(username="jobcenter-duesseldorf"))
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert circular.subject in response.content.decode()


def test_links_in_e_mails_point_where_make_run_serves_the_demo(settings):
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    port = re.search(r"^PORT \?= (\d+)$", makefile, re.MULTILINE).group(1)

    # The default serves where the settings' default links to; another PORT links there too.
    assert urlsplit(settings.SITE_URL).netloc == f"127.0.0.1:{port}"
    assert "runserver 127.0.0.1:$(PORT)" in makefile
    assert "run: export SITE_URL ?= http://127.0.0.1:$(PORT)" in makefile


def test_the_demo_worker_also_runs_beat_so_work_left_by_a_redis_outage_is_done(settings):
    # The defect: `make run` started a worker without beat. Mails and PDFs asked for while
    # Redis was down stayed "wartet" for good: only beat's sweeps hand them over again.
    recipe = subprocess.run(
        ["make", "-n", "run", "REDIS_URL=redis://127.0.0.1:6399/0"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker = re.search(r"celery -A config worker[^;&]*", recipe).group(0).split()

    assert "-B" in worker
    # Beat keeps its schedule under var/, never in the project directory.
    assert worker[worker.index("-s") + 1].startswith("var/")
