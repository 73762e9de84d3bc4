"""Text people type comes back as text: markup stored in a case field or in a public record is shown
escaped on its page, in element content and in attribute values alike (ASVS 1.1.2, 1.2.1). Stored through
the real forms where staff type it, read back through the pages."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case
from refugiu.directory.search import search_reindex_organizations
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker
from tests.factories import OrganizationFactory, ServiceFactory
from tests.programmes.factories import EventFactory

pytestmark = pytest.mark.django_db

# A script element, then a break out of an attribute value into an element with a handler.
MARKUP = '<script>alert("case")</script>"><img src=x onerror=alert(1)>'
RAW = ("<script>alert", '"><img', "<img src=x")


def assert_escaped(page: str, markup: str = MARKUP) -> None:
    for raw in RAW:
        assert raw not in page, raw
    assert escape(markup) in page


@pytest.fixture
def worked_case():
    department = DepartmentFactory()
    social = caseworker(department)
    case = case_new(department=department, team=[(social, v.TeamFunction.SOCIAL_WORKER)])
    return case, force_login_with_mfa(Client(), social)


def case_url(name: str, case) -> str:
    return reverse(f"cases:{name}", args=[case.pk])


def test_markup_in_case_fields_comes_back_escaped(worked_case):
    case, social = worked_case
    today = dt.date.today().isoformat()
    saved = [
        social.post(case_url("note_new", case), {"seal": v.NoteSeal.NONE, "text": f"Note {MARKUP}"}),
        social.post(
            case_url("service_new", case),
            {
                "kind": v.ServiceKind.SOCIAL_COUNSELLING,
                "delivered_on": today,
                "duration_minutes": 30,
                "mediator": f"Mediator {MARKUP}",
                "note": f"Session {MARKUP}",
            },
        ),
        social.post(
            case_url("case_edit", case),
            {
                "version": case.version,
                "category": case.category,
                "risk_level": v.RiskLevel.MEDIUM,
                "summary": f"Summary {MARKUP}",
            },
        ),
        social.post(
            case_url("task_new", case),
            {"title": f"Task {MARKUP}", "due_on": today, "assignee": Case.objects.get().team.get().user_id},
        ),
    ]
    assert [response.status_code for response in saved] == [302] * 4, [r.content[:500] for r in saved]

    page = social.get(case_url("case_detail", case)).content.decode()
    for label in ("Note", "Session", "Summary", "Task"):
        assert escape(f"{label} {MARKUP}") in page, label
    assert_escaped(page)
    assert_escaped(social.get(reverse("cases:my_work")).content.decode())


def test_markup_sent_back_in_a_form_stays_inside_its_field(worked_case):
    """A form with an error shows what was typed again: inside the input's value and the textarea, escaped."""
    case, social = worked_case
    response = social.post(
        case_url("service_new", case),
        {
            "kind": v.ServiceKind.SOCIAL_COUNSELLING,
            "duration_minutes": "",
            "mediator": MARKUP,
            "note": MARKUP,
        },
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    page = response.content.decode()
    assert_escaped(page)
    assert re.search(r'<input[^>]+name="mediator"[^>]+value="' + re.escape(escape(MARKUP)) + '"', page)
    assert re.search(r'<textarea[^>]+name="note"[^>]*>\s*' + re.escape(escape(MARKUP)) + r"</textarea>", page)


def test_markup_in_an_event_title_comes_back_escaped(client):
    event = EventFactory(title=f"Training {MARKUP}", is_published=True)
    for url in (reverse("programmes:event", args=[event.pk]), reverse("programmes:events")):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert escape(f"Training {MARKUP}") in page, url
        assert_escaped(page)


def test_markup_in_an_organisation_name_comes_back_escaped(client):
    organization = OrganizationFactory(name=f"Casa Aurora {MARKUP}", description=f"About {MARKUP}")
    ServiceFactory(organization=organization, name=f"Counselling {MARKUP}")
    search_reindex_organizations([organization.id])
    pages = [
        reverse("directory:organization", args=[organization.id]),
        reverse("directory:referral_sheet", args=[organization.id]),
        reverse("directory:suggest", args=[organization.id]),
        reverse("directory:search") + "?q=Aurora",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert escape(f"Casa Aurora {MARKUP}") in page, url
        assert_escaped(page)
