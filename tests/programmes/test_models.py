"""The programmes models: what their constraints refuse and what their small properties say."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from refugiu.directory.models import Organization
from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    Event,
    EventCountry,
    EventDay,
    EventProfession,
    Funder,
    FunderProgramme,
    Project,
    ProjectPartner,
    Publication,
    partial_date_display,
)
from refugiu.programmes.vocabularies import (
    DatePrecision,
    EventType,
    PartnerRole,
    Profession,
    ProjectRole,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_profession_vocabulary_is_product_md_section_3():
    assert [str(label) for label in Profession.labels] == [
        "judge",
        "prosecutor",
        "lawyer",
        "police officer",
        "social worker",
        "psychologist",
        "doctor or health professional",
        "immigration officer",
        "labour inspector",
        "cultural mediator",
        "interpreter",
        "NGO staff",
        "business sector",
        "academic",
        "other",
    ]


def test_event_types_are_the_issues():
    assert [str(label) for label in EventType.labels] == [
        "seminar",
        "conference",
        "final conference",
        "workshop",
        "training",
        "experts meeting",
        "transnational experts meeting",
        "national working group",
        "case conference",
        "local conference",
        "exchange seminar",
        "network meeting",
    ]


def test_a_period_known_to_the_year_and_the_month_is_shown_as_known():
    project = Project.objects.create(
        title="A project",
        start=D(2017, 1, 1),
        start_precision=DatePrecision.YEAR,
        end=D(2019, 6, 1),
        end_precision=DatePrecision.MONTH,
    )
    assert project.period_display == "2017 – June 2019"
    assert partial_date_display(D(2019, 4, 5), DatePrecision.DAY) == "April 5, 2019"
    assert partial_date_display(None, "") == ""


@pytest.mark.parametrize(
    ("start", "precision"),
    [
        (D(2019, 6, 15), DatePrecision.MONTH),  # a month is stored as its 1st
        (D(2019, 6, 1), DatePrecision.YEAR),  # a year is stored as its 1 January
        (D(2019, 6, 1), ""),  # a date needs its precision
        (None, DatePrecision.DAY),  # and a precision its date
    ],
)
def test_partial_dates_are_normalised(start, precision):
    refused(lambda: Project.objects.create(title="A project", start=start, start_precision=precision))


def test_a_project_ends_after_it_starts_and_a_budget_has_a_currency():
    refused(
        lambda: Project.objects.create(
            title="Backwards",
            start=D(2019, 1, 1),
            start_precision="day",
            end=D(2018, 1, 1),
            end_precision="day",
        )
    )
    refused(lambda: Project.objects.create(title="No currency", budget=1000))
    refused(lambda: Project.objects.create(title="Negative", budget=-1, currency="EUR"))
    assert Project.objects.create(title="Funded", budget=1000, currency="EUR").budget == 1000


def test_project_titles_are_unique():
    Project.objects.create(title="Same")
    refused(lambda: Project.objects.create(title="Same"))


def test_funder_programmes_are_unique_per_funder():
    funder = Funder.objects.create(name="European Union")
    programme = FunderProgramme.objects.create(funder=funder, name="Justice Programme")
    refused(lambda: FunderProgramme.objects.create(funder=funder, name="Justice Programme"))
    project = Project.objects.create(title="P", funder_programme=programme, our_role=ProjectRole.COORDINATOR)
    assert project.funder == funder


def test_a_partner_is_an_organisation_or_only_a_country():
    project = Project.objects.create(title="P")
    organisation = Organization.objects.create(name="Center for the Study of Democracy", country="BG")
    named = ProjectPartner.objects.create(
        project=project, organization=organisation, role=PartnerRole.PARTNER
    )
    unnamed = ProjectPartner.objects.create(project=project, country="LV")
    assert named.partner_country == "BG"
    assert unnamed.partner_country == "LV"
    refused(lambda: ProjectPartner.objects.create(project=project))
    refused(lambda: ProjectPartner.objects.create(project=project, organization=organisation, country="BG"))
    refused(lambda: ProjectPartner.objects.create(project=project, organization=organisation))


def test_a_project_has_one_coordinator_among_its_partners():
    project = Project.objects.create(title="P")
    ProjectPartner.objects.create(project=project, country="BG", role=PartnerRole.COORDINATOR)
    refused(
        lambda: ProjectPartner.objects.create(project=project, country="BE", role=PartnerRole.COORDINATOR)
    )


def test_an_unknown_headcount_is_null_never_zero():
    assert Event.objects.create(type=EventType.SEMINAR).headcount is None
    refused(lambda: Event.objects.create(type=EventType.SEMINAR, headcount=0))
    refused(lambda: Event.objects.create(type=EventType.SEMINAR, capacity=0))


def test_an_event_has_one_organiser():
    organisation = Organization.objects.create(name="La Strada International")
    refused(
        lambda: Event.objects.create(type=EventType.SEMINAR, organiser=organisation, organiser_name="Other")
    )
    assert Event.objects.create(type=EventType.SEMINAR, organiser_name="Other").organiser_display == "Other"
    assert Event.objects.create(type=EventType.SEMINAR, organiser=organisation).organiser_display == str(
        organisation
    )


def test_an_event_has_one_or_several_days():
    event = Event.objects.create(type=EventType.SEMINAR)
    EventDay.objects.create(event=event, date=D(2019, 4, 6))
    EventDay.objects.create(event=event, date=D(2019, 4, 5))
    assert (event.first_day, event.last_day) == (D(2019, 4, 5), D(2019, 4, 6))
    refused(lambda: EventDay.objects.create(event=event, date=D(2019, 4, 5)))
    refused(
        lambda: EventDay.objects.create(
            event=event, date=D(2019, 4, 7), starts_at=datetime.time(12), ends_at=datetime.time(9)
        )
    )


def test_an_event_names_each_profession_and_country_once():
    event = Event.objects.create(type=EventType.WORKSHOP)
    EventProfession.objects.create(event=event, profession=Profession.JUDGE)
    EventCountry.objects.create(event=event, country="RO")
    refused(lambda: EventProfession.objects.create(event=event, profession=Profession.JUDGE))
    refused(lambda: EventCountry.objects.create(event=event, country="RO"))


def test_a_publication_date_may_be_a_month():
    publication = Publication.objects.create(title="A study", date=D(2019, 3, 1), date_precision="month")
    assert publication.date_display == "March 2019"


def test_a_campaign_message_uses_the_campaigns_channel_unless_it_has_its_own():
    campaign = Campaign.objects.create(title="C", channel="Facebook", target_countries=["RO", "BG"])
    message = CampaignMessage.objects.create(campaign=campaign, text="First line\nSecond line")
    assert message.effective_channel == "Facebook"
    assert str(message) == "First line"
    assert [str(country) for country in Campaign.objects.get().target_countries] == ["BG", "RO"]
