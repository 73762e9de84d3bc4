"""The data protection officer's GDPR tools: export, erasure, retention, and nobody else reaching them."""

import datetime as dt
import json

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases import gdpr, selectors, services
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import document_path, document_store
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Document,
    IdentityToken,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
)
from refugiu.cases.services import CaseError
from refugiu.cases.urls import dpo_patterns
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, beneficiary_new, case_new, caseworker, coordinator, staff
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

IDENTITY = {
    "given_names": "Zenobia",
    "family_names": "Marchetti-Ulvaeus",
    "date_of_birth": "1994-03-17",
    "phone": "+40 721 555 019",
    "email": "zenobia.example@example.org",
    "address": "Strada Exemplului 7, Bucharest",
    "document_type": "passport",
    "document_number": "QX4471902",
}
SECRETS = {
    "summary": "Recruited through a fake job advert for a bakery",
    "sealed": "Psychological note: recurring nightmares since the journey",
    "team_note": "Team note: prefers calls in the morning",
    "session": "Session note: explained the reflection period",
    "referral": "Referral reason: needs a safe shelter bed",
    "file_number": "Dosar 4412/3/2024",
    "evidence": "Psychological report of 12 May",
    "task": "Call the labour inspectorate about the bakery",
    "assessment": "Assessment: panic attacks when outdoors",
}


@pytest.fixture
def world(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    department = DepartmentFactory()
    boss, lawyer, psychologist = coordinator(department), caseworker(department), caseworker(department)
    dpo = staff(Role.DATA_PROTECTION_OFFICER)
    beneficiary = beneficiary_new(by=boss, identity=IDENTITY)
    case = case_new(
        department=department,
        by=boss,
        beneficiary=beneficiary,
        team=[(lawyer, v.TeamFunction.LAWYER), (psychologist, v.TeamFunction.PSYCHOLOGIST)],
        summary=SECRETS["summary"],
    )
    services.note_write(user=psychologist, case=case, text=SECRETS["sealed"], seal=v.NoteSeal.PSYCHOLOGICAL)
    services.note_write(user=lawyer, case=case, text=SECRETS["team_note"])
    services.service_record(
        user=lawyer,
        case=case,
        kind=v.ServiceKind.LEGAL_COUNSELLING,
        duration_minutes=45,
        note=SECRETS["session"],
    )
    service = ServiceFactory()
    services.consent_record(
        user=lawyer,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        organization=service.organization,
        shared_fields=["code"],
        form=v.ConsentForm.WRITTEN,
    )
    services.referral_send(
        user=lawyer, case=case, service=service, reason=SECRETS["referral"], shared_fields=["code"]
    )
    services.proceeding_record(
        user=lawyer,
        case=case,
        kind=v.ProceedingKind.COMPENSATION_CLAIM,
        stage=v.PROCEEDING_STAGES[v.ProceedingKind.COMPENSATION_CLAIM][0],
        file_number=SECRETS["file_number"],
        evidence=SECRETS["evidence"],
    )
    services.task_create(user=lawyer, case=case, title=SECRETS["task"], due_on=dt.date.today())
    services.assessment_record(
        user=lawyer, case=case, psychological=v.NeedLevel.HIGH, notes=SECRETS["assessment"]
    )
    document = document_store(user=lawyer, case=case, title="Passport scan", data=b"%PDF-1.4\n%%EOF\n")
    return locals()


def _dpo_client(client, world):
    return force_login_with_mfa(client, world["dpo"])


def test_subject_lookup_by_code_shows_case_metadata_not_notes(client, world):
    _dpo_client(client, world)
    response = client.post(reverse("dpo:subject"), {"code": world["beneficiary"].code.lower()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert world["case"].reference in html and "Victim of trafficking" in html
    for secret in (*SECRETS.values(), IDENTITY["family_names"]):
        assert secret not in html
    assert world["beneficiary"].code not in response["Location"]
    assert AuditEntry.objects.filter(
        action="cases.beneficiary.viewed", beneficiary_id=world["beneficiary"].pk
    ).exists()
    missing = client.post(reverse("dpo:subject"), {"code": "B-NONE-NONE"})
    assert "No beneficiary has this code." in missing.content.decode()


def test_export_json_holds_everything_about_the_person(client, world):
    _dpo_client(client, world)
    beneficiary = world["beneficiary"]
    response = client.post(reverse("dpo:subject_export_json", args=[beneficiary.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subject-{beneficiary.code}.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["identity"]["family_names"] == IDENTITY["family_names"]
    assert data["identity"]["document_number"] == IDENTITY["document_number"]
    assert data["beneficiary"]["code"] == beneficiary.code
    assert data["consents"][0]["purpose"] == "sharing"
    (case,) = data["cases"]
    assert case["summary"] == SECRETS["summary"]
    assert {n["text"] for n in case["notes"]} == {SECRETS["sealed"], SECRETS["team_note"]}
    assert case["sessions"][0]["note"] == SECRETS["session"] and case["sessions"][0]["duration_minutes"] == 45
    assert case["referrals"][0]["reason"] == SECRETS["referral"]
    assert case["proceedings"][0]["file_number"] == SECRETS["file_number"]
    assert case["tasks"][0]["title"] == SECRETS["task"]
    assert case["assessments"][0]["notes"] == SECRETS["assessment"]
    assert case["documents"][0]["title"] == "Passport scan"
    assert {m["function"] for m in case["team"]} == {"lawyer", "psychologist"}
    assert case["status_history"][0]["to_status"] == "open"
    entry = AuditEntry.objects.get(action="cases.beneficiary.exported")
    assert entry.detail["format"] == "json" and entry.beneficiary_id == beneficiary.pk
    assert IDENTITY["family_names"] not in json.dumps(entry.detail)


def test_export_pdf_is_a_pdf(client, world):
    _dpo_client(client, world)
    response = client.post(reverse("dpo:subject_export_pdf", args=[world["beneficiary"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="cases.beneficiary.exported", detail__format="pdf").exists()


def test_export_needs_post(client, world):
    _dpo_client(client, world)
    assert client.get(reverse("dpo:subject_export_json", args=[world["beneficiary"].pk])).status_code == 405


def test_erasure_removes_identity_and_free_text_keeps_statistics(
    client, world, django_capture_on_commit_callbacks
):
    beneficiary, case, document = world["beneficiary"], world["case"], world["document"]
    path = document_path(document)
    assert path.exists()
    _dpo_client(client, world)
    url = reverse("dpo:subject_erase", args=[beneficiary.pk])
    assert client.get(url).status_code == 200
    # A slip is caught: the code must be typed.
    wrong = client.post(url, {"ground": "objection", "confirm_code": "B-XXXX-XXXX"})
    assert wrong.status_code == 200 and BeneficiaryIdentity.objects.filter(beneficiary=beneficiary).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"ground": "objection", "confirm_code": beneficiary.code})
    assert response.status_code == 302

    assert not BeneficiaryIdentity.objects.filter(beneficiary=beneficiary).exists()
    assert not IdentityToken.objects.filter(beneficiary=beneficiary).exists()
    assert not Document.objects.filter(case=case).exists() and not path.exists()
    case = Case.objects.get(pk=case.pk)
    assert case.summary == "" and case.anonymised_at is not None
    assert set(Note.objects.filter(case=case).values_list("text", flat=True)) == {""}
    assert set(ServiceEntry.objects.filter(case=case).values_list("note", flat=True)) == {""}
    assert Referral.objects.get(case=case).reason == ""
    proceeding = Proceeding.objects.get(case=case)
    assert (proceeding.file_number, proceeding.evidence) == ("", "")
    assert Task.objects.get(case=case).title == ""
    assert case.assessments.get().notes == ""
    assert set(StatusChange.objects.filter(case=case).values_list("note", flat=True)) <= {""}

    # What statistics need is still there.
    beneficiary = Beneficiary.objects.get(pk=beneficiary.pk)
    assert (beneficiary.gender, beneficiary.age_band, str(beneficiary.nationality)) == (
        v.Gender.FEMININE,
        v.AgeBand.ADULT_25_34,
        "MD",
    )
    assert beneficiary.anonymised_at is not None
    assert (case.category, case.status, case.department_id) == (
        v.CaseCategory.TRAFFICKING,
        v.CaseStatus.OPEN,
        world["department"].pk,
    )
    session = ServiceEntry.objects.get(case=case)
    assert (session.kind, session.duration_minutes) == (v.ServiceKind.LEGAL_COUNSELLING, 45)
    assert case.assessments.get().psychological == v.NeedLevel.HIGH

    tombstone = AuditEntry.objects.get(action="cases.beneficiary.erased")
    assert tombstone.detail["code"] == beneficiary.code and tombstone.detail["ground"] == "objection"
    assert tombstone.detail["counts"]["notes"] == 2 and tombstone.detail["counts"]["documents"] == 1
    assert tombstone.detail["counts"]["identities"] == 1
    everything = json.dumps(list(AuditEntry.objects.values("detail", "action", "object_id")))
    for secret in (*SECRETS.values(), *IDENTITY.values()):
        assert secret not in everything

    # Search-before-register no longer finds the person.
    matches = selectors.beneficiary_search(
        user=world["boss"], names="Zenobia Marchetti-Ulvaeus", document=IDENTITY["document_number"]
    )
    assert matches == []
    # Erasing twice is refused.
    with pytest.raises(CaseError) as error:
        gdpr.subject_erase(
            user=world["dpo"], beneficiary=beneficiary, ground="objection", confirm_code=beneficiary.code
        )
    assert error.value.code == "already_erased"


def test_erasure_covers_merged_records(world):
    boss = world["boss"]
    keep, merge = world["beneficiary"], beneficiary_new(by=boss)
    case_new(department=world["department"], by=boss, beneficiary=merge)
    services.beneficiary_merge(user=boss, keep=keep, merge=merge)
    gdpr.subject_erase(user=world["dpo"], beneficiary=merge, ground="objection", confirm_code=keep.code)
    assert not BeneficiaryIdentity.objects.filter(beneficiary__in=[keep, merge]).exists()
    assert Beneficiary.objects.filter(pk__in=[keep.pk, merge.pk], anonymised_at__isnull=False).count() == 2


def _close(case: Case, *, years_ago: float) -> None:
    closed_on = timezone.localdate() - dt.timedelta(days=round(365.25 * years_ago))
    Case.objects.filter(pk=case.pk).update(status=v.CaseStatus.CLOSED, closed_on=closed_on)


def test_retention_lists_closed_cases_past_the_period_and_anonymises_on_approval(client, world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "RETENTION_YEARS": 5}
    department, boss = world["department"], world["boss"]
    old = world["case"]
    _close(old, years_ago=6)
    recent = case_new(department=department, by=boss)
    _close(recent, years_ago=1)
    still_open = case_new(department=department, by=boss)
    # A person with one case past the period and one still open keeps their identity.
    shared_person = case_new(department=department, by=boss)
    _close(shared_person, years_ago=7)
    case_new(department=department, by=boss, beneficiary=shared_person.beneficiary)

    _dpo_client(client, world)
    page = client.get(reverse("dpo:retention")).content.decode()
    assert old.reference in page and shared_person.reference in page
    assert recent.reference not in page and still_open.reference not in page

    # Only due cases may be chosen.
    response = client.post(reverse("dpo:retention"), {"case": [old.pk, recent.pk]}, follow=True)
    assert "not due" in response.content.decode()
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()

    response = client.post(reverse("dpo:retention"), {"case": [old.pk, shared_person.pk]})
    assert response.status_code == 302
    assert set(Case.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)) == {
        old.pk,
        shared_person.pk,
    }
    assert Case.objects.get(pk=old.pk).summary == ""
    assert Note.objects.get(case=old, seal=v.NoteSeal.PSYCHOLOGICAL).text == ""
    assert not BeneficiaryIdentity.objects.filter(beneficiary=world["beneficiary"]).exists()
    assert BeneficiaryIdentity.objects.filter(beneficiary=shared_person.beneficiary).exists()
    assert AuditEntry.objects.filter(action="cases.case.anonymised").count() == 2
    assert AuditEntry.objects.filter(
        action="cases.beneficiary.erased", beneficiary_id=world["beneficiary"].pk, detail__ground="retention"
    ).exists()
    assert old.reference not in client.get(reverse("dpo:retention")).content.decode()


def test_the_dpos_reads_are_audited_with_what_they_showed(client, world, settings):
    """The person's file names their cases, the retention list the cases it showed, the log the filters."""
    settings.REFUGIU = {**settings.REFUGIU, "RETENTION_YEARS": 5}
    case, dpo = world["case"], world["dpo"]
    _close(case, years_ago=6)
    _dpo_client(client, world)
    assert client.get(reverse("dpo:subject_detail", args=[world["beneficiary"].pk])).status_code == 200
    assert client.get(reverse("dpo:retention")).status_code == 200
    assert client.get(reverse("dpo:audit"), {"case": case.pk}).status_code == 200
    records = AuditEntry.objects.filter(actor=dpo).exclude(action__startswith="accounts.").order_by("pk")
    assert [(e.action, e.object_id, e.detail) for e in records] == [
        ("cases.beneficiary.viewed", str(world["beneficiary"].pk), {"cases": [case.pk]}),
        ("cases.case.listed", "", {"view": "retention", "cases": [case.pk]}),
        ("core.audit.viewed", "", {"view": "audit", "filters": {"case": case.pk}, "page": 1}),
    ]


def _every_dpo_url(world) -> list[str]:
    kwargs = {"beneficiary_id": world["beneficiary"].pk}
    urls = []
    for pattern in dpo_patterns:
        assert isinstance(pattern, URLPattern)
        needed = {k: kwargs[k] for k in pattern.pattern.converters}
        urls.append(reverse(f"dpo:{pattern.name}", kwargs=needed))
    return urls


def test_nobody_but_the_dpo_reaches_any_dpo_page(client, world):
    others = [
        world["boss"],
        world["lawyer"],
        UserFactory(is_superuser=True, is_staff=True),
        staff(Role.ADMINISTRATOR),
        staff(Role.RESEARCHER),
        staff(Role.DIRECTORY_EDITOR),
    ]
    urls = _every_dpo_url(world)
    assert len(urls) == len(dpo_patterns) >= 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for user in others:
        client.logout()
        force_login_with_mfa(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (url, user)
            assert client.post(url, {"code": world["beneficiary"].code}).status_code == 404, (url, user)
    assert BeneficiaryIdentity.objects.filter(beneficiary=world["beneficiary"]).exists()
    client.logout()
    _dpo_client(client, world)
    for url in urls:
        assert client.get(url).status_code in (200, 405), url
