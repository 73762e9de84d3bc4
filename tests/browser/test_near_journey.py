"""Searching near a place in a real browser, on a phone's width: a town typed, the visitor's position
(only when they press the button, rounded before it is sent), and the page without JavaScript."""

import pytest

from refugiu.directory.search import search_reindex_organizations
from tests.browser.phone import PHONE, fits
from tests.directory.test_near import institution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def near_directory(live_server):
    institution("Judecătoria Iași", town="Iași", county="Iași")
    institution("Judecătoria Pașcani", town="Pașcani", county="Iași")
    institution(
        "Asociația Sprijin Iași", town="Iași", county="Iași", street="Strada Lăpușneanu 14",
        postcode="700057", latitude="47.170200", longitude="27.583100",
    )  # fmt: skip
    search_reindex_organizations()


def test_near_a_town_on_a_phone(browser, live_server, near_directory, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Near (a town, a county or a postcode)").fill("Iasi")
    page.get_by_label("Within", exact=True).select_option("100")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "Within 100 km of Iași, Iași, Romania, nearest first." in page.content()
    distances = page.locator(".hit .distance").all_inner_texts()
    assert distances[:2] == ["in Iași", "in Iași"] and "in Pașcani, about 67 km" in distances
    assert "1.3 km" in distances
    # Nothing wider than the phone: no sideways scrolling.
    fits(page)
    page.screenshot(path=str(tmp_path / "near-360.png"), full_page=True)
    context.close()


def test_the_position_is_asked_for_only_on_the_button_and_sent_rounded(browser, live_server, near_directory):
    context = browser.new_context(
        viewport=PHONE, locale="en-GB", geolocation={"latitude": 47.1712345, "longitude": 27.5912345}
    )
    context.grant_permissions(["geolocation"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/?q=sprijin")
    assert "at=" not in page.url
    page.get_by_role("button", name="Use my position").click()
    page.wait_for_url("**at=47.17%2C27.59**")
    assert "47.1712" not in page.url
    assert "of your position (rounded to about 1 km)" in page.content()
    assert page.locator(".hit .distance").all_inner_texts()[:2] == ["0.5 km", "0.5 km"]
    context.close()


def test_near_without_javascript(browser, live_server, near_directory):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.get_by_role("button", name="Use my position").is_visible()
    page.get_by_label("Near (a town, a county or a postcode)").fill("700057")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "Within 25 km of postcode 700057, nearest first." in page.content()
    assert page.locator(".hit .distance").all_inner_texts()[0] == "0.0 km"
    context.close()


def test_the_map_is_drawn_by_our_own_leaflet_when_tiles_are_set(
    browser, live_server, near_directory, settings
):
    # Tiles from the test's own server (they answer 404): no request may leave this machine.
    tiles = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
    settings.REFUGIU = {**settings.REFUGIU, "MAP_TILES_URL": tiles, "MAP_TILES_ATTRIBUTION": "Test tiles"}
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(live_server.url + "/?near=Iasi&radius=100")
    page.wait_for_selector("#directory-map.leaflet-container")
    # The centre and the six results with a position (a town's centre for those without coordinates).
    assert page.locator("#directory-map path.leaflet-interactive").count() == 7
    assert "Test tiles" in page.locator("#directory-map").inner_text()
    assert not refused
    context.close()
