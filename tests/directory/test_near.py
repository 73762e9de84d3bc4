"""Searching near a place: the web search's "near" (a town, a county, a postcode, the visitor's position),
the county filter, and the HSDS API's postcode and proximity; on records shaped like the demo's real
Romanian institutions (a town and a county, no coordinates, no street) as well as on addresses with their
own coordinates, and never through a shelter's confidential address."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from refugiu.directory import models as d
from refugiu.directory import schedules
from refugiu.directory.places.near import Near, Point, service_at_locations_near
from refugiu.directory.search import directory_search, search_reindex_organizations
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/hsds/service_at_locations"
SEARCH = reverse("directory:search")
SHELTER_STREET, SHELTER_POSTCODE = "Strada Ascunsă 7", "707080"


def institution(
    name: str,
    *,
    town: str = "",
    county: str = "",
    street: str = "",
    postcode: str = "",
    latitude=None,
    longitude=None,
    service: str = "Sprijin pentru victime",
    confidential_area: str = "",
    service_area: str = "",
) -> d.Organization:
    """An organisation with one service at one location: by default as the converted institutions are, a
    town and a county and nothing else (no street, postcode or coordinates)."""
    organization = OrganizationFactory(name=name, description="", country="RO")
    location = LocationFactory(
        organization=organization,
        name="",
        latitude=latitude,
        longitude=longitude,
        is_confidential=bool(confidential_area),
        front_door_area=confidential_area,
    )
    if town or county or street:
        AddressFactory(
            location=location,
            address_1=street,
            city=town,
            state_province=county,
            postal_code=postcode,
            country="RO",
        )
    record = ServiceFactory(organization=organization, name=service, description="")
    ServiceAtLocationFactory(service=record, location=location)
    if service_area:
        ServiceAreaFactory(service=record, name=service_area)
    return organization


@pytest.fixture
def directory():
    places = {
        # As the demo's converted institutions are: a town and a county, no coordinates.
        "court": institution("Judecătoria Iași", town="Iași", county="Iași"),
        "pascani": institution("Judecătoria Pașcani", town="Pașcani", county="Iași"),
        "police": institution("Inspectoratul de Poliție Județean Iași", county="Județul Iași"),
        "council": institution("Consiliul Județean Iași", service_area="Județul Iași"),
        # An address with its own coordinates and postcode, 1.3 km from the town's centre.
        "ngo": institution(
            "Asociația Sprijin Iași",
            town="Iași",
            county="Iași",
            street="Strada Lăpușneanu 14",
            postcode="700 057",
            latitude="47.170200",
            longitude="27.583100",
        ),  # fmt: skip
        "bucharest": institution("Judecătoria Sectorului 1 București", town="București", county="București"),
        "slatina": institution("Judecătoria Slatina", town="Slatina", county="Olt"),
        # A shelter: its real address (coordinates, postcode) must never place it; only its front door.
        "shelter": institution(
            "Casa Speranței",
            town="Ciurea",
            county="Iași",
            street=SHELTER_STREET,
            postcode=SHELTER_POSTCODE,
            latitude="47.050000",
            longitude="27.650000",
            confidential_area="Iași",
            service="Adăpost pentru victime",
        ),  # fmt: skip
    }
    search_reindex_organizations()
    return places


def page(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response, response.content.decode()


def hit_names(response) -> list[str]:
    return [hit["name"] for hit in response.context["hits"]]


def test_victim_support_near_iasi_comes_nearest_first_with_distances(client, directory):
    response, content = page(client, q="victime", near="Iasi")
    names = hit_names(response)
    # By distance (a town's centre is 0 km from itself), then by name; those placed only by the county
    # come last; Pașcani (66 km), Bucharest and Slatina are beyond the 25 km asked.
    assert names == ["Adăpost pentru victime"] + ["Sprijin pentru victime"] * 4
    organizations = [hit["organization_name"] for hit in response.context["hits"]]
    assert organizations[:3] == ["Casa Speranței", "Judecătoria Iași", "Asociația Sprijin Iași"]
    assert set(organizations[3:]) == {"Inspectoratul de Poliție Județean Iași", "Consiliul Județean Iași"}
    places = [hit["place"] for hit in response.context["hits"]]
    # The shelter's front door and the court at the town's centre; the NGO at its own coordinates.
    assert places == ["in Iași", "in Iași", "1.3 km"] + ["Iași county; no address to measure from"] * 2
    assert "Within 25 km of Iași, Iași, Romania, nearest first." in content
    assert "GeoNames" in content


def test_organisations_too_and_a_wider_radius_reaches_the_next_town(client, directory):
    response, _ = page(client, near="Iași", radius=100)
    names = hit_names(response)
    assert "Judecătoria Pașcani" in names and "Judecătoria Slatina" not in names
    pascani = next(hit for hit in response.context["hits"] if hit["name"] == "Judecătoria Pașcani")
    assert pascani["place"] == "in Pașcani, about 67 km"  # placed at its centre


def test_distances_are_measured_from_the_nearest_position_and_shown_in_the_visitors_language(
    client, directory
):
    client.cookies["django_language"] = "ro"
    response, _ = page(client, q="asociatia sprijin", near="Iasi")
    assert [hit["place"] for hit in response.context["hits"]] == ["1,3 km", "1,3 km"]  # it and its service


def test_a_postcode_is_placed_by_the_directorys_own_addresses_only(client, directory):
    response, content = page(client, near="700057")
    assert "Asociația Sprijin Iași" in hit_names(response)
    assert "Within 25 km of postcode 700057" in content
    response, content = page(client, near="700 100")
    assert "Postcode not known" in content and not response.context["hits"]
    # The shelter's real postcode teaches nothing.
    _, content = page(client, near=SHELTER_POSTCODE)
    assert "Postcode not known" in content


def test_an_unknown_place_is_said_plainly_and_nothing_is_guessed(client, directory):
    response, content = page(client, near="Atlantida de Sus")
    assert "We do not know a place called" in content and "Atlantida de Sus" in content
    assert 'aria-invalid="true"' in content


def test_a_county_named_alone_filters_by_it_nearest_to_its_seat_first(client, directory):
    response, content = page(client, near="Judetul Iasi")
    names = hit_names(response)
    assert "Judecătoria Slatina" not in names and "Judecătoria Sectorului 1 București" not in names
    assert response.context["hits"][0]["place"] == "in Iași"
    assert "Judecătoria Pașcani" in names and names.index("Judecătoria Pașcani") < names.index(
        "Consiliul Județean Iași"
    )
    assert "In Iași county, nearest to Iași first." in content
    response, _ = page(client, near="Olt")
    assert hit_names(response)[0] == "Judecătoria Slatina"


def test_the_county_filter_finds_what_is_in_or_serves_a_county(client, directory):
    response, content = page(client, county="IS", q="victime")
    assert response.context["result"].total == 6  # 2 courts, the police, the council, the NGO, the shelter
    assert '<option value="IS" selected>Iași</option>' in content
    facets = {facet["name"]: facet for facet in response.context["facets"]}
    assert facets["county"]["label"] == "County (Romania)"
    assert ("Iași", 6) in [(label, count) for label, count, _, _ in facets["county"]["values"]]


def test_the_visitors_position_is_rounded_and_never_shown_back_finer(client, directory):
    finer = client.get(SEARCH, {"at": "47.1712345,27.5912345", "q": "sprijin"})
    assert finer.status_code == 302 and finer["Location"] == f"{SEARCH}?at=47.17%2C27.59&q=sprijin"
    response, content = page(client, at="47.17,27.59", q="sprijin")
    assert "Asociația Sprijin Iași" in hit_names(response)
    assert "at=47.17%2C27.59" in content  # pagination and filter links carry the rounded position
    assert "of your position (rounded to about 1 km)" in content
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "geolocation=()" in client.get(reverse("organisation:about"))["Permissions-Policy"]


def test_a_typed_place_wins_over_a_position_and_a_bad_position_is_ignored(client, directory):
    response, content = page(client, at="47.17,27.59", near="Slatina")
    assert hit_names(response)[0] == "Judecătoria Slatina"
    response, content = page(client, at="north,pole")
    assert response.context["place"] is None


def test_the_page_works_without_script_and_offers_the_position_button_only_to_script(client, directory):
    _, content = page(client)
    assert '<input type="text" id="near" name="near" dir="auto"' in content
    assert '<div class="near-field near-position" hidden>' in content
    assert "refugiu/near.js" in content and "leaflet" not in content


def test_a_shelter_is_placed_only_at_its_front_doors_town(client, directory):
    response, content = page(client, near="Iasi", radius=5)
    shelter = next(hit for hit in response.context["hits"] if hit["name"] == "Casa Speranței")
    assert shelter["place"] == "in Iași"
    assert SHELTER_STREET not in content and "Ciurea" not in content and "47.05" not in content
    rows = d.SearchPlace.objects.filter(entry__organization_id=directory["shelter"].id)
    assert {(row.approximate, row.town, row.postcode, row.town_key) for row in rows} == {
        (True, "Iași", "", "")
    }
    # Near its real address it is 13 km away (from Iași's centre), not 0.
    response, _ = page(client, near="Ciurea", radius=5)
    assert "Casa Speranței" not in hit_names(response)


def test_no_map_and_no_other_host_unless_the_operator_sets_tiles(client, directory, settings):
    response, content = page(client, near="Iasi")
    assert "leaflet" not in content and "img-src 'self' data:;" in response["Content-Security-Policy"]
    settings.REFUGIU = {**settings.REFUGIU, "MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
                        "MAP_TILES_ATTRIBUTION": "© Example"}  # fmt: skip
    response, content = page(client, near="Iasi")
    assert "vendor/leaflet/leaflet.js" in content and 'id="directory-map-data"' in content
    assert "img-src 'self' data: https://tiles.example.org;" in response["Content-Security-Policy"]
    assert "47.05" not in content  # the shelter is on the map at its town's centre only
    _, content = page(client, q="victime")  # no place asked: no map
    assert "leaflet" not in content


def test_a_reindex_replaces_an_organisations_places():
    organization = institution("Judecătoria Iași", town="Iași", county="Iași")
    organization_id = organization.id
    search_reindex_organizations()
    search_reindex_organizations([organization_id])
    assert d.SearchPlace.objects.count() == 2  # the organisation's entry and its service's
    organization.delete()
    search_reindex_organizations([organization_id])
    assert not d.SearchPlace.objects.exists()


def test_the_search_function_orders_by_distance_and_counts_within_reach(directory):
    iasi = Point(47.16667, 27.6)
    result = directory_search(kind="service", near=Near(iasi, 25_000, county="IS"), count_cap=None)
    assert result.total == 5
    distances = [result.places[hit].distance_m for hit in result.hits]
    assert distances[:3] == sorted(distances[:3]) and distances[3:] == [None, None]
    assert result.total == directory_search(kind="service", near=Near(iasi, 25_000, county="IS")).total


# --- the API ----------------------------------------------------------------------------------------------


def api_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [
        record["service"]["name"] if "service" in record else record["id"]
        for record in response.json()["contents"]
    ]


def test_the_api_finds_services_within_metres_of_a_postcode_nearest_first(client, directory):
    response = client.get(API, {"postcode": "700057", "proximity": "20000"})
    page = response.json()
    assert (
        response.status_code == 200 and page["total_items"] == 3
    )  # the NGO, the court, the shelter's front door
    ids = [record["id"] for record in page["contents"]]
    ngo_link = d.ServiceAtLocation.objects.get(service__organization=directory["ngo"])
    assert ids[0] == str(ngo_link.id)  # 0 km from its own postcode
    assert client.get(API, {"postcode": "700 057", "proximity": 200})["Content-Type"].startswith(
        "application/json"
    )
    assert client.get(API, {"postcode": "700057", "proximity": 200}).json()["total_items"] == 1
    # Without proximity: every public service at a location, nearest first, those placed nowhere left out.
    everything = client.get(API, {"postcode": "700057", "per_page": 100}).json()
    assert everything["contents"][0]["id"] == str(ngo_link.id)
    bucharest = d.ServiceAtLocation.objects.get(service__organization=directory["bucharest"])
    assert str(bucharest.id) in [record["id"] for record in everything["contents"]]


def test_the_api_combines_proximity_with_its_other_filters(client, directory):
    ngo = directory["ngo"]
    response = client.get(API, {"postcode": "700057", "proximity": "20000", "organization_id": str(ngo.id)})
    assert response.json()["total_items"] == 1
    response = client.get(API, {"postcode": "700057", "proximity": "20000", "search": "adapost"})
    assert response.json()["total_items"] == 1
    lines = client.get(API, {"postcode": "700057", "proximity": "20000", "format": "ndjson"})
    assert len(b"".join(lines.streaming_content).splitlines()) == 3


def test_the_api_keeps_only_the_places_open_now_within_reach(client, directory, monkeypatch):
    """open_now with a postcode and proximity: within reach and open, not every place within reach."""
    ngo = directory["ngo"]
    ScheduleFactory(
        service=ngo.services.get(), byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17)
    )
    search_reindex_organizations()
    params = {"postcode": "700057", "proximity": "20000", "open_now": "true"}
    assert client.get(API, {**params, "open_now": "false"}).json()["total_items"] == 3
    wednesday_11 = dt.datetime(2026, 3, 4, 11, 0, tzinfo=ZoneInfo("Europe/Bucharest"))
    monkeypatch.setattr(schedules, "now", lambda: wednesday_11)
    places = client.get(API, params).json()["contents"]
    assert [place["service"]["organization"]["id"] for place in places] == [str(ngo.id)]
    monkeypatch.setattr(schedules, "now", lambda: wednesday_11 + dt.timedelta(days=3))  # Saturday
    assert client.get(API, params).json()["total_items"] == 0


@pytest.mark.parametrize(
    "params, parameter, message",
    [
        ({"proximity": "20000"}, "proximity", "needs a postcode"),
        ({"postcode": "700100", "proximity": "20000"}, "postcode", "postcode not known"),
        ({"postcode": SHELTER_POSTCODE}, "postcode", "postcode not known"),
        ({"postcode": "700057", "proximity": "far"}, "proximity", "number of metres"),
        ({"postcode": "700057", "proximity": "-5"}, "proximity", "greater than 0"),
    ],
)
def test_bad_proximity_parameters_answer_400_naming_them(client, directory, params, parameter, message):
    response = client.get(API, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["parameter"] == parameter and message in errors[0]["message"]


def test_the_openapi_document_describes_postcode_and_proximity(client):
    parameters = {
        p["name"]: p for p in client.get("/api/openapi.json").json()["paths"][API]["get"]["parameters"]
    }
    assert "postcode not known" in parameters["postcode"]["description"]
    assert "metres" in parameters["proximity"]["description"]
    assert not parameters["postcode"]["required"] and not parameters["proximity"]["required"]


def test_the_api_query_reads_services_only_and_published_ones(directory):
    d.Service.objects.filter(organization=directory["ngo"]).update(is_published=False)
    search_reindex_organizations([directory["ngo"].id])
    found = service_at_locations_near(Near(Point(47.1702, 27.5831), 20_000))
    assert len(found) == 2  # the court and the shelter's front door


def county_term(code: str, name: str) -> d.TaxonomyTerm:
    """A county as the demo's institutions carry it: a term of an ISO 3166-2:RO taxonomy."""
    taxonomy, _ = d.Taxonomy.objects.get_or_create(name="ISO 3166-2:RO", defaults={"description": "Counties"})
    term, _ = d.TaxonomyTerm.objects.get_or_create(
        code=f"RO-{code}", taxonomy_ref=taxonomy, defaults={"name": name, "description": name}
    )
    return term


def converted_institution(name: str, county_code: str, county_name: str) -> d.Organization:
    """Shaped like the demo's converted institutions: a name, a county (an attribute of link type
    "service_area"), no location, address, service or coordinates."""
    organization = OrganizationFactory(
        name=name, description=f"Instituție, județul {county_name}.", country="RO"
    )
    d.Attribute.objects.create(
        link_id=organization.id,
        link_entity="organization",
        link_type="service_area",
        taxonomy_term=county_term(county_code, county_name),
    )
    return organization


def test_institutions_with_only_a_name_and_a_county_are_placed_by_the_town_their_name_ends_with(client):
    for name, code, county in [
        ("Judecătoria Iași", "IS", "Iași"),
        ("Judecătoria Pașcani", "IS", "Iași"),
        ("Parchetul de pe lângă Judecătoria Pașcani", "IS", "Iași"),
        ("Direcția Generală de Asistență Socială și Protecția Copilului Iași", "IS", "Iași"),
        ("Consiliul Județean Vaslui", "VS", "Vaslui"),
        ("Baroul Olt", "OT", "Olt"),  # its seat, Slatina, is not in its name
        ("Parchetul de pe lângă jud. Dolj", "DJ", "Dolj"),
        ("Judecătoria Sectorului 1 București", "B", "București"),
    ]:
        converted_institution(name, code, county)
    search_reindex_organizations()
    response, content = page(client, near="Iasi", radius=100)
    hits = response.context["hits"]
    assert [(hit["name"], hit["place"]) for hit in hits] == [
        ("Direcția Generală de Asistență Socială și Protecția Copilului Iași", "in Iași"),
        ("Judecătoria Iași", "in Iași"),
        ("Consiliul Județean Vaslui", "in Vaslui, about 60 km"),
        ("Judecătoria Pașcani", "in Pașcani, about 67 km"),
        ("Parchetul de pe lângă Judecătoria Pașcani", "in Pașcani, about 67 km"),
    ]
    assert "Within 100 km of Iași, Iași, Romania, nearest first." in content
    # Placed by its county alone: listed under it, after those with a distance, and found by the filter.
    response, _ = page(client, near="Olt")
    assert [(hit["name"], hit["place"]) for hit in response.context["hits"]] == [
        ("Baroul Olt", "Olt county; no address to measure from")
    ]
    response, _ = page(client, county="DJ")
    assert [hit["name"] for hit in response.context["hits"]] == ["Parchetul de pe lângă jud. Dolj"]
    response, _ = page(client, near="Bucuresti", q="judecatoria")
    assert [(hit["name"], hit["place"]) for hit in response.context["hits"]] == [
        ("Judecătoria Sectorului 1 București", "in București")
    ]
    # Nothing is written into the records: they still have no location.
    assert not d.Location.objects.exists() and not d.Address.objects.exists()


def test_when_nothing_matches_within_the_radius_the_nearest_farther_away_are_shown(client, directory):
    response, content = page(client, q="judecatoria slatina", near="Iasi")
    assert response.context["result"].beyond_radius
    assert "Nothing within 25 km. These are the nearest farther away." in content
    assert [(hit["name"], hit["place"]) for hit in response.context["hits"]][0][0] == "Judecătoria Slatina"
    assert response.context["hits"][0]["place"].startswith("in Slatina, about ")
    # Without a query or a filter there is no "nearest farther away" of everything: the page says none.
    response, content = page(client, near="Vaslui")
    assert not response.context["hits"] and not response.context["result"].beyond_radius


def test_a_service_at_no_location_of_its_own_is_where_its_organisation_is(client):
    organization = institution("Asociația Sprijin", town="Iași", county="Iași", service="Consiliere")
    ServiceFactory(organization=organization, name="Consiliere juridică pentru victime", description="")
    search_reindex_organizations()
    response, _ = page(client, q="victime", near="Iasi")
    assert [(hit["name"], hit["place"]) for hit in response.context["hits"]] == [
        ("Consiliere juridică pentru victime", "in Iași")
    ]
