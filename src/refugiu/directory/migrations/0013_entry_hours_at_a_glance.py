"""Each search entry's opening rows at a glance (directory.open_now.entry_hours), worked out here from the
rows already written, so that "open now" decides most entries without seeking their rows at once, without
a rebuild of the search index. Until then, or wherever it says none (`hours_zone` -1), the rows decide."""

import datetime as dt

from django.db import migrations, models

from refugiu.directory.open_now import HOURS_FIELDS, ROW_COLUMNS, entry_hours

BATCH = 2000


def _glance(apps, schema_editor):
    entries = apps.get_model("directory", "SearchEntry")
    openings = apps.get_model("directory", "Opening")
    rows: dict[int, list[tuple]] = {}
    for entry_id, *row in openings.objects.filter(entry__isnull=False).values_list("entry_id", *ROW_COLUMNS):
        rows.setdefault(entry_id, []).append(tuple(row))
    today = dt.date.today()
    changed = []
    for entry in list(entries.objects.only("id")):
        for name, value in zip(HOURS_FIELDS, entry_hours(rows.get(entry.id, []), today), strict=True):
            setattr(entry, name, value)
        changed.append(entry)
        if len(changed) == BATCH:
            entries.objects.bulk_update(changed, HOURS_FIELDS)
            changed = []
    entries.objects.bulk_update(changed, HOURS_FIELDS)


def _field(name: str):
    if name == "hours_zone":
        return models.SmallIntegerField(default=-1)
    return (
        models.IntegerField(default=0)
        if name in ("hours_from", "hours_until")
        else models.BigIntegerField(default=0)
    )


def _add_columns(apps, schema_editor):
    """Each column added in place, with its default: Django's SQLite migration of a NOT NULL column copies
    the table into a new one, which drops the triggers that keep the FTS table (0002) in step."""
    for name in HOURS_FIELDS:
        column = {"hours_zone": "smallint", "hours_from": "integer", "hours_until": "integer"}.get(
            name, "bigint"
        )
        default = -1 if name == "hours_zone" else 0
        schema_editor.execute(
            f"ALTER TABLE directory_searchentry ADD COLUMN {name} {column} NOT NULL DEFAULT {default}"
        )


def _drop_columns(apps, schema_editor):
    for name in HOURS_FIELDS:
        schema_editor.execute(f"ALTER TABLE directory_searchentry DROP COLUMN {name}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_search_sort_index_on_sqlite")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="searchentry", name=name, field=_field(name))
                for name in HOURS_FIELDS
            ],
            database_operations=[migrations.RunPython(_add_columns, _drop_columns)],
        ),
        migrations.RunPython(_glance, migrations.RunPython.noop),
    ]
