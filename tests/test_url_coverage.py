"""No page without an access test and an accessibility check.

Every named URL pattern must be in ``tests/pages.py`` (which drives the access matrix
and the axe sweep) or be listed there as no page of its own, with the test covering it.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.pages import DEMO_LOGINS, NOT_PAGES, OK, PAGES

# Django's admin: staff only; its own pages and our import view are tested in
# tests/accounts/test_admin.py and tests/jobcenters/test_admin.py.
EXEMPT_NAMESPACES = {"admin"}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            yield namespace + pattern.name


def test_every_url_pattern_has_an_access_test_and_an_accessibility_check():
    names = set(_url_names(get_resolver().url_patterns))
    covered = {page.url_name for page in PAGES} | set(NOT_PAGES)
    assert names - covered == set(), "Add these URL names to tests/pages.py"


def test_every_page_is_swept_for_accessibility_with_demo_data():
    visitors = ["anonymous", *DEMO_LOGINS]
    swept = {
        page.url_name
        for page in PAGES
        if page.in_demo and any(page.expect[kind] == OK for kind in visitors)
    }
    assert {page.url_name for page in PAGES} - swept == set()


def test_the_table_names_no_pattern_that_does_not_exist():
    names = set(_url_names(get_resolver().url_patterns))
    listed = {page.url_name for page in PAGES} | set(NOT_PAGES)
    assert listed - names == set()
