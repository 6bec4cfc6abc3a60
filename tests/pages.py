"""Every page of the project, who may open it, and how to show its form with errors.

One table drives the access matrix (``tests/access``) and the accessibility sweep
(``tests/browser``); ``tests/test_url_coverage.py`` fails when a URL pattern is missing
here, so no page can slip past either.

Objects are found by names that both the test world (``tests/conftest.py``) and the
demo data (``demo/nrw.py``) use. Users are named by their part:

- ``anonymous``; ``admin``;
- ``ministry`` (MAGS NRW), ``directorate`` (Regionaldirektion NRW, read-only);
- ``landkreistag`` (members: Kreise, e.g. Steinfurt), ``staedtetag`` (members: cities,
  e.g. Düsseldorf);
- ``city_manager`` (Jobcenter Düsseldorf), ``kreis_manager`` (Jobcenter Kreis Steinfurt);
- ``hessen_ministry`` (ministry staff of another state: the outsider).
"""

from dataclasses import dataclass, field

from django.urls import reverse

USERS = [
    "anonymous",
    "admin",
    "ministry",
    "directorate",
    "landkreistag",
    "staedtetag",
    "city_manager",
    "kreis_manager",
    "hessen_ministry",
]

# The demo login of each part, for the browser sweep.
DEMO_LOGINS = {
    "admin": "admin",
    "ministry": "ministerium",
    "directorate": "regionaldirektion",
    "landkreistag": "landkreistag",
    "staedtetag": "staedtetag",
    "city_manager": "jobcenter-duesseldorf",
    "kreis_manager": "jobcenter-steinfurt",
}

CITY_JOBCENTER = "Jobcenter Düsseldorf"  # joined (accession accepted)
KREIS_JOBCENTER = "Jobcenter Kreis Steinfurt"  # accession in draft
SUBMITTED_JOBCENTER = "Jobcenter Kreis Olpe"  # accession submitted, a Kreis
NRW_AGREEMENT = "Rahmenvereinbarung Inklusion NRW"
HESSEN_DRAFT_AGREEMENT = "Entwurf Hessen"
FINAL_CIRCULAR = (  # the Landkreistag's 151/18
    "SGB II–Rahmenvereinbarung zur Verbesserung der beruflichen Integration von "
    "arbeitssuchenden Menschen mit Beeinträchtigungen in der Grundsicherung für "
    "Arbeitssuchende"
)
DRAFT_CIRCULAR = "Rahmenvereinbarung Inklusion: Stand der Beitritte und gute Beispiele"
UNSENT_CIRCULAR = "Austausch guter Praxis: Einladung der Jobcenter der kreisfreien Städte"

LOGIN = "login"  # a 302 to the login page
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404


def _jobcenter(name):
    from jobcenters.models import Jobcenter

    return {"pk": Jobcenter.objects.get(name=name).pk}


def _agreement(short_title):
    from agreements.models import FrameworkAgreement

    return {"pk": FrameworkAgreement.objects.get(short_title=short_title).pk}


def _accession(jobcenter_name):
    from accessions.models import Accession

    accession = Accession.objects.open().get(
        jobcenter__name=jobcenter_name, agreement__short_title=NRW_AGREEMENT
    )
    return {"pk": accession.pk}


def everyone(status=OK):
    return dict.fromkeys(USERS, status)


def signed_in(status=OK):
    return {**everyone(status), "anonymous": LOGIN}


@dataclass(frozen=True)
class Page:
    """One page as one user kind opens it: what the URL is and what each user gets."""

    url_name: str
    expect: dict
    label: str = ""
    kwargs: object = None  # callable returning the URL kwargs, run against the database
    invalid_post: dict = field(default_factory=dict)  # data that shows the form with errors
    invalid_query: dict = field(default_factory=dict)  # the same for a form sent by GET
    in_demo: bool = True  # False where the demo data has no such object
    note: str = ""

    @property
    def invalid_data(self):
        """What to type into the page's form to see its errors (POST or GET form)."""
        return self.invalid_post or self.invalid_query

    @property
    def id(self):
        return self.label or self.url_name

    def url(self):
        return reverse(self.url_name, kwargs=self.kwargs() if self.kwargs else None)


PAGES = [
    Page("public-home", everyone()),
    Page("agreements:list", everyone()),
    Page(
        "agreements:detail",
        everyone(),
        label="agreements:detail (published)",
        kwargs=lambda: _agreement(NRW_AGREEMENT),
    ),
    Page(
        "agreements:detail",
        {
            **everyone(NOT_FOUND),
            "admin": OK,
            "hessen_ministry": OK,
        },
        label="agreements:detail (unpublished, Hessen)",
        kwargs=lambda: _agreement(HESSEN_DRAFT_AGREEMENT),
        in_demo=False,
    ),
    Page("easy-language", everyone()),
    Page("sign-language", everyone()),
    Page("imprint", everyone()),
    Page("privacy", everyone()),
    Page(
        "accessibility",
        everyone(),
        invalid_post={"email": "keine-adresse", "message": ""},
    ),
    Page(
        "login",
        # Signed-in users are sent on to their start page.
        {**everyone(302), "anonymous": OK},
        invalid_post={"username": "niemand", "password": "falsch"},
    ),
    Page(
        "password_reset",
        everyone(),
        invalid_post={"email": "keine-adresse"},
    ),
    Page("password_reset_done", everyone()),
    Page(
        "password_reset_confirm",
        everyone(),
        kwargs=lambda: {"uidb64": "MQ", "token": "abgelaufen-0000"},
        note="an invalid link shows a page that says so",
    ),
    Page("password_reset_complete", everyone()),
    Page("home", signed_in()),
    Page(
        "jobcenters:list",
        {**signed_in(), "hessen_ministry": OK},
    ),
    Page(
        "jobcenters:detail",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": NOT_FOUND,
            "staedtetag": OK,
            "city_manager": OK,
            "kreis_manager": NOT_FOUND,
            "hessen_ministry": NOT_FOUND,
        },
        label="jobcenters:detail (city)",
        kwargs=lambda: _jobcenter(CITY_JOBCENTER),
    ),
    Page(
        "jobcenters:detail",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": OK,
            "staedtetag": NOT_FOUND,
            "city_manager": NOT_FOUND,
            "kreis_manager": OK,
            "hessen_ministry": NOT_FOUND,
        },
        label="jobcenters:detail (Kreis)",
        kwargs=lambda: _jobcenter(KREIS_JOBCENTER),
    ),
    Page(
        "jobcenters:edit",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": FORBIDDEN,
            "landkreistag": NOT_FOUND,
            "staedtetag": FORBIDDEN,
            "city_manager": OK,
            "kreis_manager": NOT_FOUND,
            "hessen_ministry": NOT_FOUND,
        },
        kwargs=lambda: _jobcenter(CITY_JOBCENTER),
        invalid_post={"postal_code": "4021", "email": "kein-at-zeichen", "website": "irgendwas"},
    ),
]

# Who may decide on the submitted accession of a Kreis jobcenter (accept or return).
DECIDE_SUBMITTED = {
    "anonymous": LOGIN,
    "admin": OK,
    "ministry": OK,
    "directorate": FORBIDDEN,
    "landkreistag": FORBIDDEN,
    "staedtetag": NOT_FOUND,
    "city_manager": NOT_FOUND,
    "kreis_manager": NOT_FOUND,
    "hessen_ministry": NOT_FOUND,
}

# Who may decide on the joined accession of a city jobcenter (withdraw it, correct its date).
DECIDE_JOINED = {
    "anonymous": LOGIN,
    "admin": OK,
    "ministry": OK,
    "directorate": FORBIDDEN,
    "landkreistag": NOT_FOUND,
    "staedtetag": FORBIDDEN,
    "city_manager": FORBIDDEN,
    "kreis_manager": NOT_FOUND,
    "hessen_ministry": NOT_FOUND,
}

PAGES += [
    Page(
        "agreement-members",
        {**everyone(), "hessen_ministry": OK},
        kwargs=lambda: _agreement(NRW_AGREEMENT),
    ),
    Page(
        "agreement-members",
        {**everyone(NOT_FOUND), "admin": NOT_FOUND},
        label="agreement-members (unpublished)",
        kwargs=lambda: _agreement(HESSEN_DRAFT_AGREEMENT),
        in_demo=False,
    ),
    Page(
        "accessions:queue",
        {
            **signed_in(FORBIDDEN),
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "hessen_ministry": OK,
        },
    ),
    Page(
        "accessions:detail",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": NOT_FOUND,
            "staedtetag": OK,
            "city_manager": OK,
            "kreis_manager": NOT_FOUND,
            "hessen_ministry": NOT_FOUND,
        },
        label="accessions:detail (city, joined)",
        kwargs=lambda: _accession(CITY_JOBCENTER),
    ),
    Page(
        "accessions:detail",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": OK,
            "staedtetag": NOT_FOUND,
            "city_manager": NOT_FOUND,
            "kreis_manager": OK,
            "hessen_ministry": NOT_FOUND,
        },
        label="accessions:detail (Kreis, draft)",
        kwargs=lambda: _accession(KREIS_JOBCENTER),
    ),
    Page(
        "accessions:edit",
        {
            "anonymous": LOGIN,
            "admin": FORBIDDEN,
            "ministry": FORBIDDEN,
            "directorate": FORBIDDEN,
            "landkreistag": FORBIDDEN,
            "staedtetag": NOT_FOUND,
            "city_manager": NOT_FOUND,
            "kreis_manager": OK,
            "hessen_ministry": NOT_FOUND,
        },
        kwargs=lambda: _accession(KREIS_JOBCENTER),
        invalid_post={
            "postal_code": "4856",
            "contact_email": "kein-at-zeichen",
            "carriers_agreed_on": "31.02.2018",
            "massnahmen-TOTAL_FORMS": "3",
            "massnahmen-INITIAL_FORMS": "0",
            "massnahmen-0-title": "Ein Titel ohne Handlungsfeld",
        },
    ),
    Page(
        "accessions:accept",
        DECIDE_SUBMITTED,
        kwargs=lambda: _accession(SUBMITTED_JOBCENTER),
        invalid_post={"joined_on": "31.02.2018"},
    ),
    Page(
        "accessions:return",
        DECIDE_SUBMITTED,
        kwargs=lambda: _accession(SUBMITTED_JOBCENTER),
        invalid_post={"reasons": ""},
    ),
    Page(
        "accessions:withdraw",
        DECIDE_JOINED,
        kwargs=lambda: _accession(CITY_JOBCENTER),
        invalid_post={"withdrawn_on": "", "reason": ""},
    ),
    Page(
        "accessions:correct-joined-on",
        DECIDE_JOINED,
        kwargs=lambda: _accession(CITY_JOBCENTER),
        invalid_post={"joined_on": "31.02.2018", "reason": ""},
    ),
]

# Who follows where the jobcenters stand with the NRW agreement (read-only but the ministry).
FOLLOW_NRW = {
    "anonymous": LOGIN,
    "admin": OK,
    "ministry": OK,
    "directorate": OK,
    "landkreistag": OK,
    "staedtetag": OK,
    "city_manager": FORBIDDEN,
    "kreis_manager": FORBIDDEN,
    "hessen_ministry": FORBIDDEN,
}
# An unpublished agreement of another state is a foreign object to everyone in NRW.
FOLLOW_HESSEN_DRAFT = {
    **everyone(NOT_FOUND),
    "anonymous": LOGIN,
    "admin": OK,
    "hessen_ministry": OK,
}

PAGES += [
    Page(
        "accessions:dashboard",
        FOLLOW_NRW,
        label="accessions:dashboard (NRW)",
        kwargs=lambda: {"agreement_pk": _agreement(NRW_AGREEMENT)["pk"]},
    ),
    Page(
        "accessions:dashboard",
        FOLLOW_HESSEN_DRAFT,
        label="accessions:dashboard (unpublished, Hessen)",
        kwargs=lambda: {"agreement_pk": _agreement(HESSEN_DRAFT_AGREEMENT)["pk"]},
        in_demo=False,
    ),
    Page(
        "accessions:jobcenters",
        FOLLOW_NRW,
        label="accessions:jobcenters (NRW)",
        kwargs=lambda: {"agreement_pk": _agreement(NRW_AGREEMENT)["pk"]},
        invalid_query={"joined_from": "31.02.2018", "joined_to": "gestern"},
    ),
    Page(
        "accessions:jobcenters",
        FOLLOW_HESSEN_DRAFT,
        label="accessions:jobcenters (unpublished, Hessen)",
        kwargs=lambda: {"agreement_pk": _agreement(HESSEN_DRAFT_AGREEMENT)["pk"]},
        in_demo=False,
    ),
]

CITY_MEASURE = "Barrierefreier Eingangsbereich"  # Düsseldorf, not in the catalogue
PUBLISHED_MEASURE = "„Hinschauen, statt wegschauen!“ – Inklusionstag"  # Düsseldorf, published
PROPOSED_MEASURE = "Netzwerk psychische und Suchterkrankungen"  # Bochum (a city), proposed


def _measure(title):
    from measures.models import Measure

    return {"pk": Measure.objects.get(title=title, agreement__short_title=NRW_AGREEMENT).pk}


def _nrw_agreement():
    return {"agreement_pk": _agreement(NRW_AGREEMENT)["pk"]}


# Who may write a measure of Düsseldorf (its own managers only).
CHANGE_CITY_MEASURE = {
    "anonymous": LOGIN,
    "admin": FORBIDDEN,
    "ministry": FORBIDDEN,
    "directorate": FORBIDDEN,
    "landkreistag": NOT_FOUND,
    "staedtetag": FORBIDDEN,
    "city_manager": OK,
    "kreis_manager": NOT_FOUND,
    "hessen_ministry": NOT_FOUND,
}
# Who decides on the catalogue for a city's measure (the ministry).
REVIEW_CITY_MEASURE = {
    "anonymous": LOGIN,
    "admin": OK,
    "ministry": OK,
    "directorate": FORBIDDEN,
    "landkreistag": NOT_FOUND,
    "staedtetag": FORBIDDEN,
    "city_manager": NOT_FOUND,  # Bochum's proposal is another jobcenter's
    "kreis_manager": NOT_FOUND,
    "hessen_ministry": NOT_FOUND,
}

PAGES += [
    Page("measures:list", {**signed_in(), "hessen_ministry": OK}, invalid_query={"year": "1999"}),
    Page(
        "measures:create",
        {
            **signed_in(FORBIDDEN),
            "city_manager": OK,  # Düsseldorf joined; Steinfurt's accession is a draft
        },
        kwargs=_nrw_agreement,
        invalid_post={"title": "", "starts_on": "01.05.2019", "ends_on": "31.02.2019"},
    ),
    Page(
        "measures:detail",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": NOT_FOUND,
            "staedtetag": OK,
            "city_manager": OK,
            "kreis_manager": NOT_FOUND,
            "hessen_ministry": NOT_FOUND,
        },
        kwargs=lambda: _measure(CITY_MEASURE),
    ),
    Page(
        "measures:edit",
        CHANGE_CITY_MEASURE,
        kwargs=lambda: _measure(CITY_MEASURE),
        invalid_post={"title": "", "contact_email": "kein-at-zeichen"},
    ),
    Page(
        "measures:note",
        CHANGE_CITY_MEASURE,
        kwargs=lambda: _measure(CITY_MEASURE),
        invalid_post={"written_on": "31.02.2019", "text": ""},
    ),
    Page(
        "measures:propose",
        CHANGE_CITY_MEASURE,
        kwargs=lambda: _measure(CITY_MEASURE),
        # The consent box left unticked.
        invalid_post={"nothing": "ticked"},
    ),
    Page(
        "measures:publish",
        {**REVIEW_CITY_MEASURE},
        kwargs=lambda: _measure(PROPOSED_MEASURE),
    ),
    Page(
        "measures:decline",
        {**REVIEW_CITY_MEASURE},
        kwargs=lambda: _measure(PROPOSED_MEASURE),
        invalid_post={"reason": ""},
    ),
    Page(
        "measures:unpublish",
        {**REVIEW_CITY_MEASURE, "city_manager": FORBIDDEN},
        kwargs=lambda: _measure(PUBLISHED_MEASURE),
        invalid_post={"reason": ""},
    ),
    Page(
        "measures:proposals",
        {**signed_in(FORBIDDEN), "admin": OK, "ministry": OK, "hessen_ministry": OK},
    ),
    Page("measures:coverage", FOLLOW_NRW, label="measures:coverage (NRW)", kwargs=_nrw_agreement),
    Page(
        "measures:coverage",
        FOLLOW_HESSEN_DRAFT,
        label="measures:coverage (unpublished, Hessen)",
        kwargs=lambda: {"agreement_pk": _agreement(HESSEN_DRAFT_AGREEMENT)["pk"]},
        in_demo=False,
    ),
    Page(
        "measures:key-figures",
        {**signed_in(), "hessen_ministry": OK},
        invalid_query={"year": "1999"},
    ),
    Page(
        "measures:key-figures-new",
        {**signed_in(FORBIDDEN), "city_manager": OK, "kreis_manager": OK},
        invalid_post={"year": "2999", "severely_disabled": "-3"},
    ),
    Page(
        "measures:key-figures-edit",
        CHANGE_CITY_MEASURE,
        kwargs=lambda: {"jobcenter_pk": _jobcenter(CITY_JOBCENTER)["pk"], "year": 2025},
        invalid_post={"severely_disabled": "-1"},
    ),
    Page("catalogue:list", everyone()),
    Page(
        "catalogue:detail",
        everyone(),
        label="catalogue:detail (published)",
        kwargs=lambda: _measure(PUBLISHED_MEASURE),
    ),
    Page(
        "catalogue:detail",
        everyone(NOT_FOUND),
        label="catalogue:detail (not published)",
        kwargs=lambda: _measure(CITY_MEASURE),
        in_demo=False,  # a 404 for everybody: nothing for the browser sweep to look at
    ),
]


def _circular(subject):
    from circulars.models import Circular

    return {"pk": Circular.objects.get(subject=subject).pk}


def _draft_attachment():
    from circulars.models import CircularAttachment

    attachment = CircularAttachment.objects.get(circular__subject=DRAFT_CIRCULAR, position=1)
    return {"pk": attachment.circular_id, "attachment_pk": attachment.pk}


def _final_rendering():
    from reports.models import Rendering

    return {"pk": Rendering.objects.get(circular__subject=FINAL_CIRCULAR, status="done").pk}


def _overview_rendering():
    from reports.models import Rendering

    return {
        "pk": Rendering.objects.get(kind="overview", organisation__kind="municipal_association").pk
    }


# The Landkreistag's final circular: its association, the state's readers and the Kreis
# jobcenters it was sent to.
SEE_FINAL_CIRCULAR = {
    "anonymous": LOGIN,
    "admin": OK,
    "ministry": OK,
    "directorate": OK,
    "landkreistag": OK,
    "staedtetag": NOT_FOUND,
    "city_manager": NOT_FOUND,
    "kreis_manager": OK,
    "hessen_ministry": NOT_FOUND,
}

# The Städtetag's draft: only its own association works on it.
CHANGE_DRAFT_CIRCULAR = {
    **signed_in(NOT_FOUND),
    "admin": FORBIDDEN,  # sees everything, writes no association's letters
    "staedtetag": OK,
}

CIRCULAR_ERRORS = {
    "date": "31.02.2018",
    "addressees": "An die Mitglieder",
    "subject": "",
    "body": "",
    "salutation": "Sehr geehrte Damen und Herren,",
    "closing": "Mit freundlichen Grüßen",
    "signer_name": "",
    "signer_email": "kein-at-zeichen",
}

PAGES += [
    Page("circulars:list", signed_in()),
    Page(
        "circulars:new",
        {**signed_in(FORBIDDEN), "landkreistag": OK, "staedtetag": OK},
        invalid_post=CIRCULAR_ERRORS,
    ),
    Page(
        "circulars:detail",
        SEE_FINAL_CIRCULAR,
        label="circulars:detail (final)",
        kwargs=lambda: _circular(FINAL_CIRCULAR),
    ),
    Page(
        "circulars:detail",
        {**signed_in(NOT_FOUND), "admin": OK, "staedtetag": OK},
        label="circulars:detail (draft)",
        kwargs=lambda: _circular(DRAFT_CIRCULAR),
    ),
    Page(
        "circulars:edit",
        CHANGE_DRAFT_CIRCULAR,
        label="circulars:edit (draft)",
        kwargs=lambda: _circular(DRAFT_CIRCULAR),
        invalid_post=CIRCULAR_ERRORS,
    ),
    Page(
        "circulars:edit",
        {
            **SEE_FINAL_CIRCULAR,
            "admin": FORBIDDEN,
            "ministry": FORBIDDEN,
            "directorate": FORBIDDEN,
            "landkreistag": FORBIDDEN,  # final: a correction is a new circular
            "kreis_manager": FORBIDDEN,
        },
        label="circulars:edit (final)",
        kwargs=lambda: _circular(FINAL_CIRCULAR),
        in_demo=False,
    ),
    Page(
        "circulars:finalise",
        CHANGE_DRAFT_CIRCULAR,
        kwargs=lambda: _circular(DRAFT_CIRCULAR),
    ),
    Page(
        "circulars:attachment-add",
        CHANGE_DRAFT_CIRCULAR,
        kwargs=lambda: _circular(DRAFT_CIRCULAR),
        invalid_post={"title": "Ohne Datei"},
    ),
    Page(
        "circulars:attachment-add-document",
        CHANGE_DRAFT_CIRCULAR,
        kwargs=lambda: _circular(DRAFT_CIRCULAR),
        invalid_post={"dokument-agreement": ""},  # no document chosen either
    ),
    Page("circulars:attachment-remove", CHANGE_DRAFT_CIRCULAR, kwargs=_draft_attachment),
    Page(
        "renderings:detail",
        SEE_FINAL_CIRCULAR,
        label="renderings:detail (circular)",
        kwargs=_final_rendering,
    ),
    Page(
        "renderings:detail",
        {**signed_in(NOT_FOUND), "admin": OK, "landkreistag": OK},
        label="renderings:detail (the Landkreistag's status overview)",
        kwargs=_overview_rendering,
        in_demo=False,
    ),
    Page("overviews:status", FOLLOW_NRW, label="overviews:status (NRW)", kwargs=_nrw_agreement),
    Page("overviews:readers", everyone()),
    Page(
        "overviews:profile",
        {
            "anonymous": LOGIN,
            "admin": OK,
            "ministry": OK,
            "directorate": OK,
            "landkreistag": NOT_FOUND,
            "staedtetag": OK,
            "city_manager": OK,
            "kreis_manager": NOT_FOUND,
            "hessen_ministry": NOT_FOUND,
        },
        label="overviews:profile (city)",
        kwargs=lambda: {
            "agreement_pk": _agreement(NRW_AGREEMENT)["pk"],
            "jobcenter_pk": _jobcenter(CITY_JOBCENTER)["pk"],
        },
    ),
    Page(
        "overviews:status",
        FOLLOW_HESSEN_DRAFT,
        label="overviews:status (unpublished, Hessen)",
        kwargs=lambda: {"agreement_pk": _agreement(HESSEN_DRAFT_AGREEMENT)["pk"]},
        in_demo=False,
    ),
    Page(
        "circulars:send",
        {
            **SEE_FINAL_CIRCULAR,
            "admin": FORBIDDEN,
            "ministry": FORBIDDEN,
            "directorate": FORBIDDEN,
            "kreis_manager": FORBIDDEN,
            "landkreistag": FORBIDDEN,  # sent already
        },
        label="circulars:send (sent already)",
        kwargs=lambda: _circular(FINAL_CIRCULAR),
        in_demo=False,
    ),
    Page(
        "circulars:send",
        {
            **signed_in(NOT_FOUND),
            "admin": FORBIDDEN,
            "ministry": FORBIDDEN,
            "directorate": FORBIDDEN,
            "staedtetag": OK,
        },
        label="circulars:send (final, not sent)",
        kwargs=lambda: _circular(UNSENT_CIRCULAR),
    ),
]

# URL patterns that are no page of their own, with the test that covers each.
NOT_PAGES = {
    "accessions:start": "POST only, redirects; tests/accessions/test_accession_views.py",
    "accessions:signed-form": "a PDF download; tests/accessions/test_accession_views.py",
    "accessions:form-pdf": "a PDF download; tests/accessions/test_accession_pdf.py",
    "jobcenters:export-csv": "a download; tests/jobcenters/test_views.py",
    "jobcenters:export-xlsx": "a button's POST; tests/jobcenters/test_views.py",
    "accessions:export-csv": "a download; tests/accessions/test_dashboard_views.py",
    "accessions:export-xlsx": "a button's POST; tests/accessions/test_dashboard_views.py",
    "measures:export-csv": "a download; tests/measures/test_views.py",
    "measures:export-xlsx": "a button's POST; tests/measures/test_views.py",
    "measures:key-figures-export-csv": "a download; tests/measures/test_views.py",
    "measures:key-figures-export-xlsx": "a button's POST; tests/measures/test_views.py",
    "circulars:render": "POST only, redirects; tests/circulars/test_views.py",
    "circulars:attachment": "a PDF download; tests/circulars/test_views.py",
    "circulars:resend": "POST only, redirects; tests/circulars/test_sending.py",
    "renderings:status": "JSON for the status page's script; tests/circulars/test_views.py",
    "jobcenters:names": "JSON for the jobcenter filter's script; tests/jobcenters/test_views.py",
    "renderings:download": "a PDF download; tests/circulars/test_views.py",
    "renderings:retry": "POST only, redirects; tests/circulars/test_views.py",
    "exports:detail": "an export's page; its access matrix: tests/reports/test_exports.py",
    "exports:status": "JSON for the export page's script; tests/reports/test_exports.py",
    "exports:download": "an XLSX download; tests/reports/test_exports.py",
    "exports:retry": "POST only, redirects; tests/reports/test_exports.py",
    "overviews:status-pdf": "POST only, redirects; tests/reports/test_overview.py",
    "overviews:profile-pdf": "POST only, redirects; tests/reports/test_overview.py",
    "overviews:reader": "a PDF download; tests/reports/test_reader.py",
    "overviews:reader-pdf": "POST only, redirects; tests/reports/test_reader.py",
    "sign-language-video": "a video download; tests/accounts/test_sign_language.py",
    "logout": "POST only; tests/accounts/test_login.py",
    "set_language": "POST only, redirects; tests/accounts/test_language.py",
}
