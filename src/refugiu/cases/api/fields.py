"""The types of what a client sends to the cases API, exactly as the OpenAPI document states them.

The server accepts what the document allows and nothing else: an input schema (`In`) is a JSON object
with the fields it names (others are refused, `additionalProperties: false`), each of its JSON type (no
`0` or `"yes"` for a boolean, no number for a string: pydantic's strict mode). JSON has no date, UUID or
decimal: those are strings in the form their format or pattern says, read here (`Date`, `Uuid`, `Money`).
A query string holds only text, so its numbers and booleans are read from their one written form
(`QueryInt`, `QueryBool`); a path id that is not a whole number is a record that does not exist (404, in
refugiu.api). Values the server itself builds (dates, UUIDs, decimals of its records) pass as they are.
"""

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django_countries import countries
from ninja import Path, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic_core import PydanticCustomError

# The largest id or version a database column holds: a larger number is refused as input (400) rather than
# reaching SQLite, which cannot even bind it.
MAX_ID = 2**63 - 1


class In(Schema):
    """A body, or an object inside one: a JSON object holding only the fields named, each of its type."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # ninja's Schema reads the attributes of any object, so `true` or `[]` would be read as `{}`, every
        # field at its default: a malformed request would then act (withdraw a consent, search for nothing).
        if not isinstance(values, dict | cls):
            raise PydanticCustomError("object_type", "Must be a JSON object.")
        return handler(values)


class NoBody(In):
    """The body of an operation that takes none: nothing, or an empty JSON object."""


def _text(value: Any, pattern: re.Pattern[str], message: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise PydanticCustomError("text_form", message)
    return value


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN[1:-1])
_WHOLE_NUMBER = re.compile(r"-?[0-9]+(\.0+)?")  # 2.0 too, as JSON Schema counts it


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    text = _text(value, _DATE, "Must be a date written YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("text_form", "Must be a date that exists, written YYYY-MM-DD.") from None


def _uuid(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(_text(value, _UUID, "Must be a UUID written with its hyphens."))


def _money(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    return Decimal(_text(value, _MONEY, 'Must be an amount written as text, e.g. "1200.50".'))


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer is a number without a fraction, so 2.0 is one; true and "2" are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _query_int(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = _text(value, _WHOLE_NUMBER, "Must be a whole number.")
    return int(text.partition(".")[0])


def _query_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return _text(value, re.compile("true|false"), 'Must be "true" or "false".') == "true"


Date = Annotated[dt.date, BeforeValidator(_date)]
Uuid = Annotated[uuid.UUID, BeforeValidator(_uuid)]
Money = (
    Annotated[
        Decimal,
        BeforeValidator(_money),
        Field(ge=0, max_digits=12, decimal_places=2),
        WithJsonSchema(
            {"type": "string", "pattern": MONEY_PATTERN, "description": "An amount, e.g. 1200.50."}
        ),
    ]
    | None
)
# The constraints first, so that the document says them as JSON Schema does (minimum, maximum).
JsonInteger = BeforeValidator(_json_integer)
Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]
QueryInt = Annotated[int, BeforeValidator(_query_int)]
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
# A record's id in a path: anything else answers 404, as an id that names no record does.
PathId = Annotated[int, BeforeValidator(_query_int), Path(ge=1, le=MAX_ID)]


def one_of(values: tuple[str, ...]) -> GetPydanticSchema:
    """`Annotated[str, one_of(codes)]`: pydantic reads the field as a Literal of the codes (validated on
    input, an enum in the OpenAPI document); type checkers as the str it holds."""
    codes: object = Literal[values]
    return GetPydanticSchema(lambda _source, handler: handler(codes))


COUNTRY_CODES: tuple[str, ...] = tuple(sorted(countries.countries))
_COUNTRIES = frozenset(COUNTRY_CODES)


def _country(value: str) -> str:
    # Not a Literal: its error would list every code.
    if value and value not in _COUNTRIES:
        raise PydanticCustomError(
            "country", "Must be an ISO 3166-1 alpha-2 code in capitals, e.g. RO, or empty."
        )
    return value


Country = Annotated[
    str,
    AfterValidator(_country),
    WithJsonSchema(
        {
            "type": "string",
            "enum": [*COUNTRY_CODES, ""],
            "description": "ISO 3166-1 alpha-2, in capitals (the codes this server knows), or empty.",
        }
    ),
]
