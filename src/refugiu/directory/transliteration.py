"""Latin spellings of Cyrillic and Greek names, as the people who type them would spell them.

Unidecode alone follows one scheme per script (Russian-like for Cyrillic: "ъ" becomes "'", "х" "kh").
Someone looking for a Bulgarian, Ukrainian or Greek body types the official romanisation of that country
(Bulgaria's Streamlined System, Ukraine's national system of 2010, Greece's ELOT 743), so the index holds
those spellings as well. Ukrainian text is told by the letters only Ukrainian has (і, ї, є, ґ).
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

# Ukraine's national romanisation (Cabinet of Ministers resolution 55 of 27 January 2010), lower case:
# є, ї, й, ю, я are ye, yi, y, yu, ya at the start of a word and ie, i, i, iu, ia elsewhere ("Київ" is
# "Kyiv"); зг is zgh; the soft sign and the apostrophe are left out.
_UKRAINIAN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
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
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ʼ": "",
}
_UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UKRAINIAN_WORD_START = re.compile(r"(?<![\w'’ʼ])([єїйюя])")
_UKRAINIAN_LETTERS = re.compile(r"[ієїґІЄЇҐ]")

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
_UKRAINIAN_TABLE = str.maketrans(_UKRAINIAN)


def _strip_accents(text: str) -> str:
    # Word by word through a cache (names repeat their words); a space is never part of a combining
    # sequence, so this is the same as normalising the whole text.
    return " ".join(map(_strip_word_accents, text.split(" ")))


@functools.lru_cache(maxsize=50_000)
def _strip_word_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def bulgarian_latin(text: str) -> str:
    return text.lower().translate(_BULGARIAN_TABLE)


def is_ukrainian(text: str) -> bool:
    """The text holds letters only Ukrainian has."""
    return bool(_UKRAINIAN_LETTERS.search(text))


def ukrainian_latin(text: str) -> str:
    text = text.lower().replace("зг", "zgh")
    text = _UKRAINIAN_WORD_START.sub(lambda letter: _UKRAINIAN_INITIAL[letter.group(1)], text)
    return text.translate(_UKRAINIAN_TABLE)


def greek_latin(text: str) -> str:
    text = _strip_accents(text.lower())
    for greek, latin in _GREEK_DIGRAPHS:
        text = text.replace(greek, latin)
    return text.translate(_GREEK_TABLE)


def extra_spellings(text: str) -> list[str]:
    """National romanisations of the text when it holds Cyrillic or Greek letters; else nothing. The first
    is the one a Cyrillic name sorts by (search.sort_key)."""
    spellings = []
    if _CYRILLIC.search(text):
        spellings.append(bulgarian_latin(text))
        if is_ukrainian(text):
            spellings.append(ukrainian_latin(text))
    if _GREEK_LETTERS.search(text):
        spellings.append(greek_latin(text))
    return spellings
