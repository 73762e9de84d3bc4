"""What people decide by, on every result and page: town, phones to call, e-mail, hours in words and
whether open now (with the next opening), languages, who it is for, fees, accessibility, how to get it,
last verified; the organisation's country by name; the referral sheet's phones, hours and QR code; the
"open now" filter on the web search and the API. The moment "now" is set, never waited for."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from refugiu.directory import schedules
from refugiu.directory.details import tel_href
from refugiu.directory.search import search_reindex_organizations
from tests.factories import (
    AddressFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    attach_term,
)

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
WEDNESDAY_11 = dt.datetime(2026, 3, 4, 11, 0, tzinfo=BUCHAREST)
SATURDAY_11 = dt.datetime(2026, 3, 7, 11, 0, tzinfo=BUCHAREST)


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment pages and the API take for "now"."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(schedules, "now", lambda: moment)

    set_to(WEDNESDAY_11)
    return set_to


@pytest.fixture
def legal_aid():
    """A legal advice service with office hours, a phone with an extension, languages and the rest; and a
    helpline of another organisation without any hours."""
    organization = OrganizationFactory(
        name="Asociația Sprijin Iași", country="RO", email="office@sprijin.example", language="ro"
    )
    office = LocationFactory(organization=organization, name="Office")
    AddressFactory(location=office, address_1="Strada Lăpușneanu 12", city="Iași", country="RO")
    service = ServiceFactory(
        organization=organization,
        name="Consiliere juridică gratuită",
        email="juridic@sprijin.example",
        eligibility_description="Victims of crime and their families.",
        minimum_age=16,
        fees_description="Free of charge.",
        last_verified_on=dt.date(2026, 2, 10),
        hsds_extra={"cost_options": [{"option": "Expert report", "amount": 150, "currency": "ron"}]},
    )
    attach_term(service, "target_group", "crime_victims")
    attach_term(service, "access_mode", "in_person")
    attach_term(service, "access_mode", "referral_only")
    ServiceAtLocationFactory(service=service, location=office)
    ScheduleFactory(service=service, byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17))
    PhoneFactory(service=service, number="+40 232 123 456", extension=204, type="voice")
    PhoneFactory(service=service, number="0232 123 457", type="fax")
    LanguageFactory(service=service, code="uk", name="Ukrainian")
    LanguageFactory(service=service, code="ti", name="Tigrinya")
    helpline = ServiceFactory(
        organization=OrganizationFactory(name="Linia de ajutor"), name="Helpline sprijin"
    )
    search_reindex_organizations()
    return service, helpline


def test_tel_links_dial_the_number_and_its_extension():
    assert tel_href("+40 21 312 00 00", 204) == "tel:+40213120000,204"
    assert tel_href("(0232) 123-456") == "tel:0232123456"
    assert tel_href("0230 521 523 (centrală, interior 12)") == "tel:0230521523"
    assert tel_href("112") == "tel:112"
    assert tel_href("see website") is None


def test_results_show_what_people_decide_by(client, clock, legal_aid):
    page = client.get(reverse("directory:search"), {"q": "sprijin"}).content.decode()
    hit = page[page.index("Consiliere juridică gratuită</a>") :].split('class="hit"')[0]
    assert "<dd>Iași</dd>" in hit
    assert '<a href="tel:+40232123456,204">+40 232 123 456, extension 204</a>' in hit
    assert "0232 123 457 (Fax)" in hit and 'href="tel:0232123457"' not in hit
    assert 'href="mailto:juridic@sprijin.example"' in hit
    assert "Open now · until 5 p.m." in hit and "Monday to Friday, 9 a.m.–5 p.m." in hit
    assert "Ukrainian, Tigrinya" in hit
    assert "Victims of crime" in hit and "Victims of crime and their families. Ages 16 and over" in hit
    assert "Free of charge.; Expert report: 150 RON" in hit
    assert "In person, By referral only" in hit
    assert "10 February 2026" in hit
    helpline = page[page.index("Helpline sprijin</a>") :].split('class="hit"')[0]
    assert "Hours not known" in helpline and "Open now" not in helpline


def test_the_badge_says_when_a_closed_service_opens_next_in_the_visitors_language(client, clock, legal_aid):
    clock(SATURDAY_11)
    page = client.get(reverse("directory:search"), {"q": "consiliere"}).content.decode()
    assert "Closed · opens Monday 9 a.m." in page
    romanian = client.get(reverse("directory:search"), {"q": "consiliere"}, HTTP_ACCEPT_LANGUAGE="ro")
    text = romanian.content.decode()
    assert "Închis · se deschide luni 09:00" in text and "Luni – vineri, 09:00–17:00" in text
    assert "ucraineană" in text.lower()  # a spoken language by its name in the visitor's language


def test_the_open_now_filter_works_without_javascript(client, clock, legal_aid):
    service, helpline = legal_aid
    search = reverse("directory:search")
    page = client.get(search, {"q": "sprijin"}).content.decode()
    assert '<input type="checkbox" id="open-now" name="open_now" value="on">' in page
    assert '<label for="open-now">Open now</label>' in page
    assert "Helpline sprijin</a>" in page
    filtered = client.get(search, {"q": "sprijin", "open_now": "on"}).content.decode()
    assert 'name="open_now" value="on" checked' in filtered
    assert "Consiliere juridică gratuită</a>" in filtered and "Helpline sprijin</a>" not in filtered
    # The filter stays on the facet links, the pages, and a search without words.
    assert re.search(r'href="\?q=sprijin&amp;open_now=on&amp;', filtered)
    assert "Consiliere juridică gratuită</a>" in client.get(search, {"open_now": "on"}).content.decode()
    clock(SATURDAY_11)
    closed = client.get(search, {"q": "sprijin", "open_now": "on"}).content.decode()
    assert "Consiliere juridică gratuită</a>" not in closed and "0 results" in closed


def test_the_results_cost_as_many_queries_for_20_hits_as_for_2(client, clock, django_assert_max_num_queries):
    for number in range(25):
        organization = OrganizationFactory(name=f"Victim support {number:02}")
        office = LocationFactory(organization=organization)
        AddressFactory(
            location=office, address_1="Strada Mare", city=f"Town {number}", state_province="Ilfov"
        )
        ScheduleFactory(location=office)
        PhoneFactory(organization=organization, number=f"+40 21 000 00 {number:02}")
        service = ServiceFactory(organization=organization, name=f"Victim counselling {number:02}")
        ServiceAtLocationFactory(service=service, location=office)
        ScheduleFactory(service=service, byday="SA", opens_at=dt.time(10), closes_at=dt.time(12))
        PhoneFactory(service=service, number=f"+40 21 111 11 {number:02}", extension=number)
        LanguageFactory(service=service, code="ar", name="Arabic")
        attach_term(service, "access_mode", "phone")
    search_reindex_organizations()
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("directory:search"), {"q": "victim support 01"}).content.decode()
    assert page.count('class="hit"') == 2 and "Town 1" in page
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("directory:search"), {"q": "victim", "open_now": "on"}).content.decode()
    assert page.count('class="hit"') == 20 and page.count("Open now") >= 20


def test_the_organisation_page_names_its_country_and_shows_hours_in_words(client, clock, legal_aid):
    service, _helpline = legal_aid
    url = reverse("directory:organization", args=[service.organization_id])
    english = client.get(url).content.decode()
    assert "<dt>Country</dt><dd>Romania</dd>" in english
    assert "Monday to Friday, 9 a.m.–5 p.m." in english and "Open now · until 5 p.m." in english
    assert '<a href="tel:+40232123456,204">' in english
    assert "In person, By referral only" in english and "Expert report: 150 RON" in english
    assert "<dt>Last verified</dt><dd>10 February 2026</dd>" in english
    romanian = client.get(url, HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    assert "<dd>România</dd>" in romanian
    assert "Luni – vineri, 09:00–17:00" in romanian


def test_hours_not_known_and_exceptions_on_the_organisation_page(client, clock):
    organization = OrganizationFactory(name="Centrul de zi")
    service = ServiceFactory(organization=organization, name="Consiliere")
    other = ServiceFactory(organization=organization, name="Adăpost")
    ScheduleFactory(service=other, byday="MO,TU,WE,TH,FR", opens_at=dt.time(8), closes_at=dt.time(16))
    training = dt.date(2026, 3, 4)
    ScheduleFactory(service=other, freq="", byday="", valid_from=training, valid_to=training, opens_at=None,
                    closes_at=None, description="Staff training")  # fmt: skip
    search_reindex_organizations()
    page = client.get(reverse("directory:organization", args=[organization.id])).content.decode()
    consiliere = page[page.index(f'id="service-{service.id}"') :].split("</section>")[0]
    assert "Hours not known" in consiliere and "Open now" not in consiliere
    shelter = page[page.index(f'id="service-{other.id}"') :].split("</section>")[0]
    assert "Closed on March 4, 2026 — " in shelter and "Staff training" in shelter
    assert "Closed · opens Thursday 8 a.m." in shelter


def test_the_referral_sheet_carries_phones_hours_and_a_qr_code_drawn_here(client, clock, legal_aid, settings):
    service, _helpline = legal_aid
    settings.REFUGIU = {**settings.REFUGIU, "SITE_URL": "https://help.example.org/"}
    sheet = client.get(reverse("directory:referral_sheet", args=[service.organization_id])).content.decode()
    assert "+40 232 123 456, extension 204" in sheet and "Monday to Friday, 9 a.m.–5 p.m." in sheet
    page_url = f"https://help.example.org/organisations/{service.organization_id}/"
    assert page_url in sheet
    svg = re.search(r"<svg[^>]*>.*?</svg>", sheet, re.S)
    assert svg and 'class="qr-code"' in svg.group() and "<path" in svg.group()
    assert f"<title>QR code of this entry's page: {page_url}</title>" in svg.group()
    assert not re.search(r'<(?:img|script|link)[^>]+(?:src|href)="(?:https?:)?//', sheet)


def test_the_api_filters_services_and_their_places_open_now(client, clock, legal_aid):
    service, helpline = legal_aid
    api = "/api/hsds"
    for params in ({"open_now": "true"}, {"open_now": "true", "search": "sprijin"}):
        ids = {record["id"] for record in client.get(f"{api}/services", params).json()["contents"]}
        assert ids == {str(service.id)}, params
        places = client.get(f"{api}/service_at_locations", params).json()["contents"]
        assert {
            place["service"]["id"] if "service" in place else place["service_id"] for place in places
        } == {str(service.id)}
    assert client.get(f"{api}/services", {"open_now": "false"}).json()["total_items"] == 2
    clock(SATURDAY_11)
    assert client.get(f"{api}/services", {"open_now": "true"}).json()["total_items"] == 0
    assert client.get(f"{api}/services", {"open_now": "maybe"}).status_code == 400
    document = client.get("/api/openapi.json").json()
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert "open_now" in names
