"""The staff case pages, through Django's test client, signed in as the real roles: a coordinator, a lawyer,
a psychologist, a social worker, a caseworker of another team, the coordinator of another department,
programme staff and an anonymous visitor."""

import datetime as dt
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases import access, services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, Note, Proceeding, Referral, ServiceEntry, Task
from refugiu.core.models import AuditEntry
from refugiu.directory.search import search_reindex_organizations
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, beneficiary_new, case_new, caseworker, coordinator, staff
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def world():
    """Two departments. In the first, a case worked by a social worker (lead), a lawyer and a psychologist,
    and another team's case; the second department has its own coordinator."""
    trafficking, asylum = DepartmentFactory(name="Trafficking"), DepartmentFactory(name="Asylum")
    boss, other_boss = coordinator(trafficking), coordinator(asylum)
    social, lawyer, psychologist = caseworker(trafficking), caseworker(trafficking), caseworker(trafficking)
    outsider = caseworker(trafficking)
    programme = staff(Role.PROGRAMME_STAFF)
    case = case_new(
        department=trafficking,
        by=boss,
        team=[
            (social, v.TeamFunction.SOCIAL_WORKER),
            (lawyer, v.TeamFunction.LAWYER),
            (psychologist, v.TeamFunction.PSYCHOLOGIST),
        ],
    )
    other_case = case_new(department=trafficking, by=boss, team=[(outsider, v.TeamFunction.SOCIAL_WORKER)])
    return SimpleNamespace(**locals())


def signed_in(user) -> Client:
    return force_login_with_mfa(Client(), user)


def url(name, *args) -> str:
    return reverse(f"cases:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def audited(action: str, **filters) -> int:
    return AuditEntry.objects.filter(action=action, **filters).count()


def indexed_service(name: str, country: str = "RO"):
    service = ServiceFactory(name=name, organization__country=country)
    search_reindex_organizations([service.organization_id])
    return service


# The journey --------------------------------------------------------------------------------------


def test_intake_to_closure_journey(world):
    boss, social, lawyer, psychologist = (
        signed_in(world.boss),
        signed_in(world.social),
        signed_in(world.lawyer),
        signed_in(world.psychologist),
    )

    # Intake: search first, then register, then open the case with the team.
    assert boss.get(url("beneficiary_intake")).status_code == 200
    response = boss.post(
        url("beneficiary_intake"),
        {
            "step": "search",
            "search-given_names": "Ana",
            "search-family_names": "Popescu-Test",
            "search-phone": "0722 111 222",
        },
    )
    assert response.status_code == 200 and "No existing record matches." in text(response)
    assert "Ana Popescu-Test" not in str(dict(boss.session))  # a flag, not the search text
    response = boss.post(
        url("beneficiary_intake"),
        {
            "step": "register",
            "new-gender": v.Gender.FEMININE,
            "new-age_band": v.AgeBand.ADULT_18_24,
            "new-nationality": "MD",
            "new-languages": ["română (ro)", "Russian"],
            "new-migration_status": v.MigrationStatus.OTHER,
            "new-given_names": "Ana",
            "new-family_names": "Popescu-Test",
            "new-date_of_birth": "2001-02-03",
            "new-phone": "0722 111 222",
            "new-document_number": "AB1234567",
        },
    )
    beneficiary = Beneficiary.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == url("case_open", beneficiary.pk)
    assert beneficiary.languages == ["ro", "ru"] and beneficiary.identity.given_names == "Ana"
    assert boss.get(url("case_open", beneficiary.pk)).status_code == 200
    response = boss.post(
        url("case_open", beneficiary.pk),
        {
            "department": world.trafficking.pk,
            "category": v.CaseCategory.TRAFFICKING,
            "risk_level": v.RiskLevel.HIGH,
            "flags": [v.CaseFlag.NEEDS_INTERPRETER],
            "trafficking_status": v.TraffickingStatus.POSSIBLE,
            "exploitation_types": [v.ExploitationType.FORCED_LABOUR],
            "control_methods": [v.ControlMethod.DEBT_BONDAGE],
            "summary": "Recruited through a job advert.",
            "member_1": world.social.pk,
            "function_1": v.TeamFunction.SOCIAL_WORKER,
            "member_2": world.lawyer.pk,
            "function_2": v.TeamFunction.LAWYER,
            "member_3": world.psychologist.pk,
            "function_3": v.TeamFunction.PSYCHOLOGIST,
        },
    )
    case = Case.objects.get(beneficiary=beneficiary)
    assert response.status_code == 302 and response["Location"] == url("case_detail", case.pk)
    assert case.exploitation_types == ["ForcedLabour"] and case.team.get(is_lead=True).user == world.social

    # The case page shows the code, never the name, until identity is asked for (and that is audited).
    page = text(social.get(url("case_detail", case.pk)))
    assert beneficiary.code in page and "Popescu-Test" not in page and "AB1234567" not in page
    response = social.post(url("beneficiary_identity", case.pk))
    assert "Popescu-Test" in text(response) and "AB1234567" in text(response)
    assert (
        audited("cases.beneficiary.identity_viewed", actor=world.social, beneficiary_id=beneficiary.pk) == 1
    )

    # Needs assessment, consent to share with a directory organisation, a session from the case page.
    response = social.post(
        url("assessment_new", case.pk),
        {
            "assessed_on": TODAY.isoformat(),
            "legal": "high",
            "social": "medium",
            "psychological": "high",
            "medical": "low",
            "shelter": "high",
            "interpretation": "medium",
            "safety": "high",
        },
    )
    assert response.status_code == 302
    shelter = indexed_service("Casa Luminita shelter")
    response = social.post(
        url("consent_new", case.pk), {"action": "search", "q": "luminita", "purpose": "sharing"}
    )
    assert shelter.organization.name in text(response)
    response = social.post(
        url("consent_new", case.pk),
        {
            "action": "send",
            "q": "luminita",
            "purpose": v.ConsentPurpose.SHARING,
            "organization": str(shelter.organization_id),
            "shared_fields": [v.SharedField.CODE, v.SharedField.NAMES],
            "given_on": TODAY.isoformat(),
            "consent_form": v.ConsentForm.WRITTEN,
        },
    )
    assert response.status_code == 302
    assert case.consents.get().organization_id == shelter.organization_id
    response = social.post(
        url("service_new", case.pk),
        {
            "kind": v.ServiceKind.SOCIAL_COUNSELLING,
            "delivered_on": TODAY.isoformat(),
            "duration_minutes": 45,
            "mediator": "Interpreter (Romanian–Russian)",
            "language": "ru",
            "note": "Talked about housing.",
        },
    )
    assert response.status_code == 302 and ServiceEntry.objects.get(case=case).duration_minutes == 45

    # A sealed psychological note: the psychologist reads it, the lawyer sees only that it exists.
    response = psychologist.post(
        url("note_new", case.pk), {"seal": v.NoteSeal.PSYCHOLOGICAL, "text": "Nightmares since March."}
    )
    assert response.status_code == 302
    assert "Nightmares since March." in text(psychologist.get(url("case_detail", case.pk)))
    page = text(lawyer.get(url("case_detail", case.pk)))
    assert "Nightmares" not in page
    assert re.search(r"Sealed psychological note by \S+ on", page)
    note_form = text(lawyer.get(url("note_new", case.pk)))
    assert 'value="psychological"' not in note_form and 'value="legal"' in note_form

    # Referral: search the directory in the form, send with the consented fields, print the packet.
    response = social.post(url("referral_new", case.pk), {"action": "search", "q": "luminita"})
    page = text(response)
    assert shelter.name in page and f"service:{shelter.pk}" in page and "consent covers" in page
    response = social.post(
        url("referral_new", case.pk),
        {
            "action": "send",
            "q": "luminita",
            "destination": f"service:{shelter.pk}",
            "reason": "Needs a safe place to stay.",
            "shared_fields": [v.SharedField.CODE, v.SharedField.NAMES],
        },
    )
    referral = Referral.objects.get(case=case)
    assert response["Location"] == url("referral_detail", case.pk, referral.pk)
    assert referral.shared_fields == ["code", "names"] and referral.consent is not None
    packet = text(social.get(url("referral_packet", case.pk, referral.pk)))
    assert "Popescu-Test" in packet and beneficiary.code in packet and shelter.name in packet
    assert "0722" not in packet and "AB1234567" not in packet and "2001-02-03" not in packet
    response = social.post(
        url("referral_detail", case.pk, referral.pk),
        {"version": referral.version, "status": v.ReferralStatus.ACCEPTED, "feedback": "Place found."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == v.ReferralStatus.ACCEPTED

    # A proceeding with a deadline and a task appear in "my work", overdue first.
    response = lawyer.post(
        url("proceeding_new", case.pk),
        {
            "kind": v.ProceedingKind.CRIMINAL_CASE,
            "stage": v.ProceedingStage.INVESTIGATION,
            "authority": "DIICOT",
            "deadline": (TODAY - dt.timedelta(days=2)).isoformat(),
            "deadline_label": "Submit the victim's statement",
        },
    )
    assert response.status_code == 302
    response = lawyer.post(
        url("task_new", case.pk),
        {
            "title": "Call the prosecutor",
            "due_on": (TODAY + dt.timedelta(days=5)).isoformat(),
            "assignee": "",
        },
    )
    assert response.status_code == 200  # the assignee is required: the form comes back with its error
    response = lawyer.post(
        url("task_new", case.pk),
        {
            "title": "Call the prosecutor",
            "due_on": (TODAY + dt.timedelta(days=5)).isoformat(),
            "assignee": world.lawyer.pk,
        },
    )
    assert response.status_code == 302
    work = text(lawyer.get(url("my_work")))
    assert work.index("Submit the victim&#x27;s statement") < work.index("Call the prosecutor")
    assert "Overdue" in work
    task = Task.objects.get(case=case)
    assert lawyer.post(url("task_done", case.pk, task.pk), {"back": "work"})["Location"] == url("my_work")
    assert "Call the prosecutor" not in text(lawyer.get(url("my_work")))

    # Closure: the social worker asks, the coordinator approves, then reopens.
    case.refresh_from_db()
    response = social.post(
        url("case_close", case.pk),
        {"version": case.version, "outcome": v.ClosureOutcome.GOALS_MET, "reason": "Safe and housed."},
    )
    assert response.status_code == 302
    assert case.reference in text(boss.get(url("closures")))
    case.refresh_from_db()
    response = social.post(
        url("case_close_decide", case.pk), {"version": case.version, "decision": "approve"}
    )
    assert "Only the department" in text(response)
    response = boss.post(url("case_close_decide", case.pk), {"version": case.version, "decision": "approve"})
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == v.CaseStatus.CLOSED
    page = text(social.get(url("case_detail", case.pk)))
    assert url("service_new", case.pk) not in page  # a closed case has no quick entry
    response = boss.post(
        url("case_reopen", case.pk), {"version": case.version, "reason": "New hearing date."}
    )
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == v.CaseStatus.SERVICES

    # The audit log holds every step of the way.
    for action in (
        "cases.beneficiary.searched",
        "cases.beneficiary.created",
        "cases.case.opened",
        "cases.case.viewed",
        "cases.assessment.recorded",
        "cases.consent.recorded",
        "cases.service.recorded",
        "cases.note.written",
        "cases.referral.sent",
        "cases.referral.packet_viewed",
        "cases.proceeding.recorded",
        "cases.task.completed",
        "cases.case.closure_requested",
        "cases.case.closed",
        "cases.case.reopened",
    ):
        assert AuditEntry.objects.filter(action=action).exists(), action


# Intake -------------------------------------------------------------------------------------------


def test_register_needs_a_search_in_this_session(world):
    client = signed_in(world.social)
    response = client.post(
        url("beneficiary_intake"),
        {"step": "register", "new-given_names": "X", "new-gender": v.Gender.UNKNOWN},
    )
    assert response.status_code == 302 and response["Location"] == url("beneficiary_intake")
    assert "Search for the person first" in text(client.get(response["Location"]))


def test_search_shows_own_cases_and_only_a_code_for_others(world):
    identity = world.case.beneficiary.identity
    names = f"{identity.given_names} {identity.family_names}"
    search = {"step": "search", "search-given_names": names}
    page = text(signed_in(world.social).post(url("beneficiary_intake"), search))
    assert url("case_detail", world.case.pk) in page and world.case.beneficiary.code in page
    page = text(signed_in(world.outsider).post(url("beneficiary_intake"), search))
    assert world.case.beneficiary.code in page and "A record exists — ask your coordinator." in page
    assert f'href="{url("case_detail", world.case.pk)}"' not in page
    assert url("case_open", world.case.beneficiary_id) not in page


def test_case_open_only_for_a_beneficiary_one_may_reach(world):
    stranger = beneficiary_new(by=world.boss)
    client = signed_in(world.social)
    assert client.get(url("case_open", stranger.pk)).status_code == 404
    assert client.get(url("case_open", world.case.beneficiary_id)).status_code == 200
    assert client.get(url("case_open", 10**9)).status_code == 404
    # A caseworker opening a case in their own department becomes its lead, with the function they choose.
    response = client.post(
        url("case_open", world.case.beneficiary_id),
        {
            "department": world.trafficking.pk,
            "category": v.CaseCategory.CRIME,
            "risk_level": v.RiskLevel.LOW,
            "my_function": v.TeamFunction.SOCIAL_WORKER,
        },
    )
    assert response.status_code == 302
    opened = Case.objects.latest("pk")
    assert list(opened.team.values_list("user", "function", "is_lead")) == [
        (world.social.pk, "social_worker", True)
    ]
    # Choosing the team is for coordinators: a caseworker's form has no team fields.
    assert 'name="member_1"' not in text(client.get(url("case_open", world.case.beneficiary_id)))
    assert 'name="member_1"' in text(signed_in(world.boss).get(url("case_open", world.case.beneficiary_id)))


def test_merge_two_codes(world):
    duplicate = beneficiary_new(by=world.boss)
    client = signed_in(world.boss)
    keep = world.case.beneficiary.code
    page = text(client.post(url("beneficiary_merge"), {"keep": keep, "merge": duplicate.code}))
    assert keep in page and duplicate.code in page and world.case.reference in page
    response = client.post(
        url("beneficiary_merge"), {"keep": keep, "merge": duplicate.code, "confirm": "yes"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == world.case.beneficiary
    # A code outside the coordinator's departments answers like one that does not exist.
    elsewhere = case_new(department=world.asylum, by=world.other_boss)
    for code in (elsewhere.beneficiary.code, "B-NONE-XXXX"):
        page = text(client.post(url("beneficiary_merge"), {"keep": keep, "merge": code}))
        assert "do not both name records in your departments" in page
    assert signed_in(world.social).get(url("beneficiary_merge")).status_code == 404


# Protection ---------------------------------------------------------------------------------------


def _case_urls(case, *, with_records=True):
    """Every case URL: (method, url) pairs, sub-records of `case` included."""
    pk = case.pk
    urls = [
        ("get", url(name, pk))
        for name in (
            "case_detail",
            "case_edit",
            "case_status",
            "beneficiary_edit",
            "team",
            "service_new",
            "note_new",
            "consent_new",
            "assessment_new",
            "task_new",
            "proceeding_new",
            "referral_new",
            "case_close",
            "case_close_decide",
            "case_reopen",
            "break_glass",
        )
    ]
    urls.append(("post", url("beneficiary_identity", pk)))
    if with_records:
        consent = case.consents.first()
        task = case.tasks.first()
        proceeding = case.proceedings.first()
        referral = case.referrals.first()
        urls += [
            ("post", url("consent_withdraw", pk, consent.pk)),
            ("post", url("task_done", pk, task.pk)),
            ("get", url("proceeding_edit", pk, proceeding.pk)),
            ("get", url("referral_detail", pk, referral.pk)),
            ("get", url("referral_packet", pk, referral.pk)),
            ("get", url("referral_packet_pdf", pk, referral.pk)),
        ]
    return urls


def _with_records(case, by):
    service = ServiceFactory()
    services.consent_record(
        user=by,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        organization=service.organization,
        shared_fields=["code"],
        form=v.ConsentForm.ORAL,
    )
    services.task_create(user=by, case=case, title="follow up", due_on=TODAY)
    services.proceeding_record(
        user=by, case=case, kind=v.ProceedingKind.PROTECTION_ORDER, stage=v.ProceedingStage.REQUESTED
    )
    services.referral_send(user=by, case=case, service=service, reason="shelter", shared_fields=["code"])
    return case


def test_another_teams_case_answers_exactly_like_a_missing_one(world):
    case = _with_records(world.case, world.social)
    missing = Case(pk=10**9)
    outsider, other_boss = signed_in(world.outsider), signed_in(world.other_boss)
    for _method, address in _case_urls(case):
        for client in (outsider, other_boss):
            # Both methods: a POST-only action answers 404 to a GET too, not "method not allowed".
            assert client.get(address).status_code == 404, address
            assert client.post(address).status_code == 404, address
    for _method, address in _case_urls(missing, with_records=False):
        assert outsider.get(address).status_code == outsider.post(address).status_code == 404, address
    # A sub-record of another case, reached through a case the user may see, is missing too.
    other = _with_records(world.other_case, world.outsider)
    social = signed_in(world.social)
    assert social.post(url("task_done", case.pk, other.tasks.get().pk)).status_code == 404
    assert social.get(url("referral_packet", case.pk, other.referrals.get().pk)).status_code == 404
    assert social.get(url("proceeding_edit", case.pk, other.proceedings.get().pk)).status_code == 404
    assert social.post(url("consent_withdraw", case.pk, other.consents.get().pk)).status_code == 404
    assert not Task.objects.filter(done_at__isnull=False).exists()


def test_people_without_case_access_get_404_and_visitors_the_sign_in(world):
    case = _with_records(world.case, world.social)
    lists = [
        ("get", url(name))
        for name in ("case_list", "my_work", "closures", "beneficiary_intake", "beneficiary_merge")
    ]
    lists += [("get", url("break_glass_by_reference")), ("get", url("case_open", case.beneficiary_id))]
    every = lists + _case_urls(case)
    programme = signed_in(world.programme)
    anonymous = Client()
    for method, address in every:
        assert getattr(programme, method)(address).status_code == 404, address
        response = getattr(anonymous, method)(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    # The team sees every page of its case.
    social = signed_in(world.social)
    for method, address in _case_urls(case):
        assert social.get(address).status_code == (200 if method == "get" else 405), address
    assert "My cases" in text(social.get(reverse("staff:home")))
    assert url("case_list") not in text(programme.get(reverse("staff:home")))


def test_stale_edit_is_refused_and_keeps_what_was_typed(world):
    case = world.case
    lawyer, social = signed_in(world.lawyer), signed_in(world.social)
    form = {"version": case.version, "category": case.category, "risk_level": v.RiskLevel.MEDIUM}
    assert lawyer.post(url("case_edit", case.pk), {**form, "summary": "First save."}).status_code == 302
    response = social.post(
        url("case_edit", case.pk),
        {**form, "risk_level": v.RiskLevel.CRITICAL, "summary": "My careful paragraph."},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it" in page
    assert "Open the saved version in a new tab" in page
    assert "My careful paragraph." in page and 'value="critical" selected' in page
    case.refresh_from_db()
    assert case.summary == "First save." and case.risk_level == v.RiskLevel.MEDIUM
    # The form now carries the current version: saving again, after checking, goes through.
    assert f'name="version" value="{case.version}"' in page
    again = {
        **form,
        "version": case.version,
        "risk_level": v.RiskLevel.CRITICAL,
        "summary": "My careful paragraph.",
    }
    assert social.post(url("case_edit", case.pk), again).status_code == 302


def test_stale_beneficiary_and_proceeding_edits(world):
    case = _with_records(world.case, world.social)
    client = signed_in(world.lawyer)
    beneficiary = case.beneficiary
    stale = {
        "version": beneficiary.version,
        "gender": v.Gender.FEMININE,
        "age_band": v.AgeBand.ADULT_25_34,
        "migration_status": v.MigrationStatus.REFUGEE,
        "given_names": "Changed-Name",
    }
    Beneficiary.objects.filter(pk=beneficiary.pk).update(version=beneficiary.version + 1)
    page = text(client.post(url("beneficiary_edit", case.pk), stale))
    assert "Someone else saved" in page and "Changed-Name" in page
    proceeding = case.proceedings.get()
    Proceeding.objects.filter(pk=proceeding.pk).update(version=proceeding.version + 1)
    page = text(
        client.post(
            url("proceeding_edit", case.pk, proceeding.pk),
            {"version": proceeding.version, "stage": "issued", "authority": "Tribunalul Iasi"},
        )
    )
    assert "Someone else saved" in page and "Tribunalul Iasi" in page


def test_packet_and_pdf_hold_only_the_shared_fields(world, monkeypatch):
    from refugiu.cases.views import referrals as views_referrals

    case, boss = world.case, world.boss
    identity = case.beneficiary.identity
    service = ServiceFactory(email="intake@example.org")
    referral = services.referral_send(
        user=boss,
        case=case,
        service=service,
        reason="Specialised shelter",
        shared_fields=["names"],
        override_reason="Immediate danger, consent to follow",
    )
    rendered = []
    real_html_to_pdf = views_referrals.html_to_pdf

    def capture(html):
        rendered.append(html)
        return real_html_to_pdf(html)

    monkeypatch.setattr(views_referrals, "html_to_pdf", capture)
    client = signed_in(world.social)
    packet = text(client.get(url("referral_packet", case.pk, referral.pk)))
    response = client.get(url("referral_packet_pdf", case.pk, referral.pk))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    documents = [packet, rendered[0]]
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # the PDF's own text too, where poppler is installed
        extracted = subprocess.run(  # noqa: S603 - a fixed local tool, our own PDF as input
            [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
        )
        documents.append(extracted.stdout.decode())
    for document in documents:
        assert identity.given_names in document and "intake@example.org" in document
        for secret in (identity.phone, identity.document_number, identity.date_of_birth, identity.email):
            assert secret not in document
        assert case.beneficiary.code not in document  # the code was not shared either
    assert audited("cases.referral.packet_viewed", object_id=str(referral.pk)) == 1
    assert audited("cases.referral.packet_downloaded", object_id=str(referral.pk)) == 1


def test_referral_without_consent_needs_the_coordinator_and_a_reason(world):
    case = world.case
    service = indexed_service("Centrul Aurora counselling")
    form = {
        "action": "send",
        "destination": f"service:{service.pk}",
        "reason": "Counselling",
        "shared_fields": ["code"],
    }
    page = text(signed_in(world.social).post(url("referral_new", case.pk), form))
    assert "There is no consent recorded to share this person’s data with this organisation" in page
    assert "override_reason" not in page
    boss = signed_in(world.boss)
    assert "override_reason" in text(boss.get(url("referral_new", case.pk)))
    response = boss.post(url("referral_new", case.pk), {**form, "override_reason": "Risk of re-trafficking"})
    assert response.status_code == 302
    assert Referral.objects.get(case=case).consent_overridden_by == world.boss
    # An internal referral goes to another department.
    department = DepartmentFactory(name="Asylum and refugees")
    page = text(boss.get(url("referral_new", case.pk)))
    assert f"department:{department.pk}" in page and f"department:{world.trafficking.pk}" not in page


def test_break_glass_in_the_department_opens_sealed_notes(world):
    case = world.case
    services.note_write(
        user=world.psychologist, case=case, text="Disclosed abuse.", seal=v.NoteSeal.PSYCHOLOGICAL
    )
    boss = signed_in(world.boss)
    page = text(boss.get(url("case_detail", case.pk)))
    assert "Disclosed abuse." not in page and url("break_glass", case.pk) in page
    assert "at least 10" in text(boss.post(url("break_glass", case.pk), {"reason": "short"})).lower()
    response = boss.post(url("break_glass", case.pk), {"reason": "Police report of an imminent threat."})
    assert response.status_code == 302
    assert "Disclosed abuse." in text(boss.get(url("case_detail", case.pk)))
    assert audited("cases.case.break_glass", case_id=case.pk) == 1
    page = text(
        signed_in(world.social).post(url("break_glass", case.pk), {"reason": "I would like to read it."})
    )
    assert "Only the department" in page


def test_break_glass_by_reference_answers_alike_for_unknown_and_refused(world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": True}
    client = signed_in(world.other_boss)
    reason = "The person called our hotline at night."
    missing = client.post(url("break_glass_by_reference"), {"reference": "C-AAAA-2222", "reason": reason})
    anonymised = case_new(department=world.trafficking, by=world.boss)
    Case.objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())
    refused = client.post(
        url("break_glass_by_reference"), {"reference": anonymised.reference, "reason": reason}
    )
    assert missing.status_code == refused.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="C-[A-Z0-9-]+"')
    assert strip.sub("", text(missing)) == strip.sub("", text(refused))
    assert "No access was opened" in text(missing)
    response = client.post(
        url("break_glass_by_reference"), {"reference": world.case.reference.lower(), "reason": reason}
    )
    assert response["Location"] == url("case_detail", world.case.pk)
    assert client.get(url("case_detail", world.case.pk)).status_code == 200
    assert signed_in(world.social).get(url("break_glass_by_reference")).status_code == 404


@pytest.mark.parametrize("across", [False, True])
def test_break_glass_by_reference_is_for_the_coordinators_departments_unless_set_otherwise(
    world, settings, across
):
    """REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"] off (the default): another department's case is refused
    exactly like a reference no case has, and the refusal is recorded for the DPO. On: it opens."""
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": across}
    services.note_write(
        user=world.psychologist, case=world.case, text="Disclosed abuse.", seal=v.NoteSeal.PSYCHOLOGICAL
    )
    reason = "The person called our hotline at night."
    outsider = signed_in(world.other_boss)
    intro = text(outsider.get(url("break_glass_by_reference")))
    assert ("Reach a case outside your department" in intro) is across
    assert ("opened by that department's coordinator" in intro) is not across

    missing = outsider.post(url("break_glass_by_reference"), {"reference": "C-AAAA-2222", "reason": reason})
    other = outsider.post(
        url("break_glass_by_reference"), {"reference": world.case.reference, "reason": reason}
    )
    if across:
        assert other.status_code == 302 and other["Location"] == url("case_detail", world.case.pk)
        assert outsider.get(url("case_detail", world.case.pk)).status_code == 200
        assert audited("cases.case.break_glass", case_id=world.case.pk) == 1
    else:
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="C-[A-Z0-9-]+"')
        assert other.status_code == missing.status_code == 200
        assert strip.sub("", text(other)) == strip.sub("", text(missing))
        assert "ask that department&#x27;s coordinator or the data protection officer" in text(other)
        assert outsider.get(url("case_detail", world.case.pk)).status_code == 404
        assert not world.case.break_glass.exists()
        refusals = AuditEntry.objects.filter(action="cases.case.break_glass_refused", actor=world.other_boss)
        assert sorted((e.case_id or 0, e.detail["refusal"]) for e in refusals) == [
            (0, "unknown_reference"),
            (world.case.pk, "not_allowed"),
        ]
    # The department's own coordinator opens it by reference either way, sealed notes included.
    boss = signed_in(world.boss)
    response = boss.post(
        url("break_glass_by_reference"), {"reference": world.case.reference, "reason": reason}
    )
    assert response.status_code == 302
    assert "Disclosed abuse." in text(boss.get(url("case_detail", world.case.pk)))


def test_team_is_changed_by_the_coordinator_only(world):
    case = world.case
    newcomer = caseworker(world.trafficking)
    social = signed_in(world.social)
    add = {"action": "add", "member": newcomer.pk, "function": v.TeamFunction.CULTURAL_MEDIATOR}
    assert "Only the department" in text(social.post(url("team", case.pk), add))
    boss = signed_in(world.boss)
    assert boss.post(url("team", case.pk), add).status_code == 302
    assert signed_in(newcomer).get(url("case_detail", case.pk)).status_code == 200
    membership = case.team.get(user=newcomer)
    assert boss.post(url("team", case.pk), {"action": "remove", "member": membership.pk}).status_code == 302
    assert signed_in(newcomer).get(url("case_detail", case.pk)).status_code == 404


def test_a_coordinator_cannot_put_themselves_on_a_team_to_read_sealed_notes(world):
    """Sealed notes open to a coordinator only by breaking the glass: joining the team as the psychologist
    or lawyer is refused, whether as a new member or by changing their function; another coordinator of
    the department may add them."""
    case, boss = world.case, world.boss
    services.note_write(user=world.social, case=case, text="Team note", seal=v.NoteSeal.NONE)
    client = signed_in(boss)
    for function in (v.TeamFunction.PSYCHOLOGIST, v.TeamFunction.LAWYER):
        page = text(
            client.post(url("team", case.pk), {"action": "add", "member": boss.pk, "function": function})
        )
        assert "You cannot add yourself as a psychologist or lawyer" in page
        assert not case.team.filter(user=boss).exists()
    # As a social worker they may join; turning that into psychologist is refused the same way.
    social_worker = {"action": "add", "member": boss.pk, "function": v.TeamFunction.SOCIAL_WORKER}
    assert client.post(url("team", case.pk), social_worker).status_code == 302
    psychologist = {**social_worker, "function": v.TeamFunction.PSYCHOLOGIST}
    assert "You cannot add yourself" in text(client.post(url("team", case.pk), psychologist))
    assert case.team.get(user=boss).function == v.TeamFunction.SOCIAL_WORKER
    assert v.NoteSeal.PSYCHOLOGICAL not in access.readable_seals(boss, case)
    # Another coordinator of the department adds them.
    colleague = coordinator(world.trafficking)
    assert signed_in(colleague).post(url("team", case.pk), psychologist).status_code == 302
    assert case.team.get(user=boss).function == v.TeamFunction.PSYCHOLOGIST


def test_status_change_and_consent_withdrawal_from_the_case_page(world):
    case = _with_records(world.case, world.social)
    client = signed_in(world.social)
    page = text(client.get(url("case_detail", case.pk)))
    assert (
        url("case_status", case.pk) in page
        and url("consent_withdraw", case.pk, case.consents.get().pk) in page
    )
    response = client.post(url("case_status", case.pk), {"version": case.version, "to_status": "assessment"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == v.CaseStatus.ASSESSMENT
    response = client.post(url("case_status", case.pk), {"version": case.version, "to_status": "closed"})
    assert response.status_code == 200 and Case.objects.get(pk=case.pk).status == v.CaseStatus.ASSESSMENT
    assert client.post(url("consent_withdraw", case.pk, case.consents.get().pk)).status_code == 302
    assert case.consents.get().withdrawn_on == TODAY


def test_session_quick_entry_errors_come_back_with_the_input(world):
    client = signed_in(world.social)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post(
        url("service_new", world.case.pk),
        {
            "kind": v.ServiceKind.ACCOMPANIMENT,
            "delivered_on": tomorrow,
            "duration_minutes": 30,
            "note": "Court visit",
        },
    )
    page = text(response)
    assert (
        response.status_code == 200 and "cannot be recorded in the future" in page and "Court visit" in page
    )


def test_case_list_filters_and_shows_codes_not_names(world):
    client = signed_in(world.boss)
    page = text(client.get(url("case_list")))
    assert world.case.reference in page and world.other_case.reference in page
    assert world.case.beneficiary.code in page
    assert world.case.beneficiary.identity.family_names not in page
    services.task_create(user=world.social, case=world.case, title="x", due_on=TODAY - dt.timedelta(days=1))
    page = text(client.get(url("case_list"), {"overdue": "on"}))
    assert world.case.reference in page and world.other_case.reference not in page
    assert world.case.reference not in text(client.get(url("case_list"), {"status": "closed"}))
    page = text(signed_in(world.social).get(url("case_list")))
    assert world.case.reference in page and world.other_case.reference not in page
    entry = AuditEntry.objects.filter(action="cases.case.listed", actor=world.social).latest("pk")
    assert entry.detail == {"cases": [world.case.pk]}


# Query counts -------------------------------------------------------------------------------------


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return len(context.captured_queries)


def _more_cases(world, count):
    beneficiary = world.case.beneficiary
    Case.objects.bulk_create(
        Case(
            beneficiary=beneficiary,
            department=world.trafficking,
            category=v.CaseCategory.CRIME,
            created_by=world.boss,
        )
        for _ in range(count)
    )


def _more_history(world, count):
    case, social = world.case, world.social
    ServiceEntry.objects.bulk_create(
        ServiceEntry(
            case=case,
            kind=v.ServiceKind.SOCIAL_COUNSELLING,
            duration_minutes=30,
            staff=social,
            created_by=social,
            note="session",
        )
        for _ in range(count)
    )
    Note.objects.bulk_create(Note(case=case, author=social, text="note") for _ in range(count))
    Note.objects.bulk_create(
        Note(case=case, author=world.psychologist, text="sealed", seal=v.NoteSeal.PSYCHOLOGICAL)
        for _ in range(count)
    )


def test_case_list_queries_do_not_grow_with_the_number_of_cases(world):
    client = signed_in(world.boss)
    _more_cases(world, 3)  # 5 cases
    few = _queries(client, url("case_list"))
    _more_cases(world, 55)  # 60 cases: more than a page
    assert _queries(client, url("case_list")) == few
    assert _queries(client, url("case_list") + "?page=2") == few
    page = text(client.get(url("case_list")))
    assert "Page 1 of 2" in page and page.count('<td class="code">') == 50


def test_case_page_queries_do_not_grow_with_the_history(world):
    _with_records(world.case, world.social)
    client = signed_in(world.lawyer)
    _more_history(world, 5)
    few = _queries(client, url("case_detail", world.case.pk))
    _more_history(world, 55)
    assert _queries(client, url("case_detail", world.case.pk)) == few


def test_a_nul_typed_into_a_page_is_refused_or_finds_nothing_on_both_engines(world):
    """The pages read text through Django's forms, whose text fields refuse a NUL (PostgreSQL could not
    store it); the searches and filters read by hand answer as for any other text. A browser cannot send a
    lone surrogate: Django reads undecodable bytes as U+FFFD."""
    case, boss = world.case, signed_in(world.boss)
    page = boss.post(url("note_new", case.pk), {"seal": v.NoteSeal.NONE, "text": "a\x00b"})
    assert page.status_code == 200 and "Null characters are not allowed." in text(page)
    assert not Note.objects.exists()
    page = boss.post(
        url("break_glass_by_reference"), {"reference": "C\x00", "reason": "A reason\x00 to open."}
    )
    assert page.status_code == 200 and "Null characters are not allowed." in text(page)
    assert (
        boss.get(url("case_list"), {"status": "\x00", "category": "\x00", "page": "\x00"}).status_code == 200
    )
    assert boss.get(url("referral_new", case.pk), {"q": "adapost\x00"}).status_code == 200
    assert boss.post(url("consent_new", case.pk), {"action": "search", "q": "adapost\x00"}).status_code == 200
    assert (
        Client().get(reverse("directory:search"), {"q": "adapost\x00", "country": "\x00"}).status_code == 200
    )
    dpo = signed_in(staff(Role.DATA_PROTECTION_OFFICER))
    assert dpo.get(reverse("dpo:audit"), {"action": "cases\x00", "case": "\x00"}).status_code == 200
    assert not Referral.objects.exists() and not case.consents.exists()
