"""The languages a beneficiary speaks: ISO 639 codes, named in the interface language.

The names come from Babel's copy of the Unicode CLDR (pinned in pyproject.toml): about 550 languages by
their ISO 639 code (two letters where ISO 639-1 has one, three otherwise), each named in every language of
the interface, offline. A language is typed or picked as "name (code)" (the form's list), or as its code, or
by its name in the interface language, in English, in Romanian or in itself: `language_code` reads all of
these, and anything else is refused by the form and kept as it was by the migration of older free text
(`languages_to_codes`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils.translation import get_language

_CODE = re.compile(r"[a-z]{2,3}")
_PICKED = re.compile(r"\(([A-Za-z]{2,3})\)\s*$")  # "română (ro)", as the form's list offers it
# Names read besides the interface language's: English and Romanian (the staff's languages).
_READ_IN = ("en", "ro")


def _fold(text: str) -> str:
    """Lower case, without accents or surrounding space: "Română " and "romana" are the same name."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or settings.LANGUAGE_CODE).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


@lru_cache(maxsize=16)
def _names(language: str) -> dict[str, str]:
    """ISO 639 code → name in `language`, for the codes CLDR names (no regional or script variants)."""
    return {code: name for code, name in _locale(language).languages.items() if _CODE.fullmatch(code)}


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every known language, named in `language` (the interface's by default), by name."""
    names = _names(language or get_language() or settings.LANGUAGE_CODE)
    return sorted(names.items(), key=lambda item: (_fold(item[1]), item[0]))


def language_name(code: str, language: str | None = None) -> str:
    """The name of `code` in `language` (the interface's by default); an unknown code as it is."""
    return _names(language or get_language() or settings.LANGUAGE_CODE).get(code, code)


def language_label(code: str, language: str | None = None) -> str:
    """How the form shows a language: "română (ro)"; an unknown value as it is."""
    name = language_name(code, language)
    return f"{name} ({code})" if name != code else code


@lru_cache(maxsize=16)
def _by_name(language: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for read_in in (*_READ_IN, language):
        found |= {_fold(name): code for code, name in _names(read_in).items()}
    for code in _names("en"):  # each language by its own name: "română", "українська"
        try:
            own = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            found.setdefault(_fold(own), code)
    return found


def language_code(text: str, language: str | None = None) -> str | None:
    """The ISO 639 code `text` names, or None: a code ("ro"), a picked "name (code)", or a name in the
    interface language, English, Romanian or the language itself, in any case and with or without accents."""
    value = text.strip()
    picked = _PICKED.search(value)
    if picked:
        value = picked.group(1)
    known = _names("en")
    if value.lower() in known:
        return value.lower()
    return _by_name(language or get_language() or settings.LANGUAGE_CODE).get(_fold(value))


def languages_to_codes(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Older free text ("romanian", "Русский", "ro") as codes: (the list, each readable value as its code
    and every other one kept as it was, in order and without repeats; the values that could not be read)."""
    kept: list[str] = []
    unread: list[str] = []
    for value in values:
        if not str(value).strip():
            continue
        code = language_code(str(value), "en")
        if code is None:
            unread.append(str(value))
        kept.append(code or str(value))
    return list(dict.fromkeys(kept)), unread
