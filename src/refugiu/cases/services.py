"""Every write to a beneficiary or a case goes through a function here.

Each one takes the acting user (keyword-only), checks what that user may do, runs in one transaction
and writes its audit record in it. Failures raise `CaseError` with a stable `code` (tests assert on
codes) and a message for the person in front of the screen. Views and the API only parse input and
call these.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import CaseError, require
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    BreakGlass,
    Case,
    Consent,
    IdentityToken,
    NeedsAssessment,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
    TeamMember,
)
from refugiu.core.audit import audit_record
from refugiu.core.crypto import blind_tokens

STALE_MESSAGE = gettext_lazy(
    "Someone else saved this record while you were editing it. Your changes were not saved: they are "
    "shown below. Check the current version, then save again."
)


def versioned_update(instance, *, expected_version: int, fields: dict) -> None:
    """Save `fields` only if nobody saved `instance` since `expected_version` was read.

    One conditional UPDATE: two people saving at once cannot both win, and the loser gets a clear
    error (code "stale") instead of silently overwriting the other's work.
    """
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise CaseError("stale", STALE_MESSAGE)
    for key, value in fields.items():
        setattr(instance, key, value)
    instance.version = expected_version + 1


def _changed(instance, fields: dict) -> list[str]:
    return sorted(k for k, val in fields.items() if getattr(instance, k) != val)


# Beneficiaries -------------------------------------------------------------------------------------

IDENTITY_FIELDS = (
    "given_names",
    "family_names",
    "other_names",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "document_type",
    "document_number",
)


def _identity_tokens(identity: BeneficiaryIdentity) -> set[tuple[str, str]]:
    tokens = set()
    for value in (identity.given_names, identity.family_names, identity.other_names):
        tokens |= {("name", t) for t in blind_tokens(value, kind="name")}
    tokens |= {("phone", t) for t in blind_tokens(identity.phone, kind="phone")}
    tokens |= {("document", t) for t in blind_tokens(identity.document_number, kind="document")}
    return tokens


def identity_tokens_refresh(identity: BeneficiaryIdentity) -> None:
    IdentityToken.objects.filter(beneficiary_id=identity.beneficiary_id).delete()
    IdentityToken.objects.bulk_create(
        IdentityToken(beneficiary_id=identity.beneficiary_id, kind=kind, digest=digest)
        for kind, digest in sorted(_identity_tokens(identity))
    )


def beneficiary_register(*, user, request=None, identity: dict, **attributes) -> Beneficiary:
    require(
        access.works_on_cases(user),
        "forbidden",
        _("You may not register beneficiaries."),
    )
    with transaction.atomic():
        beneficiary = Beneficiary.objects.create(created_by=user, **attributes)
        record = BeneficiaryIdentity.objects.create(
            beneficiary=beneficiary, **{k: identity.get(k, "") for k in IDENTITY_FIELDS}
        )
        identity_tokens_refresh(record)
        audit_record(actor=user, action="cases.beneficiary.created", target=beneficiary, request=request)
    return beneficiary


def beneficiary_update(
    *,
    user,
    request=None,
    case: Case,
    expected_version: int,
    identity: dict | None,
    **attributes,
) -> Beneficiary:
    """Change the beneficiary of `case`, a case the user may change (`access.can_edit`): the person is
    reached through it."""
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    beneficiary = case.beneficiary
    with transaction.atomic():
        changed = _changed(beneficiary, attributes)
        versioned_update(beneficiary, expected_version=expected_version, fields=attributes)
        if identity is not None:
            record, _created = BeneficiaryIdentity.objects.get_or_create(beneficiary=beneficiary)
            for key in IDENTITY_FIELDS:
                if key in identity and getattr(record, key) != identity[key]:
                    changed.append(key)
                    setattr(record, key, identity[key])
            record.save()
            identity_tokens_refresh(record)
        audit_record(
            actor=user,
            action="cases.beneficiary.changed",
            target=beneficiary,
            request=request,
            detail={"fields": changed},
        )
    return beneficiary


def beneficiary_merge(*, user, request=None, keep: Beneficiary, merge: Beneficiary) -> Beneficiary:
    """Fold `merge` into `keep`: its cases and consents move over, its record stays, marked as merged,
    so the history of both is kept. Coordinators only, and only for people in their departments' cases."""
    require(keep.pk != merge.pk, "same_beneficiary", _("Choose two different records to merge."))
    require(merge.merged_into_id is None, "already_merged", _("This record was already merged."))
    for b in (keep, merge):
        require(
            access.can_merge(user, b),
            "forbidden",
            _("Only the coordinator of every department involved can merge these records."),
        )
    with transaction.atomic():
        moved_cases = list(merge.cases.values_list("pk", flat=True))
        merge.cases.update(beneficiary=keep)
        merge.consents.update(beneficiary=keep)
        Beneficiary.objects.filter(pk=merge.pk).update(merged_into=keep, version=F("version") + 1)
        IdentityToken.objects.filter(beneficiary=merge).update(beneficiary=keep)
        for b, role in ((keep, "kept"), (merge, "merged")):
            audit_record(
                actor=user,
                action=f"cases.beneficiary.merge_{role}",
                target=b,
                request=request,
                detail={"kept": keep.code, "merged": merge.code, "cases_moved": moved_cases},
            )
    merge.merged_into = keep
    return keep


# Cases ---------------------------------------------------------------------------------------------


def case_open(
    *,
    user,
    request=None,
    beneficiary: Beneficiary,
    department,
    category: str,
    team: Iterable = (),
    **attributes,
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
            beneficiary=beneficiary, department=department, category=category, created_by=user, **attributes
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


def _default_function(user) -> str:
    """The function the user last held on a team (people keep their profession), else "other"."""
    last = (
        TeamMember.objects.filter(user=user).order_by("-added_at").values_list("function", flat=True).first()
    )
    return last or v.TeamFunction.OTHER


def team_member_add(
    *, user, request=None, case: Case, member, function: str, is_lead: bool = False
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


def _team_member_put(*, user, request, case: Case, member, function: str, is_lead: bool) -> TeamMember:
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


def team_member_remove(*, user, request=None, case: Case, member) -> None:
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


CASE_EDITABLE = (
    "category",
    "risk_level",
    "flags",
    "trafficking_status",
    "exploitation_types",
    "control_methods",
    "recruitment_methods",
    "exploitation_country",
    "summary",
)


def case_update(*, user, request=None, case: Case, expected_version: int, **fields) -> Case:
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    unknown = set(fields) - set(CASE_EDITABLE)
    require(
        not unknown, "bad_field", _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
    )
    with transaction.atomic():
        changed = _changed(case, fields)
        versioned_update(
            case, expected_version=expected_version, fields={**fields, "updated_at": timezone.now()}
        )
        audit_record(
            actor=user, action="cases.case.changed", target=case, request=request, detail={"fields": changed}
        )
    return case


def case_status_change(
    *, user, request=None, case: Case, expected_version: int, to_status: str, note: str = ""
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
    *, user, request=None, case: Case, expected_version: int, reason: str, outcome: str
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
    *, user, request=None, case: Case, expected_version: int, approve: bool, note: str = ""
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


def case_reopen(*, user, request=None, case: Case, expected_version: int, reason: str) -> Case:
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


def break_glass_open_sealed(*, user, request=None, case: Case, reason: str) -> BreakGlass:
    """Break the glass from the case's page, to read its sealed notes: the department's coordinator only
    (`access.can_unseal`), whoever else may reach the case by breaking the glass. Then as
    `break_glass_open`."""
    require(
        access.can_unseal(user, case),
        "forbidden",
        _("Only the department's coordinator can break the glass."),
    )
    return break_glass_open(user=user, request=request, case=case, reason=reason)


def break_glass_open(*, user, request=None, case: Case, reason: str) -> BreakGlass:
    """Time-limited access for a coordinator, with a written reason; the DPO sees every one. Who may break
    the glass for which case is `access.can_break_glass`: by default the case's department's coordinator."""
    if not access.can_break_glass(user, case):
        raise CaseError(
            "forbidden",
            _("Only coordinators can break the glass.")
            if access.break_glass_across_departments()
            else _("Only the department's coordinator can break the glass."),
        )
    _require_break_glass_reason(reason)
    minutes = settings.REFUGIU["BREAK_GLASS_MINUTES"]
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            case=case, user=user, reason=reason, expires_at=timezone.now() + dt.timedelta(minutes=minutes)
        )
        audit_record(
            actor=user,
            action="cases.case.break_glass",
            target=case,
            request=request,
            detail={"minutes": minutes, "break_glass_id": grant.pk},
        )
    return grant


def _require_break_glass_reason(reason: str) -> None:
    require(
        len(reason.strip()) >= 10,
        "reason_required",
        _("Write why you need this access (at least 10 characters)."),
    )


def _break_glass_refusal() -> str:
    """The one answer to a reference that was refused, whether or not a case has it."""
    if access.break_glass_across_departments():
        return _(
            "No access was opened. Check the reference and try again, or ask the data protection officer."
        )
    return _(
        "No access was opened. Check the reference and try again. For a case of another department, ask "
        "that department's coordinator or the data protection officer."
    )


def break_glass_open_by_reference(*, user, request=None, reference: str, reason: str) -> BreakGlass:
    """Break the glass for the case with this reference (see `break_glass_open`).

    A reference no case has, an anonymised case's, and a case the coordinator may not break the glass for
    (another department's, by default) are refused alike (code "refused", the same message), so that the
    answer never tells whether a reference exists. Each refusal is audited ("cases.case.break_glass_refused",
    naming the case when there is one, for the DPO's eyes only), and stays recorded though the caller's
    request fails."""
    only_coordinators = _("Only coordinators can break the glass.")
    require(bool(access.coordinated_department_ids(user)), "forbidden", only_coordinators)
    _require_break_glass_reason(reason)
    case = Case.objects.filter(reference=reference.strip().upper(), anonymised_at__isnull=True).first()
    if case is not None and access.can_break_glass(user, case):
        return break_glass_open(user=user, request=request, case=case, reason=reason)
    audit_record(
        actor=user,
        action="cases.case.break_glass_refused",
        target=case,
        request=request,
        detail={"refusal": "not_allowed" if case is not None else "unknown_reference"},
    )
    raise CaseError("refused", _break_glass_refusal())


# What happens in a case ----------------------------------------------------------------------------


def _writable(user, case: Case) -> None:
    require(
        access.can_edit(user, case),
        "closed" if case.is_closed else "forbidden",
        _("This case is closed.") if case.is_closed else _("You cannot change this case."),
    )


def consent_record(*, user, request=None, case: Case, **fields) -> Consent:
    _writable(user, case)
    require(
        fields.get("purpose") != v.ConsentPurpose.SHARING
        or fields.get("organization") is not None
        or bool((fields.get("recipient_name") or "").strip()),
        "recipient_required",
        _("A consent to share names who the data may be shared with."),
    )
    with transaction.atomic():
        consent = Consent.objects.create(
            beneficiary_id=case.beneficiary_id, case=case, recorded_by=user, **fields
        )
        audit_record(
            actor=user,
            action="cases.consent.recorded",
            target=consent,
            request=request,
            detail={"purpose": consent.purpose},
        )
    return consent


def consent_withdraw(*, user, request=None, consent: Consent, withdrawn_on: dt.date | None = None) -> Consent:
    _writable(user, consent.case)
    require(consent.withdrawn_on is None, "already_withdrawn", _("This consent was already withdrawn."))
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.withdrawal_recorded_by = user
        consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
        audit_record(actor=user, action="cases.consent.withdrawn", target=consent, request=request)
    return consent


def assessment_record(*, user, request=None, case: Case, **fields) -> NeedsAssessment:
    _writable(user, case)
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(case=case, author=user, **fields)
        audit_record(actor=user, action="cases.assessment.recorded", target=assessment, request=request)
    return assessment


def service_record(*, user, request=None, case: Case, **fields) -> ServiceEntry:
    _writable(user, case)
    fields.setdefault("staff", user)
    duration = fields.get("duration_minutes") or 0
    require(0 < duration <= 24 * 60, "bad_duration", _("A session lasts between 1 minute and 24 hours."))
    require(
        fields.get("delivered_on", timezone.localdate()) <= timezone.localdate(),
        "future_date",
        _("A session cannot be recorded in the future."),
    )
    with transaction.atomic():
        entry = ServiceEntry.objects.create(case=case, created_by=user, **fields)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            actor=user,
            action="cases.service.recorded",
            target=entry,
            request=request,
            detail={"kind": entry.kind},
        )
    return entry


def note_write(*, user, request=None, case: Case, text: str, seal: str = v.NoteSeal.NONE) -> Note:
    _writable(user, case)
    require(bool(text.strip()), "empty", _("The note is empty."))
    require(
        seal in access.readable_seals(user, case),
        "seal_forbidden",
        _("Only a member of the team with that profession can write a note sealed that way."),
    )
    with transaction.atomic():
        note = Note.objects.create(case=case, author=user, text=text, seal=seal)
        audit_record(
            actor=user, action="cases.note.written", target=note, request=request, detail={"seal": seal}
        )
    return note


def task_create(*, user, request=None, case: Case, title: str, due_on: dt.date, assignee=None) -> Task:
    _writable(user, case)
    assignee = assignee or user
    require(
        Case.objects.visible_to(assignee).filter(pk=case.pk).exists(),
        "assignee_cannot_see",
        _("The person you assign must work on this case."),
    )
    with transaction.atomic():
        task = Task.objects.create(case=case, title=title, due_on=due_on, assignee=assignee, created_by=user)
        audit_record(actor=user, action="cases.task.created", target=task, request=request)
    return task


def task_complete(*, user, request=None, task: Task) -> Task:
    _writable(user, task.case)
    require(task.done_at is None, "already_done", _("This task is already done."))
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=user, action="cases.task.completed", target=task, request=request)
    return task


PROCEEDING_EDITABLE = (
    "stage",
    "authority",
    "file_number",
    "started_on",
    "decided_on",
    "deadline",
    "deadline_label",
    "is_dublin",
    "is_appeal",
    "pecuniary_claimed",
    "non_pecuniary_claimed",
    "pecuniary_awarded",
    "non_pecuniary_awarded",
    "currency",
    "evidence",
    "notes",
)


def _check_stage(kind: str, stage: str) -> None:
    require(
        stage in v.PROCEEDING_STAGES.get(kind, []),
        "bad_stage",
        _("This stage does not belong to a proceeding of that kind."),
    )


def proceeding_record(*, user, request=None, case: Case, kind: str, stage: str, **fields) -> Proceeding:
    _writable(user, case)
    _check_stage(kind, stage)
    with transaction.atomic():
        proceeding = Proceeding.objects.create(case=case, kind=kind, stage=stage, created_by=user, **fields)
        audit_record(
            actor=user,
            action="cases.proceeding.recorded",
            target=proceeding,
            request=request,
            detail={"kind": kind},
        )
    return proceeding


def proceeding_update(
    *, user, request=None, proceeding: Proceeding, expected_version: int, **fields
) -> Proceeding:
    _writable(user, proceeding.case)
    unknown = set(fields) - set(PROCEEDING_EDITABLE)
    require(
        not unknown, "bad_field", _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
    )
    if "stage" in fields:
        _check_stage(proceeding.kind, fields["stage"])
    with transaction.atomic():
        changed = _changed(proceeding, fields)
        versioned_update(
            proceeding, expected_version=expected_version, fields={**fields, "updated_at": timezone.now()}
        )
        audit_record(
            actor=user,
            action="cases.proceeding.changed",
            target=proceeding,
            request=request,
            detail={"fields": changed},
        )
    return proceeding


# Referrals -----------------------------------------------------------------------------------------


def consent_for_referral(*, case: Case, service=None, department=None) -> Consent | None:
    """The active consent that allows this referral: sharing with the service's organisation for an
    external referral; assistance for an internal one (the data stays in the organisation)."""
    consents = Consent.objects.filter(beneficiary_id=case.beneficiary_id, withdrawn_on__isnull=True)
    if department is not None:
        return consents.filter(purpose=v.ConsentPurpose.ASSISTANCE).order_by("-given_on", "-pk").first()
    return (
        consents.filter(purpose=v.ConsentPurpose.SHARING, organization_id=service.organization_id)
        .order_by("-given_on", "-pk")
        .first()
    )


def referral_send(
    *,
    user,
    request=None,
    case: Case,
    reason: str,
    shared_fields: list[str],
    service=None,
    department=None,
    override_reason: str = "",
) -> Referral:
    """Refer the beneficiary; refused without the matching consent unless a coordinator overrides it
    with a written reason. Only the fields the consent covers may be shared."""
    _writable(user, case)
    require(
        (service is None) != (department is None), "destination", _("Choose one service or one department.")
    )
    require(bool(reason.strip()), "reason_required", _("Give the reason for the referral."))
    unknown = set(shared_fields) - set(v.SharedField.values)
    require(not unknown, "bad_field", _("Unknown data fields: %s") % ", ".join(sorted(unknown)))
    consent = consent_for_referral(case=case, service=service, department=department)
    overridden = False
    if consent is None:
        require(
            bool(override_reason.strip()),
            "no_consent",
            _("There is no consent to share with this organisation. Record the consent first."),
        )
        require(
            access.can_coordinate(user, case),
            "no_consent",
            _("Only the department's coordinator can send a referral without consent."),
        )
        overridden = True
    elif consent.purpose == v.ConsentPurpose.SHARING:
        beyond = set(shared_fields) - set(consent.shared_fields)
        require(
            not beyond,
            "beyond_consent",
            _("The consent does not cover: %s")
            % ", ".join(str(dict(v.SharedField.choices)[f]) for f in sorted(beyond)),
        )
    country = service.organization.country if service is not None else ""
    home = settings.REFUGIU["HOME_COUNTRY"]
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            kind=v.ReferralKind.INTERNAL if department is not None else v.ReferralKind.EXTERNAL,
            service=service,
            department=department,
            country=country,
            is_cross_border=bool(country) and country != home,
            reason=reason,
            consent=consent,
            consent_override_reason=override_reason if overridden else "",
            consent_overridden_by=user if overridden else None,
            shared_fields=sorted(shared_fields),
            created_by=user,
        )
        audit_record(
            actor=user,
            action="cases.referral.sent",
            target=referral,
            request=request,
            detail={"shared_fields": referral.shared_fields, "consent_overridden": overridden},
        )
    return referral


def referral_update(
    *,
    user,
    request=None,
    referral: Referral,
    expected_version: int,
    status: str,
    decline_reason: str = "",
    feedback: str = "",
) -> Referral:
    _writable(user, referral.case)
    require(
        status in v.REFERRAL_NEXT.get(referral.status, set()),
        "bad_transition",
        _("A referral cannot move from %(from)s to %(to)s.")
        % {"from": referral.get_status_display(), "to": dict(v.ReferralStatus.choices).get(status, status)},
    )
    require(
        status != v.ReferralStatus.DECLINED or bool(decline_reason.strip()),
        "reason_required",
        _("Give the reason the referral was declined."),
    )
    today = timezone.localdate()
    fields = {"status": status}
    if status in (v.ReferralStatus.ACCEPTED, v.ReferralStatus.DECLINED):
        fields["responded_on"] = today
    if status == v.ReferralStatus.COMPLETED:
        fields["completed_on"] = today
    if decline_reason:
        fields["decline_reason"] = decline_reason
    if feedback:
        fields["feedback"] = feedback
    with transaction.atomic():
        versioned_update(referral, expected_version=expected_version, fields=fields)
        audit_record(
            actor=user,
            action="cases.referral.status_changed",
            target=referral,
            request=request,
            detail={"to": status},
        )
    return referral
