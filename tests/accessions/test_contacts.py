"""Where messages to a jobcenter go (``accessions.contacts``): registry, accession, managers."""

import datetime

import pytest

from accessions.contacts import AddressSource, addresses_of, jobcenter_addresses
from jobcenters.models import Jobcenter
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobcenter(db):
    return factories.JobcenterFactory(name="Jobcenter Hagen", email="")


def test_the_registry_address_comes_first(jobcenter):
    jobcenter.email = "kontakt@jobcenter-hagen.example"
    jobcenter.save()
    factories.AccessionFactory(jobcenter=jobcenter, contact_email="person@jobcenter-hagen.example")
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager")

    addresses = jobcenter_addresses(jobcenter)

    assert addresses.emails == ("kontakt@jobcenter-hagen.example",)
    assert addresses.source == AddressSource.REGISTRY


def test_without_one_the_accessions_contact_person(jobcenter):
    factories.AccessionFactory(
        jobcenter=jobcenter, submitted=True, contact_email="person@jobcenter-hagen.example"
    )
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager")

    addresses = jobcenter_addresses(jobcenter)

    assert addresses.emails == ("person@jobcenter-hagen.example",)
    assert addresses.source == AddressSource.ACCESSION


def test_an_open_accessions_contact_before_a_withdrawn_ones(jobcenter):
    open_one = factories.AccessionFactory(
        jobcenter=jobcenter, returned=True, contact_email="neu@hagen.example"
    )
    factories.AccessionFactory(
        jobcenter=jobcenter,
        complete=True,
        status="withdrawn",
        joined_on=datetime.date(2018, 3, 20),
        withdrawn_on=datetime.date(2020, 1, 31),
        contact_email="alt@hagen.example",
    )
    assert open_one.updated_at < jobcenter.accessions.get(status="withdrawn").updated_at

    assert jobcenter_addresses(jobcenter).emails == ("neu@hagen.example",)


def test_a_drafts_contact_person_is_not_used(jobcenter):
    factories.AccessionFactory(jobcenter=jobcenter, contact_email="entwurf@hagen.example")
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager", email="gf@hx.example")

    addresses = jobcenter_addresses(jobcenter)

    assert addresses.emails == ("gf@hx.example",)
    assert addresses.source == AddressSource.MANAGERS


def test_without_either_every_active_manager(jobcenter):
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager", email="b@hagen.example")
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager", email="a@hagen.example")
    factories.UserFactory(
        organisation=jobcenter, role="jobcenter_manager", email="weg@hagen.example", is_active=False
    )
    factories.UserFactory(organisation=jobcenter, role="jobcenter_manager", email="")

    addresses = jobcenter_addresses(jobcenter)

    assert addresses.emails == ("a@hagen.example", "b@hagen.example")
    assert addresses.source == AddressSource.MANAGERS


def test_a_jobcenter_without_any_address_has_none(jobcenter):
    factories.AccessionFactory(jobcenter=jobcenter, contact_email="")

    addresses = jobcenter_addresses(jobcenter)

    assert not addresses
    assert addresses.source is None


def test_many_jobcenters_are_resolved_in_three_queries(django_assert_num_queries):
    registry = factories.JobcenterFactory(email="a@jc.example")
    by_accession = factories.JobcenterFactory(email="")
    factories.AccessionFactory(jobcenter=by_accession, submitted=True, contact_email="b@jc.example")
    by_manager = factories.JobcenterFactory(email="")
    factories.UserFactory(organisation=by_manager, role="jobcenter_manager", email="c@jc.example")

    # The jobcenters, the accessions of those without, the managers of those still without.
    with django_assert_num_queries(3):
        addresses = addresses_of(Jobcenter.objects.all())

    assert {pk: a.emails for pk, a in addresses.items()} == {
        registry.pk: ("a@jc.example",),
        by_accession.pk: ("b@jc.example",),
        by_manager.pk: ("c@jc.example",),
    }
