"""The query parameters of the endpoints, as strict as the OpenAPI document says they are. A bad one answers
400 naming it and saying why (the project's API, refugiu.api, turns the validation error into that answer),
before anything is read: a filter given empty (`?taxonomy_term_id=`) is refused like a malformed one, not
taken as no filter; a boolean is `true` or `false` and nothing else. A NUL or a lone surrogate, which could
not reach the database, is refused (422) for every parameter at once, by the API's parser.

The only parameter that may be empty is `lang` (no language asked, as without it), and `search` (no search).
"""

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Path, Query
from pydantic import BeforeValidator, WithJsonSchema

from refugiu.directory.api.common import MAX_PAGE, MAX_PER_PAGE
from refugiu.directory.translations import ISO_639_1


def _present(value: Any) -> Any:
    """A filter given empty (`?organization_id=`) is refused, not read as no filter: a client that meant
    one would otherwise get every record."""
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be empty: leave the parameter out for no filter")
    return value


def _boolean(value: Any) -> Any:
    """`true` or `false`, as the document says, and nothing else (not `1`, `yes` or `on`)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("must be true or false")


_UNENCODED_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _moment(value: Any) -> Any:
    """A date and time (ISO 8601), or a date meaning its midnight; without a zone, UTC."""
    value = _present(value)
    if not isinstance(value, str):
        return value
    # An unencoded "+02:00" after the time arrives as " 02:00".
    text = _UNENCODED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = dt.datetime.combine(day, dt.time())
    if moment is None:
        raise ValueError("must be a date (YYYY-MM-DD) or a date and time (ISO 8601)")
    return timezone.make_aware(moment, dt.UTC) if timezone.is_naive(moment) else moment


Page = Annotated[int, Query(description="Page number, from 1.", ge=1, le=MAX_PAGE)]
PerPage = Annotated[
    int, Query(description=f"Records per page, at most {MAX_PER_PAGE} (more gives {MAX_PER_PAGE}).", ge=1)
]
Format = Annotated[
    Literal["json", "ndjson"],
    Query(description="json: one page; ndjson: every matching record, one JSON object per line."),
]


Search = Annotated[str | None, Query(None, description="Full-text search, ranked as on the web search.")]
Boolean = Annotated[bool, BeforeValidator(_boolean)]
OpenNow = Annotated[
    Boolean,
    Query(
        False,
        description=(
            "Only records open now by their schedules (an extension of HSDS: a service is open when one of "
            "its places is, each by its own schedules, else the service's, else its location's; a schedule "
            "without a time zone is in the directory's own)."
        ),
    ),
]
Full = Annotated[
    Boolean, Query(False, description="Give each record in full form, as its own endpoint does.")
]
TopOnly = Annotated[Boolean, Query(False, description="Only terms with no parent term.")]


# The ids a list may be narrowed by; empty is refused. Query's own default (here and for the booleans): with
# a validator in the Annotated, ninja would otherwise make the parameter required.
TermId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_present),
    Query(None, description="Only records tagged with this taxonomy term."),
]
TaxonomyId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_present),
    Query(None, description="Only records tagged with a term of this taxonomy."),
]
OrganizationId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_present),
    Query(None, description="Only the services of this organization."),
]
TermsTaxonomyId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_present),
    Query(None, description="Only the terms of this taxonomy."),
]
ParentTermId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_present),
    Query(None, description="Only the terms under this term."),
]
ModifiedAfter = Annotated[
    dt.datetime | None,
    BeforeValidator(_moment),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    ),
    Query(
        None,
        description=(
            "Only records modified at or after this date and time (ISO 8601, RFC 3339), or this date "
            "(from its midnight); without a time zone, UTC."
        ),
    ),
]


# An ISO 639-1 code, lower case, with or without a region or other subtags ("uk", "uk-UA", "pt_BR"), or
# empty (no language asked). The document gives this pattern, so a client knows every code we take.
LANGUAGE_PATTERN = "^(?:(?:" + "|".join(sorted(ISO_639_1)) + ")(?:[-_][A-Za-z0-9]{1,8})*)?$"
_LANGUAGE = re.compile(LANGUAGE_PATTERN)


def _language(value: Any) -> Any:
    """An ISO 639-1 code; a regional tag ("uk-UA") is read as its language; empty: none asked."""
    if not isinstance(value, str):
        return value
    if not _LANGUAGE.match(value):
        raise ValueError("must be a language code (ISO 639-1, such as uk, or uk-UA)")
    return value.replace("_", "-").split("-")[0] or None


Lang = Annotated[
    str | None,
    BeforeValidator(_language),
    WithJsonSchema({"type": "string", "pattern": LANGUAGE_PATTERN}),
    Query(
        None,
        description=(
            "The language of the records' text: an ISO 639-1 code, such as uk (uk-UA is read as uk). Each "
            "record, and each nested in it, is given in it where it has a translation into it: its names, "
            "descriptions, eligibility, how to apply and directions in that language, field by field, a "
            "field without a translation in the record's own language; `language` then names it, and "
            "`translations` holds the others, the record's own text among them. A record without one is "
            "given as kept. Without this parameter the Accept-Language header chooses the same way, in its "
            "order of preference; without either, records are given as kept. The Content-Language header "
            "names the languages given."
        ),
    ),
]


def _metres(value: Any) -> Any:
    """HSDS sends proximity as a string: a number of metres, more than 0."""
    value = _present(value)
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(str(value).strip())
    except ValueError as error:
        raise ValueError("must be a number of metres, such as 20000") from error


MAX_PROXIMITY_M = 1_000_000  # 1,000 km: the box around a postcode stays a box of Europe, not of the globe

Postcode = Annotated[
    str | None,
    BeforeValidator(_present),
    Query(
        None,
        min_length=1,
        max_length=30,
        description=(
            "A postcode: its centroid is the mean position of this directory's own public addresses that "
            "have this postal code and coordinates (spaces and case ignored); no other postcode data is "
            'used, and a postcode none of them has answers 400 "postcode not known". Records are then '
            "ordered by distance from it, nearest first (a record's location, or for a location without "
            "coordinates the centre of its town, which counts as approximate). Service areas hold no shapes "
            "here, so a postcode is not checked against them. Use with proximity."
        ),
    ),
]
Proximity = Annotated[
    float | None,
    BeforeValidator(_metres),
    Query(
        None,
        gt=0,
        le=MAX_PROXIMITY_M,
        description=(
            f"With postcode: only records within this many metres of the postcode's centroid (at most "
            f"{MAX_PROXIMITY_M:,}), in a straight line, nearest first."
        ),
    ),
]


# A record's id in a path: documented as the UUID it is; anything else, like an id no public record has,
# answers 404 (responses.record_or_404), so a malformed id tells nothing a missing one does not.
RecordId = Annotated[
    str, WithJsonSchema({"type": "string", "format": "uuid"}), Path(description="The record's id (a UUID).")
]
