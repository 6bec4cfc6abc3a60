"""Measures and key figures follow their jobcenter: whoever sees the jobcenter sees them;
only its own managers write them; ministry staff decide what goes into the public
catalogue, which everybody reads (``catalogue_measures``). See ``accounts.roles``."""

from accessions.access import can_start_accession
from accessions.models import AccessionStatus
from accounts.models import Role
from accounts.roles import get_allowed, is_manager_of, is_ministry_of
from jobcenters.access import of_visible_jobcenters
from measures.models import KeyFigures, Measure


def visible_measures(user, queryset=None):
    """Measures follow their jobcenter; published ones are also in the public catalogue."""
    measures = Measure.objects.all() if queryset is None else queryset
    return of_visible_jobcenters(user, measures)


def catalogue_measures(queryset=None):
    """The public best-practice catalogue: for everybody, signed in or not."""
    measures = Measure.objects.all() if queryset is None else queryset
    return measures.published()


def can_record_measures(user, jobcenter, agreement):
    """A jobcenter's managers record measures under the agreements it has joined."""
    return (
        can_start_accession(user, jobcenter)
        and jobcenter.accessions.filter(
            agreement=agreement, status=AccessionStatus.ACCEPTED
        ).exists()
    )


def can_change_measure(user, measure):
    """Only the jobcenter's own managers write its measures and their progress."""
    return is_manager_of(user, measure.jobcenter_id)


def can_review_publication(user, measure):
    """Ministry staff of the measure's state decide what goes into the public catalogue."""
    return is_ministry_of(user, measure.jobcenter.state)


def can_see_measure_mails(user, measure):
    """Who its catalogue steps' e-mails went to, and whether they went out: for the two
    sides that take those steps, its jobcenter's managers and the ministry."""
    return can_change_measure(user, measure) or can_review_publication(user, measure)


def can_see_publication_queue(user):
    return user.is_authenticated and (user.is_superuser or user.role == Role.MINISTRY_STAFF)


def get_measure_for_user(user, pk, allowed=None):
    """Load a visible measure (else 404); with ``allowed`` (``can_change_measure``,
    ``can_review_publication``) also allowed (403)."""
    measures = visible_measures(
        user, Measure.objects.select_related("jobcenter", "agreement", "action_field")
    )
    return get_allowed(measures, pk, user, allowed)


def visible_key_figures(user, queryset=None):
    key_figures = KeyFigures.objects.all() if queryset is None else queryset
    return of_visible_jobcenters(user, key_figures)


def can_change_key_figures(user, jobcenter):
    """A jobcenter's managers report its key figures; everybody else reads them."""
    return can_start_accession(user, jobcenter)
