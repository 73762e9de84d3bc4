"""Every URL of the cases module, for every role, another team, and an anonymous visitor.

The list of URLs is read from the URL configuration, not written here: a view added later without an
entry in EXPECTED fails `test_every_url_has_expectations`, so nobody can add a case page that skips
this matrix. For each URL and each person the test asserts the status code, that staff pages are never
cached, and that every successful look at a case wrote an audit record naming that case.
"""

import datetime as dt

import pytest
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import document_store
from refugiu.cases.models import Case
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator, staff
from tests.factories import ServiceFactory, UserFactory
from tests.url_patterns import named_urls, sign_in_as

pytestmark = pytest.mark.django_db

NAMESPACES = ("cases", "documents", "dpo", "tokens")

# Who is who in the world below.
TEAM = ("lawyer", "psychologist", "social_worker")
CASE_ROLES = (*TEAM, "coordinator", "outsider", "other_coordinator")
EVERYONE = (
    *CASE_ROLES,
    "dpo",
    "administrator",
    "programme_staff",
    "directory_editor",
    "researcher",
    "representative",
)

# What each person may reach. "team" = the case's team and its department's coordinator; "coordinator"
# = the coordinator of the case's department only; "case_roles" = anyone holding a case role (pages
# that are not about one case); "dpo" = the data protection officer. Everyone else gets 404, and an
# anonymous visitor is sent to sign in.
EXPECTED = {
    "cases:case_list": "case_roles",
    "cases:my_work": "case_roles",
    "cases:beneficiary_intake": "case_roles",
    "cases:beneficiary_merge": "coordinators",
    "cases:closures": "coordinators",
    "cases:break_glass_by_reference": "coordinators",
    "cases:case_open": "team",
    "cases:case_detail": "team",
    "cases:case_edit": "team",
    "cases:case_status": "team",
    "cases:beneficiary_identity": "team",
    "cases:beneficiary_edit": "team",
    "cases:team": "team",
    "cases:service_new": "team",
    "cases:note_new": "team",
    "cases:consent_new": "team",
    "cases:consent_withdraw": "team",
    "cases:assessment_new": "team",
    "cases:task_new": "team",
    "cases:task_done": "team",
    "cases:proceeding_new": "team",
    "cases:proceeding_edit": "team",
    "cases:referral_new": "team",
    "cases:referral_detail": "team",
    "cases:referral_packet": "team",
    "cases:referral_packet_pdf": "team",
    "cases:case_close": "team",
    "cases:case_close_decide": "team",
    "cases:case_reopen": "team",
    "cases:break_glass": "team",
    "documents:upload": "team",
    "documents:download": "team",
    "dpo:index": "dpo",
    "dpo:subject": "dpo",
    "dpo:subject_detail": "dpo",
    "dpo:subject_export_json": "dpo",
    "dpo:subject_export_pdf": "dpo",
    "dpo:subject_erase": "dpo",
    "dpo:retention": "dpo",
    "dpo:audit": "dpo",
    "dpo:audit_export": "dpo",
    "dpo:break_glass": "dpo",
    "tokens:list": "case_roles",
    "tokens:create": "case_roles",
    "tokens:revoke": "case_roles",
}

ALLOWED = {
    "team": {*TEAM, "coordinator"},
    "coordinators": {"coordinator", "other_coordinator"},
    "case_roles": set(CASE_ROLES),
    "dpo": {"dpo"},
}


def module_urls() -> dict[str, frozenset]:
    return named_urls(NAMESPACES)


def test_every_url_has_expectations():
    names = set(module_urls())
    assert names, "the cases module has no URLs"
    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED (and think about who may use them)"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist: remove them from EXPECTED"


@pytest.fixture
def world(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    department, elsewhere = DepartmentFactory(), DepartmentFactory()
    people = {
        "lawyer": caseworker(department),
        "psychologist": caseworker(department),
        "social_worker": caseworker(department),
        "outsider": caseworker(department),
        "coordinator": coordinator(department),
        "other_coordinator": coordinator(elsewhere),
        "dpo": staff(Role.DATA_PROTECTION_OFFICER),
        "administrator": UserFactory(is_superuser=True, is_staff=True),
        "programme_staff": staff(Role.PROGRAMME_STAFF),
        "directory_editor": staff(Role.DIRECTORY_EDITOR),
        "researcher": staff(Role.RESEARCHER),
        # A listed organisation's representative: their role reaches no case.
        "representative": staff(Role.ORGANIZATION_REPRESENTATIVE),
    }
    case = case_new(
        department=department,
        by=people["coordinator"],
        team=[
            (people["lawyer"], v.TeamFunction.LAWYER),
            (people["psychologist"], v.TeamFunction.PSYCHOLOGIST),
            (people["social_worker"], v.TeamFunction.SOCIAL_WORKER),
        ],
    )
    by = people["lawyer"]
    service = ServiceFactory()
    consent = services.consent_record(
        user=by,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        organization=service.organization,
        shared_fields=["code"],
        form=v.ConsentForm.WRITTEN,
    )
    referral = services.referral_send(
        user=by, case=case, service=service, reason="shelter", shared_fields=["code"]
    )
    task = services.task_create(user=by, case=case, title="call", due_on=dt.date.today())
    proceeding = services.proceeding_record(
        user=by, case=case, kind=v.ProceedingKind.CRIMINAL_CASE, stage=v.ProceedingStage.COMPLAINT
    )
    document = document_store(
        user=by, case=case, title="scan", data=b"%PDF-1.4\n%fake\n", filename="scan.pdf"
    )
    kwargs = {
        "case_id": case.pk,
        "beneficiary_id": case.beneficiary_id,
        "consent_id": consent.pk,
        "referral_id": referral.pk,
        "task_id": task.pk,
        "proceeding_id": proceeding.pk,
        "document_id": document.pk,
        "token_id": 1,
    }
    return {"people": people, "case": case, "kwargs": kwargs}


def _url(name: str, needed: frozenset, kwargs: dict) -> str:
    return reverse(name, kwargs={k: kwargs[k] for k in needed})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(client, world, name):
    needed = module_urls()[name]
    url = _url(name, needed, world["kwargs"])
    case = world["case"]

    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, "anonymous")

    allowed = ALLOWED[EXPECTED[name]]
    for who in EVERYONE:
        sign_in_as(client, world["people"][who])  # with a second factor where the role needs one
        before = AuditEntry.objects.filter(case_id=case.pk).count()
        response = client.get(url)
        if who in allowed:
            assert response.status_code in (200, 302, 405), (name, who, response.status_code)
            if response.status_code == 200 and "case_id" in needed:
                assert AuditEntry.objects.filter(case_id=case.pk).count() > before, (name, who, "not audited")
        else:
            assert response.status_code == 404, (name, who, response.status_code)
            # Sending a form is refused the same way, and changes nothing.
            version = Case.objects.values_list("version", "updated_at").get(pk=case.pk)
            assert client.post(url, {}).status_code == 404, (name, who, "POST")
            assert Case.objects.values_list("version", "updated_at").get(pk=case.pk) == version, (name, who)
        assert response.get("Cache-Control") == "no-store", (name, who)


def test_another_cases_records_answer_404(client, world):
    """A sub-record id taken from one case, used under another case the user can see: 404."""
    people = world["people"]
    mine = case_new(
        department=world["case"].department, by=people["coordinator"], team=[(people["outsider"], "other")]
    )
    force_login_with_mfa(client, people["outsider"])
    kwargs = {**world["kwargs"], "case_id": mine.pk}
    for name, needed in module_urls().items():
        if "case_id" in needed and needed - {"case_id", "beneficiary_id"}:
            response = client.get(_url(name, needed, kwargs))
            assert response.status_code in (404, 405), name
    assert Case.objects.visible_to(people["outsider"]).count() == 1
