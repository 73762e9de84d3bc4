"""Folding text to plain lower-case ASCII words: the one form that search indexes and queries, and the
blind index of case identities, compare."""

import functools
import re

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
# No word of any language is this long; a longer run (a pasted code, a blob) keeps only its start, so
# that every folded word fits a database's full-text index (PostgreSQL refuses a lexeme over 2,046
# bytes) and a query typed as far as that still finds it by prefix.
MAX_WORD = 255


def fold(text: str) -> str:
    """Lower-case ASCII words of at most MAX_WORD characters separated by single spaces: 'Ștefănescu-Pop'
    → 'stefanescu pop'."""
    if not text:
        return ""
    # Word by word through a cache: real and synthetic text repeat their words, and transliterating
    # character by character was most of the time of indexing a large directory.
    return " ".join(filter(None, map(_fold_word, text.split())))


@functools.lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    folded = _NON_WORD.sub(" ", unidecode(word).lower()).strip()
    if len(folded) > MAX_WORD:
        folded = " ".join(part[:MAX_WORD] for part in folded.split())
    return folded
