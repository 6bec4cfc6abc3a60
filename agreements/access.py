"""Who sees which agreement: on the site agreements are only read (see ``accounts.roles``)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.roles import organisation_of
from agreements.models import FrameworkAgreement


def visible_agreements(user, queryset=None):
    agreements = FrameworkAgreement.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return agreements
    organisation = organisation_of(user)
    if organisation is None:
        return agreements.filter(is_published=True)
    # Unpublished agreements (being set up) are seen by the members of their state.
    return agreements.filter(Q(is_published=True) | Q(state=organisation.state))


def get_agreement_for_user(user, pk):
    """Agreements are set up by administrators in the admin; on the site they are read-only."""
    return get_object_or_404(visible_agreements(user), pk=pk)
