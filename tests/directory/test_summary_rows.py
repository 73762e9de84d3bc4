"""The API's summary pages read plain rows with SQL of their own (hsds.serialise.summaries.summary_rows):
they must give exactly what the model path gives, and leave out exactly what the public selectors leave
out."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.attributes import attributes_deferred
from refugiu.directory.hsds.serialise.querysets import (
    organization_summary_list,
    service_at_location_summary_list,
    service_summary_list,
)
from refugiu.directory.hsds.serialise.services import service_at_location_serialise
from refugiu.directory.hsds.serialise.summaries import (
    organization_summaries,
    organization_summarise,
    service_at_location_summaries,
    service_summaries,
    service_summarise,
)
from refugiu.directory.selectors import (
    organization_public_list,
    service_at_location_public_list,
    service_public_list,
)
from tests.factories import LocationFactory, OrganizationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _moment(microsecond: int) -> dt.datetime:
    return dt.datetime(2026, 3, 4, 5, 6, 7, microsecond, tzinfo=dt.UTC)


@pytest.fixture
def mixed():
    """Organisations and services in every state a summary distinguishes."""
    published_parent = OrganizationFactory(name="Federation")
    hidden_parent = OrganizationFactory(name="Hidden federation", is_published=False)
    full = OrganizationFactory(
        name="Asociația Sprijin",
        alternate_name="Sprijin",
        email="office@example.org",
        website="https://example.org",
        year_incorporated=2011,
        parent_organization=published_parent,
        translations={"en": {"name": "Support Association", "description": "Help"}},
        hsds_extra={"funding": [{"source": "EU"}], "tax_note": "none", "metadata": {"a": 1}},
    )
    child_of_hidden = OrganizationFactory(name="Child", parent_organization=hidden_parent, website="")
    hidden = OrganizationFactory(name="Unpublished", is_published=False)
    services = [
        ServiceFactory(
            organization=full,
            name="Consiliere juridică",
            alternate_name="Juridic",
            url="https://example.org/legal",
            email="",
            minimum_age=18,
            maximum_age=99,
            assured_date=dt.date(2025, 12, 31),
            assurer_email="check@example.org",
            translations={"en": {"name": "Legal counselling"}},
            hsds_extra={"program": {"id": str(uuid.uuid4())}, "cost_options": [{"amount": 1}]},
        ),
        ServiceFactory(organization=child_of_hidden, name="Adăpost", status="inactive"),
        ServiceFactory(organization=full, name="Unpublished service", is_published=False),
        ServiceFactory(organization=hidden, name="Under an unpublished organisation"),
        ServiceFactory(organization=published_parent, name="Round millisecond"),
    ]
    for service, microsecond in zip(services, (999_999, 0, 1, 500_000, 123_000), strict=True):
        # last_modified is set on save; these moments test the millisecond form at its edges.
        d.Service.objects.filter(id=service.id).update(last_modified=_moment(microsecond))
    return [published_parent, hidden_parent, full, child_of_hidden, hidden], services


def test_service_summaries_are_the_model_summaries_of_the_public_services(mixed):
    _, services = mixed
    ids = [s.id for s in reversed(services)] + [uuid.uuid4()]  # an unknown id is left out too
    public = set(service_public_list().values_list("id", flat=True))
    models = {s.id: s for s in service_summary_list().filter(id__in=ids)}
    expected = [service_summarise(service=models[i]) for i in ids if i in public]
    assert service_summaries(ids) == expected
    assert [s["id"] for s in expected] == [str(i) for i in ids if i in public]
    assert {s.name for s in services if s.id in public} == {
        "Consiliere juridică",
        "Adăpost",
        "Round millisecond",
    }
    first = next(s for s in expected if s["name"] == "Consiliere juridică")
    assert first["last_modified"] == "2026-03-04T05:06:07.999Z"  # cut, not rounded, as isoformat does
    assert first["organization"]["parent_organization_id"] == str(mixed[0][0].id)
    assert "parent_organization_id" not in next(s for s in expected if s["name"] == "Adăpost")["organization"]


def test_organization_summaries_are_the_model_summaries_of_the_public_organisations(mixed):
    organizations, _ = mixed
    ids = [o.id for o in organizations]
    public = set(organization_public_list().values_list("id", flat=True))
    models = {o.id: o for o in organization_summary_list().filter(id__in=ids)}
    expected = [organization_summarise(organization=models[i]) for i in ids if i in public]
    assert organization_summaries(ids) == expected
    assert len(expected) == 3


def test_many_ids_are_read_in_batches(mixed):
    organization = OrganizationFactory()
    d.Service.objects.bulk_create(
        d.Service(organization=organization, name=f"S{n:04}", last_modified=timezone.now())
        for n in range(1_201)
    )
    ids = list(
        d.Service.objects.filter(organization=organization).order_by("-name").values_list("id", flat=True)
    )
    assert [s["id"] for s in service_summaries(ids)] == [str(i) for i in ids]


def test_numbers_beyond_64_bits_come_back_exactly(client):
    """orjson would read them as floats and refuse to write them: core.fastjson leaves them to json."""
    big = 123456789012345678901234567890
    organization = OrganizationFactory(hsds_extra={"register": big, "note": "kept"})
    ServiceFactory(organization=organization, hsds_extra={"register": -big})
    assert organization_summaries([organization.id])[0]["register"] == big
    paths = ("/organizations", f"/organizations/{organization.id}", "/services", "/services?format=ndjson")
    for path in paths:
        response = client.get(f"/api/hsds{path}")
        assert response.status_code == 200, path
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert str(big).encode() in text, path


def test_service_at_location_summaries_are_the_model_summaries_of_the_public_ones(mixed):
    """Every kind of location a summary distinguishes: with coordinates (decimals that a float does not
    hold exactly, a whole number), translations and extras; confidential, with and without a public area;
    without an organisation, or with an unpublished one; under an unpublished service."""
    organizations, services = mixed
    published, _, full, _, hidden = organizations
    locations = [
        LocationFactory(
            organization=full, name="Sediu", latitude=Decimal("44.512345"), longitude=Decimal("26.100001"),
            translations={"en": {"name": "Office"}}, hsds_extra={"accessibility": [{"id": "a"}], "note": "n"},
            external_identifier="X-1", url="https://example.org/office",
        ),
        LocationFactory(organization=full, name="Whole", latitude=Decimal(45), longitude=Decimal("-9.99")),
        LocationFactory(
            organization=full, name="Safe house", is_confidential=True, front_door_area="Iași",
            latitude=Decimal("47.050000"), longitude=Decimal("27.650000"), hsds_extra={"secret": "x"},
        ),
        LocationFactory(organization=full, name="Unnamed shelter", is_confidential=True),
        LocationFactory(organization=None, name="Shared hall", language="ro"),
        LocationFactory(organization=hidden, name="Of an unpublished organisation"),
        LocationFactory(organization=published, name="Parent's office", latitude=Decimal("0.000001")),
    ]  # fmt: skip
    links = [
        ServiceAtLocationFactory(
            service=service, location=location, description=f"at {location.name}",
            hsds_extra={"schedules": [{"id": "s"}], "kept": 1} if n % 2 else {},
        )
        for n, (service, location) in enumerate(
            (service, location) for service in services for location in locations
        )
    ]  # fmt: skip
    ids = [link.id for link in reversed(links)] + [uuid.uuid4()]
    public = set(service_at_location_public_list().values_list("id", flat=True))
    models = {sal.id: sal for sal in service_at_location_summary_list().filter(id__in=ids)}
    with attributes_deferred() as attributes:
        expected = [
            service_at_location_serialise(service_at_location=models[i], attributes=attributes, summary=True)
            for i in ids
            if i in public
        ]
    assert service_at_location_summaries(ids) == expected
    assert len(expected) == 3 * len(locations)  # three public services
    assert {record["location"]["name"] for record in expected} >= {"Iași", "Confidential location"}
    assert any(record["location"].get("latitude") == 45 for record in expected)


def test_positions_read_from_sqlite_floats_are_what_djangos_converter_makes_of_them():
    """A decimal kept by SQLite as a float: the reader's shortcut (the float's 15 significant digits,
    when they need no more rounding) gives what Django's converter, then json_value, give, and raises
    where quantize does (too many digits for the field)."""
    import decimal
    import random

    from django.db import models

    from refugiu.directory.hsds.serialise.fields import json_value
    from refugiu.directory.hsds.serialise.summaries import _sqlite_decimal

    field = models.DecimalField(max_digits=9, decimal_places=6)
    read = _sqlite_decimal(field)
    create_decimal = decimal.Context(prec=15).create_decimal_from_float
    quantum, context = Decimal("0.000001"), decimal.Context(prec=9)

    def outcome(reader, value):
        try:
            result = reader(value)
        except decimal.InvalidOperation:
            return "invalid"
        return type(result), result

    def converted(value):
        return json_value(create_decimal(value).quantize(quantum, context=context))

    draw = random.Random(15)
    values = [0.0, -0.0, 45.0, -180.0, 1e-05, 5e-07, 0.0000005, 999.9999995, 999.999999, 1000.0, 1234.5]
    values += [round(draw.uniform(-180, 180), draw.randint(0, 9)) for _ in range(20_000)]
    values += [draw.uniform(-2000, 2000) for _ in range(20_000)]
    values += [draw.randint(-5000, 5000) / 2 ** draw.randint(0, 30) for _ in range(10_000)]
    for value in values:
        assert outcome(read, value) == outcome(converted, value), value
