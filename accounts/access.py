"""Who may see and change what: the one place that decides it.

For every kind of object there is one pair of functions:

- ``visible_<kind>s(user, queryset=None)`` narrows a queryset to the rows the user may see;
- ``get_<kind>_for_user(user, pk, *, write=False)`` loads one row or raises ``Http404``
  when the user may not see it, and ``PermissionDenied`` (403) when ``write`` is asked
  for an object the user may see but not change;
- ``can_change_<kind>(user, obj)`` for templates that offer the change.

The rules, by role (see ``accounts.models.Role``):

============================  ==================================  ============================
role                          sees                                changes
============================  ==================================  ============================
administrator (superuser)     everything                          everything
ministry staff                everything of their state           their state's jobcenters
partner reader (directorate)  everything of their state           nothing
association staff             their member jobcenters             nothing
jobcenter manager             their own jobcenter                 their own jobcenter
the public                    published agreements                nothing
============================  ==================================  ============================

Circulars belong to their association: its staff write, finalise, render and send them;
the state's ministry staff and directorate read the final ones, jobcenter managers those
sent to their jobcenter.

Measures and key figures follow their jobcenter: whoever sees the jobcenter sees them;
only its own managers write them; ministry staff decide what goes into the public
catalogue, which everybody reads (``catalogue_measures``).

Views, exports and tasks load objects only through this module. This is the one module
that imports models of every app, so it imports them inside the functions.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Role


def _organisation(user):
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return user.organisation


def is_state_wide(user):
    """Ministry staff and partner readers see everything of their organisation's state."""
    return user.is_authenticated and user.role in (Role.MINISTRY_STAFF, Role.PARTNER_READER)


# Jobcenters


def visible_jobcenters(user, queryset=None):
    from jobcenters.models import Jobcenter

    jobcenters = Jobcenter.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        # The public sees jobcenters only through published accessions.
        return jobcenters.none()
    if user.is_superuser:
        return jobcenters
    organisation = _organisation(user)
    if organisation is None:
        return jobcenters.none()
    if is_state_wide(user):
        return jobcenters.filter(state=organisation.state)
    if user.role == Role.ASSOCIATION_STAFF:
        return jobcenters.of_association(organisation)
    if user.role == Role.JOBCENTER_MANAGER:
        return jobcenters.filter(pk=organisation.pk)
    return jobcenters.none()


def can_change_jobcenter(user, jobcenter):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.MINISTRY_STAFF:
        return _organisation(user).state == jobcenter.state
    if user.role == Role.JOBCENTER_MANAGER:
        return user.organisation_id == jobcenter.pk
    return False


def own_jobcenter(user):
    """The jobcenter a jobcenter manager works for; ``None`` for everybody else."""
    if not user.is_authenticated or user.role != Role.JOBCENTER_MANAGER:
        return None
    return visible_jobcenters(user).first()


def get_jobcenter_for_user(user, pk, *, write=False):
    jobcenter = get_object_or_404(visible_jobcenters(user), pk=pk)
    if write and not can_change_jobcenter(user, jobcenter):
        raise PermissionDenied
    return jobcenter


# Agreements


def visible_agreements(user, queryset=None):
    from agreements.models import FrameworkAgreement

    agreements = FrameworkAgreement.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return agreements
    organisation = _organisation(user)
    if organisation is None:
        return agreements.filter(is_published=True)
    # Unpublished agreements (being set up) are seen by the members of their state.
    return agreements.filter(Q(is_published=True) | Q(state=organisation.state))


def get_agreement_for_user(user, pk):
    """Agreements are set up by administrators in the admin; on the site they are read-only."""
    return get_object_or_404(visible_agreements(user), pk=pk)


# Accessions


def visible_accessions(user, queryset=None):
    """Ministry staff and the directorate see their state's agreements; others follow jobcenters."""
    from jobcenters.models import Accession

    accessions = Accession.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return accessions.none()
    if user.is_superuser:
        return accessions
    organisation = _organisation(user)
    if organisation is None:
        return accessions.none()
    if is_state_wide(user):
        return accessions.filter(agreement__state=organisation.state)
    return accessions.filter(jobcenter__in=visible_jobcenters(user).values("pk"))


def can_edit_accession(user, accession):
    """Only the jobcenter's own managers fill in its form, while it is in their hands."""
    return (
        user.is_authenticated
        and user.role == Role.JOBCENTER_MANAGER
        and user.organisation_id == accession.jobcenter_id
        and accession.is_editable
    )


def can_review_accession(user, accession):
    """Ministry staff of the agreement's state decide on accessions (accept, return, withdraw)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        user.role == Role.MINISTRY_STAFF and _organisation(user).state == accession.agreement.state
    )


def can_see_review_queue(user):
    """The queue of submitted accessions is the ministry's (and the directorate's, to read)."""
    return user.is_authenticated and (user.is_superuser or is_state_wide(user))


def can_start_accession(user, jobcenter):
    """A jobcenter's managers start its accessions."""
    return (
        user.is_authenticated
        and user.role == Role.JOBCENTER_MANAGER
        and user.organisation_id == jobcenter.pk
    )


def can_see_accession_overview(user, agreement):
    """The standing of every jobcenter with an agreement: for those who follow the agreement.

    Ministry staff and the directorate see their state's jobcenters, association staff
    their members (``overview_jobcenters``); all of them only read.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    organisation = _organisation(user)
    return (
        organisation is not None
        and user.role in (Role.MINISTRY_STAFF, Role.PARTNER_READER, Role.ASSOCIATION_STAFF)
        and organisation.state == agreement.state
    )


def get_overview_agreement_for_user(user, pk):
    """The agreement whose accession overview is asked for: 404 unseen, 403 not followed."""
    agreement = get_agreement_for_user(user, pk)
    if not can_see_accession_overview(user, agreement):
        raise PermissionDenied
    return agreement


def overview_jobcenters(user, agreement):
    """The jobcenters an accession overview of ``agreement`` shows to ``user``."""
    return visible_jobcenters(user).filter(state=agreement.state)


def organisation_overview_jobcenters(organisation, agreement):
    """The jobcenters a status overview made for ``organisation`` shows, as
    ``overview_jobcenters`` shows them to its staff: an association's members, a ministry's
    or directorate's whole state; ``None`` (an administrator) every jobcenter of the state.

    The PDF worker has no user, only the organisation the overview was asked for.
    """
    from accounts.models import OrganisationKind
    from jobcenters.models import Jobcenter

    jobcenters = Jobcenter.objects.filter(state=agreement.state)
    if organisation is None:
        return jobcenters
    if organisation.kind == OrganisationKind.MUNICIPAL_ASSOCIATION:
        return jobcenters.of_association(organisation)
    if organisation.kind in (OrganisationKind.MINISTRY, OrganisationKind.REGIONAL_DIRECTORATE):
        return jobcenters.filter(state=organisation.state)
    return jobcenters.none()


ACCESSION_ACTIONS = {"edit": can_edit_accession, "review": can_review_accession}


def get_accession_for_user(user, pk, *, action=None):
    """Load a visible accession (else 404); with ``action`` ("edit", "review") also allowed (403).

    The services lock the row again and check its state: this is the check for the page.
    """
    from jobcenters.models import Accession

    accessions = visible_accessions(
        user, Accession.objects.select_related("jobcenter", "agreement")
    )
    accession = get_object_or_404(accessions, pk=pk)
    if action is not None and not ACCESSION_ACTIONS[action](user, accession):
        raise PermissionDenied
    return accession


# Measures and key figures


def visible_measures(user, queryset=None):
    """Measures follow their jobcenter; published ones are also in the public catalogue."""
    from measures.models import Measure

    measures = Measure.objects.all() if queryset is None else queryset
    return measures.filter(jobcenter__in=visible_jobcenters(user).values("pk"))


def catalogue_measures(queryset=None):
    """The public best-practice catalogue: for everybody, signed in or not."""
    from measures.models import Measure

    measures = Measure.objects.all() if queryset is None else queryset
    return measures.published()


def can_record_measures(user, jobcenter, agreement):
    """A jobcenter's managers record measures under the agreements it has joined."""
    from jobcenters.models import AccessionStatus

    return (
        can_start_accession(user, jobcenter)
        and jobcenter.accessions.filter(
            agreement=agreement, status=AccessionStatus.ACCEPTED
        ).exists()
    )


def can_change_measure(user, measure):
    """Only the jobcenter's own managers write its measures and their progress."""
    return (
        user.is_authenticated
        and user.role == Role.JOBCENTER_MANAGER
        and user.organisation_id == measure.jobcenter_id
    )


def can_review_publication(user, measure):
    """Ministry staff of the measure's state decide what goes into the public catalogue."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.MINISTRY_STAFF and _organisation(user).state == measure.jobcenter.state


def can_see_publication_queue(user):
    return user.is_authenticated and (user.is_superuser or user.role == Role.MINISTRY_STAFF)


MEASURE_ACTIONS = {"change": can_change_measure, "review": can_review_publication}


def get_measure_for_user(user, pk, *, action=None):
    """Load a visible measure (else 404); with ``action`` ("change", "review") allowed (403)."""
    from measures.models import Measure

    measures = visible_measures(
        user, Measure.objects.select_related("jobcenter", "agreement", "action_field")
    )
    measure = get_object_or_404(measures, pk=pk)
    if action is not None and not MEASURE_ACTIONS[action](user, measure):
        raise PermissionDenied
    return measure


def visible_key_figures(user, queryset=None):
    from measures.models import KeyFigures

    key_figures = KeyFigures.objects.all() if queryset is None else queryset
    return key_figures.filter(jobcenter__in=visible_jobcenters(user).values("pk"))


def can_change_key_figures(user, jobcenter):
    """A jobcenter's managers report its key figures; everybody else reads them."""
    return can_start_accession(user, jobcenter)


# Circulars and rendered PDFs


def visible_circulars(user, queryset=None):
    """Association staff see all of their own association's circulars, drafts included;
    ministry staff and the directorate the final ones of their state's associations;
    jobcenter managers those sent to their jobcenter.
    """
    from reports.models import Circular, CircularStatus

    circulars = Circular.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return circulars.none()
    if user.is_superuser:
        return circulars
    organisation = _organisation(user)
    if organisation is None:
        return circulars.none()
    if user.role == Role.ASSOCIATION_STAFF:
        return circulars.filter(association=organisation)
    if is_state_wide(user):
        return circulars.filter(status=CircularStatus.FINAL, association__state=organisation.state)
    if user.role == Role.JOBCENTER_MANAGER:
        return circulars.filter(recipients__jobcenter=organisation.pk)
    return circulars.none()


def can_see_circulars(user):
    """Who has a list of circulars: the associations (theirs), the state's readers and the
    jobcenters (those sent to them)."""
    return user.is_authenticated and (user.is_superuser or bool(user.role))


def can_write_circulars(user):
    """Association staff write their association's circulars."""
    return (
        user.is_authenticated
        and user.role == Role.ASSOCIATION_STAFF
        and _organisation(user) is not None
    )


def can_change_circular(user, circular):
    """A draft is changed (and finalised) by its association's staff; a final one by nobody."""
    return (
        can_write_circulars(user)
        and user.organisation_id == circular.association_id
        and not circular.is_final
    )


def can_render_circular(user, circular):
    """Whoever writes circulars renders them; the readers download what was rendered."""
    return can_write_circulars(user) and user.organisation_id == circular.association_id


def can_send_circular(user, circular):
    """A final circular is sent, once, by its association's staff."""
    return can_render_circular(user, circular) and circular.is_final and circular.sent_at is None


def can_resend_circular(user, circular):
    """The e-mails of a sent circular that failed are sent again by its association."""
    return can_render_circular(user, circular) and circular.sent_at is not None


CIRCULAR_ACTIONS = {
    "change": can_change_circular,
    "render": can_render_circular,
    "send": can_send_circular,
    "resend": can_resend_circular,
}


def get_circular_for_user(user, pk, *, action=None):
    """Load a visible circular (else 404); with ``action`` ("change", "render") allowed (403)."""
    from reports.models import Circular

    circulars = visible_circulars(user, Circular.objects.select_related("association"))
    circular = get_object_or_404(circulars, pk=pk)
    if action is not None and not CIRCULAR_ACTIONS[action](user, circular):
        raise PermissionDenied
    return circular


def visible_renderings(user, queryset=None):
    """A circular's PDF is seen by whoever sees the circular; a status overview's by the
    organisation it was made for (it shows that organisation's view of the jobcenters); a
    jobcenter's profile by whoever sees the jobcenter; a Reader's page by ministry staff (the
    public downloads the latest finished one: ``public_readers``)."""
    from reports.models import Rendering, RenderingKind

    renderings = Rendering.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return renderings.none()
    if user.is_superuser:
        return renderings
    overviews = Q(kind=RenderingKind.OVERVIEW, organisation=user.organisation_id)
    if user.role not in (Role.MINISTRY_STAFF, Role.PARTNER_READER, Role.ASSOCIATION_STAFF):
        overviews = Q(pk__in=[])
    circulars = Q(circular__in=visible_circulars(user).values("pk"))
    if user.role != Role.ASSOCIATION_STAFF:
        # Readers get the final text only, never the PDF of an earlier draft.
        circulars &= Q(of_final=True)
    profiles = Q(
        kind=RenderingKind.PROFILE,
        jobcenter__in=visible_jobcenters(user).values("pk"),
        agreement__in=visible_agreements(user).values("pk"),
    )
    readers = Q(kind=RenderingKind.READER, agreement__in=visible_agreements(user).values("pk"))
    if user.role != Role.MINISTRY_STAFF:
        readers = Q(pk__in=[])
    return renderings.filter(circulars | overviews | profiles | readers)


def get_rendering_for_user(user, pk):
    from reports.models import Rendering

    renderings = visible_renderings(
        user, Rendering.objects.select_related("circular", "agreement", "jobcenter")
    )
    return get_object_or_404(renderings, pk=pk)


def can_make_reader(user, agreement):
    """Ministry staff of the agreement's state publish its best-practice Reader."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.MINISTRY_STAFF and _organisation(user).state == agreement.state


def public_readers(queryset=None):
    """The finished Readers of published agreements: for everybody, like the catalogue."""
    from reports.models import Rendering, RenderingKind, RenderingStatus

    renderings = Rendering.objects.all() if queryset is None else queryset
    return renderings.filter(
        kind=RenderingKind.READER, status=RenderingStatus.DONE, agreement__is_published=True
    )
