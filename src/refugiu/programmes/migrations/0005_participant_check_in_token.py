# A random check-in token per participant (their QR code): added empty, filled one by one (a default
# evaluated once would give every existing row the same token), then unique with its default.

from django.db import migrations, models

import refugiu.programmes.models.participants


def fill_tokens(apps, schema_editor):
    Participant = apps.get_model("programmes", "Participant")
    for participant in Participant.objects.filter(check_in_token__isnull=True, anonymised_at__isnull=True):
        participant.check_in_token = refugiu.programmes.models.participants.new_check_in_token()
        participant.save(update_fields=["check_in_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_bounded_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="check_in_token",
            field=models.CharField(blank=True, max_length=32, null=True, verbose_name="check-in code"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participant",
            name="check_in_token",
            field=models.CharField(
                blank=True,
                default=refugiu.programmes.models.participants.new_check_in_token,
                max_length=32,
                null=True,
                unique=True,
                verbose_name="check-in code",
            ),
        ),
    ]
