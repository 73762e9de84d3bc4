"""The public pages of the programme: projects, events and publications, from the seed's 2019 demo data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from refugiu.demo.programmes import programmes_demo_load
from refugiu.programmes.selectors import date_range_display

D = datetime.date


@pytest.fixture
def loaded(db):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.organisation import organisation_demo_load

    organisation_demo_load()
    directory_demo_load()
    assert programmes_demo_load() is True


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


# --- the date helper -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((D(2019, 4, 5), D(2019, 4, 6)), "5–6 April 2019"),
        ((D(2019, 5, 27), D(2019, 5, 28)), "27–28 May 2019"),
        ((D(2019, 9, 30), D(2019, 10, 1)), "30 September – 1 October 2019"),
        ((D(2019, 12, 30), D(2020, 1, 2)), "30 December 2019 – 2 January 2020"),
        ((D(2019, 3, 1), None, "month"), "March 2019"),
        ((D(2019, 3, 1), D(2019, 3, 1), "month", "month"), "March 2019"),
        ((D(2019, 3, 1), D(2019, 6, 1), "month", "month"), "March – June 2019"),
        ((D(2017, 1, 1), D(2019, 6, 1), "year", "month"), "2017 – June 2019"),
        ((D(2017, 9, 1), D(2019, 8, 1), "month", "month"), "September 2017 – August 2019"),
        ((D(2019, 6, 7), D(2019, 6, 7)), "7 June 2019"),
        ((D(2019, 6, 7),), "7 June 2019"),
        ((None, D(2020, 4, 1), "", "month"), "April 2020"),
        ((None, None), ""),
    ],
)
def test_date_range_display(args, expected):
    with translation.override("en"):
        assert date_range_display(*args) == expected


def test_date_range_display_localises_month_names():
    with translation.override("ro"):
        text = date_range_display(D(2019, 4, 5), D(2019, 4, 6))
    assert text.startswith("5–6 ") and text.endswith(" 2019") and "April " not in text


# --- pages -----------------------------------------------------------------------------------------------


def test_every_project_page_lists_its_partners_and_events(client, loaded):
    from refugiu.programmes.models import Project

    listing = page(client, reverse("programmes:projects"))
    projects = Project.objects.filter(is_published=True)
    assert projects.count() == 5
    for project in projects:
        assert escape(project.title) in listing
        html = page(client, reverse("programmes:project", args=[project.pk]))
        assert project.partners.exists()
        for partner in project.partners.select_related("organization"):
            if partner.organization_id:
                assert escape(partner.organization.name) in html
            else:
                assert escape(str(partner.country.name)) in html
        for event in project.events.filter(is_published=True):
            assert reverse("programmes:event", args=[event.pk]) in html
            assert escape(str(event)) in html


def test_project_list_shows_the_period_with_its_precision(client, loaded):
    listing = page(client, reverse("programmes:projects"))
    assert "2017 – June 2019" in listing
    assert "September 2017 – August 2019" in listing


def test_the_april_seminar_page(client, loaded):
    from refugiu.programmes.models import Event

    seminar = Event.objects.get(days__date=D(2019, 4, 5))
    html = page(client, reverse("programmes:event", args=[seminar.pk]))
    assert "5–6 April 2019" in html
    assert "Bucharest" in html
    assert "54" in html
    project_html = page(client, reverse("programmes:project", args=[seminar.project_id]))
    assert "5–6 April 2019" in project_html


def test_unknown_headcount_is_not_known_never_zero(client, loaded):
    from refugiu.programmes.models import Event

    event = Event.objects.filter(headcount__isnull=True).first()
    assert event is not None
    html = page(client, reverse("programmes:event", args=[event.pk]))
    participants = html.split("Participants</dt>", 1)[1].split("</dd>", 1)[0]
    assert "not known" in participants
    assert "0" not in participants
    listing = page(client, reverse("programmes:events"))
    assert "not known" in listing


def test_events_newest_first_and_filtered(client, loaded):
    from refugiu.programmes.models import Event

    listing = page(client, reverse("programmes:events"))
    december = Event.objects.get(days__date=D(2019, 12, 5))
    march = Event.objects.get(days__date=D(2019, 3, 21))
    assert listing.index(reverse("programmes:event", args=[december.pk])) < listing.index(
        reverse("programmes:event", args=[march.pk])
    )
    seminars = page(client, reverse("programmes:events") + "?type=seminar&year=2019")
    for event in Event.objects.all():
        link = f'href="{reverse("programmes:event", args=[event.pk])}"'
        assert (link in seminars) == (event.type == "seminar"), event
    assert "No events match." in page(client, reverse("programmes:events") + "?year=2018")
    page(client, reverse("programmes:events") + "?year=abc&type=nonsense")


def test_publications_page(client, loaded):
    from refugiu.programmes.models import Publication

    html = page(client, reverse("programmes:publications"))
    assert Publication.objects.exists()
    for publication in Publication.objects.all():
        assert escape(publication.title) in html


def test_unpublished_records_answer_404(client, loaded):
    from refugiu.programmes.models import Event, Project, Publication

    project = Project.objects.first()
    event = Event.objects.filter(project=project).first()
    publication = Publication.objects.first()
    Project.objects.filter(pk=project.pk).update(is_published=False)
    Event.objects.filter(pk=event.pk).update(is_published=False)
    Publication.objects.filter(pk=publication.pk).update(is_published=False)
    assert client.get(reverse("programmes:project", args=[project.pk])).status_code == 404
    assert client.get(reverse("programmes:event", args=[event.pk])).status_code == 404
    assert client.get(reverse("programmes:project", args=[999999])).status_code == 404
    assert reverse("programmes:project", args=[project.pk]) not in page(
        client, reverse("programmes:projects")
    )
    assert f'href="{reverse("programmes:event", args=[event.pk])}"' not in page(
        client, reverse("programmes:events")
    )
    assert escape(publication.title) not in page(client, reverse("programmes:publications"))


@pytest.mark.parametrize("name", ["programmes:projects", "programmes:events", "programmes:publications"])
def test_pages_render_in_romanian(client, loaded, name):
    from refugiu.programmes.models import Event, Project

    headers = {"HTTP_ACCEPT_LANGUAGE": "ro"}
    html = page(client, reverse(name), **headers)
    assert 'lang="ro"' in html
    for project in Project.objects.all():
        page(client, reverse("programmes:project", args=[project.pk]), **headers)
    for event in Event.objects.all():
        page(client, reverse("programmes:event", args=[event.pk]), **headers)


def test_pages_render_in_romanian_after_setlang(client, loaded):
    from refugiu.programmes.models import Event

    client.post(reverse("set_language"), {"language": "ro", "next": "/"})
    seminar = Event.objects.get(days__date=D(2019, 4, 5))
    html = page(client, reverse("programmes:event", args=[seminar.pk]))
    assert "5–6 " in html and "April 2019" not in html


def test_navigation_links_to_projects(client, loaded):
    assert f'href="{reverse("programmes:projects")}"' in page(client, reverse("organisation:about"))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)


def _more(n: int):
    """n more published projects, each with a partner, an event with days and a publication."""
    from refugiu.programmes.models import Event, EventDay, Project, ProjectPartner, Publication

    for i in range(n):
        project = Project.objects.create(
            title=f"Extra project {i}", start=D(2020, 1, 1), start_precision="day"
        )
        ProjectPartner.objects.create(project=project, country="BG")
        event = Event.objects.create(type="seminar", title=f"Extra event {i}", project=project, headcount=3)
        EventDay.objects.create(event=event, date=D(2020, 2, 1 + i))
        EventDay.objects.create(event=event, date=D(2020, 3, 1 + i))
        Publication.objects.create(title=f"Extra publication {i}", project=project)


@pytest.mark.parametrize("name", ["programmes:projects", "programmes:events", "programmes:publications"])
def test_list_pages_use_a_constant_number_of_queries(client, loaded, name):
    url = reverse(name)
    page(client, url)  # warm caches (sessions, site settings)
    before = _count(client, url)
    _more(3)
    assert _count(client, url) == before


def test_project_page_uses_a_constant_number_of_queries(client, loaded):
    from refugiu.programmes.models import Event, EventDay, Project, ProjectPartner

    project = Project.objects.create(title="Counted project")

    def add(i: int, country: str):
        ProjectPartner.objects.create(project=project, country=country)
        event = Event.objects.create(type="seminar", title=f"Counted {i}", project=project)
        EventDay.objects.create(event=event, date=D(2020, 2, 1 + i))

    add(0, "BG")
    url = reverse("programmes:project", args=[project.pk])
    page(client, url)
    before = _count(client, url)
    add(1, "DE")
    add(2, "SE")
    assert _count(client, url) == before
