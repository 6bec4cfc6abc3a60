"""The client's address behind the documented reverse proxy."""

import pytest
from django.test import RequestFactory

from core.clients import client_address

PROXY = "10.0.0.2"


def _request(forwarded=None):
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_header_is_not_believed(settings):
    settings.PROXY_COUNT = 0

    assert client_address(_request("203.0.113.5")) == PROXY


@pytest.mark.parametrize(
    "forwarded",
    ["203.0.113.5", "198.51.100.1, 203.0.113.5", "evil, 203.0.113.5", " 203.0.113.5 "],
    ids=["set by the proxy", "appended", "with garbage before", "with spaces"],
)
def test_behind_one_proxy_the_client_is_the_address_it_added(settings, forwarded):
    settings.PROXY_COUNT = 1

    assert client_address(_request(forwarded)) == "203.0.113.5"


def test_behind_two_proxies_the_client_is_the_second_from_the_right(settings):
    settings.PROXY_COUNT = 2

    assert client_address(_request("192.0.2.9, 203.0.113.5, 10.1.1.1")) == "203.0.113.5"


@pytest.mark.parametrize("forwarded", [None, "", "kein-ip", "2001:db8::1, ::ffff:nope"])
def test_a_header_without_the_address_falls_back_to_the_connection(settings, forwarded):
    settings.PROXY_COUNT = 1

    assert client_address(_request(forwarded)) == PROXY


def test_an_ipv6_client_is_named_as_such(settings):
    settings.PROXY_COUNT = 1

    assert client_address(_request("2001:DB8::1")) == "2001:db8::1"
