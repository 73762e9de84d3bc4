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

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AsStored(list):
    """Values in the form the database stores them, for `__any`: sent without the field's preparation."""


@Field.register_lookup
@ForeignObject.register_lookup  # relations keep lookups of their own: ids of the related records here
class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self):
        return self.rhs if isinstance(self.rhs, AsStored) else super().get_prep_lookup()

    def _stored(self, connection) -> list:
        if isinstance(self.rhs, AsStored):
            values = self.rhs
        else:
            field = self.lhs.output_field
            values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        values = [value for value in dict.fromkeys(values) if value is not None]
        if not values:
            raise EmptyResultSet  # as `__in` with no values: the ORM asks nothing
        return values

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, AsStored):
            values = self._stored(connection)
            return "(" + ", ".join(["%s"] * len(values)) + ")", values
        return super().process_rhs(compiler, connection)

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = self._stored(connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
