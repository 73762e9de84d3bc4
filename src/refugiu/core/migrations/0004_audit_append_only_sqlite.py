"""SQLite refuses DELETE on the audit table too, as PostgreSQL does since 0002.

0002 left it out because Django's test runner empties SQLite tables with DELETE (PostgreSQL's flush is a
TRUNCATE, which a row trigger does not see). The tests now use a database backend of their own
(tests/sqlite_backend) whose flush lifts this trigger around its DELETE and puts it back, so production
keeps the trigger and nothing in the application can remove it. A consequence, on SQLite only: Django's
`flush` command refuses to empty an installation that has an audit log.
"""

from django.db import migrations

TRIGGER = "core_auditentry_no_delete"
SQLITE = f"""
CREATE TRIGGER {TRIGGER} BEFORE DELETE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
"""
SQLITE_REVERSE = f"DROP TRIGGER IF EXISTS {TRIGGER};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_encryption_check")]

    operations = [migrations.RunPython(forwards, backwards)]
