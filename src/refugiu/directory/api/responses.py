"""What the endpoints answer: a page of records in the HSDS Page envelope, every record as NDJSON, or one
record (404 alike for missing, unpublished or malformed ids); and how the OpenAPI document describes
those answers: every status they can have, and the records by the HSDS objects' structure, which the document
holds (directory.api.openapi)."""

import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from ninja.errors import HttpError

from refugiu.core import fastjson
from refugiu.directory.api.common import ID_BATCH, MAX_PER_PAGE
from refugiu.directory.api.openapi import component_ref
from refugiu.directory.api.selections import Selection
from refugiu.directory.hsds.serialise.attributes import AttributeSlots, attributes_deferred
from refugiu.directory.hsds.serialise.fields import HsdsRecord

NDJSON = "application/x-ndjson"

Serialise = Callable[[Any, AttributeSlots], HsdsRecord]
# The HSDS forms of the public ones of these records, in the order of the ids (UUIDs, or their text).
Records = Callable[[Sequence[uuid.UUID | str]], list[HsdsRecord]]


def loader(queryset: QuerySet, serialise: Serialise) -> Records:
    """Records loaded from `queryset` (which prefetches what `serialise` reads) and serialised."""

    def records(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
        # Put back in the order of the ids here, so the database need not sort (nor Django compile an
        # ORDER BY: for a small page a fifth of the request went on compiling it).
        by_id = {str(record.id): record for record in queryset.filter(id__in=ids).order_by()} if ids else {}
        return _serialised([record for i in map(str, ids) if (record := by_id.get(i)) is not None], serialise)

    return records


def _serialised(records: list, serialise: Serialise) -> list[HsdsRecord]:
    with attributes_deferred() as attributes:
        data = [serialise(record, attributes) for record in records]
    return data


def listing(
    selection: Selection, *, page: int, per_page: int, format: str, records: Records
) -> dict | StreamingHttpResponse:
    if format == "ndjson":
        return _ndjson(selection, records)
    per_page = min(per_page, MAX_PER_PAGE)
    total, ids = selection.page(offset=(page - 1) * per_page, limit=per_page)
    contents = records(ids)
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(selection: Selection, records: Records) -> StreamingHttpResponse:
    """Every record of the selection, loaded and serialised a batch at a time, so memory stays flat."""

    def lines() -> Iterator[bytes]:
        for ids in selection.batches(size=ID_BATCH):
            for record in records(ids):
                yield fastjson.dumps(record) + b"\n"

    return StreamingHttpResponse(lines(), content_type=NDJSON)


def record_or_404(queryset: QuerySet, record_id: str):
    """The public record with this id; 404 alike for missing, unpublished or malformed."""
    try:
        parsed = uuid.UUID(record_id)
    except ValueError:
        parsed = None
    record = queryset.filter(id=parsed).first() if parsed else None
    if record is None:
        raise HttpError(404, "Not found")
    return record


def one(record: Any, serialise: Serialise) -> HsdsRecord:
    return _serialised([record], serialise)[0]


LANGUAGE_HEADERS = {
    "Content-Language": {
        "description": (
            "Given when `lang` or Accept-Language asks for a language: the languages of the text of the "
            "records given (each record's `language` says its own); in NDJSON, the language asked for."
        ),
        "schema": {"type": "string"},
    }
}

# The error body, the same shape as the cases API's: `detail` says what went wrong; a refused parameter is
# named in `errors`, with why (refugiu.api writes both).
ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["parameter", "message"],
                "properties": {"parameter": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


INVALID = _error("A parameter is not valid (empty, malformed, or out of range); `errors` names it and why")
UNSTORABLE = _error(
    "A parameter holds text no database can store (a NUL character, a lone surrogate); `errors` names it"
)
NOT_FOUND = _error("No public record has this id (missing, unpublished, or not an id at all)")


def documented(item: str, *, page: bool, languages: bool = False, full: str | None = None) -> dict:
    """The OpenAPI responses of an endpoint, its records described by the HSDS schema `item` (a component
    of the document: directory.api.openapi), or with full=true by `full`; every status it can answer.
    `languages`: the endpoint takes `lang` and says the language of its answer. An endpoint with query
    parameters may refuse them (400, 422)."""
    headers = {"headers": LANGUAGE_HEADERS} if languages else {}
    schema: dict = component_ref(item)
    if full is not None:
        schema = {"anyOf": [schema, component_ref(full)]}
    refused = {400: INVALID, 422: UNSTORABLE} if page or languages else {}
    if not page:
        return {
            "responses": {
                200: {"description": "OK", "content": {"application/json": {"schema": schema}}, **headers},
                404: NOT_FOUND,
                **refused,
            }
        }
    envelope = {
        "type": "object",
        "required": [
            "total_items", "total_pages", "page_number", "size",
            "first_page", "last_page", "empty", "contents",
        ],
        "properties": {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 0},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": schema},
        },
    }  # fmt: skip
    return {
        "responses": {
            200: {
                "description": "A page (format=json), or every record, one per line (format=ndjson)",
                "content": {"application/json": {"schema": envelope}, NDJSON: {"schema": schema}},
                **headers,
            },
            **refused,
        }
    }
