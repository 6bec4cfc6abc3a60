"""An overview or profile is rendered once per agreement, organisation and data state: asked
for again while it is queued or running, or after it is done with the data unchanged, it is
that one; a change to the data it shows makes a new one, and so does a failed one."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from jobcenters.services import CONTACT_FIELDS, jobcenter_update
from reports import services
from reports.models import JobStatus, Rendering, RenderingKind
from tests import factories

pytestmark = pytest.mark.django_db


def _overview(nrw, user):
    return services.overview_render(agreement=nrw.agreement, user=user)


def _profile(nrw, user):
    return services.profile_render(agreement=nrw.agreement, jobcenter=nrw.city_jobcenter, user=user)


def _finish(rendering):
    Rendering.objects.filter(pk=rendering.pk).update(
        status=JobStatus.DONE, file=f"renderings/{rendering.pk}.pdf"
    )


@pytest.mark.parametrize("ask", [_overview, _profile])
def test_asked_for_again_while_it_waits_it_is_the_same_pdf(accession_world, nrw, users, ask):
    first = ask(nrw, users.staedtetag)

    second = ask(nrw, users.staedtetag)

    assert second.pk == first.pk
    assert Rendering.objects.filter(data_state=first.data_state).count() == 1


@pytest.mark.parametrize("ask", [_overview, _profile])
def test_asked_for_again_when_done_with_the_data_unchanged_it_is_the_same_pdf(
    accession_world, nrw, users, ask
):
    first = ask(nrw, users.staedtetag)
    _finish(first)

    assert ask(nrw, users.staedtetag).pk == first.pk


@pytest.mark.parametrize("ask", [_overview, _profile])
def test_a_colleague_of_the_same_organisation_gets_the_same_overview(
    accession_world, nrw, users, ask
):
    colleague = factories.UserFactory(
        organisation=nrw.staedtetag, role=users.staedtetag.role, username="kollegin"
    )

    assert ask(nrw, colleague).pk == ask(nrw, users.staedtetag).pk


@pytest.mark.parametrize(
    "change",
    [
        lambda world, nrw: factories.MeasureFactory(
            jobcenter=nrw.city_jobcenter, agreement=nrw.agreement, action_field=world.action_field
        ),
        lambda world, nrw: world.city_measure.save(),  # edited: its updated_at moves on
        lambda world, nrw: factories.KeyFiguresFactory(jobcenter=nrw.city_jobcenter, year=2020),
        lambda world, nrw: world.joined.save(),
        lambda world, nrw: world.city_measure.delete(),
        lambda world, nrw: factories.ActionFieldFactory(agreement=nrw.agreement, number=9),
    ],
    ids=["new measure", "measure edited", "key figures", "accession", "deleted", "field"],
)
@pytest.mark.parametrize("ask", [_overview, _profile])
def test_a_change_to_the_data_makes_a_new_pdf(accession_world, nrw, users, ask, change):
    first = ask(nrw, users.staedtetag)
    _finish(first)

    change(accession_world, nrw)

    second = ask(nrw, users.staedtetag)
    assert second.pk != first.pk
    assert second.data_state != first.data_state


def test_a_jobcenter_with_a_new_address_makes_a_new_overview(accession_world, nrw, users):
    # Jobcenters have no updated_at: their audited changes count.
    first = _overview(nrw, users.staedtetag)
    _finish(first)
    jobcenter = nrw.city_jobcenter
    data = {field: getattr(jobcenter, field) for field in CONTACT_FIELDS}

    jobcenter_update(
        jobcenter=jobcenter, user=users.ministry, data={**data, "email": "neu@example.org"}
    )

    assert _overview(nrw, users.staedtetag).pk != first.pk


def _admin_edit(client, admin, instance, url_name, fields, **changes):
    """A save of ``instance``'s change form in the Django admin, with ``changes``."""
    client.force_login(admin)
    data = {field: getattr(instance, field) or "" for field in fields}
    response = client.post(reverse(url_name, args=[instance.pk]), {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]


JOBCENTER_ADMIN_FIELDS = ["name", "short_name", "state", "form", "region", "region_kind"]
ORGANISATION_ADMIN_FIELDS = ["name", "short_name", "kind", "state", "member_region_kind"]


@pytest.mark.parametrize("ask", [_overview, _profile])
def test_a_jobcenter_renamed_in_the_admin_makes_a_new_pdf(client, accession_world, nrw, users, ask):
    first = ask(nrw, users.staedtetag)
    _finish(first)

    _admin_edit(
        client,
        users.admin,
        nrw.city_jobcenter,
        "admin:jobcenters_jobcenter_change",
        JOBCENTER_ADMIN_FIELDS + CONTACT_FIELDS,
        name="Jobcenter Düsseldorf (neu)",
    )

    assert ask(nrw, users.staedtetag).pk != first.pk


@pytest.mark.parametrize("ask", [_overview, _profile])
def test_an_association_renamed_in_the_admin_makes_a_new_pdf(
    client, accession_world, nrw, users, ask
):
    # The overview names the association it is made for, the profile the jobcenter's.
    first = ask(nrw, users.staedtetag)
    _finish(first)

    _admin_edit(
        client,
        users.admin,
        nrw.staedtetag,
        "admin:accounts_organisation_change",
        ORGANISATION_ADMIN_FIELDS + CONTACT_FIELDS,
        name="Städtetag Nordrhein-Westfalen (neu)",
    )

    # The next request loads its user and organisation afresh.
    assert ask(nrw, User.objects.get(pk=users.staedtetag.pk)).pk != first.pk


def test_another_organisation_gets_its_own_overview(accession_world, nrw, users):
    ours = _overview(nrw, users.staedtetag)

    theirs = _overview(nrw, users.landkreistag)

    assert theirs.pk != ours.pk
    assert theirs.organisation == nrw.landkreistag


def test_after_a_failure_a_request_makes_a_new_pdf_and_the_retry_leads_to_it(
    accession_world, nrw, users
):
    failed = _overview(nrw, users.staedtetag)
    Rendering.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)

    again = _overview(nrw, users.staedtetag)
    retried = services.rendering_retry(rendering=failed, user=users.staedtetag)

    assert again.pk != failed.pk
    assert retried.pk == again.pk
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED


def test_the_second_click_leads_to_the_first_pdf(client, accession_world, nrw, users):
    client.force_login(users.staedtetag)
    url = reverse("overviews:status-pdf", args=[nrw.agreement.pk])

    first, second = client.post(url), client.post(url)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Rendering.objects.filter(kind=RenderingKind.OVERVIEW).exclude(data_state="").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_pdf(nrw, users, monkeypatch):
    # Real transactions on two connections: the first has inserted its row and not yet
    # committed when the second looks; the second finds none, inserts, waits for the first
    # to commit and then gets its row.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for two writing connections")
    monkeypatch.setattr(services, "rendering_dispatch", lambda pk, kind: None)
    from django.db import transaction

    inserted, release = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = _overview(nrw, users.staedtetag)
                inserted.set()
                release.wait(10)
        except Exception as error:
            errors.append(error)
            inserted.set()
        finally:
            connection.close()

    def second():
        try:
            inserted.wait(10)
            results["second"] = _overview(nrw, users.staedtetag)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inserted.wait(10)
    # The second is blocked on the first's uncommitted row now (or about to be).
    threading.Event().wait(0.5)
    release.set()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert results["first"].pk == results["second"].pk
    assert Rendering.objects.filter(kind=RenderingKind.OVERVIEW).count() == 1
