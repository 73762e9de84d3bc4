"""Arabic in a real browser: the directory's search and an event's registration form, on a phone and on a
wide screen, are laid out right to left by the one stylesheet (logical properties), fit the screen without
scrolling sideways, and keep the quick exit in sight, in the top corner where reading starts."""

import pytest
from playwright.sync_api import expect

from refugiu.demo.directory import directory_demo_load
from refugiu.demo.organisation import organisation_demo_load
from refugiu.demo.programmes import example_training_load, programmes_demo_load
from refugiu.programmes.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)


@pytest.fixture
def seed(live_server):
    organisation_demo_load()
    directory_demo_load()
    programmes_demo_load()
    example_training_load()
    return Event.objects.get(registration_open=True)


@pytest.fixture(params=WIDTHS, ids=[f"{width}px" for width in WIDTHS])
def arabic_page(request, browser):
    context = browser.new_context(locale="ar", viewport={"width": request.param, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_right_to_left(page, tmp_path, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    width = page.evaluate("innerWidth")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{name}: {scroll_width} px wide on a {width} px screen"
    # Nothing sticks out on the left either (in right-to-left pages overflow grows leftwards).
    leftmost = page.evaluate(
        "Math.min(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect())"
        ".filter(r => r.width > 0).map(r => r.left))"
    )
    assert leftmost >= 0, f"{name}: something starts {leftmost} px left of the screen"

    quick_exit = page.get_by_role("link", name="خروج سريع")
    expect(quick_exit).to_be_visible()
    box = quick_exit.bounding_box()
    assert box["y"] < 60 and box["x"] + box["width"] / 2 < width / 2, box  # mirrored: top left
    # The main heading starts at the right.
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["x"] + heading["width"] > width * 0.7, heading
    page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)


def test_directory_search_in_arabic(arabic_page, live_server, seed, tmp_path):
    page = arabic_page
    page.goto(live_server.url + "/")
    page.get_by_label("الاسم أو المكان أو نوع المساعدة").fill("crangasi")
    page.get_by_role("button", name="بحث").click()
    expect(page.get_by_role("heading", name="Pro Refugiu Association").first).to_be_visible()
    assert_right_to_left(page, tmp_path, "search")
    # Each language is offered by its own name.
    options = page.locator("#language-select option").all_inner_texts()
    assert options == ["English", "Română", "Українська", "Русский", "العربية"]


def test_event_registration_in_arabic(arabic_page, live_server, seed, tmp_path):
    page = arabic_page
    page.goto(f"{live_server.url}/events/{seed.pk}/")
    page.get_by_role("link", name="سجّل في هذه الفعالية").click()
    expect(page.get_by_role("button", name="سجّل")).to_be_visible()
    assert_right_to_left(page, tmp_path, "register")
    # The form's boxes start at the right, under their labels.
    label = page.get_by_text("الاسم الكامل:").bounding_box()
    field = page.get_by_label("الاسم الكامل").bounding_box()
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 16, (label, field)
