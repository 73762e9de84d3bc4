"""The cases JSON API (/api/cases/) and the pages that manage personal API tokens (/staff/api-tokens/).

Who may call (token, session with CSRF, nobody else), that another caseworker's case answers exactly like a
missing one, that every endpoint does its job and leaves an audit record, and that the list never names
anyone. Every person here is fake (tests.cases.factories).
"""

import datetime as dt
import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import ApiToken, Beneficiary, Case, Note, Proceeding, Referral, Task
from refugiu.cases.services import CaseError
from refugiu.cases.tokens import api_token_create, api_token_revoke, token_digest
from refugiu.cases.views import tokens
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import enrol_totp, force_login_with_mfa
from tests.cases.factories import (
    DepartmentFactory,
    beneficiary_new,
    case_new,
    caseworker,
    coordinator,
    fake_identity,
    staff,
)
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

API = "/api/cases"


class Caller:
    """Requests to the API as one person, with their personal token."""

    def __init__(self, client: Client, user, token: str | None = None):
        self.client, self.user = client, user
        self.token = token or api_token_create(user=user, name="tests")[1]

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self._headers())

    def _send(self, method: str, path: str, body: dict):
        return getattr(self.client, method)(
            API + path,
            json.dumps(body, default=str),
            content_type="application/json",
            headers=self._headers(),
        )

    def post(self, path: str, body: dict | None = None):
        return self._send("post", path, body or {})

    def patch(self, path: str, body: dict):
        return self._send("patch", path, body)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Nobody here signs in with a password; hashing each fake person's with PBKDF2 would be most of the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def audited(user, action: str, **where) -> int:
    return AuditEntry.objects.filter(actor=user, action=action, **where).count()


@pytest.fixture
def world():
    """A trafficking department with its coordinator, a lawyer and a psychologist on one case (whose
    beneficiary's identity is kept in `identity`), a caseworker of the same department on none, and a
    second department with its own coordinator."""
    trafficking, asylum = DepartmentFactory(), DepartmentFactory()
    lawyer, psychologist, outsider = caseworker(trafficking), caseworker(trafficking), caseworker(trafficking)
    boss, other_boss = coordinator(trafficking), coordinator(asylum)
    identity = fake_identity()
    case = case_new(
        department=trafficking,
        by=boss,
        team=[(lawyer, v.TeamFunction.LAWYER), (psychologist, v.TeamFunction.PSYCHOLOGIST)],
        beneficiary=beneficiary_new(by=boss, identity=identity),
    )
    return locals()


@pytest.fixture
def lawyer(client, world) -> Caller:
    return Caller(client, world["lawyer"])


# --- who may call ---------------------------------------------------------------------------------------


def test_a_valid_token_signs_the_request_in_and_records_its_use(lawyer, world):
    response = lawyer.get("/cases")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["contents"]] == [world["case"].pk]
    assert ApiToken.objects.get(user=world["lawyer"]).last_used_at is not None
    # Behind the second-factor middleware, with no session: the token stands in for the second factor.
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("how", ["wrong", "expired", "revoked", "deactivated", "role_removed", "not_bearer"])
def test_a_bad_token_answers_401(client, world, how):
    user = world["lawyer"]
    token, raw = api_token_create(user=user, name="laptop")
    headers = {"Authorization": f"Bearer {raw}"}
    if how == "wrong":
        headers = {"Authorization": f"Bearer {raw[:-2]}xx"}
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif how == "revoked":
        api_token_revoke(user=user, token=token)
    elif how == "deactivated":
        user.is_active = False
        user.save()
    elif how == "role_removed":
        user.role_assignments.all().delete()
    elif how == "not_bearer":
        headers = {"Authorization": f"Token {raw}"}
    for response in (
        client.get(f"{API}/cases", headers=headers),
        client.get(f"{API}/cases/{world['case'].pk}", headers=headers),
        client.post(
            f"{API}/cases/{world['case'].pk}/notes", {"text": "x"}, "application/json", headers=headers
        ),
    ):
        assert response.status_code == 401, how
    assert not Note.objects.exists()


def test_a_wrong_token_does_not_fall_back_to_the_session(client, world):
    force_login_with_mfa(client, world["lawyer"])
    assert client.get(f"{API}/cases").status_code == 200
    assert client.get(f"{API}/cases", headers={"Authorization": "Bearer rfg_not-a-token"}).status_code == 401


def test_only_the_digest_of_a_token_is_stored(world):
    token, raw = api_token_create(user=world["lawyer"], name="laptop")
    assert token.digest == token_digest(raw) != raw
    assert raw.startswith("rfg_")
    # The longest lifetime allowed unless asked for a shorter one: REFUGIU["API_TOKEN_DAYS"], 30 days.
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_anonymous_callers_get_401_everywhere(client, world):
    case_id = world["case"].pk
    for method, path in (
        ("get", "/cases"),
        ("get", f"/cases/{case_id}"),
        ("get", f"/cases/{case_id}/timeline"),
        ("get", f"/cases/{case_id}/beneficiary/identity"),
        ("get", "/work"),
        ("post", "/cases"),
        ("post", f"/cases/{case_id}/notes"),
        ("post", "/beneficiaries/search"),
        ("patch", f"/cases/{case_id}"),
    ):
        if method == "get":
            response = client.get(API + path)
        else:
            response = getattr(client, method)(API + path, "{}", content_type="application/json")
        assert response.status_code == 401, (method, path)


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    force_login_with_mfa(browser, world["lawyer"])
    assert browser.get(f"{API}/cases").status_code == 200
    note = json.dumps({"text": "Called back about the hearing."})
    path = f"{API}/cases/{world['case'].pk}/notes"
    assert browser.post(path, note, content_type="application/json").status_code == 403
    assert not Note.objects.exists()
    browser.get(reverse("tokens:list"))  # any page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(path, note, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 201
    assert Note.objects.get().author == world["lawyer"]


def test_a_session_without_second_factor_or_without_a_case_role_is_refused(client, world):
    client.force_login(world["lawyer"])  # no second factor: the accounts middleware ends the session
    assert client.get(f"{API}/cases").status_code == 403
    editor = staff(Role.DIRECTORY_EDITOR)
    force_login_with_mfa(client, editor)
    assert client.get(f"{API}/cases").status_code == 403
    assert client.get(f"{API}/cases/{world['case'].pk}").status_code == 403


def test_another_caseworkers_case_answers_exactly_like_a_missing_one(client, world):
    outsider = Caller(client, world["outsider"])
    other_boss = Caller(client, world["other_boss"])
    case_id, missing = world["case"].pk, world["case"].pk + 1000
    for caller in (outsider, other_boss):
        for path in ("", "/timeline", "/beneficiary/identity"):
            forbidden, absent = caller.get(f"/cases/{case_id}{path}"), caller.get(f"/cases/{missing}{path}")
            assert forbidden.status_code == absent.status_code == 404
            assert forbidden.json() == absent.json()
        for path, body in (
            ("/notes", {"text": "x"}),
            ("/sessions", {"kind": "legal_counselling", "duration_minutes": 30}),
            ("/tasks", {"title": "x", "due_on": "2030-01-01"}),
        ):
            forbidden, absent = (
                caller.post(f"/cases/{case_id}{path}", body),
                caller.post(f"/cases/{missing}{path}", body),
            )
            assert forbidden.status_code == absent.status_code == 404
            assert forbidden.json() == absent.json()
        change = {"version": 1, "risk_level": "high", "status": "assessment"}
        forbidden, absent = (
            caller.patch(f"/cases/{case_id}", change),
            caller.patch(f"/cases/{missing}", change),
        )
        assert forbidden.status_code == absent.status_code == 404
        assert forbidden.json() == absent.json()
        assert caller.get("/cases").json()["total_items"] == 0
    assert not Note.objects.exists() and not Task.objects.exists()
    # Nothing was read or written: the only trace of each try on the existing case is its refusal (seven
    # tries each), and a case that does not exist leaves none.
    traces = AuditEntry.objects.filter(case_id=case_id)
    assert not traces.exclude(action="cases.case.access_refused").filter(actor=world["outsider"]).exists()
    for who in ("outsider", "other_boss"):
        assert traces.filter(actor=world[who], action="cases.case.access_refused").count() == 7
    assert not AuditEntry.objects.filter(case_id=missing).exists()
    assert not AuditEntry.objects.filter(object_id=str(missing)).exists()


def test_a_token_is_created_only_in_a_session_signed_in_with_a_second_factor(client, world):
    user = world["lawyer"]
    client.force_login(user)  # no authenticator yet: sent to set one up
    response = client.post(reverse("tokens:create"), {"name": "laptop", "days": "90"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    enrol_totp(user)
    client.force_login(user)  # an authenticator, but this session did not use it: sent to sign in again
    response = client.post(reverse("tokens:create"), {"name": "laptop", "days": "90"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_the_token_page_itself_checks_the_second_factor(rf, world):
    """Belt and braces: even without the middleware, a session without a second factor gets no token."""
    request = rf.post(reverse("tokens:create"), {"name": "laptop", "days": "90"})
    request.user, request.session = world["lawyer"], SessionStore()
    with pytest.raises(PermissionDenied):
        tokens.token_create(request)
    assert not ApiToken.objects.exists()


# --- cases ----------------------------------------------------------------------------------------------


def test_the_list_gives_codes_never_names_and_is_audited(lawyer, world):
    identities = [fake_identity() for _ in range(3)]
    cases = [world["case"]] + [
        case_new(
            department=world["trafficking"],
            by=world["boss"],
            team=[(world["lawyer"], v.TeamFunction.LAWYER)],
            beneficiary=beneficiary_new(by=world["boss"], identity=identity),
        )
        for identity in identities
    ]
    identities.append(world["identity"])
    bodies = [
        lawyer.get("/cases").content.decode(),
        lawyer.get("/cases", per_page=2, page=2).content.decode(),
        lawyer.get("/cases", category="trafficking", status="open").content.decode(),
        lawyer.get("/cases", status="", category="", department="").content.decode(),
    ]
    for body in bodies:
        for identity in identities:
            for field in (
                "given_names",
                "family_names",
                "phone",
                "email",
                "document_number",
                "date_of_birth",
            ):
                assert identity[field] not in body, field
    page = lawyer.get("/cases").json()
    assert page["total_items"] == 4
    assert {row["beneficiary_code"] for row in page["contents"]} == {c.beneficiary.code for c in cases}
    assert set(page["contents"][0]) >= {
        "reference",
        "status",
        "category",
        "risk_level",
        "is_overdue",
        "department",
    }
    listed = AuditEntry.objects.filter(actor=world["lawyer"], action="cases.case.listed").first()
    assert sorted(listed.detail["cases"]) == sorted(c.pk for c in cases)


def test_the_list_filters(lawyer, world):
    late = case_new(
        department=world["trafficking"], by=world["boss"], team=[(world["lawyer"], v.TeamFunction.LAWYER)]
    )
    Task.objects.create(
        case=late,
        title="call",
        due_on=dt.date(2020, 1, 1),
        assignee=world["lawyer"],
        created_by=world["lawyer"],
    )
    assert [r["id"] for r in lawyer.get("/cases", overdue="true").json()["contents"]] == [late.pk]
    assert lawyer.get("/cases", status="closed").json()["total_items"] == 0
    assert lawyer.get("/cases", department=world["asylum"].pk).json()["total_items"] == 0
    assert lawyer.get("/cases", category="refugee").json()["total_items"] == 0
    response = lawyer.get("/cases", status="shut")
    assert response.status_code == 400 and response.json()["errors"][0]["parameter"] == "status"


def test_the_list_costs_the_same_queries_for_5_or_50_cases(client, world):
    for _ in range(55):
        case_new(
            department=world["trafficking"], by=world["boss"], team=[(world["lawyer"], v.TeamFunction.LAWYER)]
        )
    lawyer = Caller(client, world["lawyer"])
    lawyer.get("/cases")  # records the token's use, which later requests within a minute skip
    counts = {}
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = lawyer.get("/cases", per_page=per_page)
        assert response.json()["size"] == per_page
        counts[per_page] = len(queries)
    assert counts[5] == counts[50], counts


def test_the_case_page_and_timeline_cost_the_same_queries_whatever_the_history(client, world):
    case, lawyer, boss = world["case"], world["lawyer"], world["boss"]
    caller = Caller(client, lawyer)
    caller.get("/cases")

    def history(n: int) -> None:
        for i in range(n):
            services.note_write(user=lawyer, case=case, text=f"note {i}")
            services.service_record(user=lawyer, case=case, kind="legal_counselling", duration_minutes=30)
            services.consent_record(user=boss, case=case, purpose="assistance", form="oral")
            services.referral_send(
                user=lawyer, case=case, department=world["asylum"], reason="x", shared_fields=["code"]
            )
            services.task_create(user=lawyer, case=case, title="t", due_on=dt.date(2030, 1, 1))

    counts = []
    for n in (1, 10):
        history(n)
        with CaptureQueriesContext(connection) as queries:
            assert caller.get(f"/cases/{case.pk}").status_code == 200
            assert len(caller.get(f"/cases/{case.pk}/timeline").json()) > 4 * n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_case_page_gives_everything_but_the_identity(lawyer, world):
    case, boss = world["case"], world["boss"]
    services.consent_record(user=boss, case=case, purpose="assistance", form="written")
    services.assessment_record(user=boss, case=case, legal="high", notes="needs a lawyer")
    services.proceeding_record(
        user=boss, case=case, kind="criminal_case", stage="complaint", deadline=dt.date(2031, 1, 1)
    )
    services.task_create(
        user=boss,
        case=case,
        title="Book an interpreter",
        due_on=dt.date(2031, 1, 1),
        assignee=world["lawyer"],
    )
    response = lawyer.get(f"/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["beneficiary"]["code"] == case.beneficiary.code
    assert {m["function"] for m in body["team"]} == {"lawyer", "psychologist"}
    assert body["latest_assessment"]["legal"] == "high"
    assert [c["purpose"] for c in body["consents"]] == ["assistance"]
    assert body["proceedings"][0]["kind"] == "criminal_case"
    assert body["open_tasks"][0]["title"] == "Book an interpreter"
    assert body["can_edit"] and not body["can_coordinate"]
    assert body["trafficking_status"] == "" and body["exploitation_types"] == []
    text = response.content.decode()
    for field in ("given_names", "family_names", "phone", "document_number"):
        assert world["identity"][field] not in text
    assert audited(world["lawyer"], "cases.case.viewed", case_id=case.pk) == 1


def test_opening_a_case_for_a_person_one_registered(lawyer, world):
    registered = lawyer.post(
        "/beneficiaries", {"identity": fake_identity(), "gender": "Masculine", "nationality": "UA"}
    )
    assert registered.status_code == 201, registered.json()
    beneficiary = registered.json()
    assert beneficiary["nationality"] == "UA" and "given_names" not in beneficiary
    opened = lawyer.post(
        "/cases",
        {
            "beneficiary_id": beneficiary["id"],
            "department_id": world["trafficking"].pk,
            "category": "trafficking",
            "trafficking_status": "PossibleVictimOfTrafficking",
            "exploitation_types": ["ForcedLabour"],
            "exploitation_country": "DE",
            "my_function": "lawyer",
        },
    )
    assert opened.status_code == 201, opened.json()
    case = Case.objects.get(pk=opened.json()["id"])
    assert case.team.get().user == world["lawyer"] and case.team.get().is_lead
    assert case.team.get().function == "lawyer"
    assert case.exploitation_types == ["ForcedLabour"] and str(case.exploitation_country) == "DE"
    assert audited(world["lawyer"], "cases.beneficiary.created") == 1
    assert audited(world["lawyer"], "cases.case.opened", case_id=case.pk) == 1
    # Once the person has a case, opening another goes through the cases one can see (still this one).
    again = lawyer.post(
        "/cases",
        {"beneficiary_id": beneficiary["id"], "department_id": world["trafficking"].pk, "category": "crime"},
    )
    assert again.status_code == 201


def test_opening_a_case_is_refused_for_people_and_departments_out_of_reach(client, lawyer, world):
    someone_elses = beneficiary_new(by=world["other_boss"])
    body = {"beneficiary_id": someone_elses.pk, "department_id": world["trafficking"].pk, "category": "crime"}
    assert lawyer.post("/cases", body).status_code == 404
    assert (
        lawyer.post("/cases", body | {"beneficiary_id": 10**9}).json() == lawyer.post("/cases", body).json()
    )
    mine = world["case"].beneficiary
    response = lawyer.post("/cases", {**body, "beneficiary_id": mine.pk, "department_id": world["asylum"].pk})
    assert response.status_code == 403 and response.json()["code"] == "department"
    response = lawyer.post(
        "/cases",
        {
            **body,
            "beneficiary_id": mine.pk,
            "team": [{"user_id": world["outsider"].pk, "function": "lawyer"}],
        },
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    boss = Caller(client, world["boss"])
    response = boss.post(
        "/cases",
        {
            **body,
            "beneficiary_id": mine.pk,
            "team": [{"user_id": world["outsider"].pk, "function": "social_worker", "is_lead": True}],
        },
    )
    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["id"]).team.get().user == world["outsider"]


def test_changing_a_case_and_its_status_with_the_version(lawyer, world):
    case = world["case"]
    response = lawyer.patch(
        f"/cases/{case.pk}",
        {
            "version": case.version,
            "risk_level": "high",
            "flags": ["safety_risk"],
            "status": "assessment",
            "status_note": "first interview",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (
        body["risk_level"] == "high"
        and body["status"] == "assessment"
        and body["version"] == case.version + 2
    )
    case.refresh_from_db()
    assert case.flags == ["safety_risk"] and case.status == "assessment"
    assert audited(world["lawyer"], "cases.case.changed", case_id=case.pk) == 1
    assert audited(world["lawyer"], "cases.case.status_changed", case_id=case.pk) == 1


def test_a_stale_patch_answers_409_and_saves_nothing(lawyer, world):
    case = world["case"]
    read = lawyer.get(f"/cases/{case.pk}").json()["version"]
    assert lawyer.patch(f"/cases/{case.pk}", {"version": read, "risk_level": "high"}).status_code == 200
    response = lawyer.patch(f"/cases/{case.pk}", {"version": read, "risk_level": "low", "summary": "mine"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale" and response.json()["detail"]
    case.refresh_from_db()
    assert case.risk_level == "high" and case.summary == ""


def test_a_refused_status_change_saves_no_field_either(lawyer, world):
    case = world["case"]
    response = lawyer.patch(
        f"/cases/{case.pk}", {"version": case.version, "risk_level": "high", "status": "closed"}
    )
    assert response.status_code == 409 and response.json()["code"] == "bad_transition"
    case.refresh_from_db()
    assert case.risk_level == "low" and case.version == 1
    assert not audited(world["lawyer"], "cases.case.changed")
    response = lawyer.patch(f"/cases/{case.pk}", {"version": case.version})
    assert response.status_code == 422 and response.json()["code"] == "nothing_to_change"


def test_the_timeline_hides_sealed_notes_from_other_professions(client, lawyer, world):
    case = world["case"]
    psychologist = Caller(client, world["psychologist"])
    sealed = psychologist.post(
        f"/cases/{case.pk}/notes", {"text": "Sleeps badly since the trial.", "seal": "psychological"}
    )
    assert sealed.status_code == 201
    assert (
        lawyer.post(f"/cases/{case.pk}/notes", {"text": "x", "seal": "psychological"}).json()["code"]
        == "seal_forbidden"
    )
    lawyer.post(f"/cases/{case.pk}/notes", {"text": "Hearing moved to May."})
    lawyer.post(
        f"/cases/{case.pk}/sessions",
        {"kind": "legal_counselling", "duration_minutes": 45, "note": "explained rights"},
    )
    timeline = lawyer.get(f"/cases/{case.pk}/timeline")
    assert timeline.status_code == 200
    entries = {entry["kind"]: entry for entry in timeline.json()}
    assert entries["sealed_note"]["text"] is None and entries["sealed_note"]["seal"] == "psychological"
    assert entries["sealed_note"]["by"]["id"] == world["psychologist"].pk
    assert entries["note"]["text"] == "Hearing moved to May."
    assert (
        entries["service"]["service_kind"] == "legal_counselling"
        and entries["service"]["text"] == "explained rights"
    )
    assert entries["status"]["to_status"] == "open"
    assert "Sleeps badly" not in timeline.content.decode()
    own = [e for e in psychologist.get(f"/cases/{case.pk}/timeline").json() if e["kind"] != "status"]
    assert "sealed_note" not in {e["kind"] for e in own}
    assert "Sleeps badly since the trial." in {e["text"] for e in own}
    assert audited(world["lawyer"], "cases.case.timeline_viewed", case_id=case.pk) == 1
    assert audited(world["psychologist"], "cases.note.written", case_id=case.pk) == 1


# --- what happens in a case -----------------------------------------------------------------------------


def test_recording_sessions_assessments_tasks_and_proceedings(lawyer, world):
    case, user = world["case"], world["lawyer"]
    session = lawyer.post(
        f"/cases/{case.pk}/sessions",
        {"kind": "legal_counselling", "duration_minutes": 60, "mediator": "an interpreter", "language": "uk"},
    )
    assert session.status_code == 201 and session.json()["delivered_on"] == timezone.localdate().isoformat()
    assert session.json()["staff"]["id"] == user.pk
    future = lawyer.post(
        f"/cases/{case.pk}/sessions",
        {
            "kind": "shelter",
            "duration_minutes": 60,
            "delivered_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert future.status_code == 422 and future.json()["code"] == "future_date"
    too_long = lawyer.post(f"/cases/{case.pk}/sessions", {"kind": "shelter", "duration_minutes": 2000})
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["parameter"] == "duration_minutes"

    assessment = lawyer.post(
        f"/cases/{case.pk}/assessments", {"legal": "high", "shelter": "medium", "notes": "urgent"}
    )
    assert assessment.status_code == 201 and assessment.json()["author"]["id"] == user.pk

    task = lawyer.post(
        f"/cases/{case.pk}/tasks",
        {"title": "Ask for the file", "due_on": "2030-05-01", "assignee_id": world["psychologist"].pk},
    )
    assert task.status_code == 201 and task.json()["assignee"]["id"] == world["psychologist"].pk
    outsider_task = lawyer.post(
        f"/cases/{case.pk}/tasks", {"title": "x", "due_on": "2030-05-01", "assignee_id": world["outsider"].pk}
    )
    assert outsider_task.status_code == 422 and outsider_task.json()["code"] == "assignee_cannot_see"
    done = lawyer.post(f"/cases/{case.pk}/tasks/{task.json()['id']}/complete")
    assert done.status_code == 200 and done.json()["done_at"]
    again = lawyer.post(f"/cases/{case.pk}/tasks/{task.json()['id']}/complete")
    assert again.status_code == 409 and again.json()["code"] == "already_done"

    proceeding = lawyer.post(
        f"/cases/{case.pk}/proceedings",
        {
            "kind": "compensation_claim",
            "stage": "filed",
            "pecuniary_claimed": "12000.50",
            "currency": "EUR",
            "deadline": "2030-06-01",
            "deadline_label": "Answer the court",
        },
    )
    assert proceeding.status_code == 201, proceeding.json()
    assert proceeding.json()["pecuniary_claimed"] in ("12000.50", 12000.5)
    wrong_stage = lawyer.post(f"/cases/{case.pk}/proceedings", {"kind": "protection_order", "stage": "filed"})
    assert wrong_stage.status_code == 422 and wrong_stage.json()["code"] == "bad_stage"
    changed = lawyer.patch(
        f"/cases/{case.pk}/proceedings/{proceeding.json()['id']}",
        {"version": 1, "stage": "decided", "pecuniary_awarded": "8000", "deadline": None},
    )
    assert changed.status_code == 200, changed.json()
    stored = Proceeding.objects.get()
    assert stored.stage == "decided" and stored.deadline is None and stored.currency == "EUR"
    stale = lawyer.patch(f"/cases/{case.pk}/proceedings/{stored.pk}", {"version": 1, "stage": "paid"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"

    for action in (
        "cases.service.recorded",
        "cases.assessment.recorded",
        "cases.task.created",
        "cases.task.completed",
        "cases.proceeding.recorded",
        "cases.proceeding.changed",
    ):
        assert audited(user, action, case_id=case.pk) == 1, action


def test_consents_and_referrals(client, lawyer, world):
    case, user = world["case"], world["lawyer"]
    service = ServiceFactory(organization__country="DE")
    refused = lawyer.post(
        f"/cases/{case.pk}/referrals",
        {"service_id": str(service.pk), "reason": "safe shelter", "shared_fields": ["code"]},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "no_consent" and refused.json()["detail"]
    assert not Referral.objects.exists()

    no_recipient = lawyer.post(f"/cases/{case.pk}/consents", {"purpose": "sharing", "form": "written"})
    assert no_recipient.status_code == 422 and no_recipient.json()["code"] == "recipient_required"
    consent = lawyer.post(
        f"/cases/{case.pk}/consents",
        {
            "purpose": "sharing",
            "form": "written",
            "organization_id": str(service.organization_id),
            "shared_fields": ["code", "names"],
        },
    )
    assert consent.status_code == 201, consent.json()
    assert (
        consent.json()["organization"]["id"] == str(service.organization_id) and consent.json()["is_active"]
    )

    beyond = lawyer.post(
        f"/cases/{case.pk}/referrals",
        {"service_id": str(service.pk), "reason": "safe shelter", "shared_fields": ["contact"]},
    )
    assert beyond.status_code == 422 and beyond.json()["code"] == "beyond_consent"
    sent = lawyer.post(
        f"/cases/{case.pk}/referrals",
        {"service_id": str(service.pk), "reason": "safe shelter", "shared_fields": ["names"]},
    )
    assert sent.status_code == 201, sent.json()
    referral = sent.json()
    assert (
        referral["is_cross_border"]
        and referral["status"] == "sent"
        and referral["consent_id"] == consent.json()["id"]
    )
    assert referral["service"]["organization"]["id"] == str(service.organization_id)

    path = f"/cases/{case.pk}/referrals/{referral['id']}"
    declined = lawyer.patch(path, {"version": referral["version"], "status": "declined"})
    assert declined.status_code == 422 and declined.json()["code"] == "reason_required"
    accepted = lawyer.patch(
        path, {"version": referral["version"], "status": "accepted", "feedback": "first meeting set"}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    stale = lawyer.patch(path, {"version": referral["version"], "status": "completed"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"

    internal = lawyer.post(
        f"/cases/{case.pk}/referrals",
        {"department_id": world["asylum"].pk, "reason": "asylum claim", "shared_fields": ["code"]},
    )
    assert internal.status_code == 422 and internal.json()["code"] == "no_consent"
    boss = Caller(client, world["boss"])
    overridden = boss.post(
        f"/cases/{case.pk}/referrals",
        {
            "department_id": world["asylum"].pk,
            "reason": "asylum claim",
            "shared_fields": ["code"],
            "override_reason": "deadline tomorrow",
        },
    )
    assert overridden.status_code == 201 and overridden.json()["consent_overridden"]

    withdrawn = lawyer.post(f"/cases/{case.pk}/consents/{consent.json()['id']}/withdraw", {})
    assert withdrawn.status_code == 200 and not withdrawn.json()["is_active"]
    again = lawyer.post(f"/cases/{case.pk}/consents/{consent.json()['id']}/withdraw", {})
    assert again.status_code == 409 and again.json()["code"] == "already_withdrawn"

    for action in (
        "cases.consent.recorded",
        "cases.referral.sent",
        "cases.referral.status_changed",
        "cases.consent.withdrawn",
    ):
        assert audited(user, action, case_id=case.pk) == 1, action
    assert audited(world["boss"], "cases.referral.sent", case_id=case.pk) == 1


# --- beneficiaries --------------------------------------------------------------------------------------


def test_search_before_register(client, lawyer, world):
    known = world["identity"]
    names = f"{known['given_names']} {known['family_names']}"
    found = lawyer.post("/beneficiaries/search", {"names": names})
    assert found.status_code == 200
    [match] = found.json()
    assert match["code"] == world["case"].beneficiary.code and match["matched_on"] == ["name"]
    assert match["beneficiary_id"] == world["case"].beneficiary_id
    assert [c["id"] for c in match["cases"]] == [world["case"].pk]
    # Someone in another department learns that the person is known, by code, and nothing more.
    [elsewhere] = (
        Caller(client, world["other_boss"]).post("/beneficiaries/search", {"phone": known["phone"]}).json()
    )
    assert elsewhere == {"code": match["code"], "matched_on": ["phone"], "beneficiary_id": None, "cases": []}
    assert audited(world["lawyer"], "cases.beneficiary.searched") == 1
    assert names not in json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)))

    duplicate = lawyer.post(
        "/beneficiaries", {"identity": {**fake_identity(), "document_number": known["document_number"]}}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "possible_duplicate"
    assert duplicate.json()["matches"][0]["code"] == match["code"]
    assert Beneficiary.objects.count() == 1
    registered = lawyer.post(
        "/beneficiaries",
        {
            "identity": {**fake_identity(), "document_number": known["document_number"]},
            "register_despite_matches": True,
        },
    )
    assert registered.status_code == 201
    assert audited(world["lawyer"], "cases.beneficiary.created", beneficiary_id=registered.json()["id"]) == 1
    # A person one registered and for whom no case is open yet can be found with their id.
    [own] = lawyer.post("/beneficiaries/search", {"code": registered.json()["code"]}).json()
    assert own["beneficiary_id"] == registered.json()["id"]


def test_the_identity_has_its_own_audited_endpoint(lawyer, world):
    case = world["case"]
    response = lawyer.get(f"/cases/{case.pk}/beneficiary/identity")
    assert response.status_code == 200
    identity = response.json()
    assert identity["given_names"] == world["identity"]["given_names"]
    assert identity["document_number"] == world["identity"]["document_number"]
    assert identity["code"] == case.beneficiary.code
    entry = AuditEntry.objects.get(actor=world["lawyer"], action="cases.beneficiary.identity_viewed")
    assert entry.case_id == case.pk and entry.beneficiary_id == case.beneficiary_id


def test_a_body_past_the_request_limit_answers_413_and_says_why(lawyer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = lawyer.post("/beneficiaries/search", {"names": "Fake " * 300})
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is too large: the limit is 1.0\xa0KB.",
        "code": "too_large",
    }
    assert audited(lawyer.user, "cases.beneficiary.searched") == 0
    assert lawyer.post("/beneficiaries/search", {"names": "Fake"}).status_code == 200


# --- my work --------------------------------------------------------------------------------------------


def test_my_work_puts_overdue_first_and_is_audited(lawyer, world):
    case, user = world["case"], world["lawyer"]
    today = timezone.localdate()
    services.task_create(user=user, case=case, title="Later", due_on=today + dt.timedelta(days=10))
    Task.objects.create(
        case=case, title="Overdue", due_on=today - dt.timedelta(days=3), assignee=user, created_by=user
    )
    services.proceeding_record(
        user=user,
        case=case,
        kind="asylum_procedure",
        stage="registered",
        deadline=today + dt.timedelta(days=1),
        deadline_label="Appeal",
    )
    response = lawyer.get("/work")
    assert response.status_code == 200
    items = response.json()
    assert [(i["kind"], i["title"]) for i in items] == [
        ("task", "Overdue"),
        ("deadline", "Appeal"),
        ("task", "Later"),
    ]
    assert items[0]["is_overdue"] and not items[1]["is_overdue"]
    assert items[0]["case"]["beneficiary_code"] == case.beneficiary.code
    assert AuditEntry.objects.get(actor=user, action="cases.work.listed").detail == {"cases": [case.pk]}


# --- text no database can store -------------------------------------------------------------------------

NUL_MESSAGE = "Text cannot contain the NUL character (U+0000)."
SURROGATE_MESSAGE = "Text must be valid Unicode: a lone surrogate (U+D800 to U+DFFF) cannot be stored."


def _raw_post(caller: Caller, path: str, body: bytes | str):
    """A body sent exactly as written (json.dumps would escape what these tests need raw)."""
    return caller.client.post(API + path, body, content_type="application/json", headers=caller._headers())


def assert_unstorable(response, *errors: tuple[str, str]) -> None:
    """422, in the shape of every refused parameter, naming each place and never echoing the text."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert [(e["parameter"], e["message"]) for e in body["errors"]] == list(errors)
    assert body["detail"].startswith("Invalid parameters: ")
    assert "\\u0000" not in response.content.decode() and "\\ud8" not in response.content.decode()


def test_a_nul_in_the_beneficiary_search_answers_422_and_nothing_is_written(lawyer, world):
    before = AuditEntry.objects.count()
    assert_unstorable(
        _raw_post(lawyer, "/beneficiaries/search", '{"code": "\\u0000"}'), ("code", NUL_MESSAGE)
    )
    assert_unstorable(
        _raw_post(lawyer, "/beneficiaries/search", '{"names": "Ana\\u0000", "phone": "07\\u0000"}'),
        ("names", NUL_MESSAGE),
        ("phone", NUL_MESSAGE),
    )
    assert AuditEntry.objects.count() == before  # not even the search was recorded: it never ran
    assert lawyer.post("/beneficiaries/search", {"code": "B-0000"}).status_code == 200


def test_a_nul_in_a_proceeding_answers_422_and_nothing_is_written(lawyer, world):
    case = world["case"]
    body = '{"kind": "criminal_case", "stage": "complaint", "authority": "a\\u0000b"}'
    assert_unstorable(_raw_post(lawyer, f"/cases/{case.pk}/proceedings", body), ("authority", NUL_MESSAGE))
    assert not Proceeding.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="cases.proceeding.").exists()
    stored = lawyer.post(
        f"/cases/{case.pk}/proceedings", {"kind": "criminal_case", "stage": "complaint", "authority": "ab"}
    )
    assert stored.status_code == 201
    # A change is refused the same way, and leaves the record as it was.
    changed = lawyer.client.patch(
        f"{API}/cases/{case.pk}/proceedings/{stored.json()['id']}",
        '{"version": 1, "authority": "x\\u0000"}',
        content_type="application/json",
        headers=lawyer._headers(),
    )
    assert_unstorable(changed, ("authority", NUL_MESSAGE))
    assert Proceeding.objects.get().authority == "ab" and Proceeding.objects.get().version == 1


def test_a_lone_surrogate_answers_422_written_either_way(lawyer, world):
    case = world["case"]
    escaped = '{"text": "a note \\ud800"}'
    raw = b'{"text": "a note "}'[:-2] + "\ud800".encode("utf-8", "surrogatepass") + b'"}'
    for body in (escaped, raw):
        assert_unstorable(_raw_post(lawyer, f"/cases/{case.pk}/notes", body), ("text", SURROGATE_MESSAGE))
    # Deep in the body, and in a name as well as a value: each place is named, in the order written.
    referral = '{"department_id": 1, "reason": "x", "shared_fields": ["code", "\\udfff"], "n\\u0000": 1}'
    assert_unstorable(
        _raw_post(lawyer, f"/cases/{case.pk}/referrals", referral),
        ("shared_fields.1", SURROGATE_MESSAGE),
        ("n\\x00", NUL_MESSAGE),
    )
    assert not Note.objects.exists() and not Referral.objects.exists()


def test_a_nul_in_a_query_parameter_answers_422(lawyer, world):
    assert_unstorable(lawyer.get("/cases", status="open\x00"), ("status", NUL_MESSAGE))
    assert_unstorable(
        lawyer.get("/cases", status="open\x00", page="\x00"), ("status", NUL_MESSAGE), ("page", NUL_MESSAGE)
    )
    assert not AuditEntry.objects.filter(action="cases.case.listed").exists()


def test_who_is_calling_is_asked_before_the_text_is_read(client, world):
    """An anonymous caller learns nothing from the body: 401, as for any other."""
    response = client.post(
        f"{API}/beneficiaries/search", '{"code": "\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 401


# --- the OpenAPI document -------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_cases_api(client):
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path, methods in {
        "/api/cases/cases": {"get", "post"},
        "/api/cases/cases/{case_id}": {"get", "patch"},
        "/api/cases/cases/{case_id}/timeline": {"get"},
        "/api/cases/cases/{case_id}/sessions": {"post"},
        "/api/cases/cases/{case_id}/notes": {"post"},
        "/api/cases/cases/{case_id}/consents": {"post"},
        "/api/cases/cases/{case_id}/assessments": {"post"},
        "/api/cases/cases/{case_id}/tasks": {"post"},
        "/api/cases/cases/{case_id}/referrals": {"post"},
        "/api/cases/cases/{case_id}/referrals/{referral_id}": {"patch"},
        "/api/cases/cases/{case_id}/proceedings": {"post"},
        "/api/cases/beneficiaries/search": {"post"},
        "/api/cases/beneficiaries": {"post"},
        "/api/cases/cases/{case_id}/beneficiary/identity": {"get"},
        "/api/cases/work": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["security"] == [{"PersonalApiToken": []}, {"BrowserSession": []}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["PersonalApiToken"] == schemes["PersonalApiToken"] | {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSession"]["in"] == "cookie"
    assert {"400", "409", "422"} <= set(paths["/api/cases/cases/{case_id}"]["patch"]["responses"])
    schemas = document["components"]["schemas"]
    assert schemas["CaseUpdateIn"]["required"] == ["version"]
    assert set(schemas["SessionIn"]["properties"]["kind"]["enum"]) == set(v.ServiceKind.values)
    assert "security" not in paths["/api/hsds/services"]["get"]
    assert client.get("/api/docs").status_code == 404


# --- the token pages ------------------------------------------------------------------------------------


def test_tokens_are_created_shown_once_listed_and_revoked(client, world):
    user = world["lawyer"]
    force_login_with_mfa(client, user)
    page = client.get(reverse("tokens:list"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    created = client.post(reverse("tokens:create"), {"name": "Case export script", "days": "30"})
    assert created.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = next(
        word for word in created.content.decode().replace('"', " ").split() if word.startswith("rfg_")
    )
    assert token.digest == token_digest(secret)
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert audited(user, "accounts.api_token.created", object_id=str(token.pk)) == 1

    api = Client()
    assert api.get(f"{API}/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = client.get(reverse("tokens:list")).content.decode()
    assert "Case export script" in listing
    assert secret not in listing and token.digest not in listing

    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405
    other = api_token_create(user=world["psychologist"], name="theirs")[0]
    assert client.post(reverse("tokens:revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists() and ApiToken.objects.filter(pk=other.pk).exists()
    assert audited(user, "accounts.api_token.revoked", object_id=str(token.pk)) == 1
    assert api.get(f"{API}/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_needs_a_name_and_a_known_lifetime(client, world):
    force_login_with_mfa(client, world["lawyer"])
    assert client.post(reverse("tokens:create"), {"name": "", "days": "90"}).status_code == 400
    assert client.post(reverse("tokens:create"), {"name": "x", "days": "3650"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_only_case_staff_have_token_pages(client):
    for role in (Role.DIRECTORY_EDITOR, Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR):
        person = staff(role)
        force_login_with_mfa(client, person)
        assert client.get(reverse("tokens:list")).status_code == 404, role
        assert client.post(reverse("tokens:create"), {"name": "x", "days": "90"}).status_code == 404, role
    assert not ApiToken.objects.exists()
    client.logout()
    assert client.get(reverse("tokens:list")).status_code == 302  # to the sign-in page


# --- every endpoint, every caller -----------------------------------------------------------------------

# A valid body for each write, so that a refusal comes from the case lookup and not from validation.
BODIES = {
    ("post", "/cases"): {"beneficiary_id": 1, "department_id": 1, "category": "crime"},
    ("patch", "/cases/{case_id}"): {"version": 1, "risk_level": "high"},
    ("post", "/cases/{case_id}/sessions"): {"kind": "legal_counselling", "duration_minutes": 30},
    ("post", "/cases/{case_id}/notes"): {"text": "a note"},
    ("post", "/cases/{case_id}/consents"): {"purpose": "assistance", "form": "oral"},
    ("post", "/cases/{case_id}/consents/{consent_id}/withdraw"): {},
    ("post", "/cases/{case_id}/assessments"): {"legal": "high"},
    ("post", "/cases/{case_id}/tasks"): {"title": "call", "due_on": "2030-01-01"},
    ("post", "/cases/{case_id}/referrals"): {"department_id": 1, "reason": "x", "shared_fields": ["code"]},
    ("patch", "/cases/{case_id}/referrals/{referral_id}"): {"version": 1, "status": "accepted"},
    ("post", "/cases/{case_id}/proceedings"): {"kind": "criminal_case", "stage": "complaint"},
    ("patch", "/cases/{case_id}/proceedings/{proceeding_id}"): {"version": 1, "stage": "trial"},
    ("post", "/beneficiaries/search"): {"names": "a b"},
    ("post", "/beneficiaries"): {"identity": {}},
}


def cases_operations() -> list[tuple[str, str]]:
    """Every operation of the cases API, read from the OpenAPI document: a new endpoint is walked too."""
    from refugiu.api import api

    paths = api.get_openapi_schema()["paths"]
    return sorted(
        (method, path.removeprefix(API))
        for path, ops in paths.items()
        if path.startswith(API)
        for method in ops
    )


def test_every_endpoint_answers_for_another_team_as_for_nothing(client, world):
    case, lawyer = world["case"], world["lawyer"]
    consent = services.consent_record(user=lawyer, case=case, purpose="assistance", form="oral")
    referral = services.referral_send(
        user=world["boss"], case=case, department=world["asylum"], reason="x", shared_fields=["code"]
    )
    ids = {
        "consent_id": consent.pk,
        "referral_id": referral.pk,
        "task_id": services.task_create(user=lawyer, case=case, title="t", due_on=dt.date(2030, 1, 1)).pk,
        "proceeding_id": services.proceeding_record(
            user=lawyer, case=case, kind="criminal_case", stage="complaint"
        ).pk,
    }
    operations = cases_operations()
    assert len(operations) >= 19
    audited = AuditEntry.objects.filter(case_id=case.pk).exclude(action="cases.case.access_refused")
    before = audited.count()
    state = Case.objects.values_list("version", "updated_at").get(pk=case.pk)
    for who in ("outsider", "other_boss"):
        caller = Caller(client, world[who])
        for method, template in operations:
            if "{case_id}" not in template:
                continue
            body = BODIES.get((method, template), {})
            answers = []
            for case_id, record_ids in ((case.pk, ids), (case.pk + 1000, dict.fromkeys(ids, 10**6))):
                path = template.format(case_id=case_id, **record_ids)
                response = caller.get(path) if method == "get" else getattr(caller, method)(path, body)
                answers.append((response.status_code, response.json()))
            assert answers[0] == answers[1], (who, method, template)
            assert answers[0][0] == 404, (who, method, template)
    # Nothing was read or written; each try on the existing case is in the log as refused, once.
    assert audited.count() == before
    tries = sum("{case_id}" in template for _method, template in operations)
    for who in ("outsider", "other_boss"):
        refused = AuditEntry.objects.filter(actor=world[who], action="cases.case.access_refused")
        assert refused.filter(case_id=case.pk).count() == tries, who
        assert refused.count() == tries, who
    assert Case.objects.values_list("version", "updated_at").get(pk=case.pk) == state


@pytest.mark.parametrize(
    "role",
    [
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMINISTRATOR,
        Role.PROGRAMME_STAFF,
        Role.DIRECTORY_EDITOR,
        Role.RESEARCHER,
    ],
)
def test_every_endpoint_refuses_roles_without_case_access_and_anonymous_callers(client, world, role):
    person = staff(role)
    with pytest.raises(CaseError):
        api_token_create(user=person, name="not allowed")
    ids = dict.fromkeys(("consent_id", "referral_id", "task_id", "proceeding_id"), 1)
    force_login_with_mfa(client, person)
    anonymous = Client()
    for method, template in cases_operations():
        path = API + template.format(case_id=world["case"].pk, **ids)
        body = json.dumps(BODIES.get((method, template), {}))
        for caller, status in ((anonymous, 401), (client, 403)):
            if method == "get":
                response = caller.get(path)
            else:
                response = getattr(caller, method)(path, body, "application/json")
            assert response.status_code == status, (role, method, template)
    assert not AuditEntry.objects.filter(actor=person).exclude(action__startswith="accounts.").exists()
