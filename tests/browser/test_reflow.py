"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page of the sweep scrolls sideways.

Every page the axe sweep opens (``test_axe.CASES``), as each user kind who may open it,
in a window 320 pixels wide. Wide content (tables) may scroll inside its own box; the page
itself may not.
"""

import pytest

from tests.browser.conftest import PagePerUserKind
from tests.browser.test_axe import CASES, case_id, open_page

pytestmark = pytest.mark.browser

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


@pytest.fixture(scope="module")
def narrow_tabs(demo_world):
    """A tab 320 pixels wide per user kind, for the module (``PagePerUserKind``)."""
    tabs = PagePerUserKind(demo_world, viewport=NARROW)
    yield tabs
    tabs.close()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_page_does_not_scroll_sideways_at_320_pixels(demo_readonly, narrow_tabs, case):
    user_kind, page_entry = case
    with open_page(demo_readonly, narrow_tabs, user_kind, page_entry) as page:
        assert page.viewport_size == NARROW
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= NARROW["width"], (
            f"{page.url} as {user_kind} is {scroll_width} px wide at {NARROW['width']} px; "
            f"sticking out: {page.evaluate(OVERFLOWING)}"
        )
