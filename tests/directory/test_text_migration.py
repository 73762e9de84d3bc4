"""Upgrading an installation: migration directory 0011 lifts the lengths HSDS does not have, keeping every
value written before it, after which the columns take text of any length (on PostgreSQL, a varchar of
the old length would refuse it)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from refugiu.directory import models as d

BEFORE = [("directory", "0010_access_mode_vocabulary")]
SWITCHBOARD = "+40 21 318 3000 int. 1234, 1235, 1236, 1237, 1238 / fax +40 21 318 301"


@pytest.mark.django_db(transaction=True)
def test_values_written_before_the_upgrade_are_kept_and_long_ones_fit_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state([n for n in latest if n[0] != "directory"] + BEFORE).apps
        organization = old.get_model("directory", "Organization").objects.create(
            name="Judecătoria Fictivă " + "x" * 280, description="", website="https://example.org/court"
        )
        location = old.get_model("directory", "Location").objects.create(organization=organization)
        old.get_model("directory", "Address").objects.create(
            location=location, address_1="Strada Fictivă 1", city="Iași", state_province="Iași",
            postal_code="700000", country="RO",
        )  # fmt: skip
        old.get_model("directory", "Phone").objects.create(
            organization=organization, number="+40 21 000 0000"
        )
    finally:
        MigrationExecutor(connection).migrate(latest)

    kept = d.Organization.objects.get(id=organization.id)
    assert kept.name == "Judecătoria Fictivă " + "x" * 280 and kept.website == "https://example.org/court"
    assert d.Address.objects.get().city == "Iași" and d.Phone.objects.get().number == "+40 21 000 0000"
    d.Phone.objects.update(number=SWITCHBOARD)
    d.Organization.objects.update(name="y" * 5000, website="https://example.org/" + "z" * 3000)
    d.Address.objects.update(postal_code="0" * 100, city="c" * 1000)
    assert d.Phone.objects.get().number == SWITCHBOARD
    kept.refresh_from_db()
    assert (len(kept.name), len(kept.website)) == (5000, 3020)
    assert len(d.Address.objects.get().city) == 1000
