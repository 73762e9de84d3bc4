"""Our own organisation's model becomes `NGO`, so it cannot be confused with the directory's `Organization`; its
table and the foreign keys' columns are renamed in place, keeping every row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_staffmember"),
    ]

    operations = [
        migrations.RenameModel(old_name="Organisation", new_name="NGO"),
        migrations.RenameField(model_name="committeeposition", old_name="organisation", new_name="ngo"),
        migrations.RenameField(model_name="department", old_name="organisation", new_name="ngo"),
        migrations.RenameField(model_name="fundamentalvalue", old_name="organisation", new_name="ngo"),
        migrations.RenameField(model_name="objective", old_name="organisation", new_name="ngo"),
    ]
