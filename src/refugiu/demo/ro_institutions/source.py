"""The source, Code for Romania's institutions.json: where it comes from, the cells of its rows, and its
text cleaned (NFC, comma-below letters, invisible characters and stray spaces removed, title case for a
name written all in capitals or all in lower case)."""

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SOURCE_NAME = "code4romania/adapt-just-api database/dumps/institutions.json"
SOURCE_COMMIT = "4d54dbd07d1908f3a694884c5919fa4e0cb74cb8"
SOURCE_DATE = "2024-02-21"
SOURCE_LICENSE = "MPL-2.0"
SOURCE = f"{SOURCE_NAME}, commit {SOURCE_COMMIT} ({SOURCE_DATE}), {SOURCE_LICENSE}"

# The ids of everything this package makes are UUID 5s in this namespace.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:refugiu:demo:ro-institutions")

TYPE_KEY = "Tip institutie"
NAME_KEY = "Denumire Institutie"
EMAIL_KEY = "Adresa de email institutie (email1; email2; etc)"
CODE_KEY = "COD ISO Judet"
COUNTY_KEY = "Nume judet"

COMMA_BELOW = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Lower case inside a name, unless first: Romanian prepositions, articles and conjunctions.
PARTICLES = frozenset(
    {"a", "al", "ale", "cu", "de", "din", "în", "la", "lângă", "pe", "pentru", "privind", "sub", "și"}
)
ACRONYMS = frozenset({"ONU"})


def comma_below(text: str) -> str:
    """Romanian ș and ț with the comma below, as the standard writes them, for the cedilla ş and ţ."""
    return text.translate(COMMA_BELOW)


def clean_text(text: str) -> str:
    """The source's text in NFC, comma-below letters, invisible characters removed, spaces squeezed."""
    return " ".join(INVISIBLE.sub("", comma_below(unicodedata.normalize("NFC", text))).split())


def title_case(text: str) -> str:
    """A name written all in capitals or all in lower case, in title case; a mixed-case one as it is,
    with its particles ("De", "Pe") in lower case. Hyphenated parts are capitalised each."""
    words = text.split(" ")
    recase = text == text.upper() or text == text.lower()
    result = []
    for position, word in enumerate(words):
        if word in ACRONYMS:
            result.append(word)
        elif position and word.lower() in PARTICLES:
            result.append(word.lower())
        elif recase:
            result.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
        else:
            result.append(word)
    return " ".join(result)


@dataclass(frozen=True)
class SourceRow:
    """One row of one flow, its cells cleaned of stray spaces ("" for a missing cell)."""

    flow: str
    number: int  # from 1, within its flow
    type: str
    name: str
    raw_name: str  # as the source has it
    emails: str  # as the source has it
    code: str
    county: str
    has_emails: bool

    @property
    def where(self) -> str:
        return f"{self.flow} #{self.number}"


def source_rows(source: Any) -> list[SourceRow]:
    """The rows of every flow, in order; a row that is no JSON object counts as one with no cells.
    ValueError when the source is not an object of flows, each a list."""
    if not isinstance(source, Mapping):
        raise ValueError("the source must be a JSON object of flows (flow name → list of rows)")
    rows = []
    for flow, items in source.items():
        if not isinstance(items, list):
            raise ValueError(f"flow {flow!r} must be a list of rows")
        for number, item in enumerate(items, 1):
            if not isinstance(item, Mapping):
                item = {}
            rows.append(
                SourceRow(
                    flow=flow,
                    number=number,
                    type=clean_text(str(item.get(TYPE_KEY) or "")),
                    name=clean_text(str(item.get(NAME_KEY) or "")),
                    raw_name=str(item.get(NAME_KEY) or ""),
                    emails=str(item.get(EMAIL_KEY) or ""),
                    code=clean_text(str(item.get(CODE_KEY) or "")).upper(),
                    county=clean_text(str(item.get(COUNTY_KEY) or "")),
                    has_emails=EMAIL_KEY in item,
                )
            )
    return rows
