"""The public HSDS 3.0 API of the directory, at /api/hsds/, read-only and without sign-in.

Endpoints, parameters and the Page envelope follow the HSDS API reference (schema/openapi.json of
HSDS 3.0); the records are the forms of `directory.hsds.serialise`, the same as the export's, so the
rules on what is public (published records only, confidential locations by their front door) hold here
by construction. Lists give the summary forms of the compiled *_list schemas, or the full forms with
`full=true`; `format=ndjson` streams every matching record, one per line, without pagination, as the
reference says.

Why it works the way it does:
- `search` goes through `directory_search`, so an API client gets the web search's ranking. When a
  filter the search index does not hold (taxonomy term, taxonomy, modified_after) narrows the result,
  every ranked id is fetched and checked against the database in batches, then paged; without one, the
  search pages itself. Without `search`, records are ordered by name, then id, so pages are stable.
- A page costs the same number of queries whatever `per_page` is: the querysets of the serialiser
  prefetch everything, and attributes come in one query per page.
- A bad parameter answers 400 with the parameter named and why, never 500; an id that names no
  public record (missing, unpublished, or not an id at all) answers 404, the same in every case.
- No documentation page: it would load scripts from another host. The OpenAPI document is at
  /api/openapi.json, and points its responses at the official HSDS schemas.

The router is mounted, with the cases API's, on the project's one NinjaAPI (refugiu.api), which also turns
a bad parameter into the 400 answer described above.
"""

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Query, Router
from ninja.errors import HttpError
from pydantic import BeforeValidator

from refugiu.core import fastjson
from refugiu.core.batching import in_batches
from refugiu.directory.hsds.serialise import (
    AttributeSlots,
    HsdsRecord,
    attributes_deferred,
    organization_full_list,
    organization_serialise,
    organization_summaries,
    service_at_location_full_list,
    service_at_location_serialise,
    service_at_location_summary_list,
    service_full_list,
    service_serialise,
    service_summaries,
    taxonomy_serialise,
    taxonomy_term_list,
    taxonomy_term_serialise,
)
from refugiu.directory.models import Attribute, Taxonomy
from refugiu.directory.search import directory_search
from refugiu.directory.selectors import (
    organization_public_list,
    service_at_location_public_list,
    service_public_list,
)

HSDS_VERSION = "3.0"
# We use HSDS 3.0 as published, with no profile: the profile is then the specification itself.
HSDS_PROFILE_URL = "https://openreferral.readthedocs.io/en/3.0/"
HSDS_SCHEMA_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100  # larger requests get this many: a page must stay cheap to build
MAX_PAGE = 1_000_000  # beyond any real directory; keeps offsets within every database's integers
SEARCH_ALL = 2**31 - 1  # "no limit" for directory_search when every ranked id is needed
ID_BATCH = 500  # ids per query when ranked ids are checked or loaded
NDJSON = "application/x-ndjson"


router = Router(tags=["HSDS 3.0"])


# --- parameters -----------------------------------------------------------------------------------------


def _blank_is_absent(value: Any) -> Any:
    """`?organization_id=` (an empty form field) means no filter, not a bad id."""
    return None if isinstance(value, str) and not value.strip() else value


_UNENCODED_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _moment(value: Any) -> Any:
    """A date and time (ISO 8601), or a date meaning its midnight; without a zone, UTC."""
    value = _blank_is_absent(value)
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


# A NUL or a lone surrogate, which could not reach the database, is refused (422) for every parameter at
# once, by the API's parser (refugiu.api).
Search = Annotated[str | None, Query(None, description="Full-text search, ranked as on the web search.")]
Full = Annotated[bool, Query(description="Give each record in full form, as its own endpoint does.")]


# The ids a list may be narrowed by; blank is absent. Query's own default: with a validator in the
# Annotated, ninja would otherwise make the parameter required.
TermId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_blank_is_absent),
    Query(None, description="Only records tagged with this taxonomy term."),
]
TaxonomyId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_blank_is_absent),
    Query(None, description="Only records tagged with a term of this taxonomy."),
]
OrganizationId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_blank_is_absent),
    Query(None, description="Only the services of this organization."),
]
TermsTaxonomyId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_blank_is_absent),
    Query(None, description="Only the terms of this taxonomy."),
]
ParentTermId = Annotated[
    uuid.UUID | None,
    BeforeValidator(_blank_is_absent),
    Query(None, description="Only the terms under this term."),
]
ModifiedAfter = Annotated[
    dt.datetime | None,
    BeforeValidator(_moment),
    Query(None, description="Only records modified at or after this date and time (ISO 8601)."),
]


# --- selections: which records, in which order ----------------------------------------------------------


@dataclass
class _Ordered:
    """Records in a queryset's own order."""

    queryset: QuerySet

    def _ids(self) -> QuerySet:
        return self.queryset.prefetch_related(None).select_related(None).values_list("id", flat=True)

    def page(self, *, offset: int, limit: int) -> tuple[int, list[uuid.UUID]]:
        total = self.queryset.count()
        return total, list(self._ids()[offset : offset + limit]) if offset < total else []

    def batches(self, *, size: int) -> Iterator[list[uuid.UUID]]:
        return in_batches(self._ids().iterator(chunk_size=size), size)


@dataclass
class _Ranked:
    """Records in the rank order of the directory search.

    `key` is the field holding the id of the ranked record: "id", or "service_id" for services at
    locations, ranked by their service. `narrowed`: the queryset holds filters the index does not.
    """

    queryset: QuerySet | None  # None: not narrowed, and ranked by its own id
    kind: str
    query: str
    organization_id: uuid.UUID | None
    narrowed: bool
    key: str = "id"

    def _search(self, *, offset: int, limit: int):
        return directory_search(
            query=self.query,
            kind=self.kind,
            organization_id=self.organization_id,
            filters=None,
            offset=offset,
            limit=limit,
            count_cap=None,
        )

    def _ranked_ids(self) -> list[uuid.UUID]:
        hits = [uuid.UUID(object_id) for _, object_id in self._search(offset=0, limit=SEARCH_ALL).hits]
        if self.queryset is None or (self.key == "id" and not self.narrowed):  # (None only then)
            return hits
        rank = {object_id: position for position, object_id in enumerate(hits)}
        found: list[tuple[uuid.UUID, uuid.UUID]] = []
        plain = self.queryset.prefetch_related(None).select_related(None).order_by()
        for start in range(0, len(hits), ID_BATCH):
            chunk = hits[start : start + ID_BATCH]
            found += plain.filter(**{f"{self.key}__in": chunk}).values_list("id", self.key)
        found.sort(key=lambda pair: (rank[pair[1]], pair[0]))
        return [record_id for record_id, _ in found]

    def page(self, *, offset: int, limit: int) -> tuple[int, list[uuid.UUID] | list[str]]:
        if self.key == "id" and not self.narrowed:
            result = self._search(offset=offset, limit=limit)
            return result.total, [object_id for _, object_id in result.hits]
        ids = self._ranked_ids()
        return len(ids), ids[offset : offset + limit]

    def batches(self, *, size: int) -> Iterator[list[uuid.UUID]]:
        return in_batches(self._ranked_ids(), size)


Selection = _Ordered | _Ranked
Serialise = Callable[[Any, AttributeSlots], HsdsRecord]
# The HSDS forms of the public ones of these records, in the order of the ids (UUIDs, or their text).
Records = Callable[[Sequence[uuid.UUID | str]], list[HsdsRecord]]


def _models(queryset: QuerySet, serialise: Serialise) -> Records:
    """Records loaded from `queryset` (which prefetches what `serialise` reads) and serialised."""

    def records(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
        # Put back in the order of the ids here, so the database need not sort (nor Django compile an
        # ORDER BY: for a small page a fifth of the request went on compiling it).
        by_id = {str(record.id): record for record in queryset.filter(id__in=ids).order_by()} if ids else {}
        return _serialised([record for i in map(str, ids) if (record := by_id.get(i)) is not None], serialise)

    return records


def _tagged(queryset: QuerySet, *, term_id, taxonomy_id, keys: tuple[str, ...] = ("id",)) -> QuerySet:
    """Records carrying an attribute with this term / a term of this taxonomy (on any of `keys`).

    An uncorrelated `IN (SELECT link_id …)`: the tagged ids are read once by the term's index. Written
    as EXISTS, SQLite would scan the term's attributes again for every record.
    """
    for condition in (
        {"taxonomy_term_id": term_id} if term_id else None,
        {"taxonomy_term__taxonomy_ref_id": taxonomy_id} if taxonomy_id else None,
    ):
        if condition:
            tagged_ids = Attribute.objects.filter(**condition).values("link_id")
            tagged = Q()
            for key in keys:
                tagged |= Q(**{f"{key}__in": tagged_ids})
            queryset = queryset.filter(tagged)
    return queryset


# --- responses ------------------------------------------------------------------------------------------


def _serialised(records: list, serialise: Serialise) -> list[HsdsRecord]:
    with attributes_deferred() as attributes:
        data = [serialise(record, attributes) for record in records]
    return data


def _listing(
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


def _get(queryset: QuerySet, record_id: str):
    """The public record with this id; 404 alike for missing, unpublished or malformed."""
    try:
        parsed = uuid.UUID(record_id)
    except ValueError:
        parsed = None
    record = queryset.filter(id=parsed).first() if parsed else None
    if record is None:
        raise HttpError(404, "Not found")
    return record


def _one(record: Any, serialise: Serialise) -> HsdsRecord:
    return _serialised([record], serialise)[0]


def _schema(name: str) -> dict:
    return {"$ref": HSDS_SCHEMA_URL + name}


def _responses(item: dict, *, page: bool) -> dict:
    """OpenAPI responses pointing at the official HSDS schemas (ninja cannot know them)."""
    error = {
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}
        }
    }
    if not page:
        return {
            "responses": {
                200: {"description": "OK", "content": {"application/json": {"schema": item}}},
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
            },
            400: {"description": "A parameter is not valid; `errors` names it and says why", **error},
        }
    }


# --- endpoints ------------------------------------------------------------------------------------------


_ROOT = {
    "type": "object",
    "properties": {
        "version": {"type": "string", "description": "HSDS version of this API."},
        "profile": {"type": "string", "format": "uri", "description": "The HSDS profile of this API."},
        "openapi_url": {"type": "string", "format": "uri", "description": "This API's OpenAPI document."},
    },
}


@router.get(
    "/",
    summary="About this API",
    openapi_extra={
        "responses": {200: {"description": "OK", "content": {"application/json": {"schema": _ROOT}}}}
    },
)
def api_root(request: HttpRequest) -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": HSDS_PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


def _selection(
    public: Callable[[], QuerySet],
    *,
    kind: str,
    search: str | None,
    term_id,
    taxonomy_id,
    modified_after,
    organization_id=None,
) -> "Selection":
    """The filtered records of a list endpoint: ranked as the web search ranks them, or by name.

    `public` makes the queryset of the public records, only when needed: a search without filters the
    index does not hold is answered by the index alone (it holds only public records), and building the
    queryset cost a tenth of such a request.
    """
    narrowed = bool(term_id or taxonomy_id or modified_after)

    def filtered() -> QuerySet:
        queryset = _tagged(public(), term_id=term_id, taxonomy_id=taxonomy_id)
        if modified_after:
            queryset = queryset.filter(last_modified__gte=modified_after)
        if organization_id:
            queryset = queryset.filter(organization_id=organization_id)
        return queryset

    if search and search.strip():
        return _Ranked(
            filtered() if narrowed else None,
            kind=kind,
            query=search,
            organization_id=organization_id,
            narrowed=narrowed,
        )
    return _Ordered(filtered().order_by("name", "id"))


def _service_in_full(service: Any, attributes: AttributeSlots) -> HsdsRecord:
    return service_serialise(service=service, attributes=attributes)


@router.get(
    "/services",
    summary="Services (service_list.json; full=true: service.json)",
    openapi_extra=_responses(_schema("compiled/service_list.json"), page=True),
)
def services_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    organization_id: OrganizationId = None,
    modified_after: ModifiedAfter = None,
    full: Full = False,
):
    selection = _selection(
        service_public_list,
        kind="service",
        search=search,
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        modified_after=modified_after,
        organization_id=organization_id,
    )
    records = _models(service_full_list(), _service_in_full) if full else service_summaries
    return _listing(selection, page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/services/{id}",
    summary="A service in full (service.json)",
    openapi_extra=_responses(_schema("compiled/service.json"), page=False),
)
def service_detail(request: HttpRequest, id: str):
    return _one(_get(service_full_list(), id), _service_in_full)


def _organization_in_full(organization: Any, attributes: AttributeSlots) -> HsdsRecord:
    return organization_serialise(organization=organization, attributes=attributes)


@router.get(
    "/organizations",
    summary="Organizations (organization_list.json; full=true: organization.json)",
    openapi_extra=_responses(_schema("compiled/organization_list.json"), page=True),
)
def organizations_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    modified_after: ModifiedAfter = None,
    full: Full = False,
):
    selection = _selection(
        organization_public_list,
        kind="organization",
        search=search,
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        modified_after=modified_after,
    )
    records = _models(organization_full_list(), _organization_in_full) if full else organization_summaries
    return _listing(selection, page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/organizations/{id}",
    summary="An organization in full, with its services in full (organization.json)",
    openapi_extra=_responses(_schema("compiled/organization.json"), page=False),
)
def organization_detail(request: HttpRequest, id: str):
    return _one(_get(organization_full_list(), id), _organization_in_full)


def _service_at_location_item(full: bool) -> Serialise:
    return lambda sal, attributes: service_at_location_serialise(
        service_at_location=sal, attributes=attributes, summary=not full
    )


@router.get(
    "/service_at_locations",
    summary="Services at locations (service_at_location_list.json; full=true: service_at_location.json)",
    openapi_extra=_responses(_schema("compiled/service_at_location_list.json"), page=True),
)
def service_at_locations_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    organization_id: OrganizationId = None,
    modified_after: ModifiedAfter = None,
    full: Full = False,
):
    queryset = _tagged(
        service_at_location_public_list(),
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        keys=("id", "service_id"),
    )
    if modified_after:
        queryset = queryset.filter(
            Q(last_modified__gte=modified_after) | Q(service__last_modified__gte=modified_after)
        )
    if organization_id:
        queryset = queryset.filter(service__organization_id=organization_id)
    selection: Selection = (
        _Ranked(
            queryset,
            kind="service",
            query=search,
            organization_id=organization_id,
            narrowed=True,
            key="service_id",
        )
        if search and search.strip()
        else _Ordered(queryset.order_by("service__name", "service_id", "location__name", "id"))
    )
    records = _models(
        service_at_location_full_list() if full else service_at_location_summary_list(),
        _service_at_location_item(full),
    )
    return _listing(selection, page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/service_at_locations/{id}",
    summary="A service at a location in full (service_at_location.json)",
    openapi_extra=_responses(_schema("compiled/service_at_location.json"), page=False),
)
def service_at_location_detail(request: HttpRequest, id: str):
    return _one(_get(service_at_location_full_list(), id), _service_at_location_item(True))


def _taxonomy_item(taxonomy: Taxonomy, attributes: AttributeSlots) -> HsdsRecord:
    return taxonomy_serialise(taxonomy=taxonomy)


def _text_search(queryset: QuerySet, search: str | None, fields: tuple[str, ...]) -> QuerySet:
    """Vocabularies are short: a plain case-insensitive match on their names is enough."""
    if not search or not search.strip():
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": search.strip()})
    return queryset.filter(condition)


@router.get(
    "/taxonomies",
    summary="Taxonomies (taxonomy.json)",
    openapi_extra=_responses(_schema("taxonomy.json"), page=True),
)
def taxonomies_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
):
    queryset = _text_search(Taxonomy.objects.all(), search, ("name", "description")).order_by("name", "id")
    records = _models(Taxonomy.objects.all(), _taxonomy_item)
    return _listing(_Ordered(queryset), page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/taxonomies/{id}",
    summary="A taxonomy (taxonomy.json)",
    openapi_extra=_responses(_schema("taxonomy.json"), page=False),
)
def taxonomy_detail(request: HttpRequest, id: str):
    return _one(_get(Taxonomy.objects.all(), id), _taxonomy_item)


def _taxonomy_term_item(term, attributes: AttributeSlots) -> HsdsRecord:
    return taxonomy_term_serialise(term=term)


@router.get(
    "/taxonomy_terms",
    summary="Taxonomy terms (taxonomy_term.json)",
    openapi_extra=_responses(_schema("taxonomy_term.json"), page=True),
)
def taxonomy_terms_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_id: TermsTaxonomyId = None,
    parent_id: ParentTermId = None,
    top_only: Annotated[bool, Query(description="Only terms with no parent term.")] = False,
):
    queryset = _text_search(taxonomy_term_list(), search, ("name", "code", "description"))
    if taxonomy_id:
        queryset = queryset.filter(taxonomy_ref_id=taxonomy_id)
    if parent_id:
        queryset = queryset.filter(parent_id=parent_id)
    if top_only:
        queryset = queryset.filter(parent__isnull=True)
    selection = _Ordered(queryset.order_by("taxonomy_ref__name", "name", "id"))
    records = _models(taxonomy_term_list(), _taxonomy_term_item)
    return _listing(selection, page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/taxonomy_terms/{id}",
    summary="A taxonomy term (taxonomy_term.json)",
    openapi_extra=_responses(_schema("taxonomy_term.json"), page=False),
)
def taxonomy_term_detail(request: HttpRequest, id: str):
    return _one(_get(taxonomy_term_list(), id), _taxonomy_term_item)
