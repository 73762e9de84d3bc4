"""SQLite (FTS5) and PostgreSQL (tsvector) must give the same results, in the same order, for the same data.

The suite runs once on each engine (.ci/run); these expectations are fixed lists, so both runs passing
proves the two engines agree hit for hit.
"""

import uuid

import pytest
from django.db import connection

from refugiu.core.folding import MAX_WORD
from refugiu.directory.search import directory_search, search_reindex_organizations
from tests.factories import OrganizationFactory, attach_term

pytestmark = pytest.mark.django_db

NAMES = [
    ("Asociația Crângași pentru Victime", "Consiliere juridică și socială", "RO"),
    ("Crime Prevention Council of Lower Saxony", "Prevention work in Niedersachsen", "DE"),
    ("Verein für Internationale Jugendarbeit Württemberg", "Counselling for women", "DE"),
    ("Център за изследване на демокрацията", "Research on crime and victims", "BG"),
    ("Κέντρο Ευρωπαϊκού Συνταγματικού Δικαίου", "Constitutional law and victims' rights", "GR"),
    ("Victim Support Sweden", "Support for victims of crime; legal counselling", "SE"),
    ("Legal Aid Office Crangasi", "State legal aid", "RO"),
    ("Shelter Network", "Counselling and safe accommodation for victims", "IT"),
    ("Women's Rights Centre", "Legal counselling for women victims of violence", "ES"),
    ("Bucharest Bar", "Bar association; legal aid rota", "RO"),
]

EXPECTED = {
    "crangasi": ["asociatia crangasi pentru victime", "legal aid office crangasi"],
    "victim": [
        "asociatia crangasi pentru victime",
        "victim support sweden",
        "kentro evropaikou syntagmatikou dikaiou",
        "shelter network",
        "tsentar za izsledvane na demokratsiyata",
        "women s rights centre",
    ],
    "counsel": [
        "shelter network",
        "verein fur internationale jugendarbeit wurttemberg",
        "victim support sweden",
        "women s rights centre",
    ],
    "legal": ["legal aid office crangasi", "bucharest bar", "victim support sweden", "women s rights centre"],
    "wurttemberg": ["verein fur internationale jugendarbeit wurttemberg"],
    "tsentar": ["tsentar za izsledvane na demokratsiyata"],
    "evropaikou": ["kentro evropaikou syntagmatikou dikaiou"],
    "legal couns": ["victim support sweden", "women s rights centre"],
    "nothingmatches": [],
}


@pytest.fixture
def directory():
    for name, description, country in NAMES:
        organization = OrganizationFactory(name=name, description=description, country=country)
        if country == "RO":
            attach_term(organization, "institution_type", "legal_aid")
    search_reindex_organizations()


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_same_ranked_results_on_every_engine(directory, query):
    from refugiu.directory.models import SearchEntry

    names = dict(SearchEntry.objects.values_list("object_id", "sort_name"))
    hits = [names[uuid.UUID(object_id)] for _kind, object_id in directory_search(query=query).hits]
    assert hits == EXPECTED[query]


def test_same_facet_counts_on_every_engine(directory):
    result = directory_search(query="victim", with_facets=True)
    assert result.facet_counts == {
        "country": [("BG", 1), ("ES", 1), ("GR", 1), ("IT", 1), ("RO", 1), ("SE", 1)],
        "institution_type": [("legal_aid", 1)],
    }
    result = directory_search(filters={"institution_type": "legal_aid"}, with_facets=True)
    assert result.total == 3
    assert result.facet_counts["country"] == [("RO", 3)]


def test_a_word_longer_than_any_index_takes_is_kept_by_its_start_on_every_engine():
    """A pasted code of 3,000 letters: PostgreSQL would refuse it as a lexeme, so it is indexed by its
    first MAX_WORD characters, and found as far as those go, whatever length is typed."""
    code = "Zx9" * 1000
    organization = OrganizationFactory(name="Registry Office", description=f"Reference {code} on file")
    search_reindex_organizations([organization.id])
    for typed in (code[:12], code[:MAX_WORD], code):
        assert [hit for _, hit in directory_search(query=typed).hits] == [str(organization.id)], len(typed)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector columns only")
def test_postgresql_document_holds_the_words_to_tsvector_would_give(directory):
    """The search columns read the folded words as a tsvector (migration 0005); this is what the full
    text parser made of the same text before, positions aside."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE search_document = strip(to_tsvector('simple',"
            " name_text || ' ' || body_text)) AND search_name = strip(to_tsvector('simple', name_text)))"
            " FROM directory_searchentry"
        )
        entries, same = cursor.fetchone()
    assert entries == len(NAMES) and same == entries
