"""The two cost templates Refugiu ships (finance/data/*.json): EU 2014–2020 action grants and the EU's
2021–2027 Corporate Model Grant Agreement (actual costs)."""

from django.db import migrations


def load(apps, schema_editor):
    from refugiu.finance.cost_templates import bundled_template_files, template_load, template_read

    for path in bundled_template_files():
        template_load(
            template_read(path),
            template_model=apps.get_model("finance", "CostTemplate"),
            category_model=apps.get_model("finance", "CostCategory"),
        )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
