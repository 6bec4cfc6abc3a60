from django.conf import settings

from accounts.models import Role
from circulars.access import can_see_circulars


def navigation(request):
    """What the header offers: which sections this user can reach."""
    user = request.user
    signed_in = user.is_authenticated
    return {
        "nav_jobcenters": signed_in and (user.is_superuser or bool(user.role)),
        "nav_circulars": can_see_circulars(user),
        "nav_role": Role(user.role).label if signed_in and user.role else "",
        "operator_email": settings.OPERATOR_EMAIL,
    }
