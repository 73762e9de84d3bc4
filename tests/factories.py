"""Fake people and records for tests. Never real data: every name, email and number is generated."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from refugiu.accounts.models import RoleAssignment, User
from refugiu.directory import models as d


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Faker("email")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=role)
        if create:
            self.save()


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = d.Organization

    name = factory.Faker("company")
    description = factory.Faker("sentence")
    country = "RO"
    language = "ro"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = d.Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("catch_phrase")
    description = factory.Faker("sentence")
    language = "ro"


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = d.Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("street_name")


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = d.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state_province = factory.Faker("city")
    postal_code = factory.Faker("postcode")
    country = "RO"


class ServiceAtLocationFactory(DjangoModelFactory):
    class Meta:
        model = d.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class PhoneFactory(DjangoModelFactory):
    class Meta:
        model = d.Phone

    number = factory.Faker("phone_number")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = d.Contact

    name = factory.Faker("name")
    title = "Case worker"
    email = factory.Faker("email")


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = d.Schedule

    freq = "WEEKLY"
    wkst = "MO"
    byday = "MO,TU,WE,TH,FR"
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)
    valid_from = dt.date(2024, 1, 1)
    description = "Office hours"


class LanguageFactory(DjangoModelFactory):
    class Meta:
        model = d.Language

    name = "Romanian"
    code = "ro"


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = d.ServiceArea

    name = "Ilfov county"
    extent_type = "other"


def attach_term(record, taxonomy_slug: str, code: str) -> d.Attribute:
    """Tag a record with one of our vocabulary terms, the HSDS way."""
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug=taxonomy_slug, code=code)
    return d.Attribute.objects.create(
        link_id=record.id, link_entity=record._meta.model_name, link_type="", taxonomy_term=term
    )
