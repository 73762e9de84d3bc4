"""A query's words and the forms each is looked up in (Romanian article endings), and text folded for
the index and for sorting: what both engines see alike (the package docstring says how)."""

from refugiu.core.folding import fold
from refugiu.directory.transliteration import extra_spellings

MAX_QUERY_WORDS = 8


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
