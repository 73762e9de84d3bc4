"""Folding text to plain lower-case ASCII words: the one form that search indexes and queries, and the
blind index of case identities, compare."""

import functools
import re

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: 'Ștefănescu-Pop' → 'stefanescu pop'."""
    if not text:
        return ""
    # Word by word through a cache: real and synthetic text repeat their words, and transliterating
    # character by character was most of the time of indexing a large directory.
    return " ".join(filter(None, map(_fold_word, text.split())))


@functools.lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return _NON_WORD.sub(" ", unidecode(word).lower()).strip()
