import pytest

from refugiu.directory.search import (
    directory_search,
    fold,
    fold_for_index,
    search_reindex_organizations,
    word_forms,
)
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    attach_term,
)

pytestmark = pytest.mark.django_db


def names(result):
    from refugiu.directory.models import SearchEntry

    entries = {(e.kind, str(e.object_id)): e.sort_name for e in SearchEntry.objects.all()}
    return [entries[hit] for hit in result.hits]


def test_fold_strips_diacritics_and_transliterates():
    assert fold("Calea Crângași") == "calea crangasi"
    assert fold("Landesverein Württemberg") == "landesverein wurttemberg"
    assert fold_for_index("Център за изследване") == "tsent r za izsledvane tsentar za izsledvane"
    assert (
        fold_for_index("Κέντρο Ευρωπαϊκού Δικαίου") == "kentro europaikou dikaiou kentro evropaikou dikaiou"
    )


def test_diacritic_and_case_insensitive_prefix_search():
    crangasi = OrganizationFactory(name="Centrul Crângași", description="")
    OrganizationFactory(name="Unrelated body", description="")
    vije = OrganizationFactory(name="Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg")
    search_reindex_organizations()
    assert directory_search(query="crangasi").hits == [("organization", str(crangasi.id))]
    assert directory_search(query="CRANG").hits == [("organization", str(crangasi.id))]
    assert directory_search(query="wurttemberg").hits == [("organization", str(vije.id))]
    assert directory_search(query="jugend wurtt").hits == [("organization", str(vije.id))]


def test_cyrillic_and_greek_found_from_latin():
    bg = OrganizationFactory(name="Център за изследване на демокрацията", language="bg")
    gr = OrganizationFactory(name="Κέντρο Ευρωπαϊκού Συνταγματικού Δικαίου", language="el")
    search_reindex_organizations()
    assert directory_search(query="tsentar izsled").hits == [("organization", str(bg.id))]
    assert directory_search(query="demokratsiyata").hits == [("organization", str(bg.id))]
    assert directory_search(query="kentro evropaikou").hits == [("organization", str(gr.id))]
    assert directory_search(query="Συνταγματικού").hits == [("organization", str(gr.id))]


def test_name_matches_rank_above_description_matches():
    in_description = OrganizationFactory(name="Alpha", description="We run a shelter for women")
    in_name = OrganizationFactory(name="Zeta Shelter", description="")
    search_reindex_organizations()
    assert directory_search(query="shelter").hits == [
        ("organization", str(in_name.id)),
        ("organization", str(in_description.id)),
    ]


def test_filters_and_facet_counts():
    ro = OrganizationFactory(name="Legal Aid Bucharest", country="RO")
    bg = OrganizationFactory(name="Legal Aid Sofia", country="BG")
    attach_term(ro, "institution_type", "legal_aid")
    attach_term(bg, "institution_type", "legal_aid")
    attach_term(bg, "institution_type", "ngo")
    search_reindex_organizations()
    result = directory_search(query="legal", filters={"country": "BG"}, with_facets=True)
    assert result.hits == [("organization", str(bg.id))]
    assert dict(result.facet_counts["institution_type"]) == {"legal_aid": 1, "ngo": 1}
    all_results = directory_search(query="legal aid", with_facets=True)
    assert dict(all_results.facet_counts["country"]) == {"RO": 1, "BG": 1}
    assert dict(all_results.facet_counts["institution_type"]) == {"legal_aid": 2, "ngo": 1}


def test_services_are_indexed_with_their_places():
    service = ServiceFactory(name="Legal counselling for victims")
    location = LocationFactory(organization=service.organization)
    AddressFactory(location=location, city="Cluj-Napoca", country="RO")
    ServiceAtLocationFactory(service=service, location=location)
    search_reindex_organizations()
    result = directory_search(query="counselling", kind="service", filters={"city": "Cluj-Napoca"})
    assert result.hits == [("service", str(service.id))]


def test_confidential_address_never_enters_the_index():
    service = ServiceFactory(name="Safe house")
    location = LocationFactory(
        organization=service.organization, is_confidential=True, front_door_area="Ilfov"
    )
    AddressFactory(location=location, address_1="Strada Secretă 7", city="Otopeni", country="RO")
    ServiceAtLocationFactory(service=service, location=location)
    search_reindex_organizations()
    assert directory_search(query="secreta").hits == []
    assert directory_search(query="otopeni").hits == []
    assert directory_search(filters={"city": "Otopeni"}).hits == []
    result = directory_search(query="safe house", with_facets=True)
    assert "Otopeni" not in str(result.facet_counts)
    from refugiu.directory.models import SearchEntry

    for entry in SearchEntry.objects.all():
        assert "secreta" not in entry.body_text and "otopeni" not in entry.body_text


def test_unpublished_records_are_not_found():
    OrganizationFactory(name="Hidden draft", is_published=False)
    search_reindex_organizations()
    assert directory_search(query="hidden").hits == []


def test_count_is_capped():
    for i in range(5):
        OrganizationFactory(name=f"Common name {i}")
    search_reindex_organizations()
    result = directory_search(query="common", count_cap=3)
    assert result.total_is_capped and result.total == 3
    assert directory_search(query="common").total == 5


def test_a_romanian_word_with_its_article_is_looked_up_in_its_other_forms():
    assert word_forms("politia") == ("politia", "politie")
    assert word_forms("politie") == ("politie", "politia")
    assert word_forms("politiei") == ("politie", "politia")
    assert word_forms("judecatoria") == ("judecatoria", "judecatorie")
    assert word_forms("sectorului") == ("sector",)
    # Short stems, and words without such an ending, stay as typed.
    for word in ("media", "asia", "india", "mafia", "counselling", "interpreter", "braille", "consul"):
        assert word_forms(word) == (word,)


def test_articulated_and_bare_forms_find_each_other():
    county = OrganizationFactory(name="Inspectoratul de Poliție Județean Cluj", description="")
    sector = OrganizationFactory(name="Poliția Sectorului 1", description="")
    court = OrganizationFactory(name="Judecătoria Sectorului 1 București", description="")
    OrganizationFactory(name="Political science faculty", description="Cluj")  # not a form of "politia"
    search_reindex_organizations()

    def found(query):
        return {hit for _, hit in directory_search(query=query).hits}

    assert found("politia cluj") == {str(county.id)}
    assert found("politie sector") == {str(sector.id)}
    assert found("politiei sectorului 1") == {str(sector.id)}
    assert found("judecatoria sectorului 1") == {str(court.id)}
    assert found("judecatorie sectorul") == {str(court.id)}
