"""The seed organisation's 2019 programme, as its 2019 activity report states it, for the demo.

Partners, organisers and networks are looked up in the directory (loaded first) by name or alternate
name; a body the directory lacks is created there with its name only, as the report gives no more.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.db.models import Q

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
from refugiu.programmes.vocabularies import DatePrecision, PartnerScope

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

    networks = {}
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
