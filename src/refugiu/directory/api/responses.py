"""What the endpoints answer: a page of records in the HSDS Page envelope, every record as NDJSON, or one
record (404 alike for missing, unpublished or malformed ids); and how the OpenAPI document describes
those answers, pointing at the official HSDS schemas."""

import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from ninja.errors import HttpError

from refugiu.core import fastjson
from refugiu.directory.api.common import ID_BATCH, MAX_PER_PAGE
from refugiu.directory.api.selections import Selection
from refugiu.directory.hsds.serialise.attributes import AttributeSlots, attributes_deferred
from refugiu.directory.hsds.serialise.fields import HsdsRecord

HSDS_SCHEMA_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
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


def hsds_schema(name: str) -> dict:
    return {"$ref": HSDS_SCHEMA_URL + name}


LANGUAGE_HEADERS = {
    "Content-Language": {
        "description": (
            "Given when `lang` or Accept-Language asks for a language: the languages of the text of the "
            "records given (each record's `language` says its own); in NDJSON, the language asked for."
        ),
        "schema": {"type": "string"},
    }
}


def documented(item: dict, *, page: bool, languages: bool = False) -> dict:
    """OpenAPI responses pointing at the official HSDS schemas (ninja cannot know them); `languages`: the
    endpoint takes `lang` and says the language of its answer."""
    headers = {"headers": LANGUAGE_HEADERS} if languages else {}
    error = {
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}
        }
    }
    if not page:
        return {
            "responses": {
                200: {"description": "OK", "content": {"application/json": {"schema": item}}, **headers},
                404: {"description": "No public record has this id", **error},
            }
        }
    envelope = {
        "type": "object",
        "properties": {
            "total_items": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"},
            "size": {"type": "integer"},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": item},
        },
    }
    return {
        "responses": {
            200: {
                "description": "A page (format=json), or every record, one per line (format=ndjson)",
                "content": {"application/json": {"schema": envelope}, NDJSON: {"schema": item}},
                **headers,
            },
            400: {"description": "A parameter is not valid; `errors` names it and says why", **error},
        }
    }
