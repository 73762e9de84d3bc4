"""Search over the public directory, the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Text is folded in Python before it reaches either database: Unidecode strips diacritics and
transliterates Cyrillic and Greek to Latin, then everything is lower-cased into plain words. Both
engines therefore index the same tokens, and a query folded the same way finds "Crângași" from
"crangasi" and "Център" from "tsentur" on both. Every query word is a prefix, so results appear as
one types; a word with a Romanian definite-article ending is looked up in its other forms too
("politia" finds "Poliție", see `word_forms`).

Ranking is deliberately simple and identical on both databases: records whose *name* holds every
word come first, then records that match only in their other text; within each tier, alphabetical
by name. Nothing is scored per match, so a common term costs a sort, not a scoring pass.

Search queries are never stored or logged.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q

from refugiu.core import fastjson
from refugiu.core.bulk import any_of, gc_paused, ids_per_query, next_ids, rows_insert
from refugiu.core.folding import fold
from refugiu.core.lookups import AsStored
from refugiu.directory import open_now, schedules
from refugiu.directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Opening,
    Organization,
    SearchEntry,
    SearchFacet,
    SearchPlace,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from refugiu.directory.places.index import PLACE_COLUMNS, Placer, counties_of, county_codes, entry_place_rows
from refugiu.directory.places.near import HitPlace, Near, county_only_sql, hit_places, placed_sql
from refugiu.directory.selectors import public_schedules
from refugiu.directory.transliteration import extra_spellings, is_ukrainian, ukrainian_latin

COUNT_CAP = 1000
MAX_QUERY_WORDS = 8

# Facets shown on the search page, in order. Taxonomy facets are keyed by the taxonomy's slug.
TAXONOMY_FACETS = ("institution_type", "service_type", "target_group", "crime_type")
PLACE_FACETS = ("country", "county", "city")
FACETS = (*PLACE_FACETS, *TAXONOMY_FACETS, "language")


def fold_for_index(text: str) -> str:
    """`fold`, plus the national romanisations of any Cyrillic or Greek, so either spelling finds it."""
    return " ".join([fold(text), *(fold(s) for s in extra_spellings(text or ""))])


def sort_key(text: str) -> str:
    """Alphabetical key: a Cyrillic or Greek name sorts by its national romanisation."""
    spellings = extra_spellings(text or "")
    return fold(spellings[0] if spellings else text)[:300]


# Romanian joins the definite article to the noun: "poliție" (police) is "poliția" (the police) and
# "poliției" (of the police); "sector" is "sectorul", "sectorului". Names use either form ("Inspectoratul
# de Poliție", "Poliția Sectorului 1") and people type either, so a query word in one of these forms is
# looked up in each of them, every one a prefix as always: "politia" finds "Poliție" and "Poliția" (but
# not "political"), "sectorului" finds "Sectorul" and "Sector". Whatever the word as typed matches, one
# of its forms matches too, so this only widens a match, never loses one; the index is not touched.
# Only stems of MIN_STEM letters or more: "media" or "india" stay as typed.
ARTICLE_FORMS = (("iei", ("ie", "ia")), ("ia", ("ia", "ie")), ("ie", ("ie", "ia")), ("ului", ("",)))
MIN_STEM = 4


def word_forms(word: str) -> tuple[str, ...]:
    """The forms a folded query word is looked up in: "politia" → ("politia", "politie")."""
    for ending, endings in ARTICLE_FORMS:
        stem = word.removesuffix(ending)
        if stem != word:
            return tuple(stem + other for other in endings) if len(stem) >= MIN_STEM else (word,)
    return (word,)


def query_words(query: str) -> list[str]:
    return fold(query).split()[:MAX_QUERY_WORDS]


# --- indexing -------------------------------------------------------------------------------------------
#
# Indexing reads plain rows (values()), not model instances: building 100,000 services' worth of model
# objects through prefetch_related cost most of an import's time.

CHUNK_ORGANIZATIONS = 500
ENTRY_COLUMNS = ("id", "kind", "object_id", "organization_id", "sort_name", "name_text", "body_text")


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


def _facet_rows(countries, cities, terms, languages, counties=()) -> list[tuple[str, str]]:
    rows = {("country", c) for c in countries if c} | {("city", c) for c in cities if c}
    rows |= {("county", c) for c in counties}
    rows |= {(slug, code) for slug, code in terms if slug in TAXONOMY_FACETS}
    rows |= {("language", code.lower()) for code in languages if code}
    return sorted(rows)


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
        _delete_entries(organization_ids)
        if organization_ids is None:
            published = list(organizations.order_by("pk").values_list("id", flat=True))
        else:
            published = list(
                organizations.filter(id__any=organization_ids).order_by("pk").values_list("id", flat=True)
            )
        for start in range(0, len(published), CHUNK_ORGANIZATIONS):
            written += _index_chunk(published[start : start + CHUNK_ORGANIZATIONS])
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
        ):
            cursor.execute(f"ANALYZE {table}")


def _delete_entries(organization_ids) -> None:
    entries = SearchEntry._meta.db_table
    facets = SearchFacet._meta.db_table
    places = SearchPlace._meta.db_table
    openings = Opening._meta.db_table
    with connection.cursor() as cursor:
        if organization_ids is None:
            cursor.execute(f"DELETE FROM {facets}")
            cursor.execute(f"DELETE FROM {places}")
            cursor.execute(f"DELETE FROM {openings}")
            cursor.execute(f"DELETE FROM {entries}")
            return
        for start in range(0, len(organization_ids), CHUNK_ORGANIZATIONS):
            ids = [_uuid_param(i) for i in organization_ids[start : start + CHUNK_ORGANIZATIONS]]
            of_organizations, params = any_of("organization_id", ids)
            of_entries = f"entry_id IN (SELECT id FROM {entries} WHERE {of_organizations})"
            for derived in (facets, places):
                cursor.execute(f"DELETE FROM {derived} WHERE {of_entries}", params)
            cursor.execute(f"DELETE FROM {openings} WHERE {of_organizations}", params)
            cursor.execute(f"DELETE FROM {entries} WHERE {of_organizations}", params)


def _plain(queryset, *names: str) -> list[tuple]:
    """values_list(*names) of the queryset as the database gives them: ids in its own form (SQLite: hex
    text), JSON as text. Django's converters made a UUID of each of the 240,000 ids a rebuild of 24,000
    entries reads, only for it to go back into hex: a sixth of the rebuild."""
    try:
        sql, params = queryset.values_list(*names).query.sql_with_params()
    except EmptyResultSet:  # an empty list of ids: the ORM would not ask at all
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plain_dicts(queryset, *names: str) -> list[dict]:
    rows = [dict(zip(names, row, strict=True)) for row in _plain(queryset, *names)]
    if "translations" in names:
        for row in rows:
            row["translations"] = fastjson.loads(row["translations"] or "{}")
    return rows


def _index_chunk(organization_ids: list) -> int:
    # Ids below are in the database's own form (see _plain), which is also the form the entries take,
    # and go back to it as they are (AsStored).
    organizations = _plain_dicts(
        Organization.objects.filter(id__any=organization_ids).order_by("pk"),
        "id", "name", "alternate_name", "description", "language", "translations", "country",
    )  # fmt: skip
    organization_ids = AsStored(organization["id"] for organization in organizations)
    services = _plain_dicts(
        Service.objects.filter(organization_id__any=organization_ids, is_published=True).order_by("pk"),
        "id", "organization_id", "name", "alternate_name", "description", "language", "translations",
    )  # fmt: skip
    service_ids = AsStored(s["id"] for s in services)
    sal_rows = _plain(
        ServiceAtLocation.objects.filter(service_id__any=service_ids), "service_id", "location_id", "id"
    )
    links = [(service_id, location_id) for service_id, location_id, _ in sal_rows]
    location_ids = {location_id for _, location_id in links}
    locations = {
        row["id"]: {**row, "addresses": []}
        for row in _plain_dicts(
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
    for address in _plain_dicts(
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
    for service_id, code in _plain(spoken, "service_id", "code"):
        languages.setdefault(service_id, set()).add(code)
    terms: dict = {}
    for link_id, slug, code, term_id in _plain(
        Attribute.objects.filter(link_id__any=AsStored([*organization_ids, *service_ids])),
        "link_id", "taxonomy_term__taxonomy_ref__slug", "taxonomy_term__code", "taxonomy_term_id",
    ):  # fmt: skip
        terms.setdefault(link_id, []).append((slug, code or str(_as_uuid(term_id))))
    services_of_org: dict = {}
    for service in services:
        services_of_org.setdefault(service["organization_id"], []).append(service)
    areas: dict = {}
    for service_id, area in _plain(
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
    hours = _Hours(sal_rows, locations, service_ids)
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
            _facet_rows(
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
                _facet_rows(
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
    rows_insert(table, ENTRY_COLUMNS, [(i, *entry) for i, entry in zip(ids, entries, strict=True)])
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


OPENING_COLUMNS = ("organization_id", "entry_id", "record_id", *open_now.ROW_COLUMNS)


class _Hours:
    """The opening rows of a chunk's records (directory.open_now), from their schedules."""

    def __init__(self, places: list[tuple], locations: dict, service_ids: AsStored):
        self.places: dict = {}  # service id -> [(service at location id, location id, confidential)]
        for service_id, location_id, sal_id in places:
            confidential = bool(locations[location_id]["is_confidential"])
            self.places.setdefault(service_id, []).append((sal_id, location_id, confidential))
        sal_ids = AsStored(sal_id for _, _, sal_id in places)
        scheduled = public_schedules().filter(
            Q(service_id__any=service_ids)
            | Q(service_at_location_id__any=sal_ids)
            | Q(location_id__any=AsStored(locations))
        )
        rows = _plain_dicts(
            scheduled, "service_id", "location_id", "service_at_location_id", *schedules.SCHEDULE_FIELDS
        )
        self.rules = schedules.rules_by_owner(rows)
        self.any = bool(self.rules)

    def of_organization(self, locations: list[dict]) -> list[open_now.Row]:
        if not self.any:
            return []
        places = [(location["id"], bool(location["is_confidential"])) for location in locations]
        return open_now.record_rows(schedules.organization_groups(self.rules, locations=places))

    def of_service(self, service_id) -> list[open_now.Row]:
        if not self.any:
            return []
        places = self.places.get(service_id, [])
        groups = schedules.service_groups(self.rules, service_id=service_id, places=places)
        return open_now.record_rows(groups)

    def of_places(self) -> list[tuple]:
        """(service id, service at location id, row) of every service at a location."""
        found = []
        for service_id, places in self.places.items():
            for sal_id, location_id, confidential in places:
                group = schedules.service_at_location_group(
                    self.rules, service_id=service_id, sal_id=sal_id, location_id=location_id,
                    confidential=confidential,
                )  # fmt: skip
                if group is not None:
                    found += [(service_id, sal_id, row) for row in open_now.record_rows([group])]
        return found


# --- querying -------------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    total: int
    total_is_capped: bool
    hits: list[tuple[str, str]]  # (kind, object id) in rank order
    facet_counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # With `near`: how far each hit is, by (kind, object id); a hit placed nowhere has none.
    places: dict[tuple[str, str], HitPlace] = field(default_factory=dict)
    # Nothing matched within the radius: these are the nearest matches farther away.
    beyond_radius: bool = False


def _match_sql(words: list[str]) -> tuple[str, list, str, list]:
    """A condition on entry `e` that it matches every word, and one that its name holds every word; a
    word matches when one of its forms (`word_forms`) does.

    PostgreSQL tests the stored tsvector columns of `e` directly, which lets the planner use their GIN
    indexes; SQLite looks the words up in the FTS5 table, keyed by the entry's id.
    """
    forms = [word_forms(word) for word in words]
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_either([f"{w}:*" for w in alternatives], " | ") for alternatives in forms)
        return (
            "e.search_document @@ to_tsquery('simple', %s)",
            [tsquery],
            "e.search_name @@ to_tsquery('simple', %s)",
            [tsquery],
        )
    fts_query = " AND ".join(_either([f'"{w}"*' for w in alternatives], " OR ") for alternatives in forms)
    lookup = "e.id IN (SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s)"
    return lookup, [fts_query], lookup, [f"{{name_text}} : ({fts_query})"]


def _either(terms: list[str], operator: str) -> str:
    """One term as it is (so a query without other forms is the same SQL as ever); several joined by the
    operator, in parentheses."""
    return terms[0] if len(terms) == 1 else "(" + operator.join(terms) + ")"


def directory_search(
    *,
    query: str = "",
    filters: dict[str, str] | None = None,
    kind: str | None = None,
    organization_id=None,
    offset: int = 0,
    limit: int = 20,
    with_facets: bool = False,
    count_cap: int | None = COUNT_CAP,
    near: Near | None = None,
    open_at: dt.datetime | None = None,
) -> SearchResult:
    """Ranked public records matching `query` and every filter (facet name → value).

    With `near`, the records within its reach instead, nearest first (a record's nearest position), then
    those placed only by `near.county`, by name; each hit's distance in `SearchResult.places`. With
    `open_at` (aware), only those open at that moment (directory.open_now)."""
    table = SearchEntry._meta.db_table
    facet_table = SearchFacet._meta.db_table
    where, params = ["1=1"], []
    words = query_words(query)
    name_sql: str | None = None
    name_params: list[Any] = []
    if words:
        match_sql, match_params, name_sql, name_params = _match_sql(words)
        where.append(match_sql)
        params += match_params
    if kind:
        where.append("e.kind = %s")
        params.append(kind)
    if organization_id:
        where.append("e.organization_id = %s")
        params.append(_uuid_param(organization_id))
    for facet, value in sorted((filters or {}).items()):
        if facet in FACETS and value:
            where.append(f"e.id IN (SELECT entry_id FROM {facet_table} WHERE facet = %s AND value = %s)")
            params += [facet, value]
    if open_at is not None:
        # Tested on each matching entry's few rows, found by its index: the cost follows the matches.
        open_sql, open_params = open_now.open_entries_sql("e", open_at)
        where.append(open_sql)
        params += open_params
    where_sql = " AND ".join(where)
    if near is not None:
        return _near_search(
            near,
            where_sql,
            params,
            (filters or {}).get("county", ""),
            offset,
            limit,
            with_facets,
            count_cap,
            narrowed=len(where) > 1,
        )
    if name_sql:
        order_sql = f"CASE WHEN {name_sql} THEN 0 ELSE 1 END, e.sort_name, e.id"
        order_params = name_params
    else:
        order_sql, order_params = "e.sort_name, e.id", []
    with connection.cursor() as cursor:
        # Uncapped, the page carries the count of every match (a window over them, which the sort reads
        # anyway): one statement, and the match is evaluated once. Capped, a separate count stops early.
        counted = ", count(*) OVER ()" if count_cap is None else ""
        cursor.execute(
            f"SELECT e.kind, e.object_id{counted} FROM {table} e WHERE {where_sql} "
            f"ORDER BY {order_sql} LIMIT %s OFFSET %s",
            [*params, *order_params, limit, offset],
        )
        rows = cursor.fetchall()
        hits = [(row[0], str(_as_uuid(row[1]))) for row in rows]
        if count_cap is not None:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} e WHERE {where_sql} LIMIT %s) capped",
                [*params, count_cap + 1],
            )
            total = cursor.fetchone()[0]
        elif rows:
            total = rows[0][2]
        elif offset:  # a page past the end: the matches still need counting
            cursor.execute(f"SELECT count(*) FROM {table} e WHERE {where_sql}", params)
            total = cursor.fetchone()[0]
        else:
            total = 0
        capped = count_cap is not None and total > count_cap
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        if with_facets:
            # With no condition (the search page as first opened) every facet row counts: each belongs to
            # an entry, as the rebuild writes and removes them together. Testing each row's entry against
            # the set of all entries cost 270 ms instead of 28 on SQLite at 20,000 services.
            of_matches = (
                f"WHERE f.entry_id IN (SELECT e.id FROM {table} e WHERE {where_sql}) " if where[1:] else ""
            )
            cursor.execute(
                f"SELECT f.facet, f.value, count(*) FROM {facet_table} f {of_matches}"
                "GROUP BY f.facet, f.value ORDER BY f.facet, count(*) DESC, f.value",
                params,
            )
            for facet, value, count in cursor.fetchall():
                facet_counts.setdefault(facet, []).append((value, count))
    return SearchResult(
        total=min(total, count_cap) if capped else total,
        total_is_capped=capped,
        hits=hits,
        facet_counts=facet_counts,
    )


def _near_search(
    near: Near,
    where_sql: str,
    params: list,
    in_county: str,
    offset: int,
    limit: int,
    with_facets: bool,
    count_cap: int | None,
    *,
    narrowed: bool,
) -> SearchResult:
    """directory_search's statements for a search near a place: the entries placed within reach (their
    positions found by the box of the index on latitude and longitude, or by the county's facet), and
    those placed only by the county, each also matching every condition of `where_sql` on `e`."""
    table = SearchEntry._meta.db_table
    placed, placed_params = placed_sql(near, in_county=in_county)
    matched = (
        f"SELECT e.id, e.kind, e.object_id, e.sort_name, n.d2 FROM ({placed}) n "
        f"JOIN {table} e ON e.id = n.entry_id WHERE {where_sql}"
    )
    matched_params = [*placed_params, *params]
    if near.county:
        county_only, county_params = county_only_sql(near.county)
        matched += (
            f" UNION ALL SELECT e.id, e.kind, e.object_id, e.sort_name, NULL FROM {table} e "
            f"WHERE e.id IN ({county_only}) AND {where_sql}"
        )
        matched_params += [*county_params, *params]
    # Within reach there are at most some thousands (the matches of a box, or of a county): read once, in
    # order, and paged, counted and faceted from that, instead of evaluated again for each.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, m.kind, m.object_id FROM ({matched}) m "
            "ORDER BY CASE WHEN m.d2 IS NULL THEN 1 ELSE 0 END, m.d2, m.sort_name, m.id",
            matched_params,
        )
        every = cursor.fetchall()
        beyond = False
        if not every and near.radius_m is not None and narrowed:
            every, beyond = _nearest_beyond(cursor, where_sql, params, near), True
        total = len(every)
        rows = every[offset : offset + limit]
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        if with_facets and every:
            counts: dict[tuple[str, str], int] = {}
            step = ids_per_query()
            for start in range(0, total, step):
                of_entries, entry_params = any_of(
                    "f.entry_id", [row[0] for row in every[start : start + step]]
                )
                cursor.execute(
                    f"SELECT f.facet, f.value, count(*) FROM {SearchFacet._meta.db_table} f "
                    f"WHERE {of_entries} GROUP BY f.facet, f.value",
                    entry_params,
                )
                for facet, value, count in cursor.fetchall():
                    counts[facet, value] = counts.get((facet, value), 0) + count
            for (facet, value), count in sorted(
                counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
            ):
                facet_counts.setdefault(facet, []).append((value, count))
    places = hit_places([row[0] for row in rows], near.point)
    capped = count_cap is not None and total > count_cap
    hits = [(row[1], str(_as_uuid(row[2]))) for row in rows]
    return SearchResult(
        total=count_cap if count_cap is not None and capped else total,
        total_is_capped=capped,
        hits=hits,
        facet_counts=facet_counts,
        places={hit: places[row[0]] for hit, row in zip(hits, rows, strict=True) if row[0] in places},
        beyond_radius=beyond,
    )


NEAREST_AMONG = 1000  # matches whose distance is measured when none is within the radius


def _nearest_beyond(cursor, where_sql: str, params: list, near: Near) -> list[tuple]:
    """(entry id, kind, object id) of the matches of a search that found none within its radius, nearest
    first, those placed only by a county after them (the first NEAREST_AMONG matches by name; those placed
    nowhere are left out): "victim support near Iași" then still says how far the nearest is."""
    cursor.execute(
        f"SELECT e.id, e.kind, e.object_id FROM {SearchEntry._meta.db_table} e WHERE {where_sql} "
        "ORDER BY e.sort_name, e.id LIMIT %s",
        [*params, NEAREST_AMONG],
    )
    candidates = cursor.fetchall()
    found = hit_places([row[0] for row in candidates], near.point)
    placed = [row for row in candidates if row[0] in found]
    return sorted(
        placed,
        key=lambda row: (found[row[0]].distance_m is None, found[row[0]].distance_m or 0.0),
    )


def _uuid_param(value):
    value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value if connection.vendor == "postgresql" else value.hex


def _as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
