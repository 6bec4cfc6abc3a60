"""What waits for a user on the start page: the work of their role, newest or oldest first,
each with a link to where it is done."""

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accessions.access import visible_accessions
from accessions.models import AccessionStatus
from accounts.models import Role
from circulars.access import visible_circulars
from circulars.models import CircularStatus
from measures.access import visible_measures
from measures.models import Publication

# Each kind shows this many; the link beside it leads to all of them.
SHOWN = 5
# A circular counts as new for the jobcenters it was sent to for this long.
NEW_CIRCULAR_DAYS = 30


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting: its heading, its first items and how many there are."""

    key: str
    heading: str
    items: list[Item]
    total: int
    all_url: str = ""

    @property
    def more(self):
        return self.total - len(self.items)


def _waiting(key, heading, queryset, item, all_url=""):
    total = queryset.count()
    items = [item(obj) for obj in queryset[:SHOWN]] if total else []
    return Waiting(key, str(heading), items, total, all_url)


def _day(value):
    return date_format(timezone.localtime(value), "d.m.Y") if value else ""


def _numbered(circular):
    return _("Nr. %(number)s: %(subject)s") % {
        "number": circular.number_label,
        "subject": circular.subject,
    }


def waiting_for(user):
    """The kinds of work waiting for ``user``'s role (empty ones included: they say so)."""
    if user.role == Role.MINISTRY_STAFF:
        return _for_ministry(user)
    if user.role == Role.JOBCENTER_MANAGER:
        return _for_manager(user)
    if user.role == Role.ASSOCIATION_STAFF:
        return _for_association(user)
    return []


def _for_ministry(user):

    accessions = (
        visible_accessions(user)
        .filter(status=AccessionStatus.SUBMITTED)
        .select_related("jobcenter", "agreement")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    proposals = (
        visible_measures(user)
        .filter(publication=Publication.PROPOSED)
        .select_related("jobcenter")
        .order_by("updated_at", "pk")
    )
    return [
        _waiting(
            "accessions",
            _("Eingereichte Beitritte zu prüfen"),
            accessions,
            lambda accession: Item(
                f"{accession.jobcenter.name} – {accession.agreement.short_title}",
                accession.get_absolute_url(),
                _("eingereicht am %(date)s") % {"date": _day(accession.submitted_at)},
            ),
            reverse("accessions:queue"),
        ),
        _waiting(
            "proposals",
            _("Vorschläge für den Katalog zu prüfen"),
            proposals,
            lambda measure: Item(
                measure.title,
                measure.get_absolute_url(),
                measure.jobcenter.name,
            ),
            reverse("measures:proposals"),
        ),
    ]


def _for_manager(user):

    accessions = (
        visible_accessions(user)
        .filter(status__in=[AccessionStatus.RETURNED, AccessionStatus.DRAFT])
        .select_related("agreement")
        # Returned first: the ministry waits for those.
        .order_by("-status", "-updated_at", "pk")
    )
    since = timezone.now() - datetime.timedelta(days=NEW_CIRCULAR_DAYS)
    circulars = (
        visible_circulars(user)
        .filter(sent_at__gte=since)
        .select_related("association")
        .order_by("-sent_at", "-pk")
    )
    return [
        _waiting(
            "accessions",
            _("Beitritte, die Sie bearbeiten"),
            accessions,
            lambda accession: Item(
                accession.agreement.short_title,
                accession.get_absolute_url(),
                _("zurückgegeben: bitte überarbeiten und erneut einreichen")
                if accession.status == AccessionStatus.RETURNED
                else _("Entwurf: noch nicht eingereicht"),
            ),
        ),
        _waiting(
            "circulars",
            _("Neue Rundschreiben"),
            circulars,
            lambda circular: Item(
                _numbered(circular),
                circular.get_absolute_url(),
                _("%(association)s, versandt am %(date)s")
                % {
                    "association": circular.association.display_name,
                    "date": _day(circular.sent_at),
                },
            ),
            reverse("circulars:list"),
        ),
    ]


def _for_association(user):

    circulars = visible_circulars(user).order_by("-created_at", "-pk")
    return [
        _waiting(
            "drafts",
            _("Entwürfe"),
            circulars.filter(status=CircularStatus.DRAFT),
            lambda circular: Item(
                circular.subject,
                circular.get_absolute_url(),
                _("angelegt am %(date)s") % {"date": _day(circular.created_at)},
            ),
            reverse("circulars:list"),
        ),
        _waiting(
            "unsent",
            _("Abgeschlossen, noch nicht versandt"),
            circulars.filter(status=CircularStatus.FINAL, sent_at__isnull=True),
            lambda circular: Item(
                _numbered(circular),
                circular.get_absolute_url() + "#versand",
            ),
        ),
    ]
