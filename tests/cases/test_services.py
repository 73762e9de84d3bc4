"""The case services: who may do what, consent rules, version checks, search-before-register."""

import datetime as dt

import pytest
from django.http import Http404

from refugiu.accounts.roles import Role
from refugiu.cases import access, selectors, services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case
from refugiu.cases.services import CaseError
from tests.cases.factories import DepartmentFactory, beneficiary_new, case_new, caseworker, coordinator, staff
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two departments, each with a coordinator; a case in the first with a lawyer and a psychologist."""
    trafficking, asylum = DepartmentFactory(), DepartmentFactory()
    lawyer, psychologist, outsider = caseworker(trafficking), caseworker(trafficking), caseworker(trafficking)
    boss, other_boss = coordinator(trafficking), coordinator(asylum)
    case = case_new(
        department=trafficking,
        by=boss,
        team=[(lawyer, v.TeamFunction.LAWYER), (psychologist, v.TeamFunction.PSYCHOLOGIST)],
    )
    return locals()


def test_scope_team_department_and_nobody_else(world):
    case = world["case"]
    for who in ("lawyer", "psychologist", "boss"):
        assert access.case_get(user=world[who], case_id=case.pk) == case
    admin = UserFactory(is_superuser=True, is_staff=True)
    dpo = staff(Role.DATA_PROTECTION_OFFICER)
    for user in (world["outsider"], world["other_boss"], admin, dpo):
        assert not Case.objects.visible_to(user).exists()
        with pytest.raises(Http404):
            access.case_get(user=user, case_id=case.pk)
    with pytest.raises(Http404):
        access.case_get(user=world["lawyer"], case_id=case.pk + 1000)


def test_sealed_notes_by_profession_and_break_glass(world):
    case, boss = world["case"], world["boss"]
    services.note_write(
        user=world["psychologist"], case=case, text="sealed text", seal=v.NoteSeal.PSYCHOLOGICAL
    )
    with pytest.raises(CaseError) as error:
        services.note_write(user=world["lawyer"], case=case, text="x", seal=v.NoteSeal.PSYCHOLOGICAL)
    assert error.value.code == "seal_forbidden"
    kinds = {i.kind for i in selectors.case_timeline(user=world["lawyer"], case=case)}
    assert "sealed_note" in kinds and "note" not in kinds
    assert v.NoteSeal.PSYCHOLOGICAL not in access.readable_seals(boss, case)
    services.break_glass_open(user=boss, case=case, reason="risk to life reported by police")
    assert v.NoteSeal.PSYCHOLOGICAL in access.readable_seals(boss, case)
    with pytest.raises(CaseError):
        services.break_glass_open(user=world["lawyer"], case=case, reason="curious about the case")


def test_break_glass_gives_another_department_time_limited_access(world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": True}
    case, other = world["case"], world["other_boss"]
    grant = services.break_glass_open(user=other, case=case, reason="the beneficiary called our hotline")
    assert access.case_get(user=other, case_id=case.pk) == case
    grant.expires_at = grant.opened_at - dt.timedelta(seconds=1)
    grant.save()
    with pytest.raises(Http404):
        access.case_get(user=other, case_id=case.pk)


def test_break_glass_stays_in_the_coordinators_departments_by_default(world, settings):
    """The rule lives in the service: whichever page or program asks, another department's coordinator is
    refused unless REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"] is on."""
    case, other = world["case"], world["other_boss"]
    with pytest.raises(CaseError) as error:
        services.break_glass_open(user=other, case=case, reason="the beneficiary called our hotline")
    assert error.value.code == "forbidden"
    with pytest.raises(CaseError) as error:
        services.break_glass_open_by_reference(
            user=other, reference=case.reference, reason="the beneficiary called our hotline"
        )
    assert error.value.code == "refused"
    assert not case.break_glass.exists()
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": True}
    grant = services.break_glass_open_by_reference(
        user=other, reference=case.reference.lower(), reason="the beneficiary called our hotline"
    )
    assert grant.case == case and access.case_get(user=other, case_id=case.pk) == case


def test_stale_version_is_refused(world):
    case = world["case"]
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    services.case_update(
        user=world["lawyer"], case=first, expected_version=first.version, risk_level=v.RiskLevel.HIGH
    )
    with pytest.raises(CaseError) as error:
        services.case_update(
            user=world["psychologist"],
            case=second,
            expected_version=second.version,
            risk_level=v.RiskLevel.LOW,
        )
    assert error.value.code == "stale"
    assert Case.objects.get(pk=case.pk).risk_level == v.RiskLevel.HIGH


def test_referral_needs_matching_consent(world):
    case, lawyer, boss = world["case"], world["lawyer"], world["boss"]
    service = ServiceFactory(organization__country="DE")
    with pytest.raises(CaseError) as error:
        services.referral_send(
            user=lawyer, case=case, service=service, reason="shelter", shared_fields=["code"]
        )
    assert error.value.code == "no_consent"
    with pytest.raises(CaseError) as error:
        services.referral_send(
            user=lawyer,
            case=case,
            service=service,
            reason="shelter",
            shared_fields=["code"],
            override_reason="urgent",
        )
    assert error.value.code == "no_consent"
    services.consent_record(
        user=lawyer,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        organization=service.organization,
        shared_fields=["code", "names"],
        form=v.ConsentForm.WRITTEN,
    )
    with pytest.raises(CaseError) as error:
        services.referral_send(
            user=lawyer, case=case, service=service, reason="shelter", shared_fields=["contact"]
        )
    assert error.value.code == "beyond_consent"
    referral = services.referral_send(
        user=lawyer, case=case, service=service, reason="shelter", shared_fields=["names"]
    )
    assert referral.is_cross_border and referral.consent is not None
    other = ServiceFactory()
    overridden = services.referral_send(
        user=boss,
        case=case,
        service=other,
        reason="shelter",
        shared_fields=["code"],
        override_reason="imminent danger",
    )
    assert overridden.consent_overridden_by == boss


def test_closure_needs_the_coordinator(world):
    case, lawyer, boss = world["case"], world["lawyer"], world["boss"]
    services.case_close_request(
        user=lawyer,
        case=case,
        expected_version=case.version,
        reason="goals met",
        outcome=v.ClosureOutcome.GOALS_MET,
    )
    with pytest.raises(CaseError):
        services.case_close_decide(user=lawyer, case=case, expected_version=case.version, approve=True)
    services.case_close_decide(user=boss, case=case, expected_version=case.version, approve=True)
    assert case.is_closed
    with pytest.raises(CaseError) as error:
        services.note_write(user=lawyer, case=case, text="after closure")
    assert error.value.code == "closed"
    services.case_reopen(user=boss, case=case, expected_version=case.version, reason="new hearing date")
    assert case.status == v.CaseStatus.SERVICES


def test_search_before_register_finds_duplicates_without_showing_files(world):
    boss = world["boss"]
    existing = beneficiary_new(
        by=boss,
        identity={"given_names": "Ioana-Maria", "family_names": "Ștefănescu", "phone": "+40 721 000 111"},
    )
    found = selectors.beneficiary_search(user=world["outsider"], names="ioana stefanescu")
    assert [m.beneficiary for m in found] == [existing]
    assert found[0].visible_cases == ()
    assert selectors.beneficiary_search(user=boss, phone="0721000111")[0].matched_on == ("phone",)
    assert (
        selectors.beneficiary_search(user=boss, names="Ioana") == []
    )  # one common word alone is not a match


def test_merge_keeps_both_histories(world):
    boss, case = world["boss"], world["case"]
    duplicate = beneficiary_new(by=boss)
    second = case_new(department=case.department, by=boss, beneficiary=duplicate)
    services.beneficiary_merge(user=boss, keep=case.beneficiary, merge=duplicate)
    second.refresh_from_db()
    duplicate.refresh_from_db()
    assert second.beneficiary == case.beneficiary and duplicate.merged_into == case.beneficiary
    with pytest.raises(CaseError):
        services.beneficiary_merge(
            user=world["lawyer"], keep=case.beneficiary, merge=beneficiary_new(by=boss)
        )


def test_my_work_lists_overdue_first(world):
    case, lawyer = world["case"], world["lawyer"]
    today = dt.date.today()
    services.task_create(user=lawyer, case=case, title="call the court", due_on=today + dt.timedelta(days=3))
    services.proceeding_record(
        user=lawyer,
        case=case,
        kind=v.ProceedingKind.PROTECTION_ORDER,
        stage=v.ProceedingStage.REQUESTED,
        deadline=today - dt.timedelta(days=1),
        deadline_label="hearing",
    )
    work = selectors.my_work(user=lawyer)
    assert [w.kind for w in work] == ["deadline", "task"] and work[0].is_overdue
    with pytest.raises(CaseError):
        services.task_create(user=lawyer, case=case, title="x", due_on=today, assignee=world["outsider"])


def test_cases_open_only_in_ones_own_department_and_sharing_names_a_recipient(world):
    with pytest.raises(CaseError) as error:
        case_new(department=world["asylum"], by=world["lawyer"])
    assert error.value.code == "department"
    with pytest.raises(CaseError) as error:
        services.consent_record(
            user=world["lawyer"],
            case=world["case"],
            purpose=v.ConsentPurpose.SHARING,
            form=v.ConsentForm.ORAL,
        )
    assert error.value.code == "recipient_required"


# The services check what the pages and the API check, whoever calls them (cases.access holds the rules).


def test_the_beneficiary_is_changed_only_through_a_case_one_may_change(world):
    case = world["case"]
    beneficiary = case.beneficiary
    for who in ("outsider", "other_boss"):
        with pytest.raises(CaseError) as error:
            services.beneficiary_update(
                user=world[who],
                case=case,
                expected_version=beneficiary.version,
                identity={"given_names": "Changed"},
                gender=v.Gender.MASCULINE,
            )
        assert error.value.code == "forbidden"
    beneficiary.refresh_from_db()
    assert beneficiary.gender == v.Gender.FEMININE and beneficiary.identity.given_names != "Changed"
    services.beneficiary_update(
        user=world["lawyer"],
        case=case,
        expected_version=beneficiary.version,
        identity={"given_names": "Changed"},
        gender=v.Gender.MASCULINE,
    )
    beneficiary.refresh_from_db()
    assert beneficiary.gender == v.Gender.MASCULINE and beneficiary.identity.given_names == "Changed"


def test_only_the_departments_coordinator_breaks_the_glass_for_the_sealed_notes(world, settings):
    """Another department's coordinator may reach the case by breaking the glass (when allowed), but the
    case page's break-glass, which opens the sealed notes, stays with the department's coordinator."""
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": True}
    case, other, boss = world["case"], world["other_boss"], world["boss"]
    with pytest.raises(CaseError) as error:
        services.break_glass_open_sealed(user=other, case=case, reason="the beneficiary called our hotline")
    assert error.value.code == "forbidden" and not case.break_glass.exists()
    services.break_glass_open_sealed(user=boss, case=case, reason="risk to life reported by police")
    assert v.NoteSeal.PSYCHOLOGICAL in access.readable_seals(boss, case)


def test_a_case_is_opened_only_for_a_person_one_may_reach_and_only_a_coordinator_names_the_team(world):
    lawyer, boss = world["lawyer"], world["boss"]
    someone_elses = beneficiary_new(by=world["other_boss"])
    with pytest.raises(CaseError) as error:
        case_new(department=world["trafficking"], by=lawyer, beneficiary=someone_elses)
    assert error.value.code == "forbidden"
    mine = beneficiary_new(by=lawyer)
    with pytest.raises(CaseError) as error:
        case_new(
            department=world["trafficking"], by=lawyer, beneficiary=mine, team=[(world["outsider"], "other")]
        )
    assert error.value.code == "forbidden"
    assert not Case.objects.filter(beneficiary=mine).exists()
    case = case_new(department=world["trafficking"], by=lawyer, beneficiary=mine, team=[(lawyer, "lawyer")])
    assert list(case.team.values_list("user", "is_lead")) == [(lawyer.pk, True)]
    # The coordinator names anyone of the department, and opens a case for a person whose case they see.
    other = case_new(
        department=world["trafficking"], by=boss, beneficiary=mine, team=[(world["outsider"], "other")]
    )
    assert other.team.get().user == world["outsider"]
