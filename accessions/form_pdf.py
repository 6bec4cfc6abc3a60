"""The accession form as a pre-filled PDF (Beitrittserklärung) for the jobcenter to sign.

Modelled on attachment A3 ("Beitrittsformular") of the Landkreistag NRW circular 151/18: the
jobcenter declares, after agreeing it with its carriers (Träger), that it joins the agreement,
names its planned measures, and its management and carriers sign.
"""

from django.db.models import Case, IntegerField, Value, When
from django.utils.text import slugify

from accounts.models import OrganisationKind
from core.pdf import render_pdf
from jobcenters.models import JobcenterForm

TEMPLATE = "accessions/accession_form_pdf.html"

# Parties in the order an official text names them: ministry, directorate, associations.
PARTY_ORDER = [
    OrganisationKind.MINISTRY,
    OrganisationKind.REGIONAL_DIRECTORATE,
    OrganisationKind.MUNICIPAL_ASSOCIATION,
    OrganisationKind.JOBCENTER,
    OrganisationKind.OTHER,
]

# Who carries the jobcenter, and so signs for its carriers (§ 44b, § 6a SGB II).
CARRIERS = {
    JobcenterForm.GE: ["Agentur für Arbeit", "kommunaler Träger"],
    JobcenterForm.ZKT: ["zugelassener kommunaler Träger"],
}

GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def form_filename(accession) -> str:
    """An ASCII file name, e.g. ``Beitrittserklaerung-jobcenter-duesseldorf.pdf``."""
    slug = slugify(accession.jobcenter.name.lower().translate(GERMAN_LETTERS)) or "jobcenter"
    return f"Beitrittserklaerung-{slug}.pdf"


def agreement_parties(agreement):
    """The parties of ``agreement`` in the order an official text names them."""
    rank = Case(
        *[When(kind=kind, then=Value(index)) for index, kind in enumerate(PARTY_ORDER)],
        default=Value(len(PARTY_ORDER)),
        output_field=IntegerField(),
    )
    return list(agreement.parties.order_by(rank, "name"))


def joined_agreement(title) -> str:
    """The object of "den Beitritt zur …": the title itself when it names a Vereinbarung."""
    if any(word.lower().endswith("vereinbarung") for word in title.split()[:3]):
        return title
    return f"Vereinbarung „{title}“"


def form_context(accession) -> dict:
    """What the form of ``accession`` is filled in with."""
    jobcenter_name = accession.jobcenter_name or accession.jobcenter.name
    # "das Jobcenter Düsseldorf": registry names mostly start with "Jobcenter" already.
    declarant = (
        jobcenter_name if jobcenter_name.startswith("Jobcenter") else f"Jobcenter {jobcenter_name}"
    )
    return {
        "accession": accession,
        "agreement": accession.agreement,
        "parties": agreement_parties(accession.agreement),
        "joined_agreement": joined_agreement(accession.agreement.title),
        "jobcenter_name": jobcenter_name,
        "declarant": declarant,
        "planned_measures": list(
            accession.planned_measures.select_related("action_field").order_by(
                "action_field__number", "pk"
            )
        ),
        "carriers": CARRIERS.get(accession.jobcenter.form, ["Träger"]),
    }


def blank_form_context(agreement) -> dict:
    """The form with nothing filled in, for every jobcenter (e.g. attachment A3 of 151/18)."""
    return {
        "accession": None,
        "agreement": agreement,
        "parties": agreement_parties(agreement),
        "joined_agreement": joined_agreement(agreement.title),
        "jobcenter_name": "",
        "declarant": "Jobcenter ________________________________",
        "planned_measures": [],
        "carriers": ["Träger"],
    }


def render_form(accession) -> bytes:
    return render_pdf(TEMPLATE, form_context(accession))
