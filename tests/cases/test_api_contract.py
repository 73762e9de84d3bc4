"""The cases API keeps the contract its OpenAPI document states (issue 18): what breaks the document is
refused (400) before anything is read or written, every refusal has one body and a documented status and
code, and the document states the real constraints of the fields. Through real HTTP requests with a personal
token (tests.cases.test_api's `Caller`); every person is fake (tests.cases.factories)."""

import ast
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_countries import countries

from refugiu.api import api
from refugiu.cases import services
from refugiu.cases.api import problems
from refugiu.cases.api.fields import MONEY_PATTERN
from refugiu.cases.models import Beneficiary, Case, Consent, Proceeding, Task
from refugiu.core.models import AuditEntry
from tests.cases import test_api
from tests.cases.test_api import API, BODIES, Caller, cases_operations

pytestmark = pytest.mark.django_db

world = test_api.world  # the same people and case

NOT_OBJECTS = ["[null,null]", '"x"', "[]", "true", "null", "0", "1.5"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lawyer(client, world) -> Caller:
    return Caller(client, world["lawyer"])


@pytest.fixture
def records(world) -> dict[str, int]:
    """A record of each kind on the lawyer's case, for the paths that name one."""
    case, lawyer = world["case"], world["lawyer"]
    return {
        "consent_id": services.consent_record(user=lawyer, case=case, purpose="assistance", form="oral").pk,
        "referral_id": services.referral_send(
            user=world["boss"], case=case, department=world["asylum"], reason="x", shared_fields=["code"]
        ).pk,
        "task_id": services.task_create(user=lawyer, case=case, title="t", due_on=dt.date(2030, 1, 1)).pk,
        "proceeding_id": services.proceeding_record(
            user=lawyer, case=case, kind="criminal_case", stage="complaint"
        ).pk,
    }


def send(caller: Caller, method: str, path: str, raw: str):
    """A request whose body is exactly `raw`."""
    return getattr(caller.client, method)(
        API + path, raw, content_type="application/json", headers=caller._headers()
    )


def state(case: Case) -> tuple:
    """What a refused request must leave as it was: the audit log, the case and every record."""
    return (
        AuditEntry.objects.count(),
        Case.objects.values_list("version", "updated_at", "status").get(pk=case.pk),
        list(Consent.objects.values_list("pk", "withdrawn_on").order_by("pk")),
        list(Task.objects.values_list("pk", "done_at").order_by("pk")),
        list(Proceeding.objects.values_list("pk", "version").order_by("pk")),
        Beneficiary.objects.count(),
        Case.objects.count(),
    )


def writes() -> list[tuple[str, str]]:
    """Every operation that takes a body (each write of the API)."""
    return [(method, template) for method, template in cases_operations() if method != "get"]


# --- a body that is not a JSON object --------------------------------------------------------------------


def test_every_write_refuses_a_body_that_is_not_an_object_and_changes_nothing(lawyer, world, records):
    case = world["case"]
    assert len(writes()) >= 14
    before = state(case)
    for method, template in writes():
        path = template.format(case_id=case.pk, **records)
        for raw in NOT_OBJECTS:
            if raw == "null" and template.endswith("/complete"):
                continue  # an optional body: `null` is no body (tested below)
            response = send(lawyer, method, path, raw)
            assert response.status_code == 400, (method, template, raw, response.content)
            body = response.json()
            assert body["code"] == "invalid" and body["errors"][0]["parameter"] == "body", (template, raw)
        assert send(lawyer, method, path, "{not json").json()["code"] == "malformed", template
    assert state(case) == before


def test_a_withdrawal_with_the_body_true_withdraws_nothing(lawyer, world, records):
    path = f"/cases/{world['case'].pk}/consents/{records['consent_id']}/withdraw"
    response = send(lawyer, "post", path, "true")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    consent = Consent.objects.get(pk=records["consent_id"])
    assert consent.is_active and consent.withdrawn_on is None
    assert not AuditEntry.objects.filter(action__startswith="cases.consent.withdr").exists()
    assert lawyer.post(path).status_code == 200  # `{}`: today


@pytest.mark.parametrize("raw", ["[null,null]", '"x"', "[]"])
def test_a_search_with_a_body_that_is_not_an_object_searches_nothing(lawyer, raw):
    response = send(lawyer, "post", "/beneficiaries/search", raw)
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action__contains="search").exists()


def test_completing_a_task_takes_no_body_or_an_empty_object(lawyer, world, records):
    path = f"/cases/{world['case'].pk}/tasks/{records['task_id']}/complete"
    for raw in ('{"done_at": "2000-01-01T00:00:00Z"}', "true", "[]"):
        assert send(lawyer, "post", path, raw).status_code == 400, raw
    assert Task.objects.get(pk=records["task_id"]).done_at is None
    response = lawyer.client.post(API + path, "", "application/json", headers=lawyer._headers())  # no body
    assert response.status_code == 200 and response.json()["done_at"]


# --- strict types ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, "yes", "true", None])
def test_a_boolean_is_true_or_false_only(lawyer, world, value):
    identity = {"given_names": world["identity"]["given_names"], "family_names": "Other"}
    count = Beneficiary.objects.count()
    response = lawyer.post("/beneficiaries", {"identity": identity, "register_despite_matches": value})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["parameter"] == "register_despite_matches"
    assert Beneficiary.objects.count() == count


@pytest.mark.parametrize(
    ("path", "body", "parameter"),
    [
        ("/beneficiaries/search", {"names": 5}, "names"),
        ("/beneficiaries/search", {"phone": ["0722"]}, "phone"),
        ("/beneficiaries/search", {"surname": "x"}, "surname"),
        ("/beneficiaries", {"identity": {"phone": 722000000}}, "identity.phone"),
        ("/beneficiaries", {"identity": {}, "nationality": "ro"}, "nationality"),
        ("/beneficiaries", {"identity": {}, "nationality": "ZZ"}, "nationality"),
        ("/beneficiaries", {"identity": {}, "languages": "ro"}, "languages"),
        ("/beneficiaries", {"identity": "Ana"}, "identity"),
    ],
)
def test_no_value_is_coerced_into_another_type(lawyer, path, body, parameter):
    count = Beneficiary.objects.count()
    response = lawyer.post(path, body)
    assert response.status_code == 400, response.content
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]
    assert Beneficiary.objects.count() == count


CLAIM = {"kind": "compensation_claim", "stage": "filed"}
CONSENT = {"purpose": "assistance", "form": "oral"}


@pytest.mark.parametrize(
    ("template", "body", "parameter"),
    [
        ("/cases/{case_id}", {"version": "1", "risk_level": "high"}, "version"),
        ("/cases/{case_id}", {"version": 1.5, "risk_level": "high"}, "version"),
        ("/cases/{case_id}", {"version": True, "risk_level": "high"}, "version"),
        ("/cases/{case_id}", {"version": 1, "summary": 5}, "summary"),
        ("/cases/{case_id}", {"version": 1, "exploitation_country": "de"}, "exploitation_country"),
        ("/cases/{case_id}", {"version": 1, "flags": "safety_risk"}, "flags"),
        ("/cases/{case_id}/tasks", {"title": "t", "due_on": 0}, "due_on"),
        ("/cases/{case_id}/tasks", {"title": "t", "due_on": "2030-05-01T00:00:00"}, "due_on"),
        ("/cases/{case_id}/tasks", {"title": "t", "due_on": "20300501"}, "due_on"),
        ("/cases/{case_id}/tasks", {"title": "t", "due_on": "2030-02-30"}, "due_on"),
        ("/cases/{case_id}/sessions", {"kind": "shelter", "duration_minutes": "30"}, "duration_minutes"),
        ("/cases/{case_id}/notes", {"text": "x", "seal": None}, "seal"),
        ("/cases/{case_id}/proceedings", CLAIM | {"is_appeal": 1}, "is_appeal"),
        ("/cases/{case_id}/proceedings", CLAIM | {"pecuniary_claimed": 1200.5}, "pecuniary_claimed"),
        ("/cases/{case_id}/proceedings", CLAIM | {"pecuniary_claimed": "1200.505"}, "pecuniary_claimed"),
        ("/cases/{case_id}/proceedings", CLAIM | {"pecuniary_claimed": "1e3"}, "pecuniary_claimed"),
        ("/cases/{case_id}/proceedings", CLAIM | {"pecuniary_claimed": "-5"}, "pecuniary_claimed"),
        ("/cases/{case_id}/proceedings", CLAIM | {"pecuniary_awarded": " 5"}, "pecuniary_awarded"),
        ("/cases/{case_id}/consents", CONSENT | {"organization_id": "0" * 32}, "organization_id"),
        ("/cases/{case_id}/consents", CONSENT | {"given_on": "today"}, "given_on"),
    ],
)  # fmt: skip
def test_a_field_of_the_wrong_type_or_form_is_refused_and_nothing_is_written(
    lawyer, world, template, body, parameter
):
    case = world["case"]
    before = state(case)
    path = template.format(case_id=case.pk)
    response = lawyer.patch(path, body) if template == "/cases/{case_id}" else lawyer.post(path, body)
    assert response.status_code == 400, response.content
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]
    assert state(case) == before


def test_amounts_countries_and_integers_in_their_documented_form_are_taken(lawyer, world):
    case = world["case"]
    session = lawyer.post(f"/cases/{case.pk}/sessions", {"kind": "shelter", "duration_minutes": 30.0})
    assert session.status_code == 201 and session.json()["duration_minutes"] == 30
    response = lawyer.post(
        f"/cases/{case.pk}/proceedings",
        {"kind": "compensation_claim", "stage": "filed", "pecuniary_claimed": "1200.5", "currency": "EUR"},
    )
    assert response.status_code == 201, response.content
    assert re.fullmatch(MONEY_PATTERN, response.json()["pecuniary_claimed"])
    assert Proceeding.objects.get().pecuniary_claimed == Decimal("1200.50")
    changed = lawyer.patch(f"/cases/{case.pk}", {"version": case.version, "exploitation_country": "DE"})
    assert changed.status_code == 200 and changed.json()["exploitation_country"] == "DE"


# --- the query string and the path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=", "status"), ("category=", "category"), ("department=", "department"),
        ("status=%20", "status"), ("overdue=", "overdue"), ("overdue=yes", "overdue"),
        ("overdue=1", "overdue"), ("overdue=True", "overdue"), ("page=1.5", "page"), ("page=%201", "page"),
        ("page=1_0", "page"), ("per_page=", "per_page"), ("department=0", "department"),
    ],
)  # fmt: skip
def test_an_empty_or_malformed_filter_is_refused_and_lists_nothing(lawyer, query, parameter):
    response = lawyer.client.get(f"{API}/cases?{query}", headers=lawyer._headers())
    assert response.status_code == 400, (query, response.content)
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]
    assert not AuditEntry.objects.filter(action="cases.case.listed").exists()


def test_filters_in_their_documented_form_are_taken(lawyer, world):
    # JSON Schema counts 1.0 as an integer, so the document allows it.
    for query in ("overdue=true", "overdue=false", "status=open&page=1&per_page=5", "page=1.0"):
        response = lawyer.client.get(f"{API}/cases?{query}", headers=lawyer._headers())
        assert response.status_code == 200, query


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5", "%201", "99999999999999999999", "1e3", "None"])
def test_a_path_id_that_is_not_a_whole_number_answers_as_a_missing_record(lawyer, world, records, bad_id):
    case = world["case"]
    missing = lawyer.get(f"/cases/{10**9}").json()
    assert missing == {"detail": "Not Found", "code": "not_found"}
    before = state(case)
    for method, template in cases_operations():
        if "{" not in template:
            continue
        for name in ("case_id", *records):
            if "{" + name + "}" not in template:
                continue
            ids = {"case_id": case.pk, **records, name: bad_id}
            path = template.format(**ids)
            body = json.dumps(BODIES.get((method, template), {}))
            response = lawyer.get(path) if method == "get" else send(lawyer, method, path, body)
            assert response.status_code == 404, (method, template, name, bad_id, response.content)
            assert response.json() == missing, (method, template, name)
    assert state(case) == before


# --- one error body, every status documented -------------------------------------------------------------


def test_every_refusal_has_one_body_shape(client, lawyer, world):
    anonymous = Client()
    unauthenticated = anonymous.get(f"{API}/cases")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "not_authenticated" and unauthenticated.json()["detail"]

    not_allowed = lawyer.client.put(
        f"{API}/cases", "{}", content_type="application/json", headers=lawyer._headers()
    )
    assert not_allowed.status_code == 405 and not_allowed["Content-Type"].startswith("application/json")
    assert not_allowed.json()["code"] == "method_not_allowed" and "GET" in not_allowed["Allow"]
    hsds = anonymous.delete("/api/hsds/services")
    assert hsds.status_code == 405 and hsds.json()["code"] == "method_not_allowed"

    too_large = send(
        lawyer,
        "post",
        "/beneficiaries/search",
        json.dumps({"names": "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}),
    )
    assert too_large.status_code == 413 and too_large.json()["code"] == "too_large"

    unstorable = lawyer.post("/beneficiaries/search", {"names": "a\x00b"})
    assert unstorable.status_code == 422 and unstorable.json()["code"] == "unstorable_text"
    assert unstorable.json()["errors"] == [
        {"parameter": "names", "message": unstorable.json()["errors"][0]["message"]}
    ]

    for response in (unauthenticated, not_allowed, hsds, too_large, unstorable):
        assert set(response.json()) <= {"detail", "code", "errors"}, response.content
        assert isinstance(response.json()["detail"], str)


def test_each_status_documents_its_codes():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    codes = {}
    for status, model in problems.BY_STATUS.items():
        code = schemas[model.__name__]["properties"]["code"]
        codes[status] = set(code.get("enum") or [code["const"]])
    assert codes[409] == set(problems.CONFLICTS)
    assert codes[403] >= set(problems.FORBIDDEN) | {"no_case_role", "csrf_failed"}
    assert codes[422] >= set(problems.REFUSALS) | {"unstorable_text"}
    assert codes[400] == {"invalid", "malformed"}
    for path, operations in document["paths"].items():
        if not path.startswith(API):
            continue
        for method, operation in operations.items():
            documented = operation["responses"]
            assert {"401", "403"} <= set(map(str, documented)), (method, path)
            if "{" in path:
                assert "404" in map(str, documented), (method, path)
            if method != "get" or operation.get("parameters", []) and "{" not in path:
                assert {"400", "422"} <= set(map(str, documented)), (method, path)
            if method != "get":
                assert "413" in map(str, documented), (method, path)
                if not path.endswith("/search"):  # a search changes nothing, so conflicts with nothing
                    assert "409" in map(str, documented), (method, path)


def test_every_code_the_services_refuse_with_has_one_status():
    """A new `CaseError` code in the code the API calls must be placed in cases.api.problems, which the
    document lists; a code answered as 422 without being listed would break the document."""
    root = Path(services.__file__).parent.parent
    # Breaking the glass is a page's alone.
    services_called = [
        path for path in root.joinpath("services").glob("*.py") if path.name != "break_glass.py"
    ]
    sources = [*root.joinpath("api").glob("*.py"), *services_called, root / "access.py"]
    raised = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                position = {"CaseError": 0, "require": 1}.get(name or "")
                if position is not None and len(node.args) > position:
                    argument = node.args[position]
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        raised.add(argument.value)
    listed = [*problems.CONFLICTS, *problems.FORBIDDEN, *problems.REFUSALS]
    assert len(listed) == len(set(listed)), "a code has one status"
    assert raised <= set(listed), sorted(raised - set(listed))


def test_the_document_states_the_real_constraints():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    nationality = schemas["BeneficiaryIn"]["properties"]["nationality"]
    assert nationality["enum"] == [*sorted(countries.countries), ""]
    assert schemas["BeneficiaryOut"]["properties"]["nationality"]["enum"] == nationality["enum"]
    claimed = schemas["ProceedingIn"]["properties"]["pecuniary_claimed"]["anyOf"][0]
    assert claimed == {"type": "string", "pattern": MONEY_PATTERN, "description": claimed["description"]}
    inputs = [name for name in schemas if name.endswith("In")]
    assert len(inputs) >= 15
    for name in inputs:
        assert schemas[name]["additionalProperties"] is False, name
    due = schemas["TaskIn"]["properties"]["due_on"]
    assert due == {"format": "date", "title": "Due On", "type": "string"}
