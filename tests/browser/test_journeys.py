"""Keyboard use and visible focus, page structure, and screenshots of the key pages.

Screenshots (full page, 1280 px wide) go to ``$SCREENSHOT_DIR`` if set, otherwise to the
test's temporary directory.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.conftest import DEMO_PASSWORD, login, new_context
from tests.pages import CITY_JOBCENTER, DEMO_LOGINS

pytestmark = pytest.mark.browser

ACTIVE = "document.activeElement.outerHTML.slice(0, 120)"


@pytest.fixture
def fresh(browser):
    """A new browser context with nobody logged in (and no language cookie)."""
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def as_ministry(demo_readonly):
    page = demo_readonly.context("ministry").new_page()
    yield page
    page.close()


def city_jobcenter_pk():
    from jobcenters.models import Jobcenter

    return Jobcenter.objects.get(name=CITY_JOBCENTER).pk


def tab_to(page, selector, limit=40):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab on {page.url}")


def test_skip_link_is_the_first_tab_stop_shows_and_moves_focus_to_main(fresh, demo_readonly):
    page = fresh.new_page()
    page.goto(demo_readonly.base_url + "/")
    skip_link = page.locator(".skip-link")
    box = skip_link.bounding_box()
    assert box is None or box["y"] + box["height"] <= 0, "the skip link shows before focus"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), (
        f"first Tab stop is {page.evaluate(ACTIVE)!r}, not the skip link"
    )
    box = skip_link.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0, "focused skip link is off screen"
    assert skip_link.is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab starts inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_login_with_the_keyboard_only(fresh, demo):
    page = fresh.new_page()
    page.goto(demo.base_url + reverse("login"))
    tab_to(page, "[name=username]")
    page.keyboard.type(DEMO_LOGINS["ministry"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo.base_url + reverse("home")
    heading = page.locator("h1")
    assert heading.count() == 1
    assert "Willkommen" in heading.inner_text()


def test_language_switch_turns_the_page_english_and_back(fresh, demo_readonly):
    page = fresh.new_page()
    page.goto(demo_readonly.base_url + reverse("accessibility"))
    assert page.get_attribute("html", "lang") == "de"

    english = page.locator(".language-switch button[value=en]")
    assert english.get_attribute("lang") == "en"
    english.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == "en"
    assert page.url == demo_readonly.base_url + reverse("accessibility"), "the switch stays"

    german = page.locator(".language-switch button[value=de]")
    assert german.get_attribute("lang") == "de"
    with page.expect_navigation():
        german.click()
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("h1").inner_text() == "Erklärung zur Barrierefreiheit"


def test_english_page_is_in_english(fresh, demo_readonly):
    page = fresh.new_page()
    page.goto(demo_readonly.base_url + reverse("accessibility"))
    with page.expect_navigation():
        page.locator(".language-switch button[value=en]").click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Accessibility statement"


STRUCTURE = """() => ({
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    header: document.querySelectorAll('body > header, [role=banner]').length,
    nav: document.querySelectorAll('nav').length,
    footer: document.querySelectorAll('body > footer, [role=contentinfo]').length,
    title: document.title,
})"""


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("home"),
        lambda: reverse("jobcenters:list"),
        lambda: reverse("jobcenters:detail", kwargs={"pk": city_jobcenter_pk()}),
        lambda: reverse("jobcenters:edit", kwargs={"pk": city_jobcenter_pk()}),
        lambda: reverse("agreements:list"),
        lambda: reverse("accessibility"),
        lambda: reverse("easy-language"),
    ],
    ids=[
        "home",
        "jobcenters:list",
        "jobcenters:detail",
        "jobcenters:edit",
        "agreements:list",
        "accessibility",
        "easy-language",
    ],
)
def test_page_has_one_h1_landmarks_and_a_language(as_ministry, demo_readonly, url):
    page = as_ministry
    page.goto(demo_readonly.base_url + url())
    structure = page.evaluate(STRUCTURE)
    assert structure["lang"] == "de"
    assert structure["h1"] == 1, structure
    assert structure["main"] == 1, structure
    assert structure["header"] == 1, structure
    assert structure["nav"] >= 1, structure
    assert structure["footer"] == 1, structure
    assert structure["title"].endswith("– Rahmenwerk") and len(structure["title"]) > 13


def test_public_home_and_login_have_the_landmarks_too(fresh, demo_readonly):
    page = fresh.new_page()
    for url in ("/", reverse("login")):
        page.goto(demo_readonly.base_url + url)
        structure = page.evaluate(STRUCTURE)
        assert structure["lang"] == "de"
        assert (structure["h1"], structure["main"], structure["header"], structure["footer"]) == (
            1,
            1,
            1,
            1,
        ), structure
        assert structure["nav"] >= 1, structure


FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            tag: element.tagName, text: element.textContent.trim().slice(0, 40),
            inMain: !!element.closest('main')};
}"""


def assert_focus_visible(page, where):
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["style"] != "none" and focus["width"] >= 2, (where, focus)
    return focus


@pytest.mark.parametrize("user_kind", ["anonymous", "ministry"])
def test_every_header_stop_and_a_focused_link_have_a_visible_outline(demo_readonly, user_kind):
    page = demo_readonly.context(user_kind).new_page()
    try:
        page.goto(demo_readonly.base_url + "/")
        # Skip link, brand, menu links, language switch, login or logout: all of them.
        stops = []
        for _ in range(15):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus["inMain"]:
                break
            stops.append(assert_focus_visible(page, f"header stop {len(stops) + 1}"))
        else:
            raise AssertionError(f"Tab never reached <main>: {stops}")
        assert [stop["tag"] for stop in stops[:2]] == ["A", "A"], stops
        assert "BUTTON" in {stop["tag"] for stop in stops}, stops
        # The first stop in the content is a link too.
        assert focus["tag"] == "A", focus
        assert_focus_visible(page, "first link in <main>")
        # And one in the footer.
        page.locator("footer a").first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('footer') !== null")
        assert_focus_visible(page, "footer link")
    finally:
        page.close()


def test_the_xlsx_button_looks_like_the_csv_link_and_is_pressed_with_the_keyboard(demo):
    from reports.models import Export

    page = demo.context("ministry").new_page()
    page.goto(demo.base_url + reverse("jobcenters:list") + "?q=Kreis")
    button = page.get_by_role("button", name="Diese Liste als Excel-Datei (XLSX)")
    link = page.get_by_role("link", name="Diese Liste als CSV-Datei")
    style = "e => [getComputedStyle(e).borderColor, getComputedStyle(e).fontSize]"

    # One row of two alike buttons, as when both were links.
    assert button.evaluate(style) == link.evaluate(style)
    assert button.bounding_box()["y"] == link.bounding_box()["y"]
    assert button.bounding_box()["height"] == link.bounding_box()["height"]
    tab_to(page, "form[action*='export.xlsx'] > button", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    export = Export.objects.get()
    assert page.url == demo.base_url + export.get_absolute_url()
    assert export.query == "q=Kreis"
    page.close()


def screenshot_dir(tmp_path):
    directory = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_screenshots_of_the_key_pages(browser, demo, tmp_path):
    from tests.browser.test_axe import submit_invalid
    from tests.pages import PAGES

    invalid = {page.url_name: page.invalid_post for page in PAGES if page.invalid_post}
    directory = screenshot_dir(tmp_path)
    jobcenter = city_jobcenter_pk()

    def shoot(page, name):
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)

    anonymous = new_context(browser)
    try:
        page = anonymous.new_page()
        page.goto(demo.base_url + "/")
        shoot(page, "01-public-home")
        page.goto(demo.base_url + reverse("login"))
        submit_invalid(page, invalid["login"])
        shoot(page, "02-login-errors")
        page.goto(demo.base_url + reverse("accessibility"))
        submit_invalid(page, invalid["accessibility"])
        shoot(page, "07-accessibility-errors")
        login(page, demo.base_url, DEMO_LOGINS["ministry"])
        shoot(page, "03-ministry-start")
        page.goto(demo.base_url + reverse("jobcenters:list"))
        shoot(page, "04-jobcenter-list")
        page.goto(demo.base_url + reverse("jobcenters:detail", kwargs={"pk": jobcenter}))
        shoot(page, "05-jobcenter-detail")
        page.goto(demo.base_url + reverse("jobcenters:edit", kwargs={"pk": jobcenter}))
        submit_invalid(page, invalid["jobcenters:edit"])
        shoot(page, "06-jobcenter-edit-errors")
    finally:
        anonymous.close()
    assert len(list(directory.glob("0*.png"))) >= 7


def test_the_rendering_page_offers_the_pdf_by_itself_as_soon_as_it_is_done(demo):
    """The page's script (static/js/rendering-status.js) asks after a second and reloads
    the page once the worker is done: nobody has to press "Stand jetzt prüfen"."""
    from accounts.models import User
    from agreements.models import FrameworkAgreement
    from reports import services
    from reports.models import Rendering, RenderingKind
    from tests import factories

    ministry = User.objects.get(username=DEMO_LOGINS["ministry"])
    agreement = FrameworkAgreement.objects.filter(state=ministry.organisation.state).first()
    rendering = factories.RenderingFactory(
        kind=RenderingKind.OVERVIEW,
        circular=None,
        agreement=agreement,
        organisation=ministry.organisation,
        running=True,
    )
    page = demo.context("ministry").new_page()
    page.goto(demo.base_url + rendering.get_absolute_url())
    assert page.get_by_text("Das PDF wird erstellt.").is_visible()

    # What the worker does when it is done.
    services.rendering_finish(rendering=rendering, pdf=b"%PDF-1.7\n%%EOF\n", page_count=1)
    download = page.get_by_role("link", name="PDF herunterladen")
    # Asked after 1 s, then 2.5 s: within 3 s of the page, whenever it is done before.
    download.wait_for(timeout=4000)

    assert Rendering.objects.get(pk=rendering.pk).status == "done"
    page.close()
