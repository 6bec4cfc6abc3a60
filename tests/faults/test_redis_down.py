"""Redis stops while users work: no 500, nothing lost, everything done once it is back.

Each test stops the test's own Redis (``redis_server``, on a free port) before the request,
starts it again, and lets the beat sweep run as beat would each minute; the real worker
(``celery_worker``) does the rest.
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.pdf import TWO_PROCESSES_FROM
from outbox.models import MailStatus, OutgoingEmail
from outbox.tasks import sweep as outbox_sweep
from reports.models import Export, JobStatus, Rendering
from reports.tasks import sweep_exports, sweep_renderings
from tests import factories
from tests.downloads import ask_for_xlsx

pytestmark = pytest.mark.worker


def _a_minute_passes():
    """What the sweeps wait for before they take over from a dispatch that failed."""
    earlier = timezone.now() - datetime.timedelta(minutes=2)
    OutgoingEmail.objects.update(created_at=earlier)
    Rendering.objects.update(queued_at=earlier)


def _sent_to(worker, wait_for, count):
    assert wait_for(lambda: len(worker.messages()) >= count, 60), worker.log.read_text()
    return sorted(message["To"] for message in worker.messages())


def _sweep_twice_more(worker, wait_for):
    """Two more runs of the mail sweep, as beat makes one a minute: nothing goes twice."""
    done = worker.log.read_text().count("outbox.tasks.sweep[")
    for _run in range(2):
        outbox_sweep.delay()
    assert wait_for(lambda: worker.log.read_text().count("outbox.tasks.sweep[") >= done + 4, 30)


def test_a_pdf_asked_for_while_redis_is_down_is_made_once_it_is_back(
    celery_worker, back_up, redis_server, wait_for, client, users, nrw, private_media
):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)
    client.force_login(users.landkreistag)
    redis_server.stop()

    first = client.post(reverse("circulars:render", args=[circular.pk]))
    again = client.post(reverse("circulars:render", args=[circular.pk]))
    page = client.get(first.url).content.decode()

    assert (first.status_code, again.status_code) == (302, 302)
    assert again.url == first.url  # the same PDF, asked for once
    assert "Das PDF wartet auf den Hintergrunddienst." in page
    back_up()
    _a_minute_passes()
    sweep_renderings.delay()
    rendering = Rendering.objects.get()
    assert wait_for(lambda: Rendering.objects.get().status == JobStatus.DONE, 90), (
        celery_worker.log.read_text()
    )
    rendering.refresh_from_db()
    assert rendering.attempts == 1
    assert [path.name for path in (private_media / "renderings").iterdir()] == [
        f"{rendering.pk}.pdf"
    ]
    assert "PDF herunterladen" in client.get(first.url).content.decode()


def test_a_long_overview_asked_for_while_redis_is_down_is_set_in_two_processes_once_it_is_back(
    celery_worker, back_up, redis_server, wait_for, client, users, nrw, private_media
):
    for number in range(TWO_PROCESSES_FROM):
        jobcenter = factories.JobcenterFactory(name=f"Jobcenter Beispiel {number:03d}")
        factories.AccessionFactory(jobcenter=jobcenter, agreement=nrw.agreement, joined=True)
    client.force_login(users.ministry)
    redis_server.stop()

    asked = client.post(reverse("overviews:status-pdf", args=[nrw.agreement.pk]))

    assert asked.status_code == 302
    assert "Das PDF wartet auf den Hintergrunddienst." in client.get(asked.url).content.decode()
    back_up()
    _a_minute_passes()
    sweep_renderings.delay()
    assert wait_for(lambda: Rendering.objects.get().status == JobStatus.DONE, 90), (
        celery_worker.log.read_text()
    )
    rendering = Rendering.objects.get()
    assert rendering.attempts == 1
    assert "rows in two processes" in celery_worker.log.read_text()
    assert [path.name for path in (private_media / "renderings").iterdir()] == [
        f"{rendering.pk}.pdf"
    ]
    assert "PDF herunterladen" in client.get(asked.url).content.decode()


def test_a_circular_sent_while_redis_is_down_reaches_every_address_once(
    celery_worker, back_up, redis_server, wait_for, client, users, nrw
):
    circular = factories.CircularFactory(association=nrw.landkreistag, final=True, number=151)
    nrw.kreis_jobcenter.email = "steinfurt@jc.example"
    nrw.kreis_jobcenter.save()
    for name in ("Olpe", "Lippe"):
        factories.JobcenterFactory(
            kreis=True, name=f"Jobcenter Kreis {name}", email=f"{name.lower()}@jc.example"
        )
    client.force_login(users.landkreistag)
    redis_server.stop()

    response = client.post(reverse("circulars:send", args=[circular.pk]), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "3 E-Mails gehen hinaus" in page
    assert "0 E-Mails sind hinausgegangen, 3 warten auf Versand." in page
    back_up()
    _a_minute_passes()
    outbox_sweep.delay()
    assert _sent_to(celery_worker, wait_for, 3) == [
        "lippe@jc.example",
        "olpe@jc.example",
        "steinfurt@jc.example",
    ]
    _sweep_twice_more(celery_worker, wait_for)
    assert len(celery_worker.messages()) == 3
    page = client.get(circular.get_absolute_url()).content.decode()
    assert "3 E-Mails sind hinausgegangen." in page


def test_a_password_reset_asked_for_while_redis_is_down_is_mailed_once_it_is_back(
    celery_worker, back_up, redis_server, wait_for, client, users
):
    redis_server.stop()

    response = client.post(reverse("password_reset"), {"email": users.ministry.email})

    assert response.status_code == 302
    back_up()
    _a_minute_passes()
    outbox_sweep.delay()
    assert _sent_to(celery_worker, wait_for, 1) == [users.ministry.email]
    _sweep_twice_more(celery_worker, wait_for)
    [message] = celery_worker.messages()
    assert "/passwort/setzen/" in message.get_payload(decode=True).decode()
    assert OutgoingEmail.objects.get().body == ""  # the link is not kept


def test_an_accession_returned_while_redis_is_down_is_mailed_once_it_is_back(
    celery_worker, back_up, redis_server, wait_for, client, users, accession_world
):
    accession = accession_world.submitted
    manager = factories.UserFactory(organisation=accession.jobcenter, role="jobcenter_manager")
    client.force_login(users.ministry)
    redis_server.stop()

    response = client.post(
        reverse("accessions:return", args=[accession.pk]),
        {"reasons": "Bitte die Unterschrift ergänzen."},
    )
    while_down = _pages_of(client, accession, users.ministry, manager)

    assert response.status_code == 302
    accession.refresh_from_db()
    assert accession.status == "returned"
    waiting = list(
        OutgoingEmail.objects.filter(status=MailStatus.QUEUED).values_list("to", flat=True)
    )
    assert waiting  # the jobcenter's e-mail, saved with the return
    # Both sides read on the accession's page that its e-mail has not gone out yet.
    assert all("wartet auf Versand" in page for page in while_down)
    back_up()
    _a_minute_passes()
    outbox_sweep.delay()
    assert _sent_to(celery_worker, wait_for, len(waiting)) == sorted(waiting)
    _sweep_twice_more(celery_worker, wait_for)
    assert len(celery_worker.messages()) == len(waiting)
    after = _pages_of(client, accession, users.ministry, manager)
    assert all("versandt am" in page and "wartet auf Versand" not in page for page in after)


def _pages_of(client, accession, *readers):
    pages = []
    for reader in readers:
        client.force_login(reader)
        pages.append(client.get(accession.get_absolute_url()).content.decode())
    return pages


def test_an_export_asked_for_while_redis_is_down_is_written_once_it_is_back(
    celery_worker, back_up, redis_server, wait_for, client, users, nrw, private_media
):
    client.force_login(users.ministry)
    redis_server.stop()

    first = ask_for_xlsx(client, reverse("jobcenters:export-xlsx"))
    again = ask_for_xlsx(client, reverse("jobcenters:export-xlsx"))
    page = client.get(first.url)

    assert (first.status_code, again.status_code, page.status_code) == (302, 302, 200)
    assert again.url == first.url  # the same export, asked for once
    assert "Die Excel-Datei wartet auf den Hintergrunddienst." in page.content.decode()
    export = Export.objects.get()
    assert export.task_id == ""
    back_up()
    Export.objects.update(queued_at=timezone.now() - datetime.timedelta(minutes=2))
    sweep_exports.delay()
    assert wait_for(lambda: Export.objects.get().status == JobStatus.DONE, 90), (
        celery_worker.log.read_text()
    )
    export.refresh_from_db()
    assert export.attempts == 1
    assert [path.name for path in (private_media / "exports").iterdir()] == [f"{export.pk}.xlsx"]
    assert "herunterladen" in client.get(first.url).content.decode()
    download = client.get(reverse("exports:download", args=[export.pk]))
    assert load_workbook(io.BytesIO(download.getvalue())).active.max_row == 1 + 2
