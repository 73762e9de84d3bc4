"""The database itself refuses to change audit records, whatever code path tries.

UPDATE is refused on both engines. DELETE is refused on PostgreSQL by a row trigger; TRUNCATE (a
database administrator's tool, and how Django's test runner empties tables) is left alone. On SQLite a
DELETE trigger would also fire on the test runner's table flush, so there the model and its queryset
are the guard.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION refugiu_audit_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION refugiu_audit_refuse();
CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION refugiu_audit_refuse();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry;
DROP FUNCTION IF EXISTS refugiu_audit_refuse();
"""
SQLITE = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
