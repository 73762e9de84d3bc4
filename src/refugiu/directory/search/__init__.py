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

The package, by what each module holds: `words` (a query's words and the forms they are looked up in,
text folded for the index), `facets` (the facets counted and an entry's facet rows), `index` (rebuilding
the entries of organisations and their services), `hours` (the opening rows written beside them),
`engines` (what differs between SQLite and PostgreSQL: the text match, ids as parameters, rows as each
gives them) and `query` (`directory_search`: matching, ranking, counting, facet counts, searches near a
place).
"""

from refugiu.directory.search.facets import FACETS, PLACE_FACETS, TAXONOMY_FACETS
from refugiu.directory.search.index import (
    ANALYZE_AFTER,
    search_reindex_organizations,
    search_statistics_refresh,
)
from refugiu.directory.search.query import COUNT_CAP, SearchResult, directory_search
from refugiu.directory.search.words import (
    MAX_QUERY_WORDS,
    fold,
    fold_for_index,
    query_words,
    sort_key,
    word_forms,
)

__all__ = [
    "ANALYZE_AFTER", "COUNT_CAP", "FACETS", "MAX_QUERY_WORDS", "PLACE_FACETS", "TAXONOMY_FACETS",
    "SearchResult", "directory_search", "fold", "fold_for_index", "query_words",
    "search_reindex_organizations", "search_statistics_refresh", "sort_key", "word_forms",
]  # fmt: skip
