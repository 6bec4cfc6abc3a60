"""Who sees which rendered PDF and which export, and who makes the Reader (see
``accounts.roles``)."""

from django.db.models import Q

from accounts.models import Role
from accounts.roles import get_allowed, is_ministry_of
from agreements.access import visible_agreements
from circulars.access import visible_circulars
from jobcenters.access import visible_jobcenters
from reports.models import Export, JobStatus, Rendering, RenderingKind


def visible_renderings(user, queryset=None):
    """A circular's PDF is seen by whoever sees the circular; a status overview's by the
    organisation it was made for (it shows that organisation's view of the jobcenters); a
    jobcenter's profile by whoever sees the jobcenter; a Reader's page by ministry staff (the
    public downloads the latest finished one: ``public_readers``)."""
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
    renderings = visible_renderings(
        user, Rendering.objects.select_related("circular", "agreement", "jobcenter")
    )
    return get_allowed(renderings, pk, user)


def can_make_reader(user, agreement):
    """Ministry staff of the agreement's state publish its best-practice Reader."""
    return is_ministry_of(user, agreement.state)


def public_readers(queryset=None):
    """The finished Readers of published agreements: for everybody, like the catalogue."""
    renderings = Rendering.objects.all() if queryset is None else queryset
    return renderings.filter(
        kind=RenderingKind.READER, status=JobStatus.DONE, agreement__is_published=True
    )


def visible_exports(user, queryset=None):
    """An export is seen by whoever asked for it and by the colleagues who see the same
    list: the same organisation and role (an administrator: every export, like every PDF).
    The rows are those its requester saw; another user's is not found (404)."""
    exports = Export.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return exports.none()
    if user.is_superuser:
        return exports
    colleagues = Q(pk__in=[])
    if user.organisation_id is not None:
        colleagues = Q(organisation=user.organisation_id, role=user.role)
    return exports.filter(Q(requested_by=user) | colleagues)


def get_export_for_user(user, pk):
    return get_allowed(visible_exports(user, Export.objects.select_related("agreement")), pk, user)
