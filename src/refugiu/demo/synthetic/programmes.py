"""A synthetic year of projects, events and participants for benchmarks: plainly fake, deterministic, large.

Nothing here may pass for real. Every project, event, publication and deliverable title starts with
"Synthetic", participants are "Synthetic participant N" with the address participantN@example.invalid
(a domain that cannot exist), and organisers and places are invented. The data can be found and removed by
its titles (`Event.objects.filter(title__startswith="Synthetic ")`).

What `programme_generate(year=Y, events=E, participants=P)` makes for the year Y (once per year):
- PROJECTS projects running the whole year ("Synthetic project Y-n"), coordinator or partner in turn,
  under one synthetic funder, each with 3 to 5 partners: directory organisations when the directory has
  some, else partners known only by their country; a deliverable and 2 or 3 publications dated in the
  year each, and 2 publications of no project;
- E published events whose first days are spread evenly over the year, 1 to 3 consecutive days each (all
  in the year), of every type, most of them within a project (some of those only attended or spoken at:
  the report lists them as international events), the rest of no project of ours, each naming 1 to 3
  professions and 1 to 3 countries;
- about half the events with a headcount only (10 to 120), the others with individual participants: P
  confirmed participants in all, shared unevenly between them, with a profession, a country and a gender
  (a few left blank), checked in on their event's days (most on every day, some on one, about 1 in 20 on
  none). `Event.places_taken` equals each event's confirmed participants; capacity stays empty.

Speed: everything goes in with bulk_create in batches, no per-row services; the planner's statistics are
refreshed at the end. The same seed, year and sizes give the same data (ids aside).
"""

import datetime as dt
import random
import time
import uuid
from dataclasses import dataclass

from django.db import connection, transaction

from refugiu.directory.models import Organization
from refugiu.programmes.models import (
    Attendance,
    Deliverable,
    Event,
    EventCountry,
    EventDay,
    EventProfession,
    Funder,
    FunderProgramme,
    Participant,
    Project,
    ProjectPartner,
    Publication,
)
from refugiu.programmes.vocabularies import (
    DatePrecision,
    DeliverableKind,
    EventRole,
    EventType,
    ParticipantGender,
    ParticipantSource,
    ParticipantStatus,
    PartnerRole,
    Profession,
    ProjectRole,
    PublicationType,
    ThematicArea,
)

LABEL = "Synthetic"
PROJECTS = 10
BATCH_SIZE = 2000
EMAIL_DOMAIN = "example.invalid"
# Share of events within one of our projects (the rest: no project of ours), and of those, the share we
# only attended or spoke at.
IN_PROJECT = 0.85
VISITED = 0.1
COUNTRIES = ["RO", "RO", "RO", "MD", "BG", "GR", "DE", "AT", "FR", "BE", "IT", "ES", "PL", "HU", "UA", "SY"]
CITIES = {
    "RO": ["Bucharest", "Cluj-Napoca", "Iași", "Timișoara", "Constanța"],
    "MD": ["Chișinău"],
    "BG": ["Sofia", "Plovdiv"],
    "GR": ["Athens", "Thessaloniki"],
    "DE": ["Berlin", "Munich"],
    "AT": ["Vienna"],
    "FR": ["Paris", "Lyon"],
    "BE": ["Brussels"],
    "IT": ["Rome", "Milan"],
    "ES": ["Madrid"],
    "PL": ["Warsaw"],
    "HU": ["Budapest"],
    "UA": ["Kyiv"],
    "SY": ["Damascus"],
}
PROFESSIONS = list(Profession.values)
GENDERS: list[str] = [
    *[ParticipantGender.WOMAN] * 11,
    *[ParticipantGender.MAN] * 8,
    ParticipantGender.OTHER,
    ParticipantGender.PREFER_NOT_TO_SAY,
    "",
]
TOPICS = ["victims' rights", "identification", "referral", "interpreting", "integration", "case management"]


@dataclass
class ProgrammeSummary:
    year: int
    projects: int = 0
    events: int = 0
    event_days: int = 0
    headcount_events: int = 0
    headcount_total: int = 0
    participants: int = 0
    attendances: int = 0
    publications: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.year}: {self.projects} projects, {self.events:,} events on {self.event_days:,} days "
            f"({self.headcount_events:,} with a headcount only, {self.headcount_total:,} people in all), "
            f"{self.participants:,} participants with {self.attendances:,} check-ins, "
            f"{self.publications} publications in {self.seconds:.1f} s"
        )


class ProgrammeExists(ValueError):
    pass


def programme_exists(year: int) -> bool:
    return Project.objects.filter(title__startswith=f"{LABEL} project {year}-").exists()


def _shares(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` uneven whole shares (each at least 1 when total allows) that add up."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.2, 1.8) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    if total >= parts:
        shares = [max(1, share) for share in shares]
    difference = total - sum(shares)
    order = sorted(range(parts), key=lambda i: -weights[i])
    i = 0
    while difference:
        index = order[i % parts]
        if difference > 0:
            shares[index] += 1
            difference -= 1
        elif shares[index] > 1:
            shares[index] -= 1
            difference += 1
        i += 1
    return shares


def programme_generate(*, year: int, events: int, participants: int, seed: int = 0) -> ProgrammeSummary:
    """Make the synthetic year (see the module docstring), all or nothing. Raises ProgrammeExists when the
    year was generated already."""
    if events < 1 or participants < 0:
        raise ValueError("at least 1 event and 0 participants")
    started = time.perf_counter()
    rng = random.Random(f"refugiu-programme-{seed}-{year}")  # noqa: S311 - reproducible fake data
    summary = ProgrammeSummary(year=year)
    with transaction.atomic():
        if programme_exists(year):
            raise ProgrammeExists(f"synthetic programme data for {year} exists already")
        projects = _projects(year, rng, summary)
        organisations = list(Organization.objects.order_by("pk").values_list("pk", flat=True)[:200])
        _partners(projects, organisations, rng)
        made = _events(year, events, projects, rng, summary)
        _participants(made, participants, rng, summary)
        _refresh_statistics()
    summary.seconds = time.perf_counter() - started
    return summary


def _projects(year: int, rng: random.Random, summary: ProgrammeSummary) -> list[Project]:
    funder, _created = Funder.objects.get_or_create(name=f"{LABEL} funder")
    programme, _created = FunderProgramme.objects.get_or_create(funder=funder, name=f"{LABEL} programme")
    areas = list(ThematicArea.values)
    projects = [
        Project(
            title=f"{LABEL} project {year}-{n}",
            acronym=f"SYN-{year}-{n}",
            summary=f"{LABEL} data for benchmarks: not a real project.",
            objectives=[f"{LABEL} objective {k}" for k in range(1, rng.randint(2, 4) + 1)],
            thematic_area=areas[n % len(areas)],
            funder_programme=programme,
            grant_number=f"SYN-{year}-{n:03d}",
            budget=rng.randint(50, 900) * 1000,
            currency="EUR",
            start=dt.date(year, 1, 1),
            start_precision=DatePrecision.DAY,
            end=dt.date(year, 12, 31),
            end_precision=DatePrecision.DAY,
            our_role=ProjectRole.COORDINATOR if n % 3 else ProjectRole.PARTNER,
        )
        for n in range(1, PROJECTS + 1)
    ]
    Project.objects.bulk_create(projects)
    kinds = list(DeliverableKind.values)
    Deliverable.objects.bulk_create(
        Deliverable(project=p, kind=kinds[i % len(kinds)], title=f"{LABEL} deliverable {year}-{i + 1}")
        for i, p in enumerate(projects)
    )
    types = list(PublicationType.values)
    publications = []
    for i, project in enumerate(projects):
        for k in range(rng.randint(2, 3)):
            publications.append(
                Publication(
                    title=f"{LABEL} publication {year}-{i + 1}-{k + 1}",
                    type=rng.choice(types),
                    date=dt.date(year, rng.randint(1, 12), 1),
                    date_precision=DatePrecision.MONTH,
                    project=project,
                    languages=["en"],
                    summary=f"{LABEL} publication for benchmarks.",
                )
            )
    publications += [
        Publication(
            title=f"{LABEL} publication {year}-other-{k}",
            type=rng.choice(types),
            date=dt.date(year, 6 * k, 1),
            date_precision=DatePrecision.MONTH,
            summary=f"{LABEL} publication of no project.",
        )
        for k in (1, 2)
    ]
    Publication.objects.bulk_create(publications)
    summary.projects = len(projects)
    summary.publications = len(publications)
    return projects


def _partners(projects: list[Project], organisations: list[uuid.UUID], rng: random.Random) -> None:
    partners = []
    for project in projects:
        count = rng.randint(3, 5)
        if organisations:
            chosen = rng.sample(organisations, min(count, len(organisations)))
            partners += [
                ProjectPartner(project=project, organization_id=pk, role=PartnerRole.PARTNER, order=k)
                for k, pk in enumerate(chosen)
            ]
        else:
            codes = rng.sample(sorted(set(COUNTRIES) - {"RO"}), count)
            partners += [
                ProjectPartner(project=project, country=code, role=PartnerRole.PARTNER, order=k)
                for k, code in enumerate(codes)
            ]
    ProjectPartner.objects.bulk_create(partners, batch_size=BATCH_SIZE)


@dataclass
class _Made:
    event: Event
    days: list[EventDay]
    individual: bool
    professions: list[str]


def _events(
    year: int, count: int, projects: list[Project], rng: random.Random, summary: ProgrammeSummary
) -> list[_Made]:
    start = dt.date(year, 1, 1)
    year_days = (dt.date(year, 12, 31) - start).days + 1
    types = list(EventType.values)
    plans = []
    for n in range(count):
        first = start + dt.timedelta(days=n * year_days // count)
        length = min(rng.choice((1, 1, 2, 2, 3)), (dt.date(year, 12, 31) - first).days + 1)
        type_ = types[n % len(types)]
        country = rng.choice(COUNTRIES)
        project, role, external, organiser_name = None, EventRole.ORGANISER, "", ""
        if rng.random() < IN_PROJECT:
            project = projects[n % len(projects)]
            if rng.random() < VISITED:
                role = rng.choice((EventRole.ATTENDEE, EventRole.SPEAKER))
                organiser_name = f"{LABEL} organiser {n % 40 + 1}"
            elif rng.random() < 0.3:
                role = EventRole.CO_ORGANISER
        else:
            role = rng.choice((EventRole.ATTENDEE, EventRole.SPEAKER, EventRole.ORGANISER))
            external = f"{LABEL} project of another organisation {n % 25 + 1}"
            if role != EventRole.ORGANISER:
                organiser_name = f"{LABEL} organiser {n % 40 + 1}"
        individual = n % 2 == 1
        event = Event(
            type=type_,
            title=f"{LABEL} {EventType(type_).label} {year}-{n + 1}",
            project=project,
            external_project=external,
            organiser_name=organiser_name,
            our_role=role,
            city=rng.choice(CITIES[country]),
            country=country,
            venue=f"{LABEL} venue {rng.randint(1, 60)}",
            topics=rng.sample(TOPICS, rng.randint(1, 3)),
            description=f"{LABEL} event for benchmarks: not a real event.",
            audience=f"{LABEL} audience",
            headcount=None if individual else rng.randint(10, 120),
        )
        days = [EventDay(date=first + dt.timedelta(days=k)) for k in range(length)]
        plans.append(_Made(event, days, individual, rng.sample(PROFESSIONS, rng.randint(1, 3))))
    Event.objects.bulk_create([p.event for p in plans], batch_size=BATCH_SIZE)
    days, professions, countries = [], [], []
    for plan in plans:
        for day in plan.days:
            day.event = plan.event
        days += plan.days
        professions += [EventProfession(event=plan.event, profession=p) for p in plan.professions]
        country = str(plan.event.country)  # its code
        named = sorted(set(COUNTRIES) - {country})
        countries += [
            EventCountry(event=plan.event, country=c)
            for c in [country, *rng.sample(named, rng.randint(0, 2))]
        ]
    EventDay.objects.bulk_create(days, batch_size=BATCH_SIZE)
    EventProfession.objects.bulk_create(professions, batch_size=BATCH_SIZE)
    EventCountry.objects.bulk_create(countries, batch_size=BATCH_SIZE)
    summary.events = len(plans)
    summary.event_days = len(days)
    headcounts = [p.event.headcount for p in plans if p.event.headcount is not None]
    summary.headcount_events = len(headcounts)
    summary.headcount_total = sum(headcounts)
    return plans


def _participants(plans: list[_Made], total: int, rng: random.Random, summary: ProgrammeSummary) -> None:
    individual = [plan for plan in plans if plan.individual]
    if not individual and total:
        individual = plans  # a single event: it takes the participants
        for plan in plans:
            plan.event.headcount = None
        Event.objects.filter(pk__in=[p.event.pk for p in plans]).update(headcount=None)
        summary.headcount_events = summary.headcount_total = 0
    shares = _shares(total, len(individual), rng)
    number = 0
    pending: list[tuple[Participant, list[EventDay]]] = []
    for plan, share in zip(individual, shares, strict=True):
        event = plan.event
        # Mostly the professions the event names, some others.
        professions = plan.professions * 3 + rng.sample(PROFESSIONS, 2)
        countries = [event.country] * 3 + rng.sample(COUNTRIES, 3)
        for _ in range(share):
            number += 1
            participant = Participant(
                event=event,
                name=f"{LABEL} participant {number}",
                email=f"participant{number}@{EMAIL_DOMAIN}",
                profession=rng.choice(professions),
                institution=f"{LABEL} institution {rng.randint(1, 300)}",
                country=rng.choice(countries) if rng.random() > 0.02 else "",
                gender=rng.choice(GENDERS),
                status=ParticipantStatus.CONFIRMED,
                source=rng.choice((ParticipantSource.FORM, ParticipantSource.FORM, ParticipantSource.STAFF)),
                language="en",
            )
            attended = rng.random()
            if attended < 0.05:
                days = []
            elif attended < 0.2 and len(plan.days) > 1:
                days = [rng.choice(plan.days)]
            else:
                days = plan.days
            pending.append((participant, days))
        event.places_taken = share
        if len(pending) >= BATCH_SIZE:
            summary.attendances += _write_participants(pending)
            pending = []
    if pending:
        summary.attendances += _write_participants(pending)
    Event.objects.bulk_update([plan.event for plan in individual], ["places_taken"], batch_size=BATCH_SIZE)
    summary.participants = number


def _write_participants(pending: list[tuple[Participant, list[EventDay]]]) -> int:
    Participant.objects.bulk_create([participant for participant, _days in pending], batch_size=BATCH_SIZE)
    if any(participant.pk is None for participant, _days in pending):  # an engine that returns no ids
        raise RuntimeError("bulk_create returned no ids: this database is not supported")
    attendances = [Attendance(participant=p, day=day) for p, days in pending for day in days]
    Attendance.objects.bulk_create(attendances, batch_size=BATCH_SIZE)
    return len(attendances)


def _refresh_statistics() -> None:
    """Let the query planner see the tables as they now are (written in pieces)."""
    models = (Project, Event, EventDay, EventProfession, EventCountry, Participant, Attendance, Publication)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
