"""The full-text index over directory_searchentry, one per database engine.

SQLite: an FTS5 table with the entry's id as rowid, kept in step by triggers.
PostgreSQL: two stored tsvector columns (all text; name only) with GIN indexes. The text is already
folded to ASCII words in Python (see directory.search), so the 'simple' configuration is right for
every language and the unaccent extension is not needed.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE directory_search_fts USING fts5(name_text, body_text, content='directory_searchentry',"
    " content_rowid='id', tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER directory_searchentry_ai AFTER INSERT ON directory_searchentry BEGIN"
    " INSERT INTO directory_search_fts(rowid, name_text, body_text) VALUES (new.id, new.name_text, new.body_text); END",
    "CREATE TRIGGER directory_searchentry_ad AFTER DELETE ON directory_searchentry BEGIN"
    " INSERT INTO directory_search_fts(directory_search_fts, rowid, name_text, body_text)"
    " VALUES ('delete', old.id, old.name_text, old.body_text); END",
    "CREATE TRIGGER directory_searchentry_au AFTER UPDATE ON directory_searchentry BEGIN"
    " INSERT INTO directory_search_fts(directory_search_fts, rowid, name_text, body_text)"
    " VALUES ('delete', old.id, old.name_text, old.body_text);"
    " INSERT INTO directory_search_fts(rowid, name_text, body_text) VALUES (new.id, new.name_text, new.body_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER directory_searchentry_au",
    "DROP TRIGGER directory_searchentry_ad",
    "DROP TRIGGER directory_searchentry_ai",
    "DROP TABLE directory_search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE directory_searchentry ADD COLUMN search_document tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple', name_text || ' ' || body_text)) STORED",
    "ALTER TABLE directory_searchentry ADD COLUMN search_name tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple', name_text)) STORED",
    "CREATE INDEX directory_searchentry_document_gin ON directory_searchentry USING gin (search_document)",
    "CREATE INDEX directory_searchentry_name_gin ON directory_searchentry USING gin (search_name)",
    "CREATE INDEX directory_searchentry_sort ON directory_searchentry (sort_name, id)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX directory_searchentry_sort",
    "ALTER TABLE directory_searchentry DROP COLUMN search_name",
    "ALTER TABLE directory_searchentry DROP COLUMN search_document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
