"""Django's SQLite backend for the test runner only (tests/settings.py selects it on SQLite).

The audit table refuses DELETE (a trigger, core migration 0004), as on PostgreSQL. Django's test runner
empties every table after a TransactionTestCase, with DELETE on SQLite (TRUNCATE on PostgreSQL, which a
row trigger does not see): this backend's flush lifts the trigger, deletes, and puts it back, all in the
flush's one transaction. Nothing else differs, so every other DELETE on the audit table is refused in the
tests exactly as in production, which keeps the plain backend.
"""

import importlib

from django.db.backends.sqlite3 import base, operations

append_only = importlib.import_module("refugiu.core.migrations.0004_audit_append_only_sqlite")
AUDIT_TABLE = "core_auditentry"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, **kwargs):
        sql = super().sql_flush(style, tables, **kwargs)
        if AUDIT_TABLE not in tables or not self._audit_trigger_exists():
            return sql
        return [append_only.SQLITE_REVERSE, *sql, append_only.SQLITE]

    def _audit_trigger_exists(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [append_only.TRIGGER]
            )
            return cursor.fetchone() is not None


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
