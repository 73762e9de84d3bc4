"""The directory's main journey in a real browser: find a seed organisation without diacritics, open it,
fetch the same record from the HSDS API, print its referral sheet, leave quickly; and the same search with
JavaScript turned off."""

import pytest

from refugiu.demo.management.commands.demo import demo_data_load

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seed_directory(settings, live_server):
    demo_data_load()
    settings.REFUGIU = {**settings.REFUGIU, "QUICK_EXIT_URL": f"{live_server.url}/about/?left"}


def test_find_open_print_and_leave(page, live_server, seed_directory, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_label("Name, place or kind of help").fill("crangasi")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Pro Refugiu Association").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pro Refugiu Association"
    assert "office@prorefugiu.org" in page.content()

    # The same record from the HSDS API, by the link the page gives to it.
    href = page.get_by_role("link", name="This record as open data (HSDS JSON)").get_attribute("href")
    record = page.request.get(live_server.url + href).json()
    assert record["id"] in page.url and record["email"] == "office@prorefugiu.org"
    assert "Pro Refugiu" in record["name"]

    with page.expect_navigation():
        page.get_by_role("link", name="Printable referral sheet").click()
    assert "56 Calea Crângași Street" in page.content()
    pdf = tmp_path / "sheet.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 1000

    page.goto(live_server.url + "/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/about/?left")
    # The directory page was replaced in the history: "Back" does not return to it.
    assert page.evaluate("history.length") >= 1


def test_search_works_without_javascript(browser, live_server, seed_directory):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?q=wurttemberg")
    assert "Verein für Internationale Jugendarbeit" in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Germany").first.click()
    assert "country=DE" in page.url
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/about/?left")
    context.close()
