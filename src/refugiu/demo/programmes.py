"""The seed organisation's 2019 programme, as its 2019 activity report states it, for the demo; and, apart
from it, one example training ahead of the day the demo is loaded, open for registration.

Partners, organisers and networks are looked up in the directory (loaded first) by name or alternate
name; a body the directory lacks is created there with its name only, as the report gives no more.

The example training (`example_training_load`) is not in the report and says so in its title and
description. It lets a newcomer try registration, the waiting list and check-in without first creating an
event: a few places, all but one taken by fictitious people, so the next registration takes the last
place and the one after goes to the waiting list. It is dated weeks after the load, in no project, so the
2019 report, its figures and the projects' funder reports stay as the seed states them.
"""

import datetime
import json
import random
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from refugiu.directory.models import Organization
from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    CollaborationProtocol,
    Deliverable,
    Event,
    EventCountry,
    EventDay,
    EventProfession,
    Funder,
    FunderProgramme,
    Network,
    NetworkMembership,
    Partnership,
    Project,
    ProjectPartner,
    Publication,
)
from refugiu.programmes.vocabularies import (
    DatePrecision,
    EventRole,
    EventType,
    ParticipantGender,
    ParticipantSource,
    PartnerScope,
    Profession,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_programmes.json"


def demo_programmes_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def partial_date_parse(value: str) -> tuple[datetime.date | None, str]:
    """A date written as precisely as it is known, with that precision.

    "2017" → (2017-01-01, year); "2019-06" → (2019-06-01, month); "2019-04-05" → (…, day); "" → (None, "").
    """
    if not value:
        return None, ""
    parts = [int(part) for part in value.split("-")]
    precision = {1: DatePrecision.YEAR, 2: DatePrecision.MONTH, 3: DatePrecision.DAY}[len(parts)]
    return datetime.date(*(parts + [1] * (3 - len(parts)))), precision


def _organisation(name: str) -> Organization:
    found = list(Organization.objects.filter(Q(name=name) | Q(alternate_name=name))[:2])
    if len(found) > 1:
        raise ValueError(f"More than one directory organisation is called {name!r}")
    return found[0] if found else Organization.objects.create(name=name)


@transaction.atomic
def programmes_demo_load() -> bool:
    """Load the demo programme into a database that has none; True when loaded."""
    if Project.objects.exists() or Event.objects.exists():
        return False
    data = demo_programmes_data()

    programmes = {}
    for item in data["funders"]:
        funder = Funder.objects.create(name=item["name"])
        for name in item["programmes"]:
            programmes[(funder.name, name)] = FunderProgramme.objects.create(funder=funder, name=name)

    projects = {}
    for item in data["projects"]:
        start, start_precision = partial_date_parse(item["start"])
        end, end_precision = partial_date_parse(item["end"])
        project = Project.objects.create(
            title=item["title"],
            acronym=item["acronym"],
            summary=item["summary"],
            objectives=item["objectives"],
            thematic_area=item["thematic_area"],
            funder_programme=programmes[(item["funder"], item["funder_programme"])],
            grant_number=item["grant_number"],
            budget=item["budget"],
            currency=item["currency"],
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
            our_role=item["our_role"],
            website=item["website"],
        )
        projects[item["key"]] = project
        for order, partner in enumerate(item["partners"]):
            ProjectPartner.objects.create(
                project=project,
                organization=_organisation(partner["organisation"]) if partner.get("organisation") else None,
                country=partner.get("country", ""),
                role=partner["role"],
                order=order,
            )
        for order, deliverable in enumerate(item["deliverables"]):
            Deliverable.objects.create(project=project, order=order, **deliverable)

    networks: dict[str, Network] = {}
    for item in data["networks"]:
        network = networks.get(item["network"])
        if network is None:
            network = networks[item["network"]] = Network.objects.create(
                organization=_organisation(item["network"])
            )
        since, since_precision = partial_date_parse(item["since"])
        NetworkMembership.objects.create(
            network=network,
            member=_organisation(item["member"]),
            since=since,
            since_precision=since_precision,
        )

    for item in data["events"]:
        event = Event.objects.create(
            type=item["type"],
            title=item["title"],
            project=projects[item["project"]] if item["project"] else None,
            external_project=item.get("external_project", ""),
            network=networks[item["network"]] if item.get("network") else None,
            organiser=_organisation(item["organiser"]) if item["organiser"] else None,
            our_role=item["our_role"],
            city=item["city"],
            country=item["country"],
            venue=item["venue"],
            topics=item["topics"],
            description=item["description"],
            audience=item["audience"],
            headcount=item["headcount"],
        )
        EventDay.objects.bulk_create(
            EventDay(event=event, date=datetime.date.fromisoformat(day)) for day in item["days"]
        )
        EventProfession.objects.bulk_create(
            EventProfession(event=event, profession=profession) for profession in item["professions"]
        )
        EventCountry.objects.bulk_create(
            EventCountry(event=event, country=country) for country in item["countries"]
        )
        event.represented_organisations.set(_organisation(name) for name in item["represented_organisations"])

    for item in data["publications"]:
        date, date_precision = partial_date_parse(item["date"])
        Publication.objects.create(
            title=item["title"],
            type=item["type"],
            date=date,
            date_precision=date_precision,
            project=projects[item["project"]] if item["project"] else None,
            languages=item["languages"],
            summary=item["summary"],
            link=item["link"],
        )

    for scope in PartnerScope:
        for order, name in enumerate(data["partners"][scope.value]):
            Partnership.objects.create(organization=_organisation(name), scope=scope, order=order)

    for item in data["collaboration_protocols"]:
        signed_on, signed_on_precision = partial_date_parse(item["signed_on"])
        CollaborationProtocol.objects.create(
            partner=_organisation(item["partner"]),
            signed_on=signed_on,
            signed_on_precision=signed_on_precision,
            objectives=item["objectives"],
        )

    for item in data["campaigns"]:
        start, start_precision = partial_date_parse(item["start"])
        end, end_precision = partial_date_parse(item["end"])
        campaign = Campaign.objects.create(
            project=projects[item["project"]] if item["project"] else None,
            title=item["title"],
            description=item["description"],
            channel=item["channel"],
            target_countries=item["target_countries"],
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
        )
        CampaignMessage.objects.bulk_create(
            CampaignMessage(campaign=campaign, text=message["text"], link=message["link"], order=order)
            for order, message in enumerate(item["messages"])
        )
    return True


# --- The example training -----------------------------------------------------------------------------------

EXAMPLE_TITLE = "Example: training on the rights of victims of crime for frontline professionals"
EXAMPLE_DESCRIPTION = (
    "An example event of the demo, not a real training and not in the 2019 report: it is here so that "
    "registration, the waiting list and check-in can be tried. Everyone registered for it is fictitious. "
    "Two days on the rights of victims of crime under Directive 2012/29/EU, for the professionals who "
    "first meet them."
)
EXAMPLE_TOPICS = [
    "the rights of victims of crime under Directive 2012/29/EU",
    "the individual assessment of a victim's protection needs",
    "referral to victim support services",
]
EXAMPLE_DAYS_AHEAD = 28  # the first day, counted from the day the demo is loaded
EXAMPLE_REGISTRATION_CLOSES_BEFORE = 3  # days before the first day
EXAMPLE_CAPACITY = 12
EXAMPLE_REGISTERED = EXAMPLE_CAPACITY - 1  # one place left, then the waiting list
EXAMPLE_SEED = 2019
# Invented bodies, one per profession: no real institution is named beside a fictitious person.
EXAMPLE_INSTITUTIONS = {
    Profession.LAWYER: "Example Bar Association (fictitious)",
    Profession.PROSECUTOR: "Example Prosecutor's Office (fictitious)",
    Profession.JUDGE: "Example District Court (fictitious)",
    Profession.POLICE_OFFICER: "Example Police Inspectorate (fictitious)",
    Profession.SOCIAL_WORKER: "Example Social Assistance Directorate (fictitious)",
    Profession.PSYCHOLOGIST: "Example Counselling Centre (fictitious)",
}
EXAMPLE_GENDERS = [
    ParticipantGender.WOMAN,
    ParticipantGender.MAN,
    ParticipantGender.WOMAN,
    ParticipantGender.PREFER_NOT_TO_SAY,
    "",  # not answered
]


def example_training_load() -> Event | None:
    """Add the example training (see the module's docstring) with its fictitious registrations, once;
    None when it is there already. The seed organisation (for the consent text) and its directory entry
    (the organiser) are loaded first."""
    from refugiu.organisation.models import NGO
    from refugiu.programmes import services

    if Event.objects.filter(title=EXAMPLE_TITLE).exists():
        return None
    organisation = NGO.objects.order_by("pk").first()
    first_day = timezone.localdate() + datetime.timedelta(days=EXAMPLE_DAYS_AHEAD)
    with transaction.atomic():
        event = Event.objects.create(
            type=EventType.TRAINING,
            title=EXAMPLE_TITLE,
            organiser=_organisation(organisation.name) if organisation else None,
            our_role=EventRole.ORGANISER,
            city="Bucharest",
            country="RO",
            topics=EXAMPLE_TOPICS,
            description=EXAMPLE_DESCRIPTION,
            capacity=EXAMPLE_CAPACITY,
            registration_open=True,
            registration_closes_on=first_day - datetime.timedelta(days=EXAMPLE_REGISTRATION_CLOSES_BEFORE),
            waiting_list=True,
        )
        EventDay.objects.bulk_create(
            EventDay(
                event=event,
                date=first_day + datetime.timedelta(days=offset),
                starts_at=datetime.time(9, 30),
                ends_at=datetime.time(16, 30),
            )
            for offset in range(2)
        )
        EventProfession.objects.bulk_create(
            EventProfession(event=event, profession=profession) for profession in EXAMPLE_INSTITUTIONS
        )
        EventCountry.objects.bulk_create(EventCountry(event=event, country=code) for code in ("RO", "MD"))
        # Through the services, as the public form does: places taken, consent text kept, e-mails sent
        # (to example.org addresses, into the demo's mail folder).
        for number, (name, country, gender) in enumerate(_example_people(EXAMPLE_REGISTERED), start=1):
            profession = list(EXAMPLE_INSTITUTIONS)[number % len(EXAMPLE_INSTITUTIONS)]
            services.participant_register(
                event=event,
                name=name,
                email=f"demo.participant{number}@example.org",
                profession=profession,
                institution=EXAMPLE_INSTITUTIONS[profession],
                country=country,
                gender=gender,
                consent=True,
                language="ro" if number % 3 else "en",
                source=ParticipantSource.FORM,
            )
    event.refresh_from_db()
    return event


def _example_people(count: int) -> list[tuple[str, str, str]]:
    """`count` different fictitious people (name, country, gender as they would answer it), from the names
    the demo cases are made of: mostly Romanian, a few from the Republic of Moldova; the same every time."""
    from refugiu.demo.cases_stories import NAMES

    rng = random.Random(EXAMPLE_SEED)  # noqa: S311 - reproducible fake data, not security
    people: dict[str, tuple[str, str]] = {}
    while len(people) < count:
        origin, country = ("md", "MD") if len(people) % 4 == 3 else ("ro", "RO")
        gender = EXAMPLE_GENDERS[len(people) % len(EXAMPLE_GENDERS)]
        female, male, family = NAMES[origin]
        by_gender: dict[str, list[str]] = {ParticipantGender.WOMAN: female, ParticipantGender.MAN: male}
        given = by_gender.get(gender, female + male)
        people.setdefault(f"{rng.choice(given)} {rng.choice(family)}", (country, gender))
    return [(name, country, gender) for name, (country, gender) in people.items()]


def example_training_keep_ahead() -> bool:
    """Move the example training forward (its days and the day registration closes) when its registration
    has closed, so that a demo started again weeks later still has it to try; True when moved. Its
    registrations and their check-ins stay as they are."""
    event = Event.objects.filter(title=EXAMPLE_TITLE).first()
    today = timezone.localdate()
    if event is None or (event.registration_closes_on and event.registration_closes_on >= today):
        return False
    days = list(event.days.order_by("-date"))  # the last first: each day moves to a date no other holds
    if not days:
        return False
    shift = today + datetime.timedelta(days=EXAMPLE_DAYS_AHEAD) - days[-1].date
    with transaction.atomic():
        for day in days:
            day.date += shift
            day.save(update_fields=["date"])
        event.registration_closes_on = days[-1].date - datetime.timedelta(
            days=EXAMPLE_REGISTRATION_CLOSES_BEFORE
        )
        event.save(update_fields=["registration_closes_on"])
    return True
