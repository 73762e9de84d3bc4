"""Opening a case, its team, its fields and status, its closure and reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import require
from refugiu.cases.models import Beneficiary, Case, StatusChange, TeamMember
from refugiu.cases.services.common import UNCHANGED, Unchanged, changed_fields, given, versioned_update
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User
    from refugiu.organisation.models import Department

TeamChoice = tuple["User", str, bool]  # (member, function, is_lead)


def case_open(
    *,
    user: User,
    request: HttpRequest | None = None,
    beneficiary: Beneficiary,
    department: Department,
    category: str,
    team: Iterable[TeamChoice] = (),
    risk_level: str = v.RiskLevel.LOW,
    flags: Sequence[str] = (),
    trafficking_status: str = "",
    exploitation_types: Sequence[str] = (),
    control_methods: Sequence[str] = (),
    recruitment_methods: Sequence[str] = (),
    exploitation_country: str = "",
    summary: str = "",
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case, for a beneficiary the user may reach (`access.beneficiaries_open_to`), in a department
    they work in. The department's coordinator names who works on it (`team`); anyone else leads its team
    themselves (`team` is then empty, or names them alone as its lead)."""
    require(access.works_on_cases(user), "forbidden", _("You may not open cases."))
    require(beneficiary.merged_into_id is None, "merged", _("This record was merged into another one."))
    access.require_works_in(user, department.pk)
    members = list(team)
    leads_alone = len(members) == 1 and members[0][0] == user and members[0][2]
    if members and not leads_alone:
        access.require_may_choose_team(user, department.pk)
    require(
        access.may_open_case_for(user, beneficiary),
        "forbidden",
        _("You can open a case only for a person you registered or one of whose cases you work on."),
    )
    with transaction.atomic():
        case = Case.objects.create(
            beneficiary=beneficiary,
            department=department,
            category=category,
            risk_level=risk_level,
            flags=list(flags),
            trafficking_status=trafficking_status,
            exploitation_types=list(exploitation_types),
            control_methods=list(control_methods),
            recruitment_methods=list(recruitment_methods),
            exploitation_country=exploitation_country,
            summary=summary,
            opened_on=opened_on or timezone.localdate(),
            created_by=user,
        )
        StatusChange.objects.create(case=case, to_status=case.status, by=user)
        audit_record(actor=user, action="cases.case.opened", target=case, request=request)
        if not members and not access.coordinates(user, department.pk):
            members = [(user, _default_function(user), True)]
        for member, function, is_lead in members:
            _team_member_put(
                user=user, request=request, case=case, member=member, function=function, is_lead=is_lead
            )
    return case


def _default_function(user: User) -> str:
    """The function the user last held on a team (people keep their profession), else "other"."""
    last = (
        TeamMember.objects.filter(user=user).order_by("-added_at").values_list("function", flat=True).first()
    )
    return last or v.TeamFunction.OTHER


def team_member_add(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    member: User,
    function: str,
    is_lead: bool = False,
) -> TeamMember:
    """Put `member` on the team of an open case (or change their function), as its coordinator.

    A coordinator does not put themselves on a team as a psychologist or lawyer: that function opens the
    case's sealed notes of its kind, which a coordinator reads only by breaking the glass (with a reason,
    for a limited time, in view of the DPO). Another coordinator of the department may add them."""
    require(
        access.can_coordinate(user, case),
        "forbidden",
        _("Only the department's coordinator can change the team."),
    )
    require(
        member.pk != user.pk or function not in v.SEAL_READERS.values(),
        "self_sealed",
        _(
            "You cannot add yourself as a psychologist or lawyer: that would open the sealed notes, which a "
            "coordinator reads only by breaking the glass. Another coordinator of the department can add you."
        ),
    )
    return _team_member_put(
        user=user, request=request, case=case, member=member, function=function, is_lead=is_lead
    )


def _team_member_put(
    *, user: User, request: HttpRequest | None, case: Case, member: User, function: str, is_lead: bool
) -> TeamMember:
    require(
        access.works_on_cases(member),
        "not_caseworker",
        _("Only caseworkers and coordinators can join a case team."),
    )
    with transaction.atomic():
        membership, created = TeamMember.objects.update_or_create(
            case=case, user=member, defaults={"function": function, "is_lead": is_lead, "added_by": user}
        )
        audit_record(
            actor=user,
            action="cases.team.added" if created else "cases.team.changed",
            target=membership,
            request=request,
            detail={"member": member.get_username(), "function": function},
        )
    return membership


def team_member_remove(*, user: User, request: HttpRequest | None = None, case: Case, member: User) -> None:
    require(
        access.can_coordinate(user, case),
        "forbidden",
        _("Only the department's coordinator can change the team."),
    )
    with transaction.atomic():
        deleted, _rows = TeamMember.objects.filter(case=case, user=member).delete()
        require(bool(deleted), "not_member", _("This person is not on the team."))
        audit_record(
            actor=user,
            action="cases.team.removed",
            target=case,
            request=request,
            detail={"member": member.get_username()},
        )


def case_update(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    expected_version: int,
    category: str | Unchanged = UNCHANGED,
    risk_level: str | Unchanged = UNCHANGED,
    flags: Sequence[str] | Unchanged = UNCHANGED,
    trafficking_status: str | Unchanged = UNCHANGED,
    exploitation_types: Sequence[str] | Unchanged = UNCHANGED,
    control_methods: Sequence[str] | Unchanged = UNCHANGED,
    recruitment_methods: Sequence[str] | Unchanged = UNCHANGED,
    exploitation_country: str | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
) -> Case:
    """Change the fields given (the others stay as they are); the audit record names those that changed."""
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    fields = given(
        category=category,
        risk_level=risk_level,
        flags=flags,
        trafficking_status=trafficking_status,
        exploitation_types=exploitation_types,
        control_methods=control_methods,
        recruitment_methods=recruitment_methods,
        exploitation_country=exploitation_country,
        summary=summary,
    )
    with transaction.atomic():
        changed = changed_fields(case, fields)
        versioned_update(
            case, expected_version=expected_version, fields={**fields, "updated_at": timezone.now()}
        )
        audit_record(
            actor=user, action="cases.case.changed", target=case, request=request, detail={"fields": changed}
        )
    return case


def case_status_change(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    expected_version: int,
    to_status: str,
    note: str = "",
) -> Case:
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    require(
        to_status in v.STATUS_NEXT.get(case.status, set()),
        "bad_transition",
        _("A case cannot move from %(from)s to %(to)s.")
        % {"from": case.get_status_display(), "to": dict(v.CaseStatus.choices).get(to_status, to_status)},
    )
    with transaction.atomic():
        previous = case.status
        versioned_update(
            case,
            expected_version=expected_version,
            fields={"status": to_status, "updated_at": timezone.now()},
        )
        StatusChange.objects.create(case=case, from_status=previous, to_status=to_status, by=user, note=note)
        audit_record(
            actor=user,
            action="cases.case.status_changed",
            target=case,
            request=request,
            detail={"from": previous, "to": to_status},
        )
    return case


def case_close_request(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    expected_version: int,
    reason: str,
    outcome: str,
) -> Case:
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    require(bool(reason.strip()), "reason_required", _("Give the reason for closing the case."))
    require(outcome in v.ClosureOutcome.values, "bad_outcome", _("Choose the outcome of the case."))
    with transaction.atomic():
        versioned_update(
            case,
            expected_version=expected_version,
            fields={
                "closure_reason": reason,
                "closure_outcome": outcome,
                "closure_requested_at": timezone.now(),
                "closure_requested_by": user,
                "updated_at": timezone.now(),
            },
        )
        audit_record(actor=user, action="cases.case.closure_requested", target=case, request=request)
    return case


def case_close_decide(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    expected_version: int,
    approve: bool,
    note: str = "",
) -> Case:
    """The department's coordinator approves (the case closes) or sends the request back."""
    require(
        access.can_coordinate(user, case),
        "forbidden",
        _("Only the department's coordinator can approve a closure."),
    )
    require(case.closure_requested_at is not None, "no_request", _("Nobody asked to close this case."))
    with transaction.atomic():
        if approve:
            previous = case.status
            versioned_update(
                case,
                expected_version=expected_version,
                fields={
                    "status": v.CaseStatus.CLOSED,
                    "closed_on": timezone.localdate(),
                    "closure_approved_by": user,
                    "updated_at": timezone.now(),
                },
            )
            StatusChange.objects.create(
                case=case, from_status=previous, to_status=v.CaseStatus.CLOSED, by=user, note=note
            )
            audit_record(actor=user, action="cases.case.closed", target=case, request=request)
        else:
            versioned_update(
                case,
                expected_version=expected_version,
                fields={
                    "closure_requested_at": None,
                    "closure_requested_by": None,
                    "updated_at": timezone.now(),
                },
            )
            StatusChange.objects.create(
                case=case, from_status=case.status, to_status=case.status, by=user, note=note
            )
            audit_record(actor=user, action="cases.case.closure_refused", target=case, request=request)
    return case


def case_reopen(
    *, user: User, request: HttpRequest | None = None, case: Case, expected_version: int, reason: str
) -> Case:
    require(
        access.can_coordinate(user, case),
        "forbidden",
        _("Only the department's coordinator can reopen a case."),
    )
    require(case.is_closed, "not_closed", _("This case is not closed."))
    require(case.anonymised_at is None, "anonymised", _("An anonymised case cannot be reopened."))
    require(bool(reason.strip()), "reason_required", _("Give the reason for reopening the case."))
    with transaction.atomic():
        versioned_update(
            case,
            expected_version=expected_version,
            fields={
                "status": v.CaseStatus.SERVICES,
                "closed_on": None,
                "closure_requested_at": None,
                "closure_requested_by": None,
                "closure_approved_by": None,
                "updated_at": timezone.now(),
            },
        )
        StatusChange.objects.create(
            case=case, from_status=v.CaseStatus.CLOSED, to_status=v.CaseStatus.SERVICES, by=user, note=reason
        )
        audit_record(actor=user, action="cases.case.reopened", target=case, request=request)
    return case
