"""A referral may go to an organisation of the directory itself (one with no listed service, such as a
prosecutor's office), beside a service or a department. The check now says exactly one destination is set;
every referral written before has its one service (external) or department (internal) and no organisation,
as `referral_send` always required, so it meets the new check as it met the old one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_encrypt_sensitive_values"),
        ("directory", "0006_search_facet_without_foreign_key"),
        ("organisation", "0003_ngo"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="referral",
            name="referral_has_destination",
        ),
        migrations.AddField(
            model_name="referral",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.organization",
                verbose_name="organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    kind="internal",
                    department__isnull=False,
                    service__isnull=True,
                    organization__isnull=True,
                )
                | models.Q(
                    kind="external",
                    department__isnull=True,
                    service__isnull=False,
                    organization__isnull=True,
                )
                | models.Q(
                    kind="external",
                    department__isnull=True,
                    service__isnull=True,
                    organization__isnull=False,
                ),
                name="referral_has_one_destination",
            ),
        ),
    ]
