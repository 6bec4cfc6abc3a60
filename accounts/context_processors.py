from django.conf import settings

from accounts import access
from accounts.models import Role


def navigation(request):
    """What the header offers: which sections this user can reach."""
    user = request.user
    signed_in = user.is_authenticated
    return {
        "nav_jobcenters": signed_in and (user.is_superuser or bool(user.role)),
        "nav_circulars": access.can_see_circulars(user),
        "nav_role": Role(user.role).label if signed_in and user.role else "",
        "operator_email": settings.OPERATOR_EMAIL,
    }
