"""Which records a list endpoint gives, in which order: ranked as the web search ranks them (`Ranked`),
or in a queryset's order (`Ordered`), paged or in batches alike."""

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet, Window
from django.db.models.expressions import RawSQL

from refugiu.core.batching import in_batches
from refugiu.directory.api.common import ID_BATCH
from refugiu.directory.models import Attribute, Service
from refugiu.directory.open_now import open_records, open_services, open_services_one_by_one
from refugiu.directory.open_tally import open_entries_count
from refugiu.directory.places.near import Near, service_at_locations_near
from refugiu.directory.search import directory_search

SEARCH_ALL = 2**31 - 1  # "no limit" for directory_search when every ranked id is needed


@dataclass
class Ordered:
    """Records in a queryset's own order.

    `counted_in_page`: the page's statement counts them too (a window over every record), for a filter that
    reads much to build once (the open records of "open now": reading every opening row twice, for the
    count and for the page, cost twice over). SQLite only: PostgreSQL then sorts every record instead of
    keeping the first page's (its API "open now" without a term at 100,000 services 2.26 x instead of 1.71,
    side by side).
    """

    queryset: QuerySet
    counted_in_page: bool = False
    total: Callable[[], int] | None = None  # how many there are, when known without counting them

    def _plain(self) -> QuerySet:
        return self.queryset.prefetch_related(None).select_related(None)

    def _ids(self) -> QuerySet:
        return self._plain().values_list("id", flat=True)

    def page(self, *, offset: int, limit: int) -> tuple[int, list[uuid.UUID]]:
        if self.total is not None:
            total = self.total()
            return total, list(self._ids()[offset : offset + limit]) if offset < total else []
        if self.counted_in_page:
            counted = self._plain().annotate(counted=Window(Count("id"))).values_list("id", "counted")
            rows = list(counted[offset : offset + limit])
            if rows or not offset:
                return (rows[0][1] if rows else 0), [record_id for record_id, _ in rows]
            return self.queryset.count(), []  # a page past the end
        total = self.queryset.count()
        return total, list(self._ids()[offset : offset + limit]) if offset < total else []

    def batches(self, *, size: int) -> Iterator[list[uuid.UUID]]:
        return in_batches(self._ids().iterator(chunk_size=size), size)


@dataclass
class Ranked:
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
    open_at: dt.datetime | None = None  # only the records open then (the index's rows of each)

    def _search(self, *, offset: int, limit: int):
        return directory_search(
            query=self.query,
            kind=self.kind,
            organization_id=self.organization_id,
            filters=None,
            offset=offset,
            limit=limit,
            count_cap=None,
            open_at=self.open_at,
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


@dataclass
class Nearest:
    """Services at locations within reach of a point, nearest first (directory.places.near): narrowed, when
    the queryset holds other filters, by those; with a search, to the services it finds."""

    queryset: QuerySet | None  # None: no other filter
    near: Near
    query: str | None

    def _ids(self) -> list:
        """The ids, in order, as the database gives them (UUIDs on PostgreSQL, hex on SQLite): made UUIDs
        only for the page given, since making one of each of some thousands cost more than their SQL."""
        pairs = service_at_locations_near(self.near)
        if self.query and self.query.strip():
            found = directory_search(
                query=self.query, kind="service", offset=0, limit=SEARCH_ALL, count_cap=None
            ).hits
            services = {uuid.UUID(object_id) for _, object_id in found}
            pairs = [
                (record_id, service_id) for record_id, service_id in pairs if _as_uuid(service_id) in services
            ]
        ids = [record_id for record_id, _ in pairs]
        if self.queryset is None:
            return ids
        plain = self.queryset.prefetch_related(None).select_related(None).order_by()
        kept: set[uuid.UUID] = set()
        for start in range(0, len(ids), ID_BATCH):
            batch = [_as_uuid(record_id) for record_id in ids[start : start + ID_BATCH]]
            kept.update(plain.filter(id__in=batch).values_list("id", flat=True))
        return [record_id for record_id in ids if _as_uuid(record_id) in kept]

    def page(self, *, offset: int, limit: int) -> tuple[int, list[uuid.UUID]]:
        ids = self._ids()
        return len(ids), [_as_uuid(record_id) for record_id in ids[offset : offset + limit]]

    def batches(self, *, size: int) -> Iterator[list[uuid.UUID]]:
        for batch in in_batches(self._ids(), size):
            yield [_as_uuid(record_id) for record_id in batch]


def _as_uuid(value) -> uuid.UUID:
    """An id as the database gives it (a UUID on PostgreSQL, its hex on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


Selection = Ordered | Ranked | Nearest


def tagged(queryset: QuerySet, *, term_id, taxonomy_id, keys: tuple[str, ...] = ("id",)) -> QuerySet:
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
            on_any_key = Q()
            for key in keys:
                on_any_key |= Q(**{f"{key}__in": tagged_ids})
            queryset = queryset.filter(on_any_key)
    return queryset


def selection(
    public: Callable[[], QuerySet],
    *,
    kind: str,
    search: str | None,
    term_id,
    taxonomy_id,
    modified_after,
    organization_id=None,
    open_at: dt.datetime | None = None,
) -> Selection:
    """The filtered records of a list endpoint: ranked as the web search ranks them, or by name.

    `public` makes the queryset of the public records, only when needed: a search without filters the
    index does not hold is answered by the index alone (it holds only public records), and building the
    queryset cost a tenth of such a request. `open_at`: only the records open at that moment (the search
    index's opening rows, directory.open_now).
    """
    narrowed = bool(term_id or taxonomy_id or modified_after)

    def filtered() -> QuerySet:
        queryset = tagged(public(), term_id=term_id, taxonomy_id=taxonomy_id)
        if modified_after:
            queryset = queryset.filter(last_modified__gte=modified_after)
        if organization_id:
            queryset = queryset.filter(organization_id=organization_id)
        return queryset

    if search and search.strip():
        return Ranked(
            filtered() if narrowed else None,
            kind=kind,
            query=search,
            organization_id=organization_id,
            narrowed=narrowed,
            open_at=open_at,
        )
    queryset = filtered()
    if open_at is not None and kind == "service" and not narrowed and not organization_id:
        return _open_services_by_name(queryset, open_at)
    if open_at is not None:
        if kind == "service":
            queryset = queryset.filter(open_services(open_at))
        else:
            queryset = queryset.filter(id__in=open_records(open_at))
    counted_in_page = open_at is not None and connection.vendor == "sqlite"
    return Ordered(queryset.order_by("name", "id"), counted_in_page=counted_in_page)


# A service's name longer than this has no place in the services' index by name (migration directory 0014):
# PostgreSQL limits an index entry to 2,704 bytes, and HSDS a name to nothing.
INDEXED_NAME = 600


def _name_condition(sql: str) -> RawSQL:
    # A literal, not a parameter: both engines use a partial index only when they see its own condition.
    # Constants only: the table's name and INDEXED_NAME.
    condition = sql.format(name=f"{Service._meta.db_table}.name", most=INDEXED_NAME)
    return RawSQL(condition, [], BooleanField())  # noqa: S611


def _open_services_by_name(services: QuerySet, open_at: dt.datetime) -> Ordered:
    """The public services open at `open_at`, by name: counted by the tally of open entries (every public
    service has a search entry), and paged by reading the services in the order of their index by name,
    each tested on its own entry, until the page is full (the first 50 open at a busy hour are the first 57
    by name). Should a name be too long for that index, the open services are read once, then paged."""
    total = partial(open_entries_count, open_at, kind="service")
    if services.filter(_name_condition("length({name}) > {most}")).exists():
        return Ordered(services.filter(open_services(open_at)).order_by("name", "id"), total=total)
    in_index = services.filter(_name_condition("length({name}) <= {most}"))
    return Ordered(in_index.filter(open_services_one_by_one(open_at)).order_by("name", "id"), total=total)
