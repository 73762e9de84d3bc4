"""`field__any=[…]`: the field's value is one of these, sent as one parameter where the database allows.

`field__in=[…]` sends one placeholder a value. On PostgreSQL, psycopg then splits the text of each such
statement in Python, uncached (it caches short statements only): 500 ids cost 2.7 ms a query, a tenth of
an import and of rebuilding its search index. `__any` sends the values as one array, `= ANY(%s)`, so
the statement stays short whatever the number of ids. On other databases it is `__in`, whose limits
(SQLite's parameters) still apply: take the ids a batch at a time (`core.bulk.ids_per_query`).

Values read by a plain cursor are already in the database's form (SQLite: a UUID's 32 hex digits);
wrapped in `AsStored` they are sent as they are. The field would otherwise make each into a Python
value and back, a UUID at a time: a sixth of rebuilding the search index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

# SQL and its parameters. django-stubs says a tuple of str and int; Django and psycopg take any sequence,
# and `= ANY(%s)` sends a list as one parameter.
SqlWithParams = tuple[str, Any]


class AsStored(list[Any]):
    """Values in the form the database stores them, for `__any`: sent without the field's preparation."""


@Field.register_lookup
@ForeignObject.register_lookup  # relations keep lookups of their own: ids of the related records here
class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        return self.rhs if isinstance(self.rhs, AsStored) else super().get_prep_lookup()

    def _stored(self, connection: BaseDatabaseWrapper) -> list[Any]:
        values: list[Any]
        if isinstance(self.rhs, AsStored):
            values = self.rhs
        else:
            field = self.lhs.output_field
            values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        values = [value for value in dict.fromkeys(values) if value is not None]
        if not values:
            raise EmptyResultSet  # as `__in` with no values: the ORM asks nothing
        return values

    def process_rhs(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlWithParams:
        if self.rhs_is_direct_value() and isinstance(self.rhs, AsStored):
            values = self._stored(connection)
            return "(" + ", ".join(["%s"] * len(values)) + ")", values
        return super().process_rhs(compiler, connection)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlWithParams:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = self._stored(connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
