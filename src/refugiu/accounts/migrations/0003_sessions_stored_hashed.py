"""Sessions are now stored under a keyed hash of their key, with their data encrypted
(refugiu.accounts.sessions). The rows made before hold the raw key that every browser's cookie carries: the
new backend never opens them (no cookie hashes to a raw key), but they would stay in every copy of the
database until they expire. They are deleted: everyone signs in once more."""

from django.db import migrations


def sessions_delete(apps, schema_editor):
    apps.get_model("sessions", "Session").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_generation"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(sessions_delete, migrations.RunPython.noop)]
