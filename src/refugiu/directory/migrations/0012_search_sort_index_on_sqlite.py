"""SQLite: the index of the search entries by name that PostgreSQL has had since 0002.

Without a term, the search lists entries by name: with this index a page reads the first entries in
order and stops, instead of sorting every entry; with "open now", it stops at the first open ones
(directory.open_now). An index fills itself as it is made: no rebuild of the search index is needed.
"""

from django.db import migrations

FORWARD = "CREATE INDEX directory_searchentry_sort ON directory_searchentry (sort_name, id)"
BACKWARD = "DROP INDEX directory_searchentry_sort"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_text_kept_whole")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
