"""Fake events and participants for the programmes tests: every name and address is generated."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.programmes.models import Event, EventDay, Participant
from refugiu.programmes.vocabularies import EventType, ParticipantStatus, Profession
from tests.factories import UserFactory

STAFF_ACTOR = "programme-staff-actor"


def staff_actor() -> User:
    """The member of programme staff a test acts as when it calls the services' staff writes directly (made
    once per test)."""
    actor = User.objects.filter(username=STAFF_ACTOR).first()
    return actor or UserFactory(username=STAFF_ACTOR, roles=[Role.PROGRAMME_STAFF])


class EventFactory(DjangoModelFactory):
    """An open training two weeks from today, with `days` consecutive days (default 2)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    type = EventType.TRAINING
    title = factory.Sequence(lambda n: f"Training on victims' rights {n}")
    city = "Bucharest"
    country = "RO"
    registration_open = True
    capacity = 30

    @factory.post_generation
    def days(self, create, extracted, **kwargs):
        if not create:
            return
        first = kwargs.get("start") or timezone.localdate() + datetime.timedelta(days=14)
        for offset in range(2 if extracted is None else extracted):
            EventDay.objects.create(event=self, date=first + datetime.timedelta(days=offset))


class ParticipantFactory(DjangoModelFactory):
    """A confirmed participant added directly (not through the capacity check: use the services for that)."""

    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    profession = Profession.JUDGE
    institution = factory.Faker("company")
    country = "RO"
    status = ParticipantStatus.CONFIRMED
    language = "en"
