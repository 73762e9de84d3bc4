"""core.lookups: `field__any=[…]` finds what `field__in=[…]` finds, in one array parameter on PostgreSQL."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refugiu.core.bulk import any_of, ids_per_query
from refugiu.core.lookups import AsStored
from refugiu.directory.models import Service
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    first, second = OrganizationFactory(), OrganizationFactory()
    return first, second, [ServiceFactory(organization=first), ServiceFactory(organization=second)]


def test_any_finds_what_in_finds_on_ids_and_on_relations(services):
    first, second, (one, two) = services
    ids = [one.id, uuid.uuid4(), str(two.id), None]
    assert set(Service.objects.filter(id__any=ids)) == set(Service.objects.filter(id__in=ids)) == {one, two}
    assert list(Service.objects.filter(organization_id__any=[first.id])) == [one]
    assert list(Service.objects.filter(organization__any=[second.id])) == [two]
    assert list(Service.objects.exclude(id__any=[one.id])) == [two]


def test_no_values_ask_nothing(services):
    with CaptureQueriesContext(connection) as queries:
        assert list(Service.objects.filter(id__any=[])) == []
        assert list(Service.objects.filter(id__any=[None])) == []
    assert len(queries) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one array parameter on PostgreSQL only")
def test_postgresql_statement_does_not_grow_with_the_values(services):
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        for count in (2, 2_000):
            list(Service.objects.filter(id__any=[uuid.uuid4() for _ in range(count)]).values_list("id"))
    (few_sql, few_params), (many_sql, many_params) = sent
    assert few_sql == many_sql and "= ANY(%s)" in few_sql
    assert len(few_params) == len(many_params) == 1 and len(many_params[0]) == 2_000


def test_raw_any_of_in_batches_of_ids_per_query(services):
    _, _, (one, two) = services
    native = connection.features.has_native_uuid_field
    keys = [s.id if native else s.id.hex for s in (one, two)]
    condition, params = any_of('"id"', keys)
    with connection.cursor() as cursor:
        table = Service._meta.db_table
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {condition}", params)  # noqa: S608  (values are parameters)
        assert cursor.fetchone()[0] == 2
    assert ids_per_query() == (10_000 if connection.vendor == "postgresql" else 500)


def test_values_as_stored_are_sent_as_they_are(services):
    first, _, (one, two) = services
    with connection.cursor() as cursor:  # a plain cursor gives ids in the database's own form
        cursor.execute(f"SELECT id FROM {Service._meta.db_table}")  # noqa: S608  (no values)
        stored = [row[0] for row in cursor.fetchall()]
    assert set(Service.objects.filter(id__any=AsStored(stored))) == {one, two}
    assert list(Service.objects.filter(id__any=AsStored([]))) == []
    assert list(
        Service.objects.filter(
            organization_id__any=AsStored(
                [first.id if connection.features.has_native_uuid_field else first.id.hex]
            )
        )
    ) == [one]
