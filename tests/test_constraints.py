"""What must always hold is a database constraint: these prove the database refuses it."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accessions.models import Accession
from accounts.models import Organisation, User
from tests import factories


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_organisation_names_are_unique_per_state(db):
    factories.OrganisationFactory(name="Stadt Unna")

    refused(lambda: Organisation.objects.create(name="Stadt Unna", kind="other", state="NW"))
    Organisation.objects.create(name="Stadt Unna", kind="other", state="HE")


def test_a_state_has_one_association_per_region_kind(nrw):
    refused(
        lambda: Organisation.objects.create(
            name="Zweiter Landkreistag",
            kind="municipal_association",
            member_region_kind="kreis",
            state="NW",
        )
    )


def test_only_associations_have_members(db):
    refused(
        lambda: Organisation.objects.create(
            name="Ministerium", kind="ministry", member_region_kind="kreis", state="NW"
        )
    )


def test_unknown_enumerations_are_refused(db):
    refused(lambda: Organisation.objects.create(name="X", kind="club", state="NW"))
    refused(lambda: Organisation.objects.create(name="X", kind="other", state="XX"))
    refused(lambda: factories.JobcenterFactory(form="XY"))


def test_a_role_needs_an_organisation(db):
    refused(lambda: User.objects.create(username="ohne", role="ministry_staff"))


def test_an_agreement_is_signed_before_it_comes_into_force(db):
    refused(
        lambda: factories.AgreementFactory(
            signed_on=datetime.date(2018, 2, 1), in_force_from=datetime.date(2018, 1, 1)
        )
    )


def test_renewal_and_notice_need_a_term(db):
    refused(lambda: factories.AgreementFactory(renewal_months=12))
    refused(lambda: factories.AgreementFactory(notice_months=3))


def test_action_field_numbers_are_unique_per_agreement(nrw):
    factories.ActionFieldFactory(agreement=nrw.agreement, number=1)

    refused(lambda: factories.ActionFieldFactory(agreement=nrw.agreement, number=1))


def test_a_jobcenter_has_one_open_accession_per_agreement(nrw):
    factories.AccessionFactory(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement)

    refused(lambda: Accession.objects.create(jobcenter=nrw.city_jobcenter, agreement=nrw.agreement))


def test_a_joined_accession_has_a_date_of_joining(nrw):
    refused(
        lambda: Accession.objects.create(
            jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, status="accepted"
        )
    )


@pytest.mark.parametrize(
    "dates",
    [
        {"signed_on": None, "in_force_from": datetime.date(1989, 12, 31)},
        {"signed_on": datetime.date(1, 1, 1), "in_force_from": datetime.date(2018, 1, 1)},
        {"signed_on": None, "in_force_from": datetime.date(2101, 1, 1)},
    ],
)
def test_an_agreement_is_dated_between_1990_and_2100(db, dates):
    refused(lambda: factories.AgreementFactory(**dates))


def test_notice_is_given_within_the_term(db):
    refused(lambda: factories.AgreementFactory(yearly=True, initial_term_months=3, notice_months=3))
    refused(lambda: factories.AgreementFactory(yearly=True, initial_term_months=1200))
