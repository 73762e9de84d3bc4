"""The cases API takes only the fields of its schemas: a request with a field beside them (who wrote a record,
which case or department it belongs to, its id, code or reference) is refused whole, 400 naming each such
field, and changes nothing (the document says `additionalProperties: false`); a query parameter sent twice
neither widens a filter nor names another owner (ASVS 15.3.3, 15.3.7). Through the API with a personal
token, as tests/cases/test_api.py calls it; every person is fake (tests.cases.factories)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, Note, ServiceEntry, Task
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator
from tests.cases.test_api import API, Caller

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """A caseworker on one case of the trafficking department; another caseworker on a case of the asylum
    department, whose records the first must never reach or be made to write."""
    trafficking, asylum = DepartmentFactory(), DepartmentFactory()
    social, stranger = caseworker(trafficking), caseworker(asylum)
    case = case_new(department=trafficking, team=[(social, v.TeamFunction.SOCIAL_WORKER)])
    other_case = case_new(department=asylum, team=[(stranger, v.TeamFunction.SOCIAL_WORKER)])
    return locals()


@pytest.fixture
def social(client, world) -> Caller:
    return Caller(client, world["social"])


def refused_naming(response, extra: dict) -> None:
    """A 400 naming exactly the fields outside the schema."""
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert {error["parameter"] for error in response.json()["errors"]} == set(extra)


def test_a_case_change_refuses_fields_outside_the_schema(social, world):
    case, other_case, stranger = world["case"], world["other_case"], world["stranger"]
    kept = ("reference", "beneficiary_id", "department_id", "created_by_id", "opened_on", "closed_on")
    before = Case.objects.values(*kept).get(pk=case.pk)
    extra = {
        "id": other_case.pk,
        "reference": "FORGED-1",
        "department": {"id": other_case.department_id},
        "department_id": other_case.department_id,
        "beneficiary_id": other_case.beneficiary_id,
        "created_by": stranger.pk,
        "created_by_id": stranger.pk,
        "opened_on": "2000-01-01",
        "closure_requested": True,
        "closure_requested_at": "2031-01-01T00:00:00Z",
        "closed_on": "2031-01-01",
        "anonymised_at": "2031-01-01T00:00:00Z",
        "team": [{"user_id": stranger.pk, "function": v.TeamFunction.LAWYER}],
    }
    change = {"version": case.version, "summary": "Moved to a safe flat."}
    refused_naming(social.patch(f"/cases/{case.pk}", change | extra), extra)
    assert Case.objects.values(*kept, "summary", "version").get(pk=case.pk) == {
        **before,
        "summary": "",
        "version": case.version,
    }
    assert not AuditEntry.objects.filter(action="cases.case.changed").exists()
    response = social.patch(f"/cases/{case.pk}", change)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == case.pk and body["summary"] == "Moved to a safe flat."
    assert body["department"]["id"] == case.department_id and body["reference"] == before["reference"]
    case.refresh_from_db()
    assert Case.objects.values(*kept).get(pk=case.pk) == before
    assert case.summary == "Moved to a safe flat."
    assert case.closure_requested_at is None and case.anonymised_at is None
    assert list(case.team.values_list("user_id", flat=True)) == [world["social"].pk]
    other_case.refresh_from_db()
    assert other_case.summary == "" and other_case.version == 1
    (audit,) = AuditEntry.objects.filter(action="cases.case.changed", object_id=str(case.pk))
    assert audit.detail["fields"] == ["summary"]


def test_records_are_written_by_the_caller_into_the_case_of_the_address(social, world):
    case, other_case, stranger, me = world["case"], world["other_case"], world["stranger"], world["social"]
    elsewhere = {
        "id": 424242,
        "case": other_case.pk,
        "case_id": other_case.pk,
        "author": stranger.pk,
        "author_id": stranger.pk,
        "staff": {"id": stranger.pk, "name": "Someone else"},
        "staff_id": stranger.pk,
        "created_by": stranger.pk,
        "created_by_id": stranger.pk,
        "written_at": "2000-01-01T00:00:00Z",
        "done_at": "2000-01-01T00:00:00Z",
    }
    writes = {
        "notes": {"text": "Called the shelter."},
        "sessions": {"kind": v.ServiceKind.SOCIAL_COUNSELLING, "duration_minutes": 30},
        "tasks": {"title": "Book the interpreter", "due_on": "2031-05-01"},
    }
    for path, body in writes.items():
        refused_naming(social.post(f"/cases/{case.pk}/{path}", body | elsewhere), elsewhere)
    assert not (Note.objects.exists() or ServiceEntry.objects.exists() or Task.objects.exists())
    note, session, task = (social.post(f"/cases/{case.pk}/{path}", body) for path, body in writes.items())
    assert [note.status_code, session.status_code, task.status_code] == [201, 201, 201]
    assert note.json()["author"]["id"] == session.json()["staff"]["id"] == me.pk

    written = Note.objects.get()
    assert (written.case_id, written.author_id) == (case.pk, me.pk) and written.pk != 424242
    assert timezone.now() - written.written_at < dt.timedelta(minutes=5)
    entry = ServiceEntry.objects.get()
    assert (entry.case_id, entry.staff_id, entry.created_by_id) == (case.pk, me.pk, me.pk)
    made = Task.objects.get()
    assert (made.case_id, made.created_by_id, made.assignee_id, made.done_at) == (case.pk, me.pk, me.pk, None)
    for records in (other_case.notes, other_case.services, other_case.tasks):
        assert not records.exists()


def test_a_new_beneficiary_and_case_take_no_code_reference_or_owner_from_the_caller(social, world):
    stranger, other_case = world["stranger"], world["other_case"]
    person = {
        "identity": {"given_names": "Fictional", "family_names": "Person"},
        "register_despite_matches": True,
    }
    extra = {"code": "FORGED", "created_by": stranger.pk, "merged_into": other_case.beneficiary_id}
    count = Beneficiary.objects.count()
    refused_naming(social.post("/beneficiaries", person | extra), extra)
    assert Beneficiary.objects.count() == count
    registered = social.post("/beneficiaries", person)
    assert registered.status_code == 201, registered.content
    beneficiary = Beneficiary.objects.get(pk=registered.json()["id"])
    assert beneficiary.code != "FORGED" and beneficiary.created_by_id == world["social"].pk
    assert beneficiary.merged_into_id is None

    opening = {
        "beneficiary_id": beneficiary.pk,
        "department_id": world["case"].department_id,
        "category": v.CaseCategory.TRAFFICKING,
    }
    extra = {"reference": "FORGED-2", "status": v.CaseStatus.CLOSED, "created_by": stranger.pk, "version": 99}
    refused_naming(social.post("/cases", opening | extra), extra)
    assert not Case.objects.filter(beneficiary=beneficiary).exists()
    opened = social.post("/cases", opening)
    assert opened.status_code == 201, opened.content
    case = Case.objects.get(pk=opened.json()["id"])
    assert case.reference != "FORGED-2" and case.status == v.CaseStatus.OPEN and case.version == 1
    assert case.created_by_id == world["social"].pk


# --- the same query parameter twice ---------------------------------------------------------------------


def listed(caller: Caller, query: str) -> list[int]:
    response = caller.client.get(f"{API}/cases?{query}", headers={"Authorization": f"Bearer {caller.token}"})
    assert response.status_code == 200, (query, response.content)
    return [row["id"] for row in response.json()["contents"]]


def test_a_repeated_parameter_neither_widens_a_filter_nor_reaches_another_department(client, world):
    """One value counts (the last, as in any Django form); whichever it is, the answer stays within the
    caller's own cases."""
    boss = coordinator(world["case"].department)
    closed = case_new(department=world["case"].department, by=boss)
    Case.objects.filter(pk=closed.pk).update(status=v.CaseStatus.CLOSED)
    caller = Caller(client, boss)
    mine, theirs = world["case"].department_id, world["other_case"].department_id
    open_cases = {world["case"].pk}
    assert set(listed(caller, "")) == open_cases
    assert set(listed(caller, f"department={mine}")) == open_cases
    for query in (
        f"department={mine}&department={theirs}",
        f"department={theirs}&department={mine}",
        f"department={theirs}",
        f"status=open&status={v.CaseStatus.CLOSED}",
        f"status={v.CaseStatus.CLOSED}&status=open",
        f"user={world['stranger'].pk}&owner={world['stranger'].pk}&created_by={world['stranger'].pk}",
        "page=1&page=2&per_page=1&per_page=1000",
    ):
        shown = set(listed(caller, query))
        assert shown <= {world["case"].pk, closed.pk}, query  # the department's cases, never the other's
        assert not (shown & open_cases and closed.pk in shown), query  # one status, not both
    assert set(listed(caller, f"department={theirs}&department={mine}")) == open_cases
    assert set(listed(caller, f"status=open&status={v.CaseStatus.CLOSED}")) == {closed.pk}


def test_a_parameter_in_the_address_names_no_other_author(social, world):
    stranger = world["stranger"]
    query = f"author={stranger.pk}&author_id={stranger.pk}&user={stranger.pk}&case={world['other_case'].pk}"
    response = social.client.post(
        f"{API}/cases/{world['case'].pk}/notes?{query}",
        '{"text": "From the address bar."}',
        content_type="application/json",
        headers=social._headers(),
    )
    assert response.status_code == 201
    assert Note.objects.get().author_id == world["social"].pk


def test_the_pages_ignore_fields_outside_their_forms_too(world):
    """The same rule on the staff pages: a form's fields are the only ones read."""
    case, stranger, other_case = world["case"], world["stranger"], world["other_case"]
    browser = force_login_with_mfa(Client(), world["social"])
    response = browser.post(
        reverse("cases:note_new", args=[case.pk]),
        {
            "seal": v.NoteSeal.NONE,
            "text": "Typed on the page.",
            "author": stranger.pk,
            "case": other_case.pk,
            "department": other_case.department_id,
        },
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.case_id, note.author_id) == (case.pk, world["social"].pk)
