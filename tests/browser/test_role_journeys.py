"""What each role comes to do, start to finish, in a browser, with the e-mails it causes.

The e-mails go the way they go in production: a row in the outbox, a real Celery worker
that sends it (here to files, ``celery_worker``), and the journey reads each one from that
mailbox and follows its link as its recipient. After every write the pages that show the
changed thing are read by the other roles that see them, for what they now show.

The demo data comes from the session's snapshot (``demo``); e-mail links point at the
live server (``SITE_URL``), as ``make run`` points them at the port it serves.
"""

import email
import re
from dataclasses import dataclass
from email import policy

import pytest
from django.urls import reverse

from tests.browser.conftest import DEMO_PASSWORD, login, new_context
from tests.browser.test_accession_journey import click
from tests.factories import minimal_pdf
from tests.pages import CITY_JOBCENTER, DEMO_LOGINS, KREIS_JOBCENTER, NRW_AGREEMENT

pytestmark = [pytest.mark.browser, pytest.mark.worker]

# How long a mail may take from the click to the mailbox: dispatch, worker, file.
MAIL_TIMEOUT = 60
LINK = re.compile(r"https?://\S+")
# The file backend ends every message with a line of 79 dashes.
SEPARATOR = "-" * 79


@dataclass(frozen=True)
class Mail:
    to: tuple
    subject: str
    body: str

    @property
    def links(self):
        return LINK.findall(self.body)

    def link(self, base_url):
        """The mail's one link to the site; it must be on the configured site address."""
        links = [link for link in self.links if link.startswith(base_url + "/")]
        assert len(links) == 1, (self.subject, self.links)
        return links[0]


class Mailbox:
    """The mails the test's worker sent, read from its file backend."""

    def __init__(self, worker, wait_for):
        self.directory = worker.mail_dir
        self.wait_for = wait_for

    def all(self):
        if not self.directory.exists():
            return []
        mails = []
        for path in sorted(self.directory.iterdir()):
            parts = path.read_text().split(SEPARATOR)
            # Only messages with their closing line: a file being written is read later.
            for part in parts[:-1]:
                message = email.message_from_string(part.strip(), policy=policy.default)
                mails.append(
                    Mail(
                        to=tuple(address.strip() for address in message["to"].split(",")),
                        subject=str(message["subject"]),
                        body=message.get_content(),
                    )
                )
        return mails

    def find(self, *, to=None, subject):
        return [
            mail for mail in self.all() if subject in mail.subject and (to is None or to in mail.to)
        ]

    def wait(self, *, to=None, subject, count=1):
        """The mails to ``to`` whose subject has ``subject``, once there are ``count``."""
        found = []

        def arrived():
            found[:] = self.find(to=to, subject=subject)
            return len(found) >= count

        if not self.wait_for(arrived, MAIL_TIMEOUT):
            raise AssertionError(
                f"no {count}. mail {subject!r} to {to} within {MAIL_TIMEOUT} s; the mailbox "
                f"has: {[(mail.to, mail.subject) for mail in self.all()]}"
            )
        return found


@pytest.fixture
def mailbox(demo, celery_worker, wait_for, settings):
    """The test mailbox; e-mail links lead to the live server."""
    settings.SITE_URL = demo.base_url
    return Mailbox(celery_worker, wait_for)


@pytest.fixture
def signed_pdf(tmp_path):
    path = tmp_path / "Beitrittsformular unterschrieben.pdf"
    path.write_bytes(minimal_pdf())
    return path


@pytest.fixture
def pages(demo):
    """``pages(kind)``: a new page in the logged-in context of a demo user kind."""
    opened = []

    def open_page(user_kind):
        page = demo.context(user_kind).new_page()
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def main_text(page, url=None):
    if url is not None:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
    return page.locator("main").inner_text()


def demo_user_email(user_kind):
    return f"{DEMO_LOGINS[user_kind]}@rahmenwerk.invalid"  # reports.demo._load_user


def nrw_agreement():
    from agreements.models import FrameworkAgreement

    return FrameworkAgreement.objects.get(short_title=NRW_AGREEMENT)


def accession_of(jobcenter_name):
    from accessions.models import Accession

    return Accession.objects.open().get(
        jobcenter__name=jobcenter_name, agreement__short_title=NRW_AGREEMENT
    )


def fill_accession_form(page, *, email, agreed_on, phone="02551 69-0"):
    page.get_by_label("Straße und Hausnummer").fill("Tecklenburger Straße 10")
    page.get_by_label("Postleitzahl").fill("48565")
    page.get_by_label("Ort", exact=True).fill("Steinfurt")
    page.get_by_label("Geschäftsführung").fill("Dr. Erika Beispiel")
    page.get_by_label("Ansprechperson").fill("Max Muster")
    page.get_by_label("Funktion").fill("Inklusionsbeauftragter")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Telefon").fill(phone)
    page.get_by_label("Zustimmung der Träger am").fill(agreed_on)
    page.get_by_label("Wir sind einverstanden").check()


def submit_steinfurt(page, base_url, signed_pdf):
    """Steinfurt's manager fills in the whole form, uploads the PDF and submits."""
    page.goto(base_url + reverse("accessions:edit", args=[accession_of(KREIS_JOBCENTER).pk]))
    fill_accession_form(page, email="inklusion@kreis-steinfurt.example", agreed_on="02.11.2026")
    page.get_by_label("Unterschriebenes Beitrittsformular (PDF)").set_input_files(signed_pdf)
    click(page, "Speichern und einreichen")
    assert "Der Beitritt ist eingereicht." in main_text(page), main_text(page)


def return_as_ministry(page, base_url, accession, reasons):
    page.goto(base_url + reverse("accessions:return", args=[accession.pk]))
    page.get_by_label("Gründe der Rückgabe").fill(reasons)
    click(page, "Zurückgeben")
    assert "zurückgegeben" in main_text(page)


def test_jobcenter_manager_joins_the_nrw_agreement(demo, mailbox, pages, signed_pdf, browser):
    """Steinfurt's manager: from the agreement to the submitted form, the receipt, the
    return, the resubmission and the acceptance, each e-mail followed to its page."""
    base = demo.base_url
    accession = accession_of(KREIS_JOBCENTER)
    manager = pages("kreis_manager")

    # The agreement leads to the jobcenter's own accession.
    main_text(manager, base + nrw_agreement().get_absolute_url())
    manager.get_by_role("link", name="Ihr Beitritt").click()
    manager.wait_for_url(f"**{accession.get_absolute_url()}")
    manager.get_by_role("link", name="Beitrittsformular bearbeiten und einreichen").click()
    manager.wait_for_url("**/bearbeiten/")

    # First round: a date that does not exist, a malformed address, no phone, no PDF.
    fill_accession_form(
        manager, email="inklusion@@kreis-steinfurt.example", agreed_on="31.02.2026", phone=""
    )
    click(manager, "Speichern und einreichen")
    summary = manager.locator(".error-summary").inner_text()
    assert "Nicht eingereicht." in summary
    for problem in (
        "E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse an.",
        "Telefon: Bitte geben Sie die Telefonnummer der Ansprechperson an.",
        "Zustimmung der Träger am: Den 31.02.2026 gibt es nicht",
        "Unterschriebenes Beitrittsformular (PDF): Bitte laden Sie",
    ):
        assert problem in summary, summary
    # Nothing typed is lost, the wrong values neither.
    for label, value in (
        ("Geschäftsführung", "Dr. Erika Beispiel"),
        ("Ansprechperson", "Max Muster"),
        ("E-Mail-Adresse", "inklusion@@kreis-steinfurt.example"),
        ("Zustimmung der Träger am", "31.02.2026"),
        ("Straße und Hausnummer", "Tecklenburger Straße 10"),
    ):
        assert manager.get_by_label(label).input_value() == value, label
    assert not mailbox.all(), "a failed submit sends nothing"

    manager.get_by_label("E-Mail-Adresse").fill("inklusion@kreis-steinfurt.example")
    manager.get_by_label("Telefon").fill("02551 69-0")
    manager.get_by_label("Zustimmung der Träger am").fill("02.11.2026")
    manager.get_by_label("Unterschriebenes Beitrittsformular (PDF)").set_input_files(signed_pdf)
    click(manager, "Speichern und einreichen")
    assert "Der Beitritt ist eingereicht." in main_text(manager)

    # The receipt goes to the contact person just named; its link opens the accession.
    (receipt,) = mailbox.wait(
        to="inklusion@kreis-steinfurt.example", subject="Beitritt eingegangen"
    )
    assert receipt.subject == f"Beitritt eingegangen: {NRW_AGREEMENT}"
    assert "Max Muster" in receipt.body
    text = main_text(manager, receipt.link(base))
    assert manager.url == base + accession.get_absolute_url()
    assert "Stand: eingereicht" in text
    assert "Tecklenburger Straße 10" in text
    assert "Beitrittsformular bearbeiten" not in text, "a submitted form is not edited"
    # The ministry has it in its queue, the directorate sees it submitted.
    assert KREIS_JOBCENTER in main_text(pages("ministry"), base + reverse("accessions:queue"))
    directorate = pages("directorate")
    assert "Stand: eingereicht" in main_text(directorate, base + accession.get_absolute_url())

    # The ministry returns it; the return mail's link leads straight to the form.
    reasons = "Bitte das Datum des Trägerbeschlusses prüfen:\nes liegt vor der Sitzung."
    return_as_ministry(pages("ministry"), base, accession, reasons)
    (returned,) = mailbox.wait(
        to="inklusion@kreis-steinfurt.example", subject="Beitritt zurückgegeben"
    )
    assert "Bitte das Datum des Trägerbeschlusses prüfen:\nes liegt vor der Sitzung." in (
        returned.body
    )
    text = main_text(manager, returned.link(base))
    assert manager.url == base + reverse("accessions:edit", args=[accession.pk])
    assert "Zurückgegeben: das ist zu überarbeiten" in text
    assert "es liegt vor der Sitzung." in text
    assert manager.get_by_label("Geschäftsführung").input_value() == "Dr. Erika Beispiel"
    assert "Stand: zurückgegeben" in main_text(directorate, base + accession.get_absolute_url())

    # Corrected and submitted again (the PDF stays uploaded).
    manager.get_by_label("Zustimmung der Träger am").fill("05.11.2026")
    click(manager, "Speichern und einreichen")
    assert "Der Beitritt ist eingereicht." in main_text(manager)
    mailbox.wait(to="inklusion@kreis-steinfurt.example", subject="Beitritt eingegangen", count=2)

    # Accepted: the mail names the date, its link shows the accession joined.
    ministry = pages("ministry")
    ministry.goto(base + reverse("accessions:accept", args=[accession.pk]))
    click(ministry, "Annehmen")
    assert "Der Beitritt ist angenommen." in main_text(ministry)
    (accepted,) = mailbox.wait(
        to="inklusion@kreis-steinfurt.example", subject="Beitritt angenommen"
    )
    text = main_text(manager, accepted.link(base))
    assert "Stand: beigetreten" in text
    assert "05.11.2026" in text
    accession.refresh_from_db()
    assert accession.joined_on.strftime("%d.%m.%Y") in accepted.body
    assert f"beigetreten am {accession.joined_on:%d.%m.%Y}" in text

    # Everyone who follows the agreement sees the new member, the public included.
    public = new_context(browser)
    try:
        visitor = public.new_page()
        text = main_text(
            visitor, base + reverse("agreement-members", args=[accession.agreement_id])
        )
        assert "48 von 53 Jobcentern sind beigetreten." in text
        assert KREIS_JOBCENTER in visitor.locator("main table").last.inner_text()
    finally:
        public.close()
    dashboard = base + reverse("accessions:dashboard", args=[accession.agreement_id])
    assert "48 von 53 Jobcentern sind beigetreten" in main_text(directorate, dashboard)
    landkreistag = pages("landkreistag")
    assert "Stand: beigetreten" in main_text(landkreistag, base + accession.get_absolute_url())


def test_ministry_reviews_accessions_and_catalogue_proposals(
    demo, mailbox, pages, signed_pdf, browser
):
    """The ministry: from the submission mail to the review, a return and an acceptance;
    from the proposal mail to the catalogue; each decision read back as the others see it."""
    from jobcenters.models import Jobcenter

    base = demo.base_url
    ministry_address = demo_user_email("ministry")
    accession = accession_of(KREIS_JOBCENTER)
    manager = pages("kreis_manager")
    ministry = pages("ministry")
    directorate = pages("directorate")
    submit_steinfurt(manager, base, signed_pdf)

    # The notification leads to the accession, where the review's actions are.
    (notice,) = mailbox.wait(to=ministry_address, subject="Beitritt eingereicht")
    assert notice.subject == f"Beitritt eingereicht: {KREIS_JOBCENTER} – {NRW_AGREEMENT}"
    text = main_text(ministry, notice.link(base))
    assert ministry.url == base + accession.get_absolute_url()
    assert "Stand: eingereicht" in text and "Dr. Erika Beispiel" in text
    assert ministry.get_by_role("link", name="Annehmen").is_visible()

    # Return: a reason is required, then the jobcenter reads it.
    ministry.get_by_role("link", name="Zurückgeben").click()
    ministry.wait_for_url("**/zurueckgeben/")
    click(ministry, "Zurückgeben")
    assert ministry.locator(".error-summary").is_visible()
    ministry.get_by_label("Gründe der Rückgabe").fill(
        "Bitte die Telefonnummer\nder Zentrale angeben."
    )
    click(ministry, "Zurückgeben")
    assert "zurückgegeben" in main_text(ministry)
    mailbox.wait(to="inklusion@kreis-steinfurt.example", subject="Beitritt zurückgegeben")
    text = main_text(manager, base + accession.get_absolute_url())
    assert "Stand: zurückgegeben" in text
    assert "Bitte die Telefonnummer\nder Zentrale angeben." in text
    assert "zurückgegeben" in main_text(manager, base + reverse("home")).split("Ihre Aufgaben")[0]
    assert KREIS_JOBCENTER not in main_text(ministry, base + reverse("accessions:queue"))
    assert "Stand: zurückgegeben" in main_text(directorate, base + accession.get_absolute_url())

    # Resubmitted; the second notification leads to the acceptance.
    manager.goto(base + reverse("accessions:edit", args=[accession.pk]))
    manager.get_by_label("Telefon").fill("02551 69-0 (Zentrale)")
    click(manager, "Speichern und einreichen")
    assert "Der Beitritt ist eingereicht." in main_text(manager)
    notice = mailbox.wait(to=ministry_address, subject="Beitritt eingereicht", count=2)[-1]
    main_text(ministry, notice.link(base))
    assert "02551 69-0 (Zentrale)" in main_text(ministry)
    ministry.get_by_role("link", name="Annehmen").click()
    ministry.wait_for_url("**/annehmen/")
    click(ministry, "Annehmen")
    assert "Der Beitritt ist angenommen." in main_text(ministry)
    accession.refresh_from_db()
    joined = f"{accession.joined_on:%d.%m.%Y}"
    mailbox.wait(to="inklusion@kreis-steinfurt.example", subject="Beitritt angenommen")

    # The jobcenter's page, for the ministry and its Landkreistag, says it joined.
    jobcenter_page = base + reverse("jobcenters:detail", args=[accession.jobcenter_id])
    for reader in (ministry, pages("landkreistag"), manager):
        row = main_text(reader, jobcenter_page)
        assert f"beigetreten seit {joined}" in row, row
    public = new_context(browser)
    try:
        visitor = public.new_page()
        members = base + reverse("agreement-members", args=[accession.agreement_id])
        assert KREIS_JOBCENTER in main_text(visitor, members)
        # The agreement's page names no accession of the public's own.
        assert "Ihr Beitritt" not in main_text(visitor, base + nrw_agreement().get_absolute_url())

        # Düsseldorf proposes a measure; the proposal mail leads to the measure's review.
        city = pages("city_manager")
        measure_title = "Barrierefreier Eingangsbereich"
        main_text(city, base + reverse("measures:list"))
        city.get_by_role("link", name=measure_title).click()
        city.get_by_role("link", name="Für den Katalog vorschlagen").click()
        city.wait_for_url("**/katalog/vorschlagen/")
        city.get_by_label("Die Ansprechperson ist einverstanden").check()
        click(city, "Vorschlagen")
        assert "Die Maßnahme ist für den Katalog vorgeschlagen." in main_text(city)
        measure_url = city.url
        (proposal,) = mailbox.wait(to=ministry_address, subject="Vorschlag für den Katalog")
        assert proposal.subject == f"Vorschlag für den Katalog: {measure_title} ({CITY_JOBCENTER})"
        main_text(ministry, proposal.link(base))
        assert ministry.url == measure_url
        assert measure_title in main_text(ministry, base + reverse("measures:proposals"))
        main_text(ministry, proposal.link(base))
        ministry.get_by_role("link", name="Im Katalog veröffentlichen").click()
        ministry.wait_for_url("**/veroeffentlichen/")
        click(ministry, "Veröffentlichen")
        assert "Die Maßnahme ist im Katalog veröffentlicht." in main_text(ministry)
        assert measure_title not in main_text(ministry, base + reverse("measures:proposals"))

        # The jobcenter's mail: its catalogue link works for anyone, its other for the jobcenter.
        city_address = Jobcenter.objects.get(name=CITY_JOBCENTER).email
        (published,) = mailbox.wait(to=city_address, subject="Im Katalog veröffentlicht")
        catalogue_link, measure_link = [
            link for link in published.links if link.startswith(base + "/")
        ]
        text = main_text(visitor, catalogue_link)
        assert measure_title in visitor.locator("h1").inner_text()
        assert "Ein für Rollstühle zugänglicher Eingangsbereich" in text
        assert measure_title in main_text(visitor, base + reverse("catalogue:list"))
        text = main_text(city, measure_link)
        assert city.url == measure_url and "veröffentlicht" in text

        # A proposal declined with its reason: Bochum's mail names it and leads to the measure.
        declined_title = "Netzwerk psychische und Suchterkrankungen"
        main_text(ministry, base + reverse("measures:proposals"))
        ministry.get_by_role("link", name=declined_title).click()
        ministry.get_by_role("link", name="Vorschlag ablehnen").click()
        ministry.wait_for_url("**/katalog/ablehnen/")
        click(ministry, "Ablehnen")
        assert ministry.locator(".error-summary").is_visible()  # no reason, no decision
        ministry.get_by_label("Grund").fill("Bitte Ergebnisse\nund Kosten ergänzen.")
        click(ministry, "Ablehnen")
        assert "Der Vorschlag ist abgelehnt." in main_text(ministry)
        assert declined_title not in main_text(ministry, base + reverse("measures:proposals"))
        bochum_address = Jobcenter.objects.get(name="Jobcenter Bochum").email
        (declined,) = mailbox.wait(to=bochum_address, subject="Vorschlag für den Katalog abgelehnt")
        assert "Bitte Ergebnisse\nund Kosten ergänzen." in declined.body
        text = main_text(ministry, declined.link(base))
        assert declined_title in ministry.locator("h1").inner_text()
        assert "Bitte Ergebnisse\nund Kosten ergänzen." in text
        assert declined_title not in main_text(visitor, base + reverse("catalogue:list"))

        # Taken out of the catalogue again: Düsseldorf is told why, the public sees it gone.
        main_text(ministry, measure_url)
        ministry.get_by_role("link", name="Aus dem Katalog zurückziehen").click()
        ministry.wait_for_url("**/katalog/zurueckziehen/")
        ministry.get_by_label("Grund").fill("Die Maßnahme ist beendet.")
        click(ministry, "Zurückziehen")
        assert "Die Maßnahme ist aus dem Katalog zurückgezogen." in main_text(ministry)
        (withdrawn,) = mailbox.wait(to=city_address, subject="Aus dem Katalog zurückgezogen")
        text = main_text(city, withdrawn.link(base))
        assert city.url == measure_url and "Die Maßnahme ist beendet." in text
        assert measure_title not in main_text(visitor, base + reverse("catalogue:list"))
        assert visitor.goto(catalogue_link).status == 404
    finally:
        public.close()


def test_association_sends_a_circular_its_members_open(demo, mailbox, pages, browser):
    """The Landkreistag writes a circular, finalises it, sees who will get it, sends it;
    every member's mail leads to it, for the member after logging in, PDF included."""
    from accessions.contacts import addresses_of
    from jobcenters.models import Jobcenter
    from reports.models import Circular

    base = demo.base_url
    subject = "Inklusionstag 2027: Einladung zum Erfahrungsaustausch"
    association = pages("landkreistag")
    main_text(association, base + reverse("circulars:list"))
    association.get_by_role("link", name="Neues Rundschreiben").click()
    association.wait_for_url("**/neu/")
    association.get_by_label("Datum").fill("30.02.2026")
    association.get_by_label("Betreff").fill(subject)
    association.get_by_label("Text*", exact=True).fill(
        "wir laden Sie zum **Erfahrungsaustausch** ein.\n\n- Ort: Düsseldorf\n- Zeit: 10 Uhr"
    )
    click(association, "Entwurf speichern")
    assert (
        "Den 30.02.2026 gibt es nicht"
        in association.locator(".error-summary, main").first.inner_text()
    )
    assert association.get_by_label("Betreff").input_value() == subject
    association.get_by_label("Datum").fill("01.12.2026")
    click(association, "Entwurf speichern")
    assert "Der Entwurf ist gespeichert." in main_text(association)
    circular = Circular.objects.get(subject=subject)

    association.get_by_role("link", name="Abschließen und Nummer vergeben").click()
    association.wait_for_url("**/abschliessen/")
    click(association, "Abschließen und Nummer vergeben")
    association.wait_for_url("**/pdf/*/")
    assert "trägt die Nummer 1/26" in main_text(association)
    download = association.get_by_role("link", name="PDF herunterladen", exact=True)
    download.wait_for(timeout=60000)
    with association.expect_download() as pdf:
        download.click()
    assert pdf.value.suggested_filename == "Rundschreiben-1-26.pdf"
    assert pdf.value.path().read_bytes().startswith(b"%PDF-")

    # The preview: how many of the Kreise get a mail, and who has no address.
    main_text(association, base + circular.get_absolute_url())
    association.get_by_role("link", name="An die Mitglieder versenden").click()
    association.wait_for_url("**/versenden/")
    text = main_text(association)
    assert "30 von 31 Jobcentern erhalten beim Versand eine E-Mail" in text, text
    assert "1 Jobcenter hat keine E-Mail-Adresse" in text
    assert "Jobcenter Kreis Gütersloh" in association.locator("#versand .alert").inner_text()
    click(association, "Jetzt versenden")
    text = main_text(association)
    assert "Das Rundschreiben ist an 31 Jobcenter versandt." in text, text
    assert "30 E-Mails gehen hinaus" in text

    # Every reached member gets one mail with the subject and the link to the circular.
    circular.refresh_from_db()
    link = base + circular.get_absolute_url()
    mails = mailbox.wait(subject="Rundschreiben 1/26", count=30)
    assert len(mails) == 30
    expected = f"Rundschreiben 1/26 des Landkreistages Nordrhein-Westfalen: {subject}"
    assert {mail.subject for mail in mails} == {expected}
    assert {mail.link(base) for mail in mails} == {link}
    recipients = circular.recipients.select_related("jobcenter")
    addresses = addresses_of([recipient.jobcenter for recipient in recipients])
    assert sorted(address for mail in mails for address in mail.to) == sorted(
        email for found in addresses.values() for email in found.emails
    )
    steinfurt = Jobcenter.objects.get(name=KREIS_JOBCENTER)
    (mail,) = [mail for mail in mails if steinfurt.email in mail.to]
    assert f"für {KREIS_JOBCENTER} liegt das Rundschreiben 1/26" in mail.body

    # The member follows the link logged out: the login brings it to the circular.
    member = new_context(browser)
    try:
        reader = member.new_page()
        reader.goto(mail.link(base))
        assert reader.locator("main form [name=password]").is_visible()
        reader.locator("main form [name=username]").fill(DEMO_LOGINS["kreis_manager"])
        reader.locator("main form [name=password]").fill(DEMO_PASSWORD)
        with reader.expect_navigation():
            reader.locator("main form [type=submit]").click()
        assert reader.url == link
        text = main_text(reader)
        assert subject in text and "Erfahrungsaustausch" in text
        assert reader.locator("main strong", has_text="Erfahrungsaustausch").count() == 1
        with reader.expect_download() as member_pdf:
            reader.get_by_role("link", name=re.compile(r"^PDF herunterladen")).first.click()
        assert member_pdf.value.path().read_bytes().startswith(b"%PDF-")
        # It waits on the member's start page.
        assert subject in main_text(reader, base + reverse("home")).split("Ihre Aufgaben")[0]
    finally:
        member.close()
    # The sender's page counts what went out; the ministry reads it; a city's does not.
    text = main_text(association, link)
    assert "versandt am" in text or "versandt" in text
    assert subject in main_text(pages("ministry"), base + reverse("circulars:list"))
    city = pages("city_manager")
    assert subject not in main_text(city, base + reverse("circulars:list"))
    assert city.goto(link).status == 404


def test_a_user_who_forgot_the_password_sets_a_new_one_from_the_mail(
    demo, mailbox, browser, settings
):
    """Password reset from the login page: the mail's link, on the configured site
    address, sets a new password; the new one logs in, the old one and the link no more."""
    base = demo.base_url
    # The site's address as configured, not the host the request came to.
    settings.SITE_URL = base.replace("localhost", "127.0.0.1")
    username = DEMO_LOGINS["staedtetag"]
    new_password = "Neues-Kennwort-fuer-2027"
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(base + reverse("login"))
        page.get_by_role("link", name="Passwort vergessen?").click()
        page.wait_for_url("**" + reverse("password_reset"))
        page.get_by_label("E-Mail").fill(demo_user_email("staedtetag"))
        click(page, "Link senden")
        assert "E-Mail unterwegs" in main_text(page)

        (mail,) = mailbox.wait(to=demo_user_email("staedtetag"), subject="Neues Passwort")
        assert f"„{username}“" in mail.body
        link = mail.link(settings.SITE_URL)
        page.goto(link)
        assert "Passwort wählen" in page.locator("h1").inner_text()
        page.locator("[name=new_password1]").fill(new_password)
        page.locator("[name=new_password2]").fill(new_password + "x")
        click(page, "Passwort speichern")
        assert page.locator(".error-summary, .invalid-feedback").first.is_visible()
        page.locator("[name=new_password1]").fill(new_password)
        page.locator("[name=new_password2]").fill(new_password)
        click(page, "Passwort speichern")
        assert "Passwort gespeichert" in page.locator("h1").inner_text()

        # The used link is spent; the old password fails, the new one logs in.
        page.goto(link)
        assert "nicht mehr gültig" in main_text(page)
        with pytest.raises(AssertionError, match="login as"):
            login(page, settings.SITE_URL, username)
        login(page, settings.SITE_URL, username, new_password)
        assert "Willkommen" in page.locator("h1").inner_text()
    finally:
        context.close()


# The parts of a page that may hold a form for anyone: the header (language, logout), and
# an export's button (it posts, so that no GET starts a job, but changes nothing shown).
POST_FORMS_IN_MAIN = (
    "main form[method=post]:not([data-export]), main form[method=POST]:not([data-export])"
)


def assert_read_only(page, url, *, offers=()):
    """The page shows, and offers no write: no form that posts, no link to an edit page."""
    text = main_text(page, url)
    assert page.locator(POST_FORMS_IN_MAIN).count() == 0, (url, "a form that posts")
    for name in (
        "Bearbeiten",
        "bearbeiten",
        "Annehmen",
        "Zurückgeben",
        "Neue Maßnahme",
        "Neues Rundschreiben",
        "versenden",
        "zum Unterschreiben",
        "veröffentlichen",
        "Beitritt beginnen",
    ):
        assert page.get_by_role("link", name=name).count() == 0, (url, name)
        assert page.get_by_role("button", name=name).count() == 0, (url, name)
    for name in offers:
        assert page.get_by_role("link", name=name).count() >= 1, (url, name)
    return text


def test_directorate_and_public_follow_the_agreement_read_only(demo_readonly, browser):
    """The Regionaldirektion tracks the accessions, the public finds the members and the
    best measures: both read everything they come for and are offered no write."""
    from jobcenters.models import Jobcenter
    from measures.models import Measure

    base = demo_readonly.base_url
    agreement = nrw_agreement()
    olpe = accession_of("Jobcenter Kreis Olpe")
    city = Jobcenter.objects.get(name=CITY_JOBCENTER)
    published = Measure.objects.filter(publication="published").order_by("pk").first()
    page = demo_readonly.context("directorate").new_page()
    try:
        text = assert_read_only(page, base + reverse("home"), offers=["Eingereichte Beitritte"])
        assert "nur lesend" in text
        page.get_by_role("link", name=f"Beitrittsstand {NRW_AGREEMENT}").click()
        text = assert_read_only(page, page.url)
        assert "47 von 53 Jobcentern sind beigetreten" in text
        text = assert_read_only(page, base + reverse("accessions:queue"))
        assert "Jobcenter Kreis Olpe" in text
        text = assert_read_only(page, base + olpe.get_absolute_url())
        assert "Stand: eingereicht" in text
        text = assert_read_only(page, base + city.get_absolute_url())
        assert "beigetreten seit" in text
        assert_read_only(page, base + agreement.get_absolute_url(), offers=["Beitrittsstand"])
        assert_read_only(page, base + reverse("measures:coverage", args=[agreement.pk]))
        assert page.goto(base + reverse("accessions:accept", args=[olpe.pk])).status == 403
    finally:
        page.close()

    context = new_context(browser)
    try:
        visitor = context.new_page()
        text = assert_read_only(visitor, base + "/")
        assert NRW_AGREEMENT in text
        text = assert_read_only(
            visitor, base + agreement.get_absolute_url(), offers=["Beigetretene Jobcenter"]
        )
        assert "Beitrittsstand" not in text
        visitor.get_by_role("link", name="Beigetretene Jobcenter").click()
        text = assert_read_only(visitor, visitor.url)
        assert "47 von 53 Jobcentern sind beigetreten." in text
        assert CITY_JOBCENTER in text
        text = assert_read_only(visitor, base + reverse("catalogue:list"))
        assert published.title in text
        visitor.get_by_role("link", name=published.title).first.click()
        assert published.title in visitor.locator("h1").inner_text()
        assert_read_only(visitor, visitor.url)
        # What needs a login asks for one.
        visitor.goto(base + olpe.get_absolute_url())
        assert visitor.locator("main form [name=password]").is_visible()
    finally:
        context.close()
