from django import template
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def back_url(context):
    """The page the user came from (its ``Referer``), if it is one of ours; else ``""``.

    A header anyone can set is no link to print unchecked: only our own host counts.
    """
    request = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
