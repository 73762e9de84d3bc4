"""The demo programme (demo/data/demo_programmes.json) against the seed report.

(1) the file against figures copied from the report; (2) loaded, against the same figures and the
directory; (3) skip-marked: figures parsed out of the report text itself, so that a typo in the copied
figures cannot hide one in the file.
"""

import datetime
import re
from collections import Counter

import pytest

from refugiu.demo.programmes import demo_programmes_data, partial_date_parse, programmes_demo_load
from tests.conftest import SEED_REPORT, needs_seed_report

D = datetime.date

# Copied from the report: title, our role, funding programme, website, start, end.
PROJECTS = {
    "Pro Victims Justice through an enhanced rights protection and stakeholders cooperation": (
        "coordinator",
        "Justice Programme",
        "https://provictimsjustice.prorefugiu.org/",
        "2017-09",
        "2019-08",
    ),
    "Preventing and combatting racism and xenophobia through social orientation of non-nationals": (
        "partner",
        "Rights Equality and Citizenship Programme",
        "http://raccombat-project.eu/",
        "2017",
        "2019-06",
    ),
    "Towards a more effective rights protection and access to judicial procedures for victims of crime": (
        "coordinator",
        "Justice Programme",
        "http://justiceforwomen.prorefugiu.eu/",
        "2018-09",
        "2020-04",
    ),
    (
        "Anti-trafficking stakeholders and economic sectors networking, cooperation to combat the business "
        "of human trafficking chain"
    ): (
        "coordinator",
        "Internal Security Fund Police",
        "http://net-combat-thb-chain.prorefugiu.eu",
        "2018",
        "2020-04",
    ),
    (
        "Training lawyers, prosecutors, judges to ensure better rights protection for migrants and refugees "
        "victims of human trafficking"
    ): (
        "coordinator",
        "Justice Programme",
        "http://train-pro-rights.prorefugiu.eu/",
        "2019-06",
        "2021-02",
    ),
}
# first day → (city, headcount or None when the report gives none)
EVENTS = {
    D(2019, 4, 5): ("Bucharest", 54),
    D(2019, 6, 7): ("Bucharest", 51),
    D(2019, 4, 4): ("Bucharest", 24),
    D(2019, 3, 21): ("Bucharest", 33),
    D(2019, 5, 10): ("Madrid", 18),
    D(2019, 10, 10): ("Bucharest", 41),
    D(2019, 10, 11): ("Bucharest", 24),
    D(2019, 4, 12): ("Stuttgart", 14),
    D(2019, 9, 27): ("Bucharest", 24),
    D(2019, 9, 19): ("Bucharest", None),
    D(2019, 5, 27): ("Brussels", None),
    D(2019, 6, 13): ("Brussels", None),
    D(2019, 12, 5): ("Brussels", None),
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DATE_IN_REPORT = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s*-\s*(\d{1,2}))?(?: of)? (" + "|".join(MONTHS) + r") (\d{4})"
)
COUNT_IN_REPORT = re.compile(r"\b(\d+) (?:participants|lawyers|specialists)\b")


def squeeze(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- (1) the file ------------------------------------------------------------------------------------------


def test_the_file_has_the_reports_five_projects():
    projects = demo_programmes_data()["projects"]
    assert {
        p["title"]: (p["our_role"], p["funder_programme"], p["website"], p["start"], p["end"])
        for p in projects
    } == PROJECTS
    assert {p["funder"] for p in projects} == {"European Union"}


def test_the_file_has_every_event_with_its_headcount_or_none():
    events = demo_programmes_data()["events"]
    assert {D.fromisoformat(e["days"][0]): (e["city"], e["headcount"]) for e in events} == EVENTS
    assert len(events) == len(EVENTS)
    assert all(e["headcount"] != 0 for e in events)


def test_partial_dates_parse_as_precisely_as_written():
    assert partial_date_parse("2017") == (D(2017, 1, 1), "year")
    assert partial_date_parse("2019-06") == (D(2019, 6, 1), "month")
    assert partial_date_parse("2019-04-05") == (D(2019, 4, 5), "day")
    assert partial_date_parse("") == (None, "")


# --- (2) loaded --------------------------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.directory.models import Organization

    directory_demo_load()
    organisations = Organization.objects.count()
    assert programmes_demo_load() is True
    return organisations


def test_demo_loads_once(loaded):
    from refugiu.programmes.models import Event, Project

    assert programmes_demo_load() is False
    assert (Project.objects.count(), Event.objects.count()) == (5, 13)


def test_demo_links_partners_to_the_directory_without_copies(loaded):
    from refugiu.directory.models import Organization
    from refugiu.programmes.models import Network, NetworkMembership, Partnership, ProjectPartner

    assert Organization.objects.count() == loaded  # every body the report names was already there
    assert Partnership.objects.filter(scope="international").count() == 13
    assert Partnership.objects.filter(scope="national").count() == 11
    assert Network.objects.count() == NetworkMembership.objects.count() == 2
    demo = demo_programmes_data()
    assert ProjectPartner.objects.count() == sum(len(p["partners"]) for p in demo["projects"]) == 22
    raccombat = ProjectPartner.objects.filter(project__acronym="RACCOMBAT")
    assert sorted(p.partner_country for p in raccombat) == ["AT", "BE", "BG", "GR", "LV"]
    provictims = ProjectPartner.objects.filter(project__website="https://provictimsjustice.prorefugiu.org/")
    assert sorted(p.partner_country for p in provictims) == ["BG", "DE", "RO", "SE"]


def test_the_april_seminar_in_bucharest_had_54_participants(loaded):
    from refugiu.programmes.models import Event

    event = Event.objects.get(days__date=D(2019, 4, 5))
    assert [day.date for day in event.days.all()] == [D(2019, 4, 5), D(2019, 4, 6)]
    assert (event.city, str(event.country), event.headcount, event.our_role) == (
        "Bucharest",
        "RO",
        54,
        "organiser",
    )
    assert {p.profession for p in event.professions.all()} == {
        "lawyer",
        "prosecutor",
        "judge",
        "police_officer",
        "social_worker",
        "psychologist",
    }
    assert [str(c.country) for c in event.countries.all()] == ["RO"]


def test_loaded_events_match_the_reports_figures(loaded):
    from refugiu.programmes.models import Event

    events = {
        event.first_day: (event.city, event.headcount) for event in Event.objects.prefetch_related("days")
    }
    assert events == EVENTS
    assert not Event.objects.filter(headcount=0).exists()


def test_the_local_conference_names_the_bodies_represented(loaded):
    from refugiu.programmes.models import Event

    event = Event.objects.get(days__date=D(2019, 9, 27))
    assert str(event) == "local conference"  # the report gives it no title
    assert (str(event.organiser), event.our_role, event.headcount) == (
        "Pro Refugiu Association",
        "organiser",
        24,
    )
    assert {str(o) for o in event.represented_organisations.all()} >= {
        "Hotel Industry Federation of Romania",
        "Directorate for Investigating Organised Crime and Terrorism",
        "Bucharest Bar",
    }


def test_international_events_are_attended_or_spoken_at(loaded):
    from refugiu.programmes.models import Event

    abroad = Event.objects.filter(project=None)
    assert sorted((e.type, e.our_role) for e in abroad) == [
        ("exchange_seminar", "speaker"),
        ("network_meeting", "attendee"),
        ("network_meeting", "attendee"),
    ]
    assert {str(e.network) for e in abroad if e.network} == {
        "EU Civil Society Platform against Trafficking in Human Beings"
    }


def test_publications_deliverables_and_campaign(loaded):
    from refugiu.programmes.models import (
        CampaignMessage,
        CollaborationProtocol,
        Deliverable,
        Publication,
    )

    assert Publication.objects.count() == 3
    study = Publication.objects.get(type="study")
    assert study.date_display == "March 2019"
    assert Publication.objects.filter(type="").count() == 1  # the report does not say what it is
    assert Deliverable.objects.count() == 4
    assert CampaignMessage.objects.count() == 4
    assert {m.effective_channel for m in CampaignMessage.objects.all()} == {"Facebook"}
    assert CollaborationProtocol.objects.count() == 0  # the report names none


# --- (3) parsed out of the report itself -------------------------------------------------------------------


def report_text() -> str:
    return SEED_REPORT.read_text(encoding="utf-8")


def report_programme_paragraphs() -> list[str]:
    """The report from its projects to its partners, in paragraphs."""
    text = report_text()
    text = text[text.index("The organisation implemented in 2019") : text.index("Being aware of the fact")]
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def report_days(paragraph: str) -> list[D]:
    days = []
    for first, last, month, year in DATE_IN_REPORT.findall(paragraph):
        month_number = MONTHS.index(month) + 1
        for day in range(int(first), int(last or first) + 1):
            days.append(D(int(year), month_number, day))
    return days


@needs_seed_report
def test_every_date_in_the_report_is_an_event_day(loaded):
    from refugiu.programmes.models import EventDay

    in_report = {day for paragraph in report_programme_paragraphs() for day in report_days(paragraph)}
    assert len(in_report) == 17
    assert set(EventDay.objects.values_list("date", flat=True)) == in_report


@needs_seed_report
def test_every_headcount_is_the_one_next_to_its_date_in_the_report(loaded):
    from refugiu.programmes.models import Event

    checked = 0
    for paragraph in report_programme_paragraphs():
        days = report_days(paragraph)
        if not days:
            continue
        event = Event.objects.get(days__date=days[0])
        counts = [int(n) for n in COUNT_IN_REPORT.findall(paragraph)]
        assert counts in ([], [event.headcount]), paragraph
        if not counts:
            assert event.headcount is None, paragraph  # not given: null, never 0
        assert event.city in paragraph
        checked += 1
    assert checked == Event.objects.count()


@needs_seed_report
def test_headcounts_are_all_the_reports_counts(loaded):
    from refugiu.programmes.models import Event

    in_report = Counter(int(n) for p in report_programme_paragraphs() for n in COUNT_IN_REPORT.findall(p))
    ours = Counter(Event.objects.exclude(headcount=None).values_list("headcount", flat=True))
    assert ours == in_report


@needs_seed_report
def test_projects_funders_and_websites_are_the_reports():
    report = squeeze(report_text())
    urls = set(re.findall(r"<(https?://[^>]+)>", report_text()))
    demo = demo_programmes_data()
    for project in demo["projects"]:
        assert squeeze(project["title"]) in report
        assert project["website"] in urls
        assert squeeze(f"{project['funder_programme']} of the European Union") in report
        for objective in project["objectives"]:
            assert squeeze(objective) in report
    campaign_links = {m["link"] for c in demo["campaigns"] for m in c["messages"]}
    assert urls == {p["website"] for p in demo["projects"]} | campaign_links


@needs_seed_report
def test_partners_publications_and_messages_are_in_the_report():
    report = squeeze(report_text())
    demo = demo_programmes_data()
    partner_list = report_text().split("International partners")[1]
    international = re.findall(r"<p>([^<]+)</p>", partner_list.split("Networks (membership)")[0])
    national = re.findall(r"<p>([^<]+)</p>", partner_list.split("National partners</p>")[1])
    assert len(demo["partners"]["international"]) == len(international) == 13
    assert len(demo["partners"]["national"]) == len(national) == 11
    for name in [*demo["partners"]["international"], *demo["partners"]["national"]]:
        assert squeeze(name) in report, name
    for publication in demo["publications"]:
        for part in publication["title"].split(". "):
            assert squeeze(part) in report, part
        assert squeeze(publication["summary"]) in report
    for campaign in demo["campaigns"]:
        assert squeeze(campaign["title"]) in report
        assert squeeze(campaign["description"]) in report
        for message in campaign["messages"]:
            for line in message["text"].splitlines():
                assert squeeze(line) in report, line
    for event in demo["events"]:
        for key in ("audience", "description"):
            for sentence in event[key].split(". "):
                assert squeeze(sentence) in report, sentence
