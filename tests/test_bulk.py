"""core.bulk: many plain rows at once, the same on SQLite and PostgreSQL."""

import pytest
from django.db import connection, transaction

from refugiu.core.bulk import next_ids, rows_insert
from refugiu.directory.models import SearchEntry, SearchFacet
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = SearchEntry._meta.db_table
COLUMNS = ("id", "kind", "object_id", "organization_id", "sort_name", "name_text", "body_text")


def _row(entry_id: int, name: str) -> tuple:
    organization_id = OrganizationFactory().id
    key = organization_id if connection.features.has_native_uuid_field else organization_id.hex
    return (entry_id, "organization", key, key, name, name, "")


def test_many_rows_in_statements_of_the_largest_size_and_fresh_ids_after_deletes():
    with transaction.atomic():
        ids = next_ids(TABLE, 3)
        rows_insert(TABLE, COLUMNS, [_row(i, f"entry {i}") for i in ids])
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert list(SearchEntry.objects.order_by("id").values_list("sort_name", flat=True)) == [
        f"entry {i}" for i in ids
    ]
    SearchEntry.objects.filter(id=ids[-1]).delete()
    with transaction.atomic():
        again = next_ids(TABLE, 2)
    assert min(again) > max(ids)  # an id once given is not given again, as the database's own


def test_an_upsert_updates_what_is_there_and_adds_the_rest():
    with transaction.atomic():
        first, second = next_ids(TABLE, 2)
        rows_insert(TABLE, COLUMNS, [_row(first, "old")])
        rows_insert(
            TABLE,
            COLUMNS,
            [_row(first, "new"), _row(second, "added")],
            upsert="ON CONFLICT (id) DO UPDATE SET sort_name = EXCLUDED.sort_name",
        )
    assert dict(SearchEntry.objects.values_list("id", "sort_name")) == {first: "new", second: "added"}


def test_more_rows_than_one_statement_takes():
    with transaction.atomic():
        ids = next_ids(TABLE, 1)
        rows_insert(TABLE, COLUMNS, [_row(ids[0], "one")])
        entries = [(ids[0], "country", f"C{n:05}") for n in range(12_000)]  # 36,000 values
        rows_insert(SearchFacet._meta.db_table, ("entry_id", "facet", "value"), entries)
    assert SearchFacet.objects.filter(entry_id=ids[0]).count() == 12_000


def test_gc_paused_restores_the_collector_and_nests():
    import gc

    from refugiu.core.bulk import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer job is still running
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the job failed")
    assert gc.isenabled()
