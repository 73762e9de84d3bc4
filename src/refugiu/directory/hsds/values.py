"""How the import checks the value of one field of an HSDS record and makes it the Python value our column
takes (`field_value`), or says what is wrong with it (`problems.Invalid`); and the import's ids (`Id`,
`as_id`). Which columns a record has is in `entities`.
"""

import datetime as dt
import functools
import json
import math
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from refugiu.directory import models as d
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.entities import Column
from refugiu.directory.hsds.problems import Invalid

__all__ = ["Id", "as_id", "field_value", "is_blank", "text_over_limit"]

_TEXT_KINDS = frozenset({"str", "email", "url", "country"})

_email = EmailValidator()
_url = d.WebAddressValidator(schemes=["http", "https"])  # no length: the import's limit on a field applies


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def field_value(column: Column, value: Any, *, from_text: bool) -> Any:
    """The Python value of a field, or `Invalid`. `from_text`: every value arrives as a CSV string."""
    kind = column.kind
    if kind == "str" and value.__class__ is str and not column.choices:  # most fields: checked first, fast
        if column.max_length and len(value) > column.max_length:
            raise _longer_than(column.max_length)
        return value
    if kind == "translations":
        return _translations(column, value, from_text=from_text)
    if not isinstance(value, str) and (kind in _TEXT_KINDS or kind in ("date", "time", "datetime", "uuid")):
        raise say.not_text(value)
    if kind in _TEXT_KINDS:
        if column.choices and value not in column.choices:
            raise say.not_one_of(value, column.choices)
        if kind == "country":
            if len(value) != 2 or not value.isascii() or not value.isalpha():
                raise say.not_country()
            return value.upper()
        if kind == "email":
            if column.max_length and len(value) > column.max_length:
                raise say.email_too_long(column.max_length)
            try:
                _email(value)
            except ValidationError:
                raise say.not_email() from None
        elif kind == "url":
            try:
                _url(value)
            except ValidationError:
                raise say.not_url() from None
        if column.max_length and len(value) > column.max_length:
            raise _longer_than(column.max_length)
        return value
    if kind == "uuid":
        parsed = as_id(value)
        if parsed is None:
            raise say.not_uuid(column.name)
        return parsed
    if kind in ("date", "time", "datetime"):
        return _moment(kind, value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if from_text else None
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise say.not_boolean(from_text=from_text)
    return _number(column, value, from_text=from_text)


def _longer_than(limit: int) -> Invalid:
    """Only a column whose values are codes has a length (status, country, …): a value past it is no code."""
    return Invalid(
        _("must be at most %(limit)s characters long") % {"limit": limit},
        _("Check the value: it is a code of at most %(limit)s characters.") % {"limit": limit},
    )


def _moment(kind: str, value: str) -> dt.date | dt.time | dt.datetime:
    parser = {"date": parse_date, "time": parse_time, "datetime": parse_datetime}[kind]
    try:
        parsed = parser(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise say.not_moment(kind)
    if isinstance(parsed, dt.datetime) and timezone.is_naive(parsed):  # kind "datetime"
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _number(column: Column, value: Any, *, from_text: bool) -> int | float | Decimal:
    kind = column.kind
    number: Decimal | None = None
    if isinstance(value, str) and from_text:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
    if number is None or not number.is_finite():
        raise say.not_whole_number() if kind == "int" else say.not_number()
    if kind == "float":
        return float(number)
    if kind == "int":
        if number != number.to_integral_value():
            raise say.not_whole_number()
        if not 0 <= number <= (column.maximum or 0):
            raise say.out_of_range(0, column.maximum)
        return int(number)
    max_digits, places = column.digits
    quantized = number.quantize(Decimal(1).scaleb(-places))
    limit = 10 ** (max_digits - places)
    if abs(quantized) >= limit:
        raise say.out_of_range(-limit, limit)
    return quantized


# An import keeps ids as a UUID's canonical text (what str(uuid.UUID(…)) gives: lower case, with
# dashes), not as UUID objects: it handles hundreds of thousands of them, and a str is made, hashed and
# compared in C where a UUID does all three in Python (a fifth of reading a large file went on them).
Id = str
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def as_id(value: Any) -> Id | None:
    """`value` as an Id, or None if it is not a UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    return _parse_uuid(value.strip()) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)  # the same few terms and parents recur across a large file
def _parse_uuid(text: str) -> Id | None:
    """Any form uuid.UUID reads (upper case, braces, "urn:uuid:", no dashes), as an Id."""
    if _CANONICAL_UUID.fullmatch(text):
        return text
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _translations(column: Column, value: Any, *, from_text: bool) -> dict:
    """Our extension: {"en": {"name": …, "description": …}}, the record's text in other languages."""
    if from_text and isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise say.not_translations()
    for language, texts in value.items():
        if not language or len(language) > 8:
            raise say.not_language_code(language)
        if not isinstance(texts, dict) or not all(isinstance(text, str) for text in texts.values()):
            raise say.not_translations(f"{column.name}.{language}")
    return value


def text_over_limit(value: Any, limit: int) -> bool:
    """A string longer than `limit` characters, or one inside this list or object (its keys too)."""
    if value.__class__ is str:
        return len(value) > limit
    if isinstance(value, dict):
        return any(len(key) > limit or text_over_limit(item, limit) for key, item in value.items())
    if isinstance(value, list):
        return any(text_over_limit(item, limit) for item in value)
    return False
