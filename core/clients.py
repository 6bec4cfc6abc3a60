"""Who sent a request: the client's address, also behind the reverse proxy of the deployment."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address, as the outermost of ``PROXY_COUNT`` trusted proxies saw it.

    Each proxy adds the address it was sent the request from to X-Forwarded-For, so the
    client is the ``PROXY_COUNT``-th entry from the right; what a client writes into the
    header itself stands further left and is never read. Without proxies, or when the
    header does not hold that entry, it is REMOTE_ADDR.
    """
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies].strip()))
        except ValueError:
            pass  # not an address: the proxy is set up otherwise than PROXY_COUNT says
    return request.META.get("REMOTE_ADDR")
