"""The staff page of the annual activity report: who may use it, the foreword editor and the downloads."""

import datetime

import pytest
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.programmes.models import Event, EventDay
from refugiu.reports.models import Foreword
from tests.factories import UserFactory
from tests.url_patterns import sign_in_as

ALLOWED = [Role.COORDINATOR, Role.PROGRAMME_STAFF, Role.ADMINISTRATOR]
DENIED = [Role.CASEWORKER, Role.RESEARCHER, Role.DIRECTORY_EDITOR]


def sign_in(client, role):
    user = UserFactory(roles=[role])
    sign_in_as(client, user)  # with a second factor where the role needs one
    return user


@pytest.fixture
def event_2018(db):
    event = Event.objects.create(
        type="seminar", title="Seminar on tolerance", city="Iași", country="RO", headcount=12
    )
    EventDay.objects.create(event=event, date=datetime.date(2018, 5, 3))
    return event


def urls(year=2018):
    return [
        ("get", reverse("reports:annual")),
        ("get", reverse("reports:annual_download", args=[year, "html"])),
        ("get", reverse("reports:annual_download", args=[year, "docx"])),
        ("post", reverse("reports:annual_foreword", args=[year])),
    ]


@pytest.mark.parametrize("role", ALLOWED)
def test_allowed_roles_see_the_page(client, event_2018, role):
    sign_in(client, role)
    response = client.get(reverse("reports:annual"), {"year": 2018})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="2018" selected>' in page
    assert f'<option value="{datetime.date.today().year}"' in page
    assert reverse("reports:annual_download", args=[2018, "pdf"]) in page
    assert reverse("reports:annual_download", args=[2018, "docx"]) in page
    assert reverse("reports:annual_download", args=[2018, "html"]) in page


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_get_404_for_every_page_and_method(client, db, role):
    sign_in(client, role)
    for method, url in urls():
        assert getattr(client, method)(url).status_code == 404, (role, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for method, url in urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_foreword_form_saves_and_shows(client, event_2018):
    user = sign_in(client, Role.COORDINATOR)
    text = "A year of seminars in Iași and Cluj-Napoca.\n\nWith thanks to our partners."
    response = client.post(reverse("reports:annual_foreword", args=[2018]), {"text": text})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:annual") + "?year=2018"
    foreword = Foreword.objects.get(year=2018)
    assert (foreword.text, foreword.updated_by) == (text, user)
    page = client.get(response["Location"]).content.decode()
    assert "A year of seminars in Iași and Cluj-Napoca." in page
    report = client.get(reverse("reports:annual_download", args=[2018, "html"])).content.decode()
    assert "<p>A year of seminars in Iași and Cluj-Napoca.</p>" in report
    assert "<p>With thanks to our partners.</p>" in report
    # An empty foreword takes the section out of the report.
    client.post(reverse("reports:annual_foreword", args=[2018]), {"text": "  "})
    assert not Foreword.objects.filter(year=2018).exists()
    report = client.get(reverse("reports:annual_download", args=[2018, "html"])).content.decode()
    assert 'id="foreword"' not in report


def test_the_foreword_form_needs_post(client, db):
    sign_in(client, Role.PROGRAMME_STAFF)
    assert client.get(reverse("reports:annual_foreword", args=[2018])).status_code == 405


@pytest.mark.parametrize(
    "format, content_type, disposition, start",
    [
        ("html", "text/html; charset=utf-8", "inline", b"<!DOCTYPE html>"),
        ("pdf", "application/pdf", "attachment", b"%PDF"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
            b"PK",
        ),
    ],
)
def test_downloads(client, event_2018, format, content_type, disposition, start):
    sign_in(client, Role.PROGRAMME_STAFF)
    response = client.get(reverse("reports:annual_download", args=[2018, format]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'{disposition}; filename="annual-report-2018.{format}"'
    assert response.content.startswith(start)


def test_the_html_report_is_a_page_without_scripts(client, event_2018):
    sign_in(client, Role.ADMINISTRATOR)
    response = client.get(reverse("reports:annual_download", args=[2018, "html"]))
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert '<th scope="row">Seminar on tolerance (3 May 2018)</th><td class="number">12</td>' in page
    assert "Iași, Romania" in page


def test_unknown_format_and_silly_years_are_404(client, db):
    sign_in(client, Role.PROGRAMME_STAFF)
    assert client.get(reverse("reports:annual_download", args=[2018, "odt"])).status_code == 404
    assert client.get(reverse("reports:annual_download", args=[99999, "html"])).status_code == 404
    assert client.get(reverse("reports:annual"), {"year": "nonsense"}).status_code == 404


def test_the_page_opens_on_the_latest_year_with_data(client, event_2018):
    """Not the current year, which has no event: the year whose report there is to read."""
    sign_in(client, Role.COORDINATOR)
    page = client.get(reverse("reports:annual")).content.decode()
    assert '<option value="2018" selected>' in page
    assert f'<option value="{datetime.date.today().year}">' in page  # still offered, not chosen
    assert reverse("reports:annual_download", args=[2018, "pdf"]) in page


def test_without_any_data_the_page_opens_on_the_current_year(client, db):
    sign_in(client, Role.COORDINATOR)
    page = client.get(reverse("reports:annual")).content.decode()
    assert f'<option value="{datetime.date.today().year}" selected>' in page
