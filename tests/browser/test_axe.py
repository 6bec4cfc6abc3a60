"""axe-core on every page of ``tests.pages.PAGES`` as every demo user kind who may open it.

The sweep iterates ``PAGES`` itself: a page added there is swept here, as each user kind
who gets a 200 and (for pages with ``invalid_post`` or ``invalid_query``) once more with
its form's errors.
Pages the demo data cannot show (``in_demo=False``) are left out; ``SWEPT_PAGES`` and
``NOT_SWEPT`` say which is which.
"""

from contextlib import contextmanager

import pytest

from tests.browser.conftest import USER_KINDS, PagePerUserKind
from tests.pages import OK, PAGES

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only the violations come back: the whole result (every rule that passed, with its nodes'
# HTML) would cost more to hand over to Python than axe takes to run.
AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)"
)

CASES = [
    (user_kind, page)
    for user_kind in USER_KINDS
    for page in PAGES
    if page.in_demo and page.expect[user_kind] == OK
]
FORM_CASES = [(user_kind, page) for user_kind, page in CASES if page.invalid_data]
SWEPT_PAGES = [page for page in PAGES if any(page is swept for _kind, swept in CASES)]
NOT_SWEPT = [page for page in PAGES if page not in SWEPT_PAGES]


def case_id(case):
    user_kind, page = case
    return f"{user_kind}-{page.id}"


def run_axe(page, axe_source):
    """Run the WCAG 2.1 AA rules; inject axe first where the tab's init script did not
    (``evaluate`` is not bound by the page's CSP, nor is an init script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(AXE_RUN, WCAG_AA)


def describe(violations, where):
    lines = [f"{len(violations)} axe violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def tabs(demo_world, axe_source):
    """The module's tab per user kind (``PagePerUserKind``), with axe in each of its documents.

    As an init script the tab holds axe's source once and Chromium runs it in each new
    document; handed over with ``evaluate`` after every ``goto`` it took a quarter of the
    sweep's time (43 pages: 8.9 s of 35 s, with the init script 1.7 s).
    """
    tabs = PagePerUserKind(demo_world, init_script=axe_source)
    yield tabs
    tabs.close()


@contextmanager
def open_page(demo, tabs, user_kind, page_entry):
    """The user kind's tab at the page; a test that fails leaves no tab behind."""
    page = tabs(user_kind)
    try:
        url = demo.base_url + page_entry.url()
        response = page.goto(url)
        assert response is not None
        assert response.status == OK, f"{user_kind} gets {response.status} at {url}"
        yield page
    except BaseException:
        tabs.discard(user_kind)
        raise


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_page_has_no_axe_violations(demo_readonly, tabs, axe_source, case):
    user_kind, page_entry = case
    with open_page(demo_readonly, tabs, user_kind, page_entry) as page:
        violations = run_axe(page, axe_source)
        assert not violations, describe(violations, f"{page.url} as {user_kind}")


def submit_invalid(page, data):
    """Fill the form in <main> with ``data`` (fields it lacks are ignored) and send it."""
    form = page.locator("main form").filter(has=page.locator("[type=submit]")).first
    for name, value in data.items():
        field = form.locator(f'[name="{name}"]')
        if not field.count():
            continue
        field = field.first
        if field.get_attribute("type") == "hidden":
            continue  # the page's own management fields (a formset's counts)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()


def assert_errors_are_announced(page):
    summary = page.locator(".error-summary")
    assert summary.count() == 1, f"no .error-summary on {page.url}"
    assert summary.is_visible()
    summary_text = " ".join(summary.inner_text().split())
    invalid = page.locator('[aria-invalid="true"]')
    assert invalid.count() >= 1, f'no field with aria-invalid="true" on {page.url}'
    for index in range(invalid.count()):
        field = invalid.nth(index)
        name = field.get_attribute("name")
        described_by = (field.get_attribute("aria-describedby") or "").split()
        assert described_by, f"invalid field {name!r} has no aria-describedby"
        texts = []
        for element_id in described_by:
            element = page.locator(f'[id="{element_id}"]')
            assert element.count() == 1, f"{name!r}: aria-describedby → #{element_id} missing"
            texts.append(" ".join(element.inner_text().split()))
        assert any(text and text in summary_text for text in texts), (
            f"{name!r}: none of {described_by} holds an error of the summary; "
            f"they say {texts!r}, the summary says {summary_text!r}"
        )


@pytest.mark.parametrize("case", FORM_CASES, ids=case_id)
def test_form_with_errors_has_no_axe_violations(demo_readonly, tabs, axe_source, case):
    user_kind, page_entry = case
    with open_page(demo_readonly, tabs, user_kind, page_entry) as page:
        submit_invalid(page, page_entry.invalid_data)
        assert_errors_are_announced(page)
        violations = run_axe(page, axe_source)
        assert not violations, describe(violations, f"{page.url} (form with errors) as {user_kind}")


def test_the_sweep_covers_every_page_the_demo_can_show():
    assert [page for page in PAGES if page.in_demo] == SWEPT_PAGES
