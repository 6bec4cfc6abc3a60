"""axe-core on every page of ``tests.pages.PAGES`` as every demo user kind who may open it,
and reflow (WCAG 1.4.10): at 320 CSS pixels wide no page of the sweep scrolls sideways.

The sweep iterates ``PAGES`` itself: a page added there is swept here, as each user kind
who gets a 200 and (for pages with ``invalid_post`` or ``invalid_query``) once more with
its form's errors. Each page is loaded once for both checks: axe at the desktop width,
then the same document narrowed to 320 pixels (the browser lays it out anew, as when a
user zooms to 400 %). Wide content (tables) may scroll inside its own box; the page
itself may not.
Pages the demo data cannot show (``in_demo=False``) are left out; ``SWEPT_PAGES`` and
``NOT_SWEPT`` say which is which.
"""

from contextlib import contextmanager

import pytest

from tests.browser.conftest import USER_KINDS, VIEWPORT, PagePerUserKind, new_context
from tests.pages import CITY_JOBCENTER, OK, PAGES

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only the violations come back: the whole result (every rule that passed, with its nodes'
# HTML) would cost more to hand over to Python than axe takes to run.
AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)"
)

NARROW = {"width": 320, "height": 640}
# What sticks out past the right edge, for the failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('body *'))
    .filter(element => element.getBoundingClientRect().right > width + 1)
    .filter(element => !element.closest('.table-responsive'))
    .slice(0, 8)
    .map(element => element.tagName.toLowerCase()
      + (element.id ? '#' + element.id : '')
      + (element.className && typeof element.className === 'string'
         ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
      + ' (' + Math.round(element.getBoundingClientRect().right) + ' px)');
}"""

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


def sideways_scrolling(page, where):
    """The page narrowed to 320 pixels: what scrolls sideways, or nothing."""
    page.set_viewport_size(NARROW)
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width <= NARROW["width"]:
            return None
        return (
            f"{where} is {scroll_width} px wide at {NARROW['width']} px; "
            f"sticking out: {page.evaluate(OVERFLOWING)}"
        )
    finally:
        page.set_viewport_size(VIEWPORT)


@contextmanager
def open_page(demo, tabs, user_kind, page_entry):
    """The user kind's tab at the page; a test that fails leaves no tab behind."""
    page = tabs(user_kind)
    try:
        assert page.viewport_size == VIEWPORT
        url = demo.base_url + page_entry.url()
        response = page.goto(url)
        assert response is not None
        assert response.status == OK, f"{user_kind} gets {response.status} at {url}"
        yield page
    except BaseException:
        tabs.discard(user_kind)
        raise


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_page_has_no_axe_violations_and_reflows_at_320_pixels(
    demo_readonly, tabs, axe_source, case
):
    user_kind, page_entry = case
    with open_page(demo_readonly, tabs, user_kind, page_entry) as page:
        where = f"{page.url} as {user_kind}"
        violations = run_axe(page, axe_source)
        problems = [describe(violations, where)] if violations else []
        problems += filter(None, [sideways_scrolling(page, where)])
        assert not problems, "\n".join(problems)


# The fields of the form in <main> that ``submit_invalid`` fills: name -> tag ("SELECT", …)
# of the first element of that name, for every name in the data that is a visible field.
# One round trip to the page instead of three per field.
FILLABLE = """([selector, names]) => {
  const form = Array.from(document.querySelectorAll(selector))
    .find(form => form.querySelector('[type=submit]'));
  const fields = {};
  for (const name of names) {
    const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (field && field.type !== 'hidden') fields[name] = field.tagName;
  }
  return fields;
}"""
FORM = "main form"


def submit_invalid(page, data):
    """Fill the form in <main> with ``data`` (fields it lacks are ignored) and send it.

    Hidden fields are left as the page has them (a formset's counts)."""
    form = page.locator(FORM).filter(has=page.locator("[type=submit]")).first
    fillable = page.evaluate(FILLABLE, [FORM, list(data)])
    for name, tag in fillable.items():
        field = form.locator(f'[name="{name}"]').first
        if tag == "SELECT":
            field.select_option(data[name])
        else:
            field.fill(data[name])
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()


# What the error summary and each field marked invalid say, and what each field's
# aria-describedby points to (``null`` where the id is not exactly once on the page).
ANNOUNCED = """() => {
  const text = element => element.innerText.split(/\\s+/).filter(Boolean).join(' ');
  const summaries = Array.from(document.querySelectorAll('.error-summary'));
  const summary = summaries[0];
  return {
    summaries: summaries.length,
    summaryVisible: Boolean(summary && summary.checkVisibility()),
    summaryText: summary ? text(summary) : '',
    invalid: Array.from(document.querySelectorAll('[aria-invalid="true"]')).map(field => ({
      name: field.getAttribute('name'),
      describedBy: (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
        .map(id => {
          const found = document.querySelectorAll(`[id="${CSS.escape(id)}"]`);
          return [id, found.length === 1 ? text(found[0]) : null];
        }),
    })),
  };
}"""


def assert_errors_are_announced(page):
    announced = page.evaluate(ANNOUNCED)
    assert announced["summaries"] == 1, f"no .error-summary on {page.url}"
    assert announced["summaryVisible"]
    summary_text = announced["summaryText"]
    assert announced["invalid"], f'no field with aria-invalid="true" on {page.url}'
    for field in announced["invalid"]:
        name, described_by = field["name"], dict(field["describedBy"])
        assert described_by, f"invalid field {name!r} has no aria-describedby"
        for element_id, text in described_by.items():
            assert text is not None, f"{name!r}: aria-describedby → #{element_id} missing"
        texts = list(described_by.values())
        assert any(text and text in summary_text for text in texts), (
            f"{name!r}: none of {list(described_by)} holds an error of the summary; "
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


def test_the_reflow_check_names_what_sticks_out_and_passes_what_scrolls_in_its_own_box(
    browser,
):
    context = new_context(browser)
    page = context.new_page()
    try:
        page.set_content(
            '<body style="margin: 0"><main><div style="overflow-x: auto">'
            '<table style="width: 900px"><tr><td>breit</td></tr></table></div></main>'
        )
        fits = sideways_scrolling(page, "a table in its own box")
        page.set_content(
            '<body style="margin: 0"><main><p id="wide" style="width: 500px">zu breit</p></main>'
        )
        too_wide = sideways_scrolling(page, "a wide paragraph")
    finally:
        context.close()

    assert fits is None
    assert too_wide.startswith("a wide paragraph is 500 px wide at 320 px")
    assert "p#wide (500 px)" in too_wide
    assert page.viewport_size == VIEWPORT


def test_a_long_compound_word_in_a_title_wraps_in_the_breadcrumb_at_320_pixels(demo, tabs):
    # The heading wrapped it, the breadcrumb's last item (a flex item as wide as its
    # longest word) did not: the page scrolled sideways at 320 px.
    from measures.models import Measure

    measure = Measure.objects.filter(jobcenter__name=CITY_JOBCENTER).order_by("pk").first()
    Measure.objects.filter(pk=measure.pk).update(
        title="Inklusionsbeauftragtenqualifizierungsprogramm für Arbeitgeberservicemitarbeiterinnen"
    )
    page = tabs("city_manager")
    try:
        page.goto(demo.base_url + measure.get_absolute_url())
        problem = sideways_scrolling(page, "the measure's page")
    finally:
        tabs.discard("city_manager")

    assert problem is None
