"""Search over the public directory, the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Text is folded in Python before it reaches either database: Unidecode strips diacritics and
transliterates Cyrillic and Greek to Latin, then everything is lower-cased into plain words. Both
engines therefore index the same tokens, and a query folded the same way finds "Crângași" from
"crangasi" and "Център" from "tsentur" on both. Every query word is a prefix, so results appear as
one types.

Ranking is deliberately simple and identical on both databases: records whose *name* holds every
word come first, then records that match only in their other text; within each tier, alphabetical
by name. Nothing is scored per match, so a common term costs a sort, not a scoring pass.

Search queries are never stored or logged.
"""

import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from unidecode import unidecode

from refugiu.directory.models import (
    Organization,
    SearchEntry,
    SearchFacet,
    Service,
)
from refugiu.directory.selectors import terms_for
from refugiu.directory.transliteration import extra_spellings

COUNT_CAP = 1000
MAX_QUERY_WORDS = 8
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Facets shown on the search page, in order. Taxonomy facets are keyed by the taxonomy's slug.
TAXONOMY_FACETS = ("institution_type", "service_type", "target_group", "crime_type")
PLACE_FACETS = ("country", "city")
FACETS = (*PLACE_FACETS, *TAXONOMY_FACETS, "language")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: the form both indexes and queries use."""
    return _NON_WORD.sub(" ", unidecode(text or "").lower()).strip()


def fold_for_index(text: str) -> str:
    """`fold`, plus the national romanisations of any Cyrillic or Greek, so either spelling finds it."""
    return " ".join([fold(text), *(fold(s) for s in extra_spellings(text or ""))])


def sort_key(text: str) -> str:
    """Alphabetical key: a Cyrillic or Greek name sorts by its national romanisation."""
    spellings = extra_spellings(text or "")
    return fold(spellings[0] if spellings else text)[:300]


def query_words(query: str) -> list[str]:
    return fold(query).split()[:MAX_QUERY_WORDS]


# --- indexing -------------------------------------------------------------------------------------------


def _public_places(locations) -> tuple[set[str], set[str], list[str]]:
    """Countries, cities and address text that may be shown publicly for these locations."""
    countries, cities, texts = set(), set(), []
    for location in locations:
        if location.is_confidential:
            if location.front_door_area:
                cities.add(location.front_door_area)
                texts.append(location.front_door_area)
            continue
        texts += location.all_texts("name")
        for address in location.addresses.all():
            countries.add(address.country.upper())
            cities.add(address.city)
            texts += [
                address.address_1,
                address.address_2,
                address.city,
                address.region,
                address.state_province,
            ]
    return countries, cities, texts


def _facet_rows(countries, cities, terms, languages) -> list[tuple[str, str]]:
    rows = {("country", c) for c in countries if c} | {("city", c) for c in cities if c}
    for term in terms:
        taxonomy = term.taxonomy_ref
        if taxonomy is not None and taxonomy.slug in TAXONOMY_FACETS:
            rows.add((taxonomy.slug, term.code or str(term.id)))
    rows |= {("language", code.lower()) for code in languages if code}
    return sorted(rows)


def search_reindex_organizations(organization_ids=None) -> int:
    """Rebuild the search entries of these organisations (all when None) and of their services.

    Unpublished records, and the addresses of confidential locations, are left out. Returns the number
    of entries written.
    """
    organizations = Organization.objects.prefetch_related(
        "locations__addresses",
        "services__service_at_locations__location__addresses",
        "services__languages",
    )
    if organization_ids is not None:
        organization_ids = list(organization_ids)
        organizations = organizations.filter(id__in=organization_ids)
    written = 0
    with transaction.atomic():
        stale = SearchEntry.objects.all()
        if organization_ids is not None:
            stale = stale.filter(organization_id__in=organization_ids)
        SearchFacet.objects.filter(entry__in=stale).delete()
        stale.delete()
        for chunk in _chunks(organizations.filter(is_published=True).order_by("pk"), 500):
            written += _index_chunk(chunk)
    return written


def _chunks(queryset, size):
    batch = []
    for item in queryset.iterator(chunk_size=size):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _index_chunk(organizations: list[Organization]) -> int:
    services = [s for o in organizations for s in o.services.all() if s.is_published]
    terms = terms_for([o.id for o in organizations] + [s.id for s in services])
    entries, facets = [], []
    for organization in organizations:
        org_locations = list(organization.locations.all())
        countries, cities, place_texts = _public_places(org_locations)
        if organization.country:
            countries.add(organization.country.upper())
        org_terms = terms.get(organization.id, [])
        org_services = [s for s in organization.services.all() if s.is_published]
        entry = SearchEntry(
            kind=SearchEntry.Kind.ORGANIZATION,
            object_id=organization.id,
            organization_id=organization.id,
            sort_name=sort_key(organization.name),
            name_text=fold_for_index(
                " ".join(organization.all_texts("name") + [organization.alternate_name])
            ),
            body_text=fold_for_index(" ".join(organization.all_texts("description") + place_texts)),
        )
        service_terms = [t for s in org_services for t in terms.get(s.id, [])]
        service_languages = {lang.code for s in org_services for lang in s.languages.all()}
        entries.append(entry)
        facets.append(_facet_rows(countries, cities, org_terms + service_terms, service_languages))
        for service in org_services:
            locations = [sal.location for sal in service.service_at_locations.all()]
            s_countries, s_cities, s_texts = _public_places(locations)
            if not s_countries and organization.country:
                s_countries.add(organization.country.upper())
            entries.append(
                SearchEntry(
                    kind=SearchEntry.Kind.SERVICE,
                    object_id=service.id,
                    organization_id=organization.id,
                    sort_name=sort_key(service.name),
                    name_text=fold_for_index(" ".join(service.all_texts("name") + [service.alternate_name])),
                    body_text=fold_for_index(
                        " ".join(service.all_texts("description") + organization.all_texts("name") + s_texts)
                    ),
                )
            )
            facets.append(
                _facet_rows(
                    s_countries,
                    s_cities,
                    terms.get(service.id, []) + org_terms,
                    {lang.code for lang in service.languages.all()},
                )
            )
    created = SearchEntry.objects.bulk_create(entries)
    if connection.vendor != "postgresql" and any(e.pk is None for e in created):
        raise RuntimeError("bulk_create did not return primary keys")
    SearchFacet.objects.bulk_create(
        SearchFacet(entry_id=entry.pk, facet=name, value=value[:200])
        for entry, rows in zip(created, facets, strict=True)
        for name, value in rows
    )
    return len(created)


# --- querying -------------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    total: int
    total_is_capped: bool
    hits: list[tuple[str, str]]  # (kind, object id) in rank order
    facet_counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _match_sql(words: list[str]) -> tuple[str, list, str, list]:
    """SQL selecting matching entry ids, and SQL selecting the ids whose name holds every word."""
    table = SearchEntry._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        return (
            f"SELECT id FROM {table} WHERE search_document @@ to_tsquery('simple', %s)",
            [tsquery],
            f"SELECT id FROM {table} WHERE search_name @@ to_tsquery('simple', %s)",
            [tsquery],
        )
    fts_query = " AND ".join(f'"{w}"*' for w in words)
    return (
        "SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s",
        [fts_query],
        "SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s",
        [f"{{name_text}} : ({fts_query})"],
    )


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
) -> SearchResult:
    """Ranked public records matching `query` and every filter (facet name → value)."""
    table = SearchEntry._meta.db_table
    facet_table = SearchFacet._meta.db_table
    where, params = ["1=1"], []
    words = query_words(query)
    name_sql, name_params = None, []
    if words:
        match_sql, match_params, name_sql, name_params = _match_sql(words)
        where.append(f"e.id IN ({match_sql})")
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
    where_sql = " AND ".join(where)
    if name_sql:
        order_sql = f"CASE WHEN e.id IN ({name_sql}) THEN 0 ELSE 1 END, e.sort_name, e.id"
        order_params = name_params
    else:
        order_sql, order_params = "e.sort_name, e.id", []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.kind, e.object_id FROM {table} e WHERE {where_sql} "
            f"ORDER BY {order_sql} LIMIT %s OFFSET %s",
            [*params, *order_params, limit, offset],
        )
        hits = [(k, str(_as_uuid(o))) for k, o in cursor.fetchall()]
        if count_cap is None:
            cursor.execute(f"SELECT count(*) FROM {table} e WHERE {where_sql}", params)
        else:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} e WHERE {where_sql} LIMIT %s) capped",
                [*params, count_cap + 1],
            )
        total = cursor.fetchone()[0]
        capped = count_cap is not None and total > count_cap
        facet_counts = {}
        if with_facets:
            cursor.execute(
                f"SELECT f.facet, f.value, count(*) FROM {facet_table} f "
                f"WHERE f.entry_id IN (SELECT e.id FROM {table} e WHERE {where_sql}) "
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


def _uuid_param(value):
    import uuid

    value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value if connection.vendor == "postgresql" else value.hex


def _as_uuid(value):
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def search_services_queryset(result: SearchResult):
    """The Service objects of a result's service hits, in rank order."""
    ids = [object_id for kind, object_id in result.hits if kind == SearchEntry.Kind.SERVICE]
    by_id = {str(s.id): s for s in Service.objects.filter(id__in=ids)}
    return [by_id[i] for i in ids if i in by_id]
