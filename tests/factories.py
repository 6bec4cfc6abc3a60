"""Factories for test data. Traits name the states an object can be in."""

import datetime
import functools
import io

import factory
import pikepdf
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from accessions.models import Accession, AccessionStatus, PlannedMeasure
from accounts.models import Organisation, OrganisationKind, RegionKind, Role, State, User
from agreements.models import ActionField, FrameworkAgreement
from circulars.models import (
    Circular,
    CircularAttachment,
    CircularRecipient,
    CircularStatus,
    default_addressees,
)
from jobcenters.models import Jobcenter, JobcenterForm
from measures.models import KeyFigures, Measure, MeasureStatus, Publication
from outbox.models import MailStatus, OutgoingEmail
from reports.models import JobStatus, Rendering, RenderingKind

PASSWORD = "a-long-test-password"


@functools.cache
def minimal_pdf():
    """A plain one-page PDF, as a scanner would produce it."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("state", "name")

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.OTHER
    state = State.NW

    class Params:
        ministry = factory.Trait(
            kind=OrganisationKind.MINISTRY, name=factory.Sequence(lambda n: f"Ministerium {n}")
        )
        directorate = factory.Trait(
            kind=OrganisationKind.REGIONAL_DIRECTORATE,
            name=factory.Sequence(lambda n: f"Regionaldirektion {n}"),
        )
        landkreistag = factory.Trait(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            member_region_kind=RegionKind.KREIS,
            name=factory.LazyAttribute(lambda o: f"Landkreistag {o.state}"),
        )
        staedtetag = factory.Trait(
            kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
            member_region_kind=RegionKind.KREISFREIE_STADT,
            name=factory.LazyAttribute(lambda o: f"Städtetag {o.state}"),
        )


class JobcenterFactory(DjangoModelFactory):
    class Meta:
        model = Jobcenter

    name = factory.Sequence(lambda n: f"Jobcenter Stadt {n:04d}")
    state = State.NW
    form = JobcenterForm.GE
    region = factory.LazyAttribute(lambda o: o.name.removeprefix("Jobcenter "))
    region_kind = RegionKind.KREISFREIE_STADT

    class Params:
        kreis = factory.Trait(
            region_kind=RegionKind.KREIS,
            name=factory.Sequence(lambda n: f"Jobcenter Kreis {n:04d}"),
        )
        zkt = factory.Trait(form=JobcenterForm.ZKT)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Erika"
    last_name = "Mustermann"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        ministry = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, ministry=True),
            role=Role.MINISTRY_STAFF,
        )
        directorate = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, directorate=True),
            role=Role.PARTNER_READER,
        )
        landkreistag = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, landkreistag=True),
            role=Role.ASSOCIATION_STAFF,
        )
        staedtetag = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, staedtetag=True),
            role=Role.ASSOCIATION_STAFF,
        )
        manager = factory.Trait(
            organisation=factory.SubFactory(JobcenterFactory), role=Role.JOBCENTER_MANAGER
        )
        admin = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    title = factory.Sequence(lambda n: f"Rahmenvereinbarung Nummer {n}")
    short_title = factory.Sequence(lambda n: f"Vereinbarung {n}")
    state = State.NW
    signed_on = datetime.date(2018, 1, 31)
    in_force_from = datetime.date(2018, 1, 31)

    class Params:
        unpublished = factory.Trait(is_published=False)
        yearly = factory.Trait(
            in_force_from=datetime.date(2004, 4, 1),
            signed_on=None,
            initial_term_months=12,
            renewal_months=12,
            notice_months=3,
        )


class ActionFieldFactory(DjangoModelFactory):
    class Meta:
        model = ActionField

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Handlungsfeld {n}")


class AccessionFactory(DjangoModelFactory):
    class Meta:
        model = Accession

    jobcenter = factory.SubFactory(JobcenterFactory)
    agreement = factory.SubFactory(
        AgreementFactory, state=factory.SelfAttribute("..jobcenter.state")
    )

    class Params:
        # Every field of the accession form filled in and the signed PDF uploaded.
        complete = factory.Trait(
            jobcenter_name=factory.SelfAttribute("jobcenter.name"),
            street="Musterstraße 1",
            postal_code="40210",
            city="Düsseldorf",
            management_name="Dr. Erika Beispiel",
            contact_name="Max Muster",
            contact_function="Inklusionsbeauftragter",
            contact_email="inklusion@jobcenter.example",
            contact_phone="0211 123456",
            carriers_agreed_on=datetime.date(2018, 3, 1),
            signed_form=factory.django.FileField(filename="signed.pdf", data=minimal_pdf()),
            signed_form_uploaded_at=factory.LazyFunction(timezone.now),
        )
        submitted = factory.Trait(
            complete=True,
            status=AccessionStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            complete=True,
            status=AccessionStatus.RETURNED,
            submitted_at=factory.LazyFunction(timezone.now),
            return_reasons="Die Unterschrift fehlt.",
        )
        joined = factory.Trait(
            complete=True,
            status=AccessionStatus.ACCEPTED,
            joined_on=datetime.date(2018, 3, 20),
            public_listing=True,
        )


class PlannedMeasureFactory(DjangoModelFactory):
    class Meta:
        model = PlannedMeasure

    accession = factory.SubFactory(AccessionFactory)
    action_field = factory.SubFactory(
        ActionFieldFactory, agreement=factory.SelfAttribute("..accession.agreement")
    )
    title = factory.Sequence(lambda n: f"Geplante Maßnahme {n}")


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    jobcenter = factory.SubFactory(JobcenterFactory)
    agreement = factory.SubFactory(
        AgreementFactory, state=factory.SelfAttribute("..jobcenter.state")
    )
    action_field = factory.SubFactory(
        ActionFieldFactory, agreement=factory.SelfAttribute("..agreement")
    )
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    status = MeasureStatus.RUNNING
    starts_on = datetime.date(2019, 1, 1)
    contact_name = "Max Muster"
    contact_email = "inklusion@jobcenter.example"

    class Params:
        proposed = factory.Trait(publication=Publication.PROPOSED, contact_consents=True)
        published = factory.Trait(
            publication=Publication.PUBLISHED,
            contact_consents=True,
            published_on=datetime.date(2020, 2, 1),
        )


class KeyFiguresFactory(DjangoModelFactory):
    class Meta:
        model = KeyFigures

    jobcenter = factory.SubFactory(JobcenterFactory)
    year = 2024
    severely_disabled = 820
    equal_status = 280
    rehabilitants = 300
    integrations_severely_disabled = 61
    integrations_equal_status = 24
    integrations_rehabilitants = 38


class CircularFactory(DjangoModelFactory):
    class Meta:
        model = Circular

    association = factory.SubFactory(OrganisationFactory, landkreistag=True)
    date = datetime.date(2018, 3, 12)
    file_reference = "50.05.02.3 DH/Schw"
    addressees = factory.LazyAttribute(lambda o: default_addressees(o.association))
    subject = factory.Sequence(lambda n: f"Rundschreiben {n}")
    summary = "Eine kurze Zusammenfassung."
    body = "Sehr viel Text.\n\nWir bitten um Kenntnisnahme."
    signer_name = "Dana Hoffmann"

    class Params:
        final = factory.Trait(
            status=CircularStatus.FINAL,
            year=factory.LazyAttribute(lambda o: o.date.year),
            number=factory.Sequence(lambda n: n + 1),
            finalised_at=factory.LazyFunction(timezone.now),
        )


class CircularAttachmentFactory(DjangoModelFactory):
    class Meta:
        model = CircularAttachment

    circular = factory.SubFactory(CircularFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Rahmenvereinbarung Inklusion NRW"
    file = factory.LazyFunction(lambda: ContentFile(minimal_pdf(), name="anlage.pdf"))


class OutgoingEmailFactory(DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    to = factory.Sequence(lambda n: f"empfaenger{n}@example.org")
    subject = "Rundschreiben 151/18 des Landkreistages NRW"
    body = "Sehr geehrte Damen und Herren,"

    class Params:
        sent = factory.Trait(
            status=MailStatus.SENT, attempts=1, sent_at=factory.LazyFunction(timezone.now)
        )
        failed = factory.Trait(
            status=MailStatus.FAILED, attempts=8, error="SMTPRecipientsRefused: refused"
        )


class CircularRecipientFactory(DjangoModelFactory):
    class Meta:
        model = CircularRecipient
        skip_postgeneration_save = True

    circular = factory.SubFactory(
        CircularFactory, final=True, sent_at=factory.LazyFunction(timezone.now)
    )
    jobcenter = factory.SubFactory(JobcenterFactory, kreis=True)
    emails = factory.LazyAttribute(lambda o: [o.jobcenter.email or "jobcenter@example.org"])

    @factory.post_generation
    def sent(self, create, extracted, **kwargs):
        """``sent=True``: this jobcenter's e-mails went out."""
        if create and extracted:
            self.mails.set(OutgoingEmailFactory(to=address, sent=True) for address in self.emails)


class RenderingFactory(DjangoModelFactory):
    class Meta:
        model = Rendering

    kind = RenderingKind.CIRCULAR
    circular = factory.SubFactory(CircularFactory, final=True)
    of_final = factory.LazyAttribute(lambda o: o.circular is not None and o.circular.is_final)

    task_id = factory.Sequence(lambda n: f"task-{n}")

    class Params:
        # Asked for while the broker was away: no task carries it.
        undispatched = factory.Trait(task_id="")
        running = factory.Trait(
            status=JobStatus.RUNNING,
            attempts=1,
            started_at=factory.LazyFunction(timezone.now),
        )
        done = factory.Trait(
            status=JobStatus.DONE,
            page_count=1,
            file=factory.LazyFunction(lambda: ContentFile(minimal_pdf(), name="rendering.pdf")),
            finished_at=factory.LazyFunction(timezone.now),
        )
