"""Every URL of the reports module, for every role and an anonymous visitor.

URLs are read from the URL configuration: a report page added later without an entry in EXPECTED fails
`test_every_url_has_expectations`. Who may see what: the annual report for administrators, coordinators
and programme staff; the funder report for programme staff; the dashboard for coordinators; the anonymised
assistance statistics for researchers and coordinators; a report made in the background only for the
person who asked for it. Anyone else signed in gets 404 for every method, an anonymous visitor the sign-in
page, and no page is cached.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.programmes.models import Project
from refugiu.reports.models import Foreword, ReportRun
from tests.cases.factories import DepartmentFactory, caseworker, coordinator, staff
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory
from tests.url_patterns import get_to_end, named_urls, sign_in_as

NAMESPACES = ("reports",)

pytestmark = pytest.mark.django_db

EVERYONE = (
    "programme_staff",
    "caseworker",
    "coordinator",
    "dpo",
    "administrator",
    "directory_editor",
    "researcher",
    "representative",
)

ANNUAL = {"administrator", "coordinator", "programme_staff"}
ANY_REPORT = {"administrator", "coordinator", "programme_staff", "researcher"}
EXPECTED = {
    "reports:annual": ANNUAL,
    "reports:annual_download": ANNUAL,
    "reports:annual_foreword": ANNUAL,
    "reports:funder": {"programme_staff"},
    "reports:funder_download": {"programme_staff"},
    "reports:dashboard": {"coordinator"},
    "reports:statistics": {"researcher", "coordinator"},
    "reports:statistics_download": {"researcher", "coordinator"},
    "reports:run_list": ANY_REPORT,
    "reports:run_request": ANY_REPORT,
    # The run in the world below was asked for by the programme staff member.
    "reports:run_detail": {"programme_staff"},
    "reports:run_download": {"programme_staff"},
}
# Query strings that make the GET a real use of the page (a download needs its parameters).
QUERIES = {
    "reports:funder": lambda world: {"project": world["project"]},
    "reports:funder_download": lambda world: {"project": world["project"], "format": "xlsx"},
    "reports:statistics_download": lambda world: {"year": datetime.date.today().year, "format": "csv"},
}


def test_every_url_has_expectations():
    names = set(named_urls(NAMESPACES))
    assert names, "the reports module has no URLs"
    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED (and think about who may see them)"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist: remove them from EXPECTED"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    department = DepartmentFactory()
    people = {
        "programme_staff": staff(Role.PROGRAMME_STAFF),
        "caseworker": caseworker(department),
        "coordinator": coordinator(department),
        "dpo": staff(Role.DATA_PROTECTION_OFFICER),
        "administrator": UserFactory(is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR]),
        "directory_editor": staff(Role.DIRECTORY_EDITOR),
        "researcher": staff(Role.RESEARCHER),
        # A listed organisation's representative: their role reaches nothing here.
        "representative": staff(Role.ORGANIZATION_REPRESENTATIVE),
    }
    event = EventFactory(days__start=datetime.date(2019, 4, 5), headcount=54)
    project = Project.objects.create(title="A project of the test", acronym="TEST")
    event.project = project
    event.save(update_fields=["project"])
    Foreword.objects.create(year=2019, text="A foreword.")
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.ANNUAL,
        format="html",
        parameters={"year": 2019},
        requested_by=people["programme_staff"],
        status=ReportRun.Status.DONE,
        progress=100,
        filename="annual-report-2019.html",
    )
    run.file.save("annual-report-2019.html", ContentFile(b"<p>report</p>"))
    kwargs = {"year": 2019, "format": "html", "pk": run.pk}
    return {"people": people, "kwargs": kwargs, "project": project.pk, "run": run}


def _state():
    return (
        list(Foreword.objects.values_list("year", "text")),
        list(ReportRun.objects.values_list("pk", "status", "requested_by").order_by("pk")),
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(client, world, name):
    needed = named_urls(NAMESPACES)[name]
    url = reverse(name, kwargs={key: world["kwargs"][key] for key in needed})
    query = QUERIES.get(name, lambda world: {})(world)
    state = _state()

    anonymous = get_to_end(client, url, query)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (name, "anonymous")
    assert client.post(url, {}).status_code == 302, (name, "anonymous POST")
    for who in EVERYONE:
        sign_in_as(client, world["people"][who])
        response = get_to_end(client, url, query)
        if who in EXPECTED[name]:
            assert response.status_code in (200, 302, 405), (name, who, response.status_code)
        else:
            assert response.status_code == 404, (name, who, response.status_code)
            assert client.post(url, {}).status_code == 404, (name, who, "POST")
            assert _state() == state, (name, who)
        assert response["Cache-Control"] == "no-store", (name, who)
