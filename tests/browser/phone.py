"""A phone's screen for the browser tests, and the one check that a page fits it."""

PHONE = {"width": 360, "height": 740}

# The first elements whose right edge passes a width: what makes a page scroll sideways.
_WIDE = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width).slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits(page, width: int = PHONE["width"]) -> None:
    """The page, loaded with its stylesheets, does not scroll sideways at `width` (wide tables scroll in
    their own box); when it does, the failure names the page, its width and the elements past the edge."""
    page.wait_for_load_state()
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, (page.url, scrolled, page.evaluate(_WIDE, width))
