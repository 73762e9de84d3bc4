"""Encrypt the values migration 0003 turned into encrypted columns (data only; the schema change is 0003).

Rows written before 0003 hold plaintext: codes, country codes, JSON lists, names. Each is read raw and
written back as the ciphertext the field would have written, in batches by primary key; a value that is
already ciphertext (a re-run) is left alone, so the migration can be run again after an interruption.

The one import from the application is `refugiu.core.crypto.encrypt_text`, a function, not a model: the
encryption must be the application's own (same keys, same format), and a copy of it here would drift.
A database with no rows to encrypt never touches the keys.
"""

import json

from django.db import migrations

PREFIX = "f1:"  # core.crypto.PREFIX at the time of writing: marks values already encrypted
BATCH = 1000

# table → (columns holding text or codes, columns holding JSON lists)
COLUMNS = {
    "cases_beneficiary": (["migration_status"], ["languages"]),
    "cases_case": (
        ["risk_level", "closure_outcome", "trafficking_status", "exploitation_country"],
        ["flags", "exploitation_types", "control_methods", "recruitment_methods"],
    ),
    "cases_consent": (["recipient_name"], []),
    "cases_needsassessment": (
        ["legal", "social", "psychological", "medical", "shelter", "interpretation", "safety"],
        [],
    ),
    "cases_serviceentry": (["mediator", "language"], []),
    "cases_proceeding": (["authority", "deadline_label"], []),
}


def _encrypted(value, *, is_json: bool):
    from refugiu.core.crypto import encrypt_text

    if value is None or value == "" or (isinstance(value, str) and value.startswith(PREFIX)):
        return value
    if is_json:
        items = json.loads(value) if isinstance(value, str) else value
        if not items:
            return ""
        return encrypt_text(json.dumps(items, ensure_ascii=False, separators=(",", ":")))
    return encrypt_text(value)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for table, (text_columns, json_columns) in COLUMNS.items():
        columns = text_columns + json_columns
        is_json = [False] * len(text_columns) + [True] * len(json_columns)
        listed = ", ".join(quote(c) for c in columns)
        select = f"SELECT id, {listed} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s"  # noqa: S608
        update = f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} WHERE id = %s"  # noqa: S608
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(select, [last, BATCH])
                rows = cursor.fetchall()
                if not rows:
                    break
                changes = []
                for pk, *values in rows:
                    new = [_encrypted(v, is_json=j) for v, j in zip(values, is_json, strict=True)]
                    if new != values:
                        changes.append([*new, pk])
                if changes:
                    cursor.executemany(update, changes)
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_encrypt_sensitive_columns")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
