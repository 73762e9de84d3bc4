"""The annual report's foreword is written through a service (refugiu.reports.services.foreword_update)
that checks who writes it and audits every change, naming the year and never copying the text."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.reports.models import Foreword
from refugiu.reports.services import ReportsError, foreword_update
from tests.factories import UserFactory
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db

TEXT = "A year of seminars in Iași and Cluj-Napoca.\n\nWith thanks to our partners."


def foreword_audit() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="reports.foreword.").order_by("id"))


def test_writing_changing_and_removing_the_foreword_is_audited(client):
    user = UserFactory(roles=[Role.PROGRAMME_STAFF])
    sign_in_as(client, user)
    url = reverse("reports:annual_foreword", args=[2018])

    client.post(url, {"text": TEXT})
    client.post(url, {"text": TEXT + " And to our donors."})
    client.post(url, {"text": TEXT + " And to our donors."})  # saved again, unchanged
    client.post(url, {"text": "  "})
    client.post(url, {"text": ""})  # nothing left to take out: nothing recorded

    entries = foreword_audit()
    assert [(entry.action, entry.detail) for entry in entries] == [
        ("reports.foreword.created", {"year": 2018}),
        ("reports.foreword.changed", {"year": 2018, "fields": ["text"]}),
        ("reports.foreword.changed", {"year": 2018, "fields": []}),
        ("reports.foreword.deleted", {"year": 2018}),
    ]
    assert {entry.actor for entry in entries} == {user}
    assert {entry.address for entry in entries} == {"127.0.0.1"}
    assert "seminars" not in json.dumps([entry.detail for entry in entries])
    assert not Foreword.objects.exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.RESEARCHER, Role.DIRECTORY_EDITOR])
def test_the_service_refuses_whoever_may_not_make_the_annual_report(role):
    Foreword.objects.create(year=2018, text="The organisation's own words.")
    for actor in (UserFactory(roles=[role]), AnonymousUser()):
        for text in ("Someone else's words.", ""):
            with pytest.raises(ReportsError) as refused:
                foreword_update(actor=actor, year=2018, text=text)
            assert refused.value.code == "forbidden"
    assert Foreword.objects.get(year=2018).text == "The organisation's own words."
    assert not Foreword.objects.filter(year=2019).exists()
    assert foreword_audit() == []


def test_the_service_returns_the_foreword_or_none():
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    foreword = foreword_update(actor=coordinator, year=2019, text=f"  {TEXT}  ")
    assert (foreword.year, foreword.text, foreword.updated_by) == (2019, TEXT, coordinator)
    assert foreword_update(actor=coordinator, year=2019, text="") is None
    assert foreword_update(actor=coordinator, year=2019, text="") is None
    assert [entry.action for entry in foreword_audit()] == [
        "reports.foreword.created",
        "reports.foreword.deleted",
    ]
