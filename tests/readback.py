"""Read back after every write: every page that shows the changed object, for every role.

Issue 12 found its defects on the page *after* a write, read by the *other* role. So a
test that writes calls ``readback(obj, "the visible change", ...)`` after each POST or
service call (the ``readback`` fixture in ``tests/conftest.py``). Given the changed
object (accession, planned measure, measure, progress note, key figures, catalogue entry,
circular, attachment, jobcenter, rendering), the helper knows

- every page that shows it (by URL name; each one is a page of ``tests/pages.py``, so
  ``tests/test_url_coverage.py`` and the access matrix know it too), and
- every role relative to it: the owner (a manager of its jobcenter or staff of its
  association), a colleague of the same organisation, the state's ministry and
  directorate, the association whose members include the jobcenter, the other
  association, a manager of a jobcenter the circular went to, an outsider manager (another
  jobcenter: 404) and the public.

It loads each page for each role with the Django test client (one client and one login
per role, kept for the test) and asserts the status, the object on the page for those who
see it (its name, title or subject), the caller's texts on the page that shows the object
in full, texts that must be gone (``absent=``) and, on lists the role opens, that an object
it may not see is not there. The rules are restated here by relation (owner, member,
state), not by the fixtures' names, as an oracle independent of ``accounts.access``.

Every page × role loaded is counted: in the test's report (``user_properties``, which
xdist hands to the main process), and the session summary prints the sum.
"""

import html
import re
from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse

from tests.pages import FORBIDDEN, LOGIN, NOT_FOUND, OK, PAGES

# A page that answers 200 but must not show the object (a list of what the role may see).
HIDDEN = "hidden"

ROLES = (
    "owner",
    "colleague",
    "ministry",
    "directorate",
    "association",
    "other_association",
    "recipient",
    "outsider",
    "public",
)

READBACKS = 0  # page × role loads in this process

KNOWN_PAGES = {page.url_name for page in PAGES}

# Who gets what, by the object's relation to the role.
SEE = {  # the jobcenter's own pages: its people, its state's readers, its association
    "owner": OK,
    "colleague": OK,
    "ministry": OK,
    "directorate": OK,
    "association": OK,
    "other_association": NOT_FOUND,
    "outsider": NOT_FOUND,
    "public": LOGIN,
}
WRITE = {**SEE, "ministry": FORBIDDEN, "directorate": FORBIDDEN, "association": FORBIDDEN}
FOLLOW = {  # across jobcenters: the state's readers and the associations (their members)
    **SEE,
    "owner": FORBIDDEN,
    "colleague": FORBIDDEN,
    "other_association": HIDDEN,
    "outsider": FORBIDDEN,
}
LIST = {**SEE, "other_association": HIDDEN, "outsider": HIDDEN}
PUBLIC = dict.fromkeys(ROLES, OK)
NOBODY = {**dict.fromkeys(ROLES, NOT_FOUND)}


@dataclass(frozen=True)
class View:
    """One page that shows the object, and what each role gets there."""

    url_name: str
    kwargs: dict | None
    expect: dict
    shows: tuple = ()  # what names the object here (for those who see it)
    full: bool = False  # shows the object in full: the caller's texts are here
    query: dict = field(default_factory=dict)

    def url(self):
        url = reverse(self.url_name, kwargs=self.kwargs)
        if self.query:
            from urllib.parse import urlencode

            url += "?" + urlencode(self.query)
        return url


def _text(response, *, without_inputs=False):
    """The page's main part (not the header, which names the signed-in user's organisation),
    entities decoded, whitespace collapsed; ``without_inputs``: without what a search form
    echoes back (its ``q`` is the very name a hidden check looks for)."""
    content = response.content.decode()
    start, end = content.find("<main"), content.rfind("</main>")
    if start != -1 and end != -1:
        content = content[start:end]
    if without_inputs:
        content = re.sub(r"<input[^>]*>", "", content)
    return re.sub(r"\s+", " ", html.unescape(content))


def _norm(text):
    return re.sub(r"\s+", " ", str(text)).strip()


class Readback:
    """One per test: its clients (one login per role) and the users behind them."""

    def __init__(self, node=None):
        self._clients = {}
        self._node = node  # the test: its report carries the count to the session summary

    # Users by role

    def _user(self, organisation, role, *, create=False, exclude=()):
        from accounts.models import User

        user = (
            User.objects.filter(organisation=organisation, role=role, is_active=True)
            .exclude(pk__in=[u.pk for u in exclude])
            .order_by("pk")
            .first()
        )
        if user is None and create:
            from tests import factories

            # No address: a colleague made for reading must not become a mail recipient.
            user = factories.UserFactory(organisation=organisation, role=role, email="")
        return user

    def _state_user(self, state, kind, role):
        from accounts.models import Organisation

        organisation = Organisation.objects.filter(state=state, kind=kind).order_by("pk").first()
        return organisation and self._user(organisation, role)

    def _people(self, organisation, role, state):
        """The owner, a colleague (made when there is none) and the state's readers."""
        from accounts.models import OrganisationKind, Role

        owner = self._user(organisation, role, create=True)
        return {
            "owner": owner,
            "colleague": self._user(organisation, role, create=True, exclude=[owner]),
            "ministry": self._state_user(state, OrganisationKind.MINISTRY, Role.MINISTRY_STAFF),
            "directorate": self._state_user(
                state, OrganisationKind.REGIONAL_DIRECTORATE, Role.PARTNER_READER
            ),
            "public": None,
        }

    def _association(self, state, region_kind):
        from accounts.models import Organisation, OrganisationKind

        return Organisation.objects.filter(
            state=state,
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            member_region_kind=region_kind,
        ).first()

    def _other_manager(self, jobcenters):
        """A manager of a jobcenter not among ``jobcenters``: the outsider."""
        from accounts.models import Role, User
        from tests import factories

        user = (
            User.objects.filter(role=Role.JOBCENTER_MANAGER, is_active=True)
            .exclude(organisation__in=jobcenters)
            .order_by("pk")
            .first()
        )
        if user is None:
            # Another state's jobcenter, so that no count of this state's changes.
            jobcenter = factories.JobcenterFactory(state="HE", name="Jobcenter Außerhalb")
            user = factories.UserFactory(
                organisation=jobcenter, role=Role.JOBCENTER_MANAGER, email=""
            )
        return user

    def _jobcenter_roles(self, jobcenter):
        from accounts.models import RegionKind, Role

        other_kind = (
            RegionKind.KREIS
            if jobcenter.region_kind == RegionKind.KREISFREIE_STADT
            else RegionKind.KREISFREIE_STADT
        )
        association = self._association(jobcenter.state, jobcenter.region_kind)
        other_association = self._association(jobcenter.state, other_kind)
        return {
            **self._people(jobcenter, Role.JOBCENTER_MANAGER, jobcenter.state),
            "association": association and self._user(association, Role.ASSOCIATION_STAFF),
            "other_association": other_association
            and self._user(other_association, Role.ASSOCIATION_STAFF),
            "outsider": self._other_manager([jobcenter]),
        }

    def _circular_roles(self, circular):
        from accounts.models import Role
        from jobcenters.models import Jobcenter

        association = circular.association
        other = (
            type(association)
            .objects.filter(state=association.state, kind=association.kind)
            .exclude(pk=association.pk)
            .first()
        )
        recipients = Jobcenter.objects.filter(circulars_received__circular=circular)
        recipient = next(
            (
                user
                for jobcenter in recipients.order_by("pk")[:5]
                if (user := self._user(jobcenter, Role.JOBCENTER_MANAGER))
            ),
            None,
        )
        return {
            **self._people(association, Role.ASSOCIATION_STAFF, association.state),
            "other_association": other and self._user(other, Role.ASSOCIATION_STAFF),
            "recipient": recipient,
            "outsider": self._other_manager(recipients),
        }

    # The pages of each kind of object

    def _jobcenter_views(self, jobcenter):
        return [
            View("jobcenters:detail", {"pk": jobcenter.pk}, SEE, (jobcenter.name,), full=True),
            View("jobcenters:list", None, LIST, (jobcenter.name,), query={"q": jobcenter.name}),
            View(
                "jobcenters:edit",
                {"pk": jobcenter.pk},
                {**WRITE, "ministry": OK},
                (jobcenter.name,),
            ),
        ]

    def _accession_views(self, accession):
        from accessions.models import Accession, AccessionStatus

        jobcenter, agreement = accession.jobcenter, accession.agreement
        named = (jobcenter.name,)
        views = [
            View("accessions:detail", {"pk": accession.pk}, SEE, named, full=True),
            View("jobcenters:detail", {"pk": jobcenter.pk}, SEE, (agreement.short_title,)),
            View(
                "overviews:profile",
                {"agreement_pk": agreement.pk, "jobcenter_pk": jobcenter.pk},
                SEE,
                named,
            ),
            View("accessions:dashboard", {"agreement_pk": agreement.pk}, FOLLOW),
            View(
                "accessions:jobcenters",
                {"agreement_pk": agreement.pk},
                FOLLOW,
                named,
                query={"q": jobcenter.name},
            ),
            View("overviews:status", {"agreement_pk": agreement.pk}, FOLLOW, named),
        ]
        if accession.is_editable:
            views.append(
                View("accessions:edit", {"pk": accession.pk}, WRITE, (agreement.short_title,))
            )
        if accession.status == AccessionStatus.SUBMITTED:
            queue = {
                **dict.fromkeys(ROLES, FORBIDDEN),
                "ministry": OK,
                "directorate": OK,
                "public": LOGIN,
            }
            views.append(View("accessions:queue", None, queue, named))
        if agreement.is_published:
            listed = Accession.objects.publicly_listed().filter(pk=accession.pk).exists()
            members = PUBLIC if listed else dict.fromkeys(ROLES, HIDDEN)
            views.append(View("agreement-members", {"pk": agreement.pk}, members, named))
        return views, self._jobcenter_roles(jobcenter)

    def _measure_views(self, measure):
        from measures.models import Measure, Publication

        titled = (measure.title,)
        jobcenter, agreement = measure.jobcenter, measure.agreement
        views = [
            View("measures:detail", {"pk": measure.pk}, SEE, titled, full=True),
            View("measures:edit", {"pk": measure.pk}, WRITE, titled),
            View("measures:list", None, LIST, titled, query={"q": measure.title}),
            View(
                "overviews:profile",
                {"agreement_pk": agreement.pk, "jobcenter_pk": jobcenter.pk},
                SEE,
                (jobcenter.name,),
            ),
            View("measures:coverage", {"agreement_pk": agreement.pk}, FOLLOW),
        ]
        if measure.publication == Publication.PROPOSED:
            proposals = {
                **dict.fromkeys(ROLES, FORBIDDEN),
                "ministry": OK,
                "public": LOGIN,
            }
            views.append(View("measures:proposals", None, proposals, titled))
        published = Measure.objects.published().filter(pk=measure.pk).exists()
        views += [
            View("catalogue:detail", {"pk": measure.pk}, PUBLIC if published else NOBODY, titled),
            View(
                "catalogue:list",
                None,
                PUBLIC if published else dict.fromkeys(ROLES, HIDDEN),
                titled,
                query={"q": measure.title},
            ),
        ]
        return views, self._jobcenter_roles(jobcenter)

    def _key_figures_views(self, figures):
        jobcenter = figures.jobcenter
        named = (jobcenter.name,)
        views = [
            View(
                "measures:key-figures",
                None,
                LIST,
                named,
                full=True,
                query={"year": figures.year, "q": jobcenter.name},
            ),
            View(
                "measures:key-figures-edit",
                {"jobcenter_pk": jobcenter.pk, "year": figures.year},
                WRITE,
                (str(figures.year),),
            ),
        ]
        return views, self._jobcenter_roles(jobcenter)

    def _circular_views(self, circular):
        subject = (circular.subject,)
        final = circular.is_final
        seen = {
            "owner": OK,
            "colleague": OK,
            "ministry": OK if final else NOT_FOUND,
            "directorate": OK if final else NOT_FOUND,
            "other_association": NOT_FOUND,
            "recipient": OK,  # only there when it went to a jobcenter
            "outsider": NOT_FOUND,
            "public": LOGIN,
        }
        listed = {role: HIDDEN if status == NOT_FOUND else status for role, status in seen.items()}
        views = [
            View("circulars:detail", {"pk": circular.pk}, seen, subject, full=True),
            View("circulars:list", None, listed, subject),
        ]
        if not final:
            views.append(
                View(
                    "circulars:edit",
                    {"pk": circular.pk},
                    {**seen, "owner": OK, "colleague": OK},
                    subject,
                )
            )
        elif circular.sent_at is None:
            send = {
                **seen,
                "ministry": FORBIDDEN,
                "directorate": FORBIDDEN,
                "recipient": FORBIDDEN,
            }
            views.append(View("circulars:send", {"pk": circular.pk}, send, subject))
        return views, self._circular_roles(circular)

    def _rendering_views(self, rendering):
        from reports.models import RenderingKind

        page = View("renderings:detail", {"pk": rendering.pk}, {}, (), full=True)
        if rendering.kind == RenderingKind.CIRCULAR:
            views, roles = self._circular_views(rendering.circular)
            seen = dict(views[0].expect)
            if not rendering.of_final:
                # Readers get the final text only, never the PDF of an earlier draft.
                seen.update(ministry=NOT_FOUND, directorate=NOT_FOUND, recipient=NOT_FOUND)
            return [*views, View(page.url_name, page.kwargs, seen, full=True)], roles
        if rendering.kind == RenderingKind.OVERVIEW:
            # It shows its organisation's view of the jobcenters: for that organisation alone.
            from accounts.models import Role

            roles = {
                "owner": self._user(rendering.organisation, Role.ASSOCIATION_STAFF)
                or self._user(rendering.organisation, Role.MINISTRY_STAFF)
                or self._user(rendering.organisation, Role.PARTNER_READER),
                "outsider": self._other_manager([]),
                "public": None,
            }
            expect = {"owner": OK, "outsider": NOT_FOUND, "public": LOGIN}
            return [View(page.url_name, page.kwargs, expect, full=True)], roles
        # A jobcenter's profile: for whoever sees the jobcenter.
        roles = self._jobcenter_roles(rendering.jobcenter)
        return [View(page.url_name, page.kwargs, SEE, full=True)], roles

    def views_and_roles(self, obj):
        """The pages that show ``obj`` and the users of each role, for this database."""
        from accessions.models import Accession, PlannedMeasure
        from circulars.models import Circular, CircularAttachment
        from jobcenters.models import Jobcenter
        from measures.models import KeyFigures, Measure, ProgressNote
        from reports.models import Rendering

        obj = type(obj).objects.get(pk=obj.pk)  # as stored now, not as the test holds it
        if isinstance(obj, Jobcenter):
            return self._jobcenter_views(obj), self._jobcenter_roles(obj)
        if isinstance(obj, Accession):
            return self._accession_views(obj)
        if isinstance(obj, PlannedMeasure):
            return self._accession_views(obj.accession)
        if isinstance(obj, Measure):
            return self._measure_views(obj)
        if isinstance(obj, ProgressNote):
            return self._measure_views(obj.measure)
        if isinstance(obj, KeyFigures):
            return self._key_figures_views(obj)
        if isinstance(obj, Circular):
            return self._circular_views(obj)
        if isinstance(obj, CircularAttachment):
            return self._circular_views(obj.circular)
        if isinstance(obj, Rendering):
            return self._rendering_views(obj)
        raise TypeError(f"readback does not know the pages of {type(obj).__name__}")

    # Loading

    def _client(self, user):
        key = user.pk if user else None
        if key not in self._clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            self._clients[key] = client
        return self._clients[key]

    def __call__(self, obj, *texts, absent=(), roles=None):
        """Load every page of ``obj`` for every role; returns how many loads it made.

        ``texts``: what the write changed, as the page that shows ``obj`` in full says it
        (e.g. "2.400", "beigetreten am 01.03.2018"). ``absent``: what must be gone from it
        (a removed attachment). ``roles``: only these (default: all that exist).
        """
        global READBACKS
        views, users = self.views_and_roles(obj)
        failures = []
        loads = 0
        for view in views:
            assert view.url_name in KNOWN_PAGES, f"{view.url_name} is no page of tests/pages.py"
            url = view.url()
            for role, expected in view.expect.items():
                if roles is not None and role not in roles:
                    continue
                if role not in users or (role != "public" and users[role] is None):
                    continue  # no such role in this world (e.g. no recipient yet)
                response = self._client(users[role]).get(url)
                loads += 1
                problem = self._check(response, expected, view, texts, absent)
                if problem:
                    failures.append(f"{view.url_name} {url} as {role}: {problem}")
        READBACKS += loads
        if self._node is not None:
            self._node.user_properties.append(("readbacks", loads))
        assert not failures, "Read-back failed:\n" + "\n".join(failures)
        return loads

    @staticmethod
    def _check(response, expected, view, texts, absent):
        status = response.status_code
        if expected == LOGIN:
            if status != 302 or not response.url.startswith(reverse("login")):
                return f"expected the login redirect, got {status}"
            return None
        wanted = OK if expected == HIDDEN else expected
        if status != wanted:
            return f"expected {wanted}, got {status}"
        if status != OK:
            return None
        if expected == HIDDEN:
            page = _text(response, without_inputs=True)
            shown = [text for text in view.shows if _norm(text) in page]
            return f"shows what it must not: {shown}" if shown else None
        page = _text(response)
        wanted_texts = list(view.shows) + (list(texts) if view.full else [])
        missing = [text for text in wanted_texts if _norm(text) not in page]
        if missing:
            return f"does not show {missing}"
        # What is gone must be gone from what the page shows, not from its markup: a form's
        # CSRF token is random and may well contain "A3".
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", page))
        present = [text for text in absent if view.full and _norm(text) in shown]
        if present:
            return f"still shows {present}"
        return None
