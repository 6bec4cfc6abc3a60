"""Demo circulars: the Landkreistag NRW's circular 151/18 of 12.03.2018 (seed ``000_…``),
final with its attachments A1–A3 and its PDF, sent to the Kreis jobcenters; of the
Städtetag NRW a final circular not sent yet and a draft; and the Reader of the NRW
agreement's published measures.

The signer is a placeholder, never the real person; the text is the seed's. Loading twice
changes nothing.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import Organisation, OrganisationKind, State, User
from agreements.models import FrameworkAgreement
from circulars import services as circulars_services
from circulars.models import (
    AttachmentDocument,
    Circular,
    CircularCounter,
    Letterhead,
    default_addressees,
)
from core.pdf import render_pdf
from reports import services
from reports.models import Rendering, RenderingKind

LETTERHEADS = {
    "Landkreistag Nordrhein-Westfalen": {
        "name": "Landkreistag Nordrhein-Westfalen",
        "street": "Kavalleriestraße 8",
        "postal_code": "40213",
        "city": "Düsseldorf",
        "phone": "+49 211 300491-0",
        "email": "info@lkt-nrw.de",
        "website": "https://www.lkt-nrw.de",
    },
    "Städtetag Nordrhein-Westfalen": {
        "name": "Städtetag Nordrhein-Westfalen",
        "street": "Gereonstraße 18–32",
        "postal_code": "50670",
        "city": "Köln",
        "phone": "+49 221 3771-0",
        "email": "post@staedtetag-nrw.de",
        "website": "https://www.staedtetag-nrw.de",
    },
}

CIRCULAR_151_18 = {
    "date": datetime.date(2018, 3, 12),
    "file_reference": "50.05.02.3 DH/Schw",
    "subject": (
        "SGB II–Rahmenvereinbarung zur Verbesserung der beruflichen Integration von "
        "arbeitssuchenden Menschen mit Beeinträchtigungen in der Grundsicherung für "
        "Arbeitssuchende"
    ),
    "summary": (
        "Nach längeren Verhandlungen liegt nun die vom Ministerium für Arbeit, Gesundheit und "
        "Soziales NRW, der Regionaldirektion NRW, dem Städtetag NRW und der Geschäftsstelle "
        "des Landkreistages NRW unterzeichnete Rahmenvereinbarung zur Inklusionskompetenz der "
        "Jobcenter vor. Als gemeinsames Ziel formuliert die Rahmenvereinbarung die "
        "Verbesserung der Arbeitsmarktchancen beeinträchtigter Menschen in NRW, die Leistungen "
        "der Grundsicherung für Arbeitssuchende beziehen. Für die Jobcenter in NRW besteht nun "
        "die Möglichkeit, der Vereinbarung nach Abstimmung mit den Trägern beizutreten und so "
        "ein sichtbares Zeichen für das Engagement des Jobcenters gegenüber Behinderten und "
        "gesundheitlich beeinträchtigten Menschen zu setzen."
    ),
    "salutation": "Sehr geehrte Damen und Herren,",
    "body": (
        "zurückgehend auf einen Beschluss des Inklusionsbeirates des Landes "
        "Nordrhein-Westfalen hat das Ministerium für Arbeit, Gesundheit und Soziales (MAGS NRW) "
        "im Sommer des Jahres 2015 die Verhandlungen zum Abschluss einer Rahmenvereinbarung "
        "für Inklusionskompetenz der Jobcenter mit der Regionaldirektion NRW (RD NRW) und den "
        "kommunalen Spitzenverbänden unter Beteiligung von Jobcenter-Geschäftsführungen "
        "aufgenommen. Über den jeweiligen Sachstand hatten wir Sie im Rahmen des Sozial- und "
        "Jugendausschusses, des Arbeitskreises SGB II/gE und der Kommunalkonferenz Option "
        "laufend informiert. Der Vorstand des Landkreistages NRW hat mit Beschluss im Frühjahr "
        "2017 dem Abschluss der Rahmenvereinbarung zugestimmt.\n\n"
        "Nunmehr liegt die von den Verhandlungspartnern (MAGS NRW, RD NRW, Städtetag NRW und "
        "Landkreistag NRW) unterschriebene Vereinbarung vor (**Anlage A1**). Die "
        "Rahmenvereinbarung beschreibt einen kontinuierlichen Verbesserungsprozess und zeigt in "
        "sechs Handlungsfeldern (Inklusion als Aufgabe für die gesamte Organisation und "
        "Führungsaufgabe, Weiterentwicklung der Zugänglichkeit, weitere Stärkung der "
        "Beratungskompetenz der Mitarbeiterinnen und Mitarbeiter der Jobcenter, Gewinnung der "
        "Arbeitgeber, Chancen verbessern für junge Menschen mit Beeinträchtigung und "
        "Weiterentwicklung der Netzwerkarbeit) mögliche Maßnahmen auf.\n\n"
        "Das MAGS NRW wird die Geschäftsführungen der Jobcenter in NRW mit dem in der "
        "**Anlage A2** beigefügten Schreiben über den Abschluss der Rahmenvereinbarung "
        "informieren und für einen Beitritt der Jobcenter zu dieser werben. Auch aus Sicht der "
        "LKT-Geschäftsstelle ist es unter anderem auch angesichts der stetig zunehmenden "
        "Anzahl der Arbeitsuchenden mit Behinderungen bzw. gesundheitlichen Einschränkungen "
        "sinnvoll und wichtig, die Anstrengungen der Jobcenter in diesem Bereich auf den "
        "Prüfstand zu stellen und gegebenenfalls auch zu intensivieren. Der Beitritt gibt dazu "
        "unseres Erachtens einen geeigneten Anlass. Verbunden ist mit dem Beitritt zum einen "
        "eine Mitgliedschaft in der Landesinitiative „NRW inklusiv“. Zum anderen soll er mit "
        "konkreten Maßnahmen in den Jobcentern verbunden sein. Das Beitrittsformular finden "
        "Sie in der **Anlage A3** beigefügt.\n\n"
        "Wir bitten um Kenntnisnahme."
    ),
    "closing": "Mit freundlichen Grüßen",
    "signature_line": "Im Auftrag",
    # A placeholder person with the initials of the file reference.
    "signer_name": "Dana Hoffmann",
    "signer_phone": "+49 211 300491-220",
    "signer_email": "d.hoffmann@lkt-nrw.example",
}

# A1 and A3 Rahmenwerk makes itself; A2, the ministry's letter, is an upload (a stand-in).
ATTACHMENTS_151_18 = [
    AttachmentDocument.AGREEMENT,
    "Schreiben des MAGS NRW an die Geschäftsführungen der Jobcenter",
    AttachmentDocument.ACCESSION_FORM,
]

STAEDTETAG_DRAFT = {
    "date": datetime.date(2026, 11, 30),
    "file_reference": "50.10.01 D",
    "subject": "Rahmenvereinbarung Inklusion: Stand der Beitritte und gute Beispiele",
    "summary": (
        "Die meisten Jobcenter der kreisfreien Städte sind der Rahmenvereinbarung beigetreten. "
        "Wir berichten über den Stand und weisen auf Beispiele guter Praxis hin."
    ),
    "salutation": "Sehr geehrte Damen und Herren,",
    "body": (
        "die Rahmenvereinbarung Inklusion besteht seit 2018. Wir möchten Sie über den Stand "
        "der Beitritte in unserem Mitgliederbereich informieren.\n\n"
        "Besonders hinweisen möchten wir auf:\n"
        "- den Katalog guter Praxis unter „Gute Praxis“ in Rahmenwerk,\n"
        "- die Kennzahlen, die die Jobcenter jährlich melden.\n\n"
        "Wir bitten um Kenntnisnahme."
    ),
    "closing": "Mit freundlichen Grüßen",
    "signature_line": "Im Auftrag",
    "signer_name": "Stefan Demo",
    "signer_phone": "",
    "signer_email": "",
}

# Final and rendered, but not yet sent: the Städtetag sends it when the date is set.
STAEDTETAG_FINAL = {
    **STAEDTETAG_DRAFT,
    "date": datetime.date(2026, 11, 16),
    "file_reference": "50.10.01 D",
    "subject": "Austausch guter Praxis: Einladung der Jobcenter der kreisfreien Städte",
    "summary": "Wir laden die Jobcenter unserer Mitgliedsstädte zu einem Austausch ein.",
    "body": (
        "die Jobcenter der kreisfreien Städte haben mit der Rahmenvereinbarung Inklusion "
        "viele Maßnahmen begonnen. Wir möchten den Austausch darüber fördern und laden Sie "
        "zu einem Treffen ein. Ort und Zeit teilen wir Ihnen gesondert mit.\n\n"
        "Wir bitten um Kenntnisnahme."
    ),
}


@transaction.atomic
def load_circulars():
    """The letterheads of both NRW associations and their demo circulars."""
    associations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(
            state=State.NW, kind=OrganisationKind.MUNICIPAL_ASSOCIATION
        )
    }
    for name, data in LETTERHEADS.items():
        Letterhead.objects.get_or_create(association=associations[name], defaults=data)
    landkreistag = associations["Landkreistag Nordrhein-Westfalen"]
    staedtetag = associations["Städtetag Nordrhein-Westfalen"]
    _load_circular_151_18(landkreistag)
    if not staedtetag.circulars.filter(subject=STAEDTETAG_DRAFT["subject"]).exists():
        author = User.objects.filter(username="staedtetag").first()
        draft = circulars_services.circular_create(
            association=staedtetag,
            user=author,
            data={**STAEDTETAG_DRAFT, "addressees": default_addressees(staedtetag)},
        )
        circulars_services.attachment_add_document(
            circular=draft,
            user=author,
            document=AttachmentDocument.OVERVIEW,
            agreement=FrameworkAgreement.objects.get(
                state=State.NW, short_title="Rahmenvereinbarung Inklusion NRW"
            ),
        )
    if not staedtetag.circulars.filter(subject=STAEDTETAG_FINAL["subject"]).exists():
        author = User.objects.filter(username="staedtetag").first()
        final = circulars_services.circular_create(
            association=staedtetag,
            user=author,
            data={**STAEDTETAG_FINAL, "addressees": default_addressees(staedtetag)},
        )
        final = circulars_services.circular_finalise(circular=final, user=author)
        services.circular_render(circular=final, user=author)


def load_reader():
    """The Reader of the NRW agreement's published measures, made by the ministry."""
    agreement = FrameworkAgreement.objects.get(
        state=State.NW, short_title="Rahmenvereinbarung Inklusion NRW"
    )
    if not Rendering.objects.filter(kind=RenderingKind.READER, agreement=agreement).exists():
        services.reader_render(
            agreement=agreement, user=User.objects.filter(username="ministerium").first()
        )


def _load_circular_151_18(landkreistag):
    if Circular.objects.filter(association=landkreistag, year=2018, number=151).exists():
        return
    author = User.objects.filter(username="landkreistag").first()
    # Before 151/18 the Landkreistag had sent 150 circulars in 2018.
    CircularCounter.objects.get_or_create(
        association=landkreistag, year=2018, defaults={"last_number": 150}
    )
    circular = circulars_services.circular_create(
        association=landkreistag,
        user=author,
        data={**CIRCULAR_151_18, "addressees": default_addressees(landkreistag)},
    )
    agreement = FrameworkAgreement.objects.filter(
        state=State.NW, short_title="Rahmenvereinbarung Inklusion NRW"
    ).first()
    for attachment in ATTACHMENTS_151_18:
        if attachment in AttachmentDocument.values:
            circulars_services.attachment_add_document(
                circular=circular, user=author, document=attachment, agreement=agreement
            )
        else:
            _attach(circular, author, attachment)
    circular = circulars_services.circular_finalise(circular=circular, user=author)
    services.circular_render(circular=circular, user=author)
    circulars_services.circular_send(circular=circular, user=author)


def _attach(circular, author, title):
    pdf = render_pdf("demo/demo_attachment_pdf.html", {"title": title})
    circulars_services.attachment_add(
        circular=circular, user=author, title=title, file=ContentFile(pdf, name="demo.pdf")
    )
