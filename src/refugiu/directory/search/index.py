"""Rebuilding the search index: each published organisation's entry and its services', with their facet
rows, places and opening rows; the planner's statistics after a large rebuild."""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from refugiu.core.bulk import any_of, gc_paused, next_ids, rows_insert
from refugiu.core.lookups import AsStored
from refugiu.directory import open_now, open_tally, schedules
from refugiu.directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Opening,
    OpenTally,
    OpenUndecided,
    Organization,
    SearchEntry,
    SearchFacet,
    SearchPlace,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from refugiu.directory.places.index import PLACE_COLUMNS, Placer, counties_of, county_codes, entry_place_rows
from refugiu.directory.search.engines import as_uuid, plain, plain_dicts, uuid_param
from refugiu.directory.search.facets import facet_rows
from refugiu.directory.search.hours import OPENING_COLUMNS, Hours
from refugiu.directory.search.words import fold_for_index, sort_key
from refugiu.directory.transliteration import is_ukrainian, ukrainian_latin

# Indexing reads plain rows (values()), not model instances: building 100,000 services' worth of model
# objects through prefetch_related cost most of an import's time.

CHUNK_ORGANIZATIONS = 500
ENTRY_TEXTS = ("id", "kind", "object_id", "organization_id", "sort_name", "name_text", "body_text")
ENTRY_COLUMNS = (*ENTRY_TEXTS, *open_now.HOURS_FIELDS)


def _texts(row: dict, field: str) -> list[str]:
    """The row's own text for `field` and every translation of it (dict form of Translatable.all_texts),
    and the national romanisation of what is said to be Ukrainian (the row's "language" or a translation's
    key) where its letters alone do not tell (fold_for_index adds it where they do): "Притулок" is
    found by "prytulok" too."""
    values = [(row.get("language"), row.get(field) or "")]
    values += [(code, (t or {}).get(field) or "") for code, t in (row.get("translations") or {}).items()]
    texts = [v for _, v in values if v]
    texts += [ukrainian_latin(v) for code, v in values if code == "uk" and v and not is_ukrainian(v)]
    return texts


def _public_places(locations: list[dict]) -> tuple[set[str], set[str], list[str]]:
    """Countries, cities and address text that may be shown publicly for these locations."""
    countries, cities, texts = set(), set(), []
    for location in locations:
        if location["is_confidential"]:
            if location["front_door_area"]:
                cities.add(location["front_door_area"])
                texts.append(location["front_door_area"])
            continue
        texts += _texts(location, "name")
        for address in location["addresses"]:
            countries.add(address["country"].upper())
            cities.add(address["city"])
            texts += [address[f] for f in ("address_1", "address_2", "city", "region", "state_province")]
    return countries, cities, texts


def search_reindex_organizations(organization_ids=None, *, analyze: bool = True) -> int:
    """Rebuild the search entries of these organisations (all when None) and of their services.

    Unpublished records, and the addresses of confidential locations, are left out. Returns the number
    of entries written. `analyze=False`: the caller refreshes the statistics once it has written all.
    """
    organizations = Organization.objects.filter(is_published=True)
    if organization_ids is not None:
        organization_ids = list(organization_ids)
    written = 0
    with gc_paused(), transaction.atomic():
        stored_ids = None if organization_ids is None else [uuid_param(i) for i in organization_ids]
        tallied_before = None if stored_ids is None else open_tally.tallied(stored_ids)
        _delete_entries(organization_ids)
        if organization_ids is None:
            published = list(organizations.order_by("pk").values_list("id", flat=True))
        else:
            published = list(
                organizations.filter(id__any=organization_ids).order_by("pk").values_list("id", flat=True)
            )
        for start in range(0, len(published), CHUNK_ORGANIZATIONS):
            written += _index_chunk(published[start : start + CHUNK_ORGANIZATIONS])
        if tallied_before is None:
            open_tally.tally_refill()
        else:
            open_tally.tally_change(tallied_before, open_tally.tallied(stored_ids))
        if analyze and written >= ANALYZE_AFTER:
            search_statistics_refresh()
    return written


# After a large rebuild the planner's statistics are stale: on PostgreSQL a rare term then took 200 ms
# instead of 3 ms (it expected 800 entries where there were 100,000).
ANALYZE_AFTER = 5000


def search_statistics_refresh() -> None:
    """Let the query planner see the index as it now is; call after writing many entries in pieces."""
    with connection.cursor() as cursor:
        for table in (
            SearchEntry._meta.db_table,
            SearchFacet._meta.db_table,
            SearchPlace._meta.db_table,
            Opening._meta.db_table,
            OpenUndecided._meta.db_table,
            OpenTally._meta.db_table,
        ):
            cursor.execute(f"ANALYZE {table}")


def _delete_entries(organization_ids) -> None:
    entries = SearchEntry._meta.db_table
    facets = SearchFacet._meta.db_table
    places = SearchPlace._meta.db_table
    openings = Opening._meta.db_table
    undecided = OpenUndecided._meta.db_table
    with connection.cursor() as cursor:
        if organization_ids is None:
            cursor.execute(f"DELETE FROM {facets}")
            cursor.execute(f"DELETE FROM {places}")
            cursor.execute(f"DELETE FROM {undecided}")
            cursor.execute(f"DELETE FROM {openings}")
            cursor.execute(f"DELETE FROM {entries}")
            return
        for start in range(0, len(organization_ids), CHUNK_ORGANIZATIONS):
            ids = [uuid_param(i) for i in organization_ids[start : start + CHUNK_ORGANIZATIONS]]
            of_organizations, params = any_of("organization_id", ids)
            of_entries = f"entry_id IN (SELECT id FROM {entries} WHERE {of_organizations})"
            for derived in (facets, places, undecided):
                cursor.execute(f"DELETE FROM {derived} WHERE {of_entries}", params)
            cursor.execute(f"DELETE FROM {openings} WHERE {of_organizations}", params)
            cursor.execute(f"DELETE FROM {entries} WHERE {of_organizations}", params)


def _index_chunk(organization_ids: list) -> int:
    # Ids below are in the database's own form (see _plain), which is also the form the entries take,
    # and go back to it as they are (AsStored).
    organizations = plain_dicts(
        Organization.objects.filter(id__any=organization_ids).order_by("pk"),
        "id", "name", "alternate_name", "description", "language", "translations", "country",
    )  # fmt: skip
    organization_ids = AsStored(organization["id"] for organization in organizations)
    services = plain_dicts(
        Service.objects.filter(organization_id__any=organization_ids, is_published=True).order_by("pk"),
        "id", "organization_id", "name", "alternate_name", "description", "language", "translations",
    )  # fmt: skip
    service_ids = AsStored(s["id"] for s in services)
    sal_rows = plain(
        ServiceAtLocation.objects.filter(service_id__any=service_ids), "service_id", "location_id", "id"
    )
    links = [(service_id, location_id) for service_id, location_id, _ in sal_rows]
    location_ids = {location_id for _, location_id in links}
    locations = {
        row["id"]: {**row, "addresses": []}
        for row in plain_dicts(
            Location.objects.filter(
                Q(organization_id__any=organization_ids) | Q(id__any=AsStored(location_ids))
            ),
            "id",
            "organization_id",
            "name",
            "language",
            "translations",
            "is_confidential",
            "front_door_area",
            "latitude",
            "longitude",
        )  # fmt: skip
    }
    for address in plain_dicts(
        Address.objects.filter(location_id__any=AsStored(locations)).order_by("pk"),
        "location_id", "address_1", "address_2", "city", "region", "state_province", "country",
        "postal_code", "address_type",
    ):  # fmt: skip
        locations[address["location_id"]]["addresses"].append(address)
    locations_of_org: dict = {}
    for location in locations.values():
        locations_of_org.setdefault(location["organization_id"], []).append(location)
    locations_of_service: dict = {}
    for service_id, location_id in links:
        locations_of_service.setdefault(service_id, []).append(locations[location_id])
    languages: dict = {}
    spoken = Language.objects.filter(service_id__any=service_ids)
    for service_id, code in plain(spoken, "service_id", "code"):
        languages.setdefault(service_id, set()).add(code)
    terms: dict = {}
    for link_id, slug, code, term_id in plain(
        Attribute.objects.filter(link_id__any=AsStored([*organization_ids, *service_ids])),
        "link_id", "taxonomy_term__taxonomy_ref__slug", "taxonomy_term__code", "taxonomy_term_id",
    ):  # fmt: skip
        terms.setdefault(link_id, []).append((slug, code or str(as_uuid(term_id))))
    services_of_org: dict = {}
    for service in services:
        services_of_org.setdefault(service["organization_id"], []).append(service)
    areas: dict = {}
    for service_id, area in plain(
        ServiceArea.objects.filter(service_id__any=service_ids), "service_id", "name"
    ):
        areas.setdefault(service_id, []).append(area)
    placer = Placer(settings.REFUGIU["HOME_COUNTRY"])
    placed: dict = {}

    def places_of(locations: list[dict], country: str) -> list:
        for location in locations:
            if location["id"] not in placed:
                placed[location["id"]] = placer.location(location, country)
        return [place for location in locations if (place := placed[location["id"]]) is not None]

    entries, facets, places = [], [], []
    hours = Hours(sal_rows, locations, service_ids)
    openings: list[list[open_now.Row]] = []  # of each entry
    for organization in organizations:
        org_id = organization["id"]
        org_names = _texts(organization, "name")
        countries, cities, place_texts = _public_places(locations_of_org.get(org_id, []))
        if organization["country"]:
            countries.add(organization["country"].upper())
        org_services = services_of_org.get(org_id, [])
        own_places = places_of(locations_of_org.get(org_id, []), organization["country"])
        org_places = own_places + places_of(
            [location for s in org_services for location in locations_of_service.get(s["id"], [])],
            organization["country"],
        )
        org_term_counties = county_codes([code for _, code in terms.get(org_id, [])])
        org_counties = counties_of(org_places, [a for s in org_services for a in areas.get(s["id"], [])])
        org_counties |= org_term_counties
        if not org_places and org_counties and not locations_of_org.get(org_id):
            named = placer.named(organization["name"], org_counties)
            org_places = own_places = [named] if named is not None else []
        places.append((org_places, org_counties))
        entries.append(
            (
                SearchEntry.Kind.ORGANIZATION.value,
                org_id,
                org_id,
                sort_key(organization["name"]),
                fold_for_index(" ".join([*org_names, *_texts(organization, "alternate_name")])),
                fold_for_index(" ".join(_texts(organization, "description") + place_texts)),
            )
        )
        facets.append(
            facet_rows(
                countries,
                cities,
                terms.get(org_id, []) + [t for s in org_services for t in terms.get(s["id"], [])],
                {code for s in org_services for code in languages.get(s["id"], ())},
                org_counties,
            )
        )
        openings.append(hours.of_organization(locations_of_org.get(org_id, [])))
        for service in org_services:
            s_countries, s_cities, s_texts = _public_places(locations_of_service.get(service["id"], []))
            if not s_countries and organization["country"]:
                s_countries.add(organization["country"].upper())
            # A service at no location of its own is where its organisation is.
            s_places = places_of(locations_of_service.get(service["id"], []), organization["country"])
            s_places = s_places or own_places
            s_counties = counties_of(s_places, areas.get(service["id"], []))
            s_counties |= county_codes([code for _, code in terms.get(service["id"], [])])
            if not s_counties:
                s_counties = set(org_term_counties)
            places.append((s_places, s_counties))
            entries.append(
                (
                    SearchEntry.Kind.SERVICE.value,
                    service["id"],
                    org_id,
                    sort_key(service["name"]),
                    fold_for_index(" ".join([*_texts(service, "name"), *_texts(service, "alternate_name")])),
                    fold_for_index(" ".join(_texts(service, "description") + org_names + s_texts)),
                )
            )
            facets.append(
                facet_rows(
                    s_countries,
                    s_cities,
                    terms.get(service["id"], []) + terms.get(org_id, []),
                    languages.get(service["id"], ()),
                    s_counties,
                )
            )
            openings.append(hours.of_service(service["id"]))
    # Plain rows, no model objects (core.bulk); the entries' ids are drawn first, for their facets.
    table = SearchEntry._meta.db_table
    ids = next_ids(table, len(entries))
    today = schedules.now().astimezone(schedules.site_zone()).date()
    glances = [open_now.entry_hours(rows, today) for rows in openings]
    rows_insert(
        table,
        ENTRY_COLUMNS,
        [(i, *entry, *glance) for i, entry, glance in zip(ids, entries, glances, strict=True)],
    )
    rows_insert(
        OpenUndecided._meta.db_table,
        open_tally.UNDECIDED_COLUMNS,
        [row for i, glance in zip(ids, glances, strict=True) for row in open_tally.undecided_rows(i, glance)],
    )
    rows_insert(
        SearchFacet._meta.db_table,
        ("entry_id", "facet", "value"),
        [(i, name, value[:200]) for i, rows in zip(ids, facets, strict=True) for name, value in rows],
    )
    rows_insert(
        SearchPlace._meta.db_table,
        PLACE_COLUMNS,
        [row for i, (p, c) in zip(ids, places, strict=True) for row in entry_place_rows(i, p, c)],
    )
    if hours.any:
        organization_of = {service["id"]: service["organization_id"] for service in services}
        # An entry is (kind, record id, organisation id, …).
        opening_rows = [
            (entry[2], i, entry[1], *row)
            for i, entry, rows in zip(ids, entries, openings, strict=True)
            for row in rows
        ]
        opening_rows += [
            (organization_of[service_id], None, sal_id, *row) for service_id, sal_id, row in hours.of_places()
        ]
        rows_insert(Opening._meta.db_table, OPENING_COLUMNS, opening_rows)
    return len(entries)
