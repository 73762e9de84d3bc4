"""Latin spellings of Cyrillic and Greek names, as the people who type them would spell them.

Unidecode alone follows one scheme per script (Russian-like for Cyrillic: "ъ" becomes "'", "х" "kh").
Someone looking for a Bulgarian or Greek body types the official romanisation of that country
(Bulgaria's Streamlined System, Greece's ELOT 743), so the index holds those spellings as well.
"""

import functools
import re
import unicodedata

# Bulgarian Streamlined System (Transliteration Act 2009), lower case.
_BULGARIAN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sht",
    "ъ": "a",
    "ь": "y",
    "ю": "yu",
    "я": "ya",
}

# ELOT 743 (simplified: no context rules beyond the common digraphs), lower case, accents removed first.
_GREEK_DIGRAPHS = [
    ("ου", "ou"),
    ("αι", "ai"),
    ("ει", "ei"),
    ("οι", "oi"),
    ("μπ", "mp"),
    ("ντ", "nt"),
    ("γγ", "ng"),
    ("γκ", "gk"),
    ("τσ", "ts"),
    ("τζ", "tz"),
    ("αυ", "av"),
    ("ευ", "ev"),
    ("ηυ", "iv"),
]
_GREEK = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_GREEK_LETTERS = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


# str.translate does in C what a loop over the characters did in Python (most of indexing's time).
_BULGARIAN_TABLE = str.maketrans(_BULGARIAN)
_GREEK_TABLE = str.maketrans(_GREEK)


def _strip_accents(text: str) -> str:
    # Word by word through a cache (names repeat their words); a space is never part of a combining
    # sequence, so this is the same as normalising the whole text.
    return " ".join(map(_strip_word_accents, text.split(" ")))


@functools.lru_cache(maxsize=50_000)
def _strip_word_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def bulgarian_latin(text: str) -> str:
    return text.lower().translate(_BULGARIAN_TABLE)


def greek_latin(text: str) -> str:
    text = _strip_accents(text.lower())
    for greek, latin in _GREEK_DIGRAPHS:
        text = text.replace(greek, latin)
    return text.translate(_GREEK_TABLE)


def extra_spellings(text: str) -> list[str]:
    """National romanisations of the text when it holds Cyrillic or Greek letters; else nothing."""
    spellings = []
    if _CYRILLIC.search(text):
        spellings.append(bulgarian_latin(text))
    if _GREEK_LETTERS.search(text):
        spellings.append(greek_latin(text))
    return spellings
