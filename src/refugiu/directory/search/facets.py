"""The facets a search counts and filters by, and the facet rows of an entry."""

# Facets shown on the search page, in order. Taxonomy facets are keyed by the taxonomy's slug.
TAXONOMY_FACETS = ("institution_type", "service_type", "target_group", "crime_type")
PLACE_FACETS = ("country", "county", "city")
FACETS = (*PLACE_FACETS, *TAXONOMY_FACETS, "language")


def facet_rows(countries, cities, terms, languages, counties=()) -> list[tuple[str, str]]:
    rows = {("country", c) for c in countries if c} | {("city", c) for c in cities if c}
    rows |= {("county", c) for c in counties}
    rows |= {(slug, code) for slug, code in terms if slug in TAXONOMY_FACETS}
    rows |= {("language", code.lower()) for code in languages if code}
    return sorted(rows)
