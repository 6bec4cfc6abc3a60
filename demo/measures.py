"""Demo measures and key figures: the real NRW measures of the G.I.B. reader (seed 001).

Titles are the published ones, descriptions short summaries; contact persons are
placeholders, never real names. Loading twice changes nothing.
"""

import datetime

from django.utils.text import slugify

from accessions.models import Accession, AccessionStatus
from accounts.models import State
from agreements.models import FrameworkAgreement
from jobcenters.models import Jobcenter
from measures.models import (
    KEY_FIGURE_FIELDS,
    Measure,
    MeasureStatus,
    ProgressNote,
    Publication,
)
from measures.services import key_figures_save, measures_from_accession

D = datetime.date

# (jobcenter, main HF, further HFs, title, description, status, start, end, target group,
#  partners, locations, published in the catalogue)
MEASURES = [
    (
        "Jobcenter StädteRegion Aachen",
        3,
        [1],
        "Rehabilitanden besser beraten und etwas für die eigene Fitness tun",
        "Seminare für Integrationsfachkräfte zur beruflichen Rehabilitation, dazu "
        "Gesundheitsangebote für die Beschäftigten des Jobcenters.",
        MeasureStatus.COMPLETED,
        D(2018, 9, 1),
        D(2019, 12, 31),
        "Integrationsfachkräfte",
        "",
        "Aachen",
        True,
    ),
    (
        "Jobcenter Dortmund",
        1,
        [],
        "Jobcenter Dortmund als inklusiver Arbeitgeber",
        "Eine interne Inklusionsvereinbarung (2018), eine Inklusionsbeauftragte und eine "
        "Stellvertretung.",
        MeasureStatus.RUNNING,
        D(2018, 6, 1),
        None,
        "Beschäftigte des Jobcenters",
        "Schwerbehindertenvertretung",
        "alle Standorte",
        True,
    ),
    (
        "Jobcenter Dortmund",
        2,
        [],
        "Agentur Barrierefrei NRW",
        "Alle fünf Standorte wurden von der Agentur Barrierefrei NRW auf Barrierefreiheit "
        "geprüft; die Ergebnisse stehen im Portal „NRW informierBar“.",
        MeasureStatus.COMPLETED,
        D(2018, 10, 1),
        D(2019, 6, 30),
        "Kundinnen und Kunden",
        "Agentur Barrierefrei NRW",
        "fünf Standorte",
        True,
    ),
    (
        "Jobcenter Dortmund",
        1,
        [],
        "Inklusion trägt mein Gesicht",
        "Fotokampagne: fünf Beschäftigte mit Behinderungen, Porträts mit eigenen Botschaften "
        "(„Nehmt mich, wie ich bin“), in jeder Eingangshalle zu sehen.",
        MeasureStatus.COMPLETED,
        D(2019, 3, 1),
        D(2019, 12, 31),
        "Kundinnen, Kunden und Beschäftigte",
        "",
        "alle Eingangshallen",
        True,
    ),
    (
        "Jobcenter Ennepe-Ruhr-Kreis (Jobcenter EN)",
        2,
        [],
        "Mehr Teilhabe ermöglichen mit Leichter Sprache",
        "Bescheide und Schreiben in Leichte Sprache übertragen (2015–2018), geprüft von einer "
        "Prüfgruppe von Menschen mit Lernschwierigkeiten; zwei Broschüren.",
        MeasureStatus.COMPLETED,
        D(2015, 1, 1),
        D(2018, 12, 31),
        "Menschen mit Lernschwierigkeiten",
        "Prüfgruppe Leichte Sprache",
        "",
        True,
    ),
    (
        "Jobcenter Duisburg",
        4,
        [],
        "Reha-Spezialist verdeutlicht Unternehmen die Vorteile einer Beschäftigung von "
        "Menschen mit Beeinträchtigungen",
        "Ein Reha-Spezialist gewinnt Arbeitgeber; eine Probebeschäftigung erstattet das Jobcenter.",
        MeasureStatus.RUNNING,
        D(2018, 11, 1),
        None,
        "Rehabilitandinnen und Rehabilitanden",
        "Arbeitgeber der Region",
        "Duisburg",
        False,
    ),
    (
        "Jobcenter Düsseldorf",
        1,
        [3],
        "„Hinschauen, statt wegschauen!“ – Inklusionstag",
        "Jährlicher Inklusionstag mit der Agentur für Arbeit (2018, 05.12.2019): "
        "Blindenparcours, Gebärdensprach-Workshop.",
        MeasureStatus.RUNNING,
        D(2018, 12, 5),
        None,
        "Beschäftigte",
        "Agentur für Arbeit Düsseldorf",
        "Düsseldorf",
        True,
    ),
    (
        "Jobcenter Düsseldorf",
        2,
        [],
        "Barrierefreier Eingangsbereich",
        "Ein für Rollstühle zugänglicher Eingangsbereich; zugesagt beim Beitritt im März 2018.",
        MeasureStatus.COMPLETED,
        D(2018, 4, 1),
        D(2019, 9, 30),
        "Kundinnen und Kunden",
        "",
        "Hauptstandort",
        False,
    ),
    (
        "Jobcenter Bochum",
        3,
        [],
        "Schulung aller Integrationsfachkräfte zu psychischen und Suchterkrankungen",
        "Alle Integrationsfachkräfte wurden 2018/2019 geschult (Zusage beim Beitritt am "
        "14.05.2018).",
        MeasureStatus.COMPLETED,
        D(2018, 6, 1),
        D(2019, 12, 31),
        "Integrationsfachkräfte",
        "",
        "Bochum",
        True,
    ),
    (
        "Jobcenter Bochum",
        6,
        [],
        "Netzwerk psychische und Suchterkrankungen",
        "Das örtliche Netzwerk wurde neu aufgestellt; engere Zusammenarbeit mit den "
        "Beratungsstellen.",
        MeasureStatus.RUNNING,
        D(2018, 9, 1),
        None,
        "Menschen mit psychischen und Suchterkrankungen",
        "Beratungsstellen in Bochum",
        "Bochum",
        False,
    ),
    (
        "Jobcenter Bochum",
        2,
        [],
        "Barrierefreiheit aller sieben Standorte",
        "Alle sieben Standorte wurden auf barrierefreien Zugang geprüft; Umbauten ab 2018.",
        MeasureStatus.RUNNING,
        D(2018, 7, 1),
        None,
        "Kundinnen und Kunden",
        "",
        "sieben Standorte",
        False,
    ),
    (
        "Jobcenter Bochum",
        1,
        [],
        "Aktionsplan Inklusion",
        "Ein eigener Aktionsplan, vereinbart mit der Stadt und der Agentur für Arbeit.",
        MeasureStatus.PLANNED,
        D(2019, 1, 1),
        None,
        "",
        "Stadt Bochum, Agentur für Arbeit Bochum",
        "Bochum",
        False,
    ),
    (
        "Jobcenter Hagen",
        4,
        [],
        "Stellenakquise für schwerbehinderte Menschen",
        "Gezielte Stellenakquise und Probebeschäftigungen für rund 1.100 Kundinnen und Kunden "
        "mit Schwerbehinderung oder Gleichstellung und rund 300 Rehabilitanden.",
        MeasureStatus.RUNNING,
        D(2018, 7, 1),
        None,
        "schwerbehinderte und gleichgestellte Menschen, Rehabilitanden",
        "",
        "Hagen",
        True,
    ),
    (
        "Jobcenter Hagen",
        1,
        [],
        "Inklusives betriebliches Gesundheitsmanagement",
        "Ein inklusives betriebliches Gesundheitsmanagement seit 2018.",
        MeasureStatus.RUNNING,
        D(2018, 9, 1),
        None,
        "Beschäftigte des Jobcenters",
        "",
        "Hagen",
        False,
    ),
]
# Proposed and waiting for the ministry: so the queue has something to decide.
PROPOSED = {"Netzwerk psychische und Suchterkrankungen"}

NOTES = {
    "Stellenakquise für schwerbehinderte Menschen": [
        (D(2019, 3, 31), "Zwölf Arbeitgeber gewonnen, acht Probebeschäftigungen begonnen."),
        (D(2019, 12, 15), "31 Einstellungen im Jahr 2019, davon 19 nach Probebeschäftigung."),
    ],
    "Barrierefreiheit aller sieben Standorte": [
        (D(2019, 6, 30), "Vier von sieben Standorten umgebaut; Aufzug Standort Mitte bestellt."),
    ],
}

# Hagen (seed 002): about 1,100 customers with severe disability or equal status and
# about 300 rehabilitants. Years → (severe, equal, rehab, and their integrations).
HAGEN_KEY_FIGURES = {
    2018: (820, 280, 300, 61, 24, 38),
    2019: (835, 290, 305, 78, 27, 44),
    2020: (850, 288, 296, 52, 19, 31),
    2021: (842, 301, 290, 64, 25, 36),
    2022: (861, 310, 284, 73, 28, 40),
    2023: (870, 318, 279, 80, 31, 43),
    2024: (868, 322, 281, 84, 30, 45),
    2025: (874, 326, 277, 86, 33, 47),
}
OTHER_KEY_FIGURES = {
    "Jobcenter Düsseldorf": (2210, 640, 720),
    "Jobcenter Bochum": (1540, 470, 510),
    "Jobcenter Dortmund": (2890, 850, 940),
}


def load_measures():
    """The demo measures: planned ones from the accessions, the real ones of the reader."""
    agreement = FrameworkAgreement.objects.get(
        state=State.NW, short_title="Rahmenvereinbarung Inklusion NRW"
    )
    for accession in Accession.objects.filter(
        agreement=agreement, status=AccessionStatus.ACCEPTED
    ).select_related("jobcenter"):
        measures_from_accession(accession=accession, user=None)
    action_fields = {field.number: field for field in agreement.action_fields.all()}
    jobcenters = {
        jobcenter.name: jobcenter for jobcenter in Jobcenter.objects.filter(state=State.NW)
    }
    for row in MEASURES:
        (name, number, further, title, description, status, starts_on, ends_on, target_group,
         partners, locations, published) = row  # fmt: skip
        jobcenter = jobcenters[name]
        if title in PROPOSED:
            publication = Publication.PROPOSED
        else:
            publication = Publication.PUBLISHED if published else Publication.INTERNAL
        measure, _created = Measure.objects.update_or_create(
            jobcenter=jobcenter,
            agreement=agreement,
            title=title,
            defaults={
                "description": description,
                "action_field": action_fields[number],
                "status": status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "target_group": target_group,
                "partners": partners,
                "locations": locations,
                "contact_name": "Ansprechperson Inklusion",
                "contact_email": f"inklusion@{slugify(jobcenter.region)}.jobcenter.example",
                "contact_phone": "0211 000000",
                "contact_consents": publication != Publication.INTERNAL,
                "publication": publication,
                "published_on": D(2020, 2, 1) if publication == Publication.PUBLISHED else None,
            },
        )
        measure.further_action_fields.set([action_fields[n] for n in further])
        for written_on, text in NOTES.get(title, []):
            ProgressNote.objects.get_or_create(measure=measure, written_on=written_on, text=text)
    _load_key_figures(jobcenters)


def _load_key_figures(jobcenters):
    for year, figures in HAGEN_KEY_FIGURES.items():
        _key_figures(jobcenters["Jobcenter Hagen"], year, figures)
    for name, (severe, equal, rehab) in OTHER_KEY_FIGURES.items():
        for offset, year in enumerate(range(2021, 2026)):
            grow = 1 + offset / 50
            figures = (
                round(severe * grow),
                round(equal * grow),
                round(rehab / grow),
                round(severe * grow * 0.07),
                round(equal * grow * 0.08),
                round(rehab / grow * 0.12),
            )
            _key_figures(jobcenters[name], year, figures)


def _key_figures(jobcenter, year, figures):
    # Through the service, so the correction page shows when they were entered; loaded
    # again, the demo's figures stand.
    key_figures_save(
        jobcenter=jobcenter,
        user=None,
        year=year,
        data=dict(zip(KEY_FIGURE_FIELDS, figures, strict=True)),
        replace=True,
    )
