"""A refused access to a record that exists is in the audit log (who, which record, when), while the answer
stays byte for byte the one for a record that does not exist: on the pages and in the cases API.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import document_store
from refugiu.cases.tokens import api_token_create
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, staff

pytestmark = pytest.mark.django_db

MISSING = 10**6
HEADERS = ("Content-Type", "Content-Length", "Cache-Control", "Content-Security-Policy")


@pytest.fixture
def world(settings, tmp_path):
    """A case with a lawyer on its team, and another caseworker of the same department on another case."""
    settings.MEDIA_ROOT = tmp_path
    department = DepartmentFactory()
    lawyer, outsider = caseworker(department), caseworker(department)
    case = case_new(department=department, team=[(lawyer, v.TeamFunction.LAWYER)])
    theirs = case_new(department=department, team=[(outsider, v.TeamFunction.SOCIAL_WORKER)])
    task = services.task_create(user=lawyer, case=case, title="Call the court", due_on=dt.date(2030, 1, 1))
    document = document_store(
        user=lawyer, case=case, title="scan", data=b"%PDF-1.4\n%fake\n", filename="s.pdf"
    )
    return {
        "lawyer": lawyer,
        "outsider": outsider,
        "case": case,
        "theirs": theirs,
        "task": task,
        "document": document,
    }


def assert_same_answer(forbidden, absent):
    assert forbidden.status_code == absent.status_code == 404
    assert forbidden.content == absent.content
    for header in HEADERS:
        assert forbidden.get(header) == absent.get(header), header


def refusals(user):
    return AuditEntry.objects.filter(actor=user, action__endswith=".access_refused").order_by("id")


def test_another_caseworkers_case_page_answers_as_a_missing_one_and_the_refusal_is_audited(client, world):
    outsider, case = world["outsider"], world["case"]
    force_login_with_mfa(client, outsider)
    for name in ("cases:case_detail", "cases:beneficiary_identity", "cases:team"):
        assert_same_answer(
            client.get(reverse(name, args=[case.pk]), REMOTE_ADDR="198.51.100.7"),
            client.get(reverse(name, args=[MISSING])),
        )
    trail = refusals(outsider)
    assert [(e.action, e.object_type, e.object_id, e.case_id, e.beneficiary_id) for e in trail] == [
        ("cases.case.access_refused", "cases.case", str(case.pk), case.pk, case.beneficiary_id)
    ] * 3
    assert trail[0].actor_name == outsider.username and trail[0].address == "198.51.100.7"
    assert trail[0].at is not None
    # Nothing was read: no other record names the case.
    assert not AuditEntry.objects.filter(actor=outsider, case_id=case.pk).exclude(
        action="cases.case.access_refused"
    )


def test_another_cases_record_under_ones_own_case_is_refused_and_audited(client, world):
    outsider, theirs = world["outsider"], world["theirs"]
    force_login_with_mfa(client, outsider)
    assert_same_answer(
        client.get(reverse("cases:task_done", args=[theirs.pk, world["task"].pk])),
        client.get(reverse("cases:task_done", args=[theirs.pk, MISSING])),
    )
    assert_same_answer(
        client.get(reverse("documents:download", args=[theirs.pk, world["document"].pk])),
        client.get(reverse("documents:download", args=[theirs.pk, MISSING])),
    )
    assert [(e.action, e.object_id, e.case_id) for e in refusals(outsider)] == [
        ("cases.task.access_refused", str(world["task"].pk), world["case"].pk),
        ("cases.document.access_refused", str(world["document"].pk), world["case"].pk),
    ]


def test_a_beneficiary_whose_case_one_cannot_see_is_refused_and_audited(client, world):
    outsider, beneficiary_id = world["outsider"], world["case"].beneficiary_id
    force_login_with_mfa(client, outsider)
    assert_same_answer(
        client.get(reverse("cases:case_open", args=[beneficiary_id])),
        client.get(reverse("cases:case_open", args=[MISSING])),
    )
    [entry] = refusals(outsider)
    assert (entry.action, entry.beneficiary_id) == ("cases.beneficiary.access_refused", beneficiary_id)


def test_roles_without_case_access_are_refused_named_records_and_audited(client, world):
    case = world["case"]
    researcher = staff(Role.RESEARCHER)
    client.force_login(researcher)
    assert_same_answer(
        client.get(reverse("cases:case_detail", args=[case.pk])),
        client.get(reverse("cases:case_detail", args=[MISSING])),
    )
    # The DPO's pages, to a caseworker.
    force_login_with_mfa(client, world["outsider"])
    assert_same_answer(
        client.get(reverse("dpo:subject_detail", args=[case.beneficiary_id])),
        client.get(reverse("dpo:subject_detail", args=[MISSING])),
    )
    assert [e.action for e in refusals(researcher)] == ["cases.case.access_refused"]
    assert [e.action for e in refusals(world["outsider"])] == ["cases.beneficiary.access_refused"]


def test_another_persons_api_token_cannot_be_revoked_and_the_try_is_audited(client, world):
    token, _raw = api_token_create(user=world["lawyer"], name="laptop")
    force_login_with_mfa(client, world["outsider"])
    assert_same_answer(
        client.post(reverse("tokens:revoke", args=[token.pk])),
        client.post(reverse("tokens:revoke", args=[MISSING])),
    )
    [entry] = refusals(world["outsider"])
    assert (entry.action, entry.object_id) == ("cases.apitoken.access_refused", str(token.pk))


# The cases API


JSON = "application/json"  # the API reads a body as JSON: a form's is malformed (400)


def test_the_api_answers_another_caseworkers_case_as_a_missing_one_and_audits_the_refusal(world):
    outsider, case, theirs = world["outsider"], world["case"], world["theirs"]
    raw = api_token_create(user=outsider, name="tests")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    for path in ("", "/timeline", "/beneficiary/identity"):
        assert_same_answer(
            api.get(f"/api/cases/cases/{case.pk}{path}"), api.get(f"/api/cases/cases/{MISSING}{path}")
        )
    assert_same_answer(
        api.post(f"/api/cases/cases/{theirs.pk}/tasks/{world['task'].pk}/complete", content_type=JSON),
        api.post(f"/api/cases/cases/{theirs.pk}/tasks/{MISSING}/complete", content_type=JSON),
    )
    trail = [(e.action, e.object_id, e.case_id) for e in refusals(outsider)]
    assert trail == [("cases.case.access_refused", str(case.pk), case.pk)] * 3 + [
        ("cases.task.access_refused", str(world["task"].pk), case.pk)
    ]
    assert not AuditEntry.objects.filter(object_id=str(MISSING)).exists()
