"""The data state of an overview or a profile: one key for what its PDF would show.

Two requests with the same key get one PDF (``services.overview_render``): the data it is
made of has not changed in between. The key is made of a fixed number of aggregate queries,
whatever the number of jobcenters (the request must stay as quick for 404 jobcenters as for
one): for each table the PDF reads, its number of rows in scope and their latest change
(``updated_at``, which ``auto_now`` moves on every save, in a service or the admin); for
the jobcenters, which have no ``updated_at``, their set and the latest audit event of any
jobcenter (every change of the register is audited, ``jobcenters.services``, and the
admin); the agreement and its action fields as they are, and the organisations the PDF
names (the one an overview is made for, a profile's association) as they are: the admin
renames them without moving any ``updated_at``.
"""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, Sum

from accessions.access import organisation_overview_jobcenters
from accessions.models import Accession
from accounts.models import AuditEvent
from agreements.models import ActionField
from jobcenters.models import Jobcenter
from measures.models import KeyFigures, Measure


def _changes(queryset):
    """How many rows, and when the latest of them changed."""
    return queryset.aggregate(rows=Count("pk"), last=Max("updated_at"))


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def _agreement(agreement):
    fields = ActionField.objects.filter(agreement=agreement).order_by("pk")
    return {"agreement": _fields(agreement), "action_fields": list(fields.values_list())}


def _register_events():
    """The latest audit event of any jobcenter: a changed name, address or e-mail."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Jobcenter)
        ).aggregate(last=Max("pk"))["last"]
        or 0
    )


def _key(parts):
    text = json.dumps(parts, cls=DjangoJSONEncoder, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def overview_state(organisation, agreement):
    """The key of the status overview of ``agreement`` as ``organisation`` sees it."""
    jobcenters = organisation_overview_jobcenters(organisation, agreement)
    in_scope = jobcenters.values("pk")
    return _key(
        {
            "kind": "overview",
            # Its title names the organisation.
            "organisation": _fields(organisation) if organisation else None,
            **_agreement(agreement),
            "jobcenters": jobcenters.aggregate(rows=Count("pk"), ids=Sum("pk")),
            "register": _register_events(),
            "accessions": _changes(
                Accession.objects.filter(agreement=agreement, jobcenter__in=in_scope)
            ),
            "measures": _changes(
                Measure.objects.filter(agreement=agreement, jobcenter__in=in_scope)
            ),
            "key_figures": _changes(KeyFigures.objects.filter(jobcenter__in=in_scope)),
        }
    )


def profile_state(agreement, jobcenter):
    """The key of ``jobcenter``'s profile under ``agreement`` (the same for every reader)."""
    accessions = Accession.objects.filter(agreement=agreement, jobcenter=jobcenter)
    association = jobcenter.association
    return _key(
        {
            "kind": "profile",
            **_agreement(agreement),
            "jobcenter": _fields(jobcenter),
            "association": _fields(association) if association else None,
            "register": _register_events(),
            "accessions": _changes(accessions),
            # The accession's timeline: its audit events.
            "history": AuditEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(Accession),
                object_id__in=accessions.values("pk"),
            ).aggregate(last=Max("pk"))["last"],
            "measures": _changes(Measure.objects.filter(agreement=agreement, jobcenter=jobcenter)),
            "key_figures": _changes(KeyFigures.objects.filter(jobcenter=jobcenter)),
        }
    )
