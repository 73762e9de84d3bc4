"""What happens in a case: consents, needs assessments, sessions, notes, tasks and legal proceedings.

Each is written by someone who may write to the case (`access.require_writable`: its team and its
department's coordinators, while it is open)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import require
from refugiu.cases.models import Case, Consent, NeedsAssessment, Note, Proceeding, ServiceEntry, Task
from refugiu.cases.services.common import UNCHANGED, Unchanged, changed_fields, given, versioned_update
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User
    from refugiu.directory.models import Organization


def consent_record(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    purpose: str,
    form: str,
    organization: Organization | None = None,
    recipient_name: str = "",
    shared_fields: Sequence[str] = (),
    given_on: dt.date | None = None,
) -> Consent:
    """The person's consent for `purpose`; a consent to share names who the data may be shared with (an
    organisation of the directory, or `recipient_name`) and what may be shared (`shared_fields`)."""
    access.require_writable(user, case)
    require(
        purpose != v.ConsentPurpose.SHARING or organization is not None or bool(recipient_name.strip()),
        "recipient_required",
        _("A consent to share names who the data may be shared with."),
    )
    with transaction.atomic():
        consent = Consent.objects.create(
            beneficiary_id=case.beneficiary_id,
            case=case,
            purpose=purpose,
            form=form,
            organization=organization,
            recipient_name=recipient_name,
            shared_fields=list(shared_fields),
            given_on=given_on or timezone.localdate(),
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action="cases.consent.recorded",
            target=consent,
            request=request,
            detail={"purpose": consent.purpose},
        )
    return consent


def consent_withdraw(
    *, user: User, request: HttpRequest | None = None, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    if consent.case is None:  # consent_record always records one on a case; the column allows none
        raise ValueError("this consent belongs to no case")
    access.require_writable(user, consent.case)
    require(consent.withdrawn_on is None, "already_withdrawn", _("This consent was already withdrawn."))
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.withdrawal_recorded_by = user
        consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
        audit_record(actor=user, action="cases.consent.withdrawn", target=consent, request=request)
    return consent


def assessment_record(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    assessed_on: dt.date | None = None,
    legal: str = v.NeedLevel.NONE,
    social: str = v.NeedLevel.NONE,
    psychological: str = v.NeedLevel.NONE,
    medical: str = v.NeedLevel.NONE,
    shelter: str = v.NeedLevel.NONE,
    interpretation: str = v.NeedLevel.NONE,
    safety: str = v.NeedLevel.NONE,
    notes: str = "",
) -> NeedsAssessment:
    """The individual assessment of the person's needs, one level per area (today's unless `assessed_on`)."""
    access.require_writable(user, case)
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            case=case,
            author=user,
            assessed_on=assessed_on or timezone.localdate(),
            legal=legal,
            social=social,
            psychological=psychological,
            medical=medical,
            shelter=shelter,
            interpretation=interpretation,
            safety=safety,
            notes=notes,
        )
        audit_record(actor=user, action="cases.assessment.recorded", target=assessment, request=request)
    return assessment


def service_record(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    kind: str,
    duration_minutes: int,
    delivered_on: dt.date | None = None,
    mediator: str = "",
    language: str = "",
    note: str = "",
) -> ServiceEntry:
    """A session the user delivered to the person (today's unless `delivered_on`, never in the future)."""
    access.require_writable(user, case)
    today = timezone.localdate()
    delivered_on = delivered_on or today
    require(
        0 < duration_minutes <= 24 * 60,
        "bad_duration",
        _("A session lasts between 1 minute and 24 hours."),
    )
    require(delivered_on <= today, "future_date", _("A session cannot be recorded in the future."))
    with transaction.atomic():
        entry = ServiceEntry.objects.create(
            case=case,
            kind=kind,
            delivered_on=delivered_on,
            duration_minutes=duration_minutes,
            staff=user,
            mediator=mediator,
            language=language,
            note=note,
            created_by=user,
        )
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            actor=user,
            action="cases.service.recorded",
            target=entry,
            request=request,
            detail={"kind": entry.kind},
        )
    return entry


def note_write(
    *, user: User, request: HttpRequest | None = None, case: Case, text: str, seal: str = v.NoteSeal.NONE
) -> Note:
    access.require_writable(user, case)
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


def task_create(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    title: str,
    due_on: dt.date,
    assignee: User | None = None,
) -> Task:
    """A follow-up for `assignee` (the user unless given), who must work on the case."""
    access.require_writable(user, case)
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


def task_complete(*, user: User, request: HttpRequest | None = None, task: Task) -> Task:
    access.require_writable(user, task.case)
    require(task.done_at is None, "already_done", _("This task is already done."))
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=user, action="cases.task.completed", target=task, request=request)
    return task


# The fields of a proceeding other than its kind, which may be changed after it is recorded (in this
# order on the forms and in the exports).
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


def proceeding_record(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    kind: str,
    stage: str,
    authority: str = "",
    file_number: str = "",
    started_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    deadline: dt.date | None = None,
    deadline_label: str = "",
    is_dublin: bool = False,
    is_appeal: bool = False,
    pecuniary_claimed: Decimal | None = None,
    non_pecuniary_claimed: Decimal | None = None,
    pecuniary_awarded: Decimal | None = None,
    non_pecuniary_awarded: Decimal | None = None,
    currency: str = "",
    evidence: str = "",
    notes: str = "",
) -> Proceeding:
    """A legal or administrative proceeding; its `deadline` appears in the work of the people on the case."""
    access.require_writable(user, case)
    _check_stage(kind, stage)
    with transaction.atomic():
        proceeding = Proceeding.objects.create(
            case=case,
            kind=kind,
            stage=stage,
            authority=authority,
            file_number=file_number,
            started_on=started_on,
            decided_on=decided_on,
            deadline=deadline,
            deadline_label=deadline_label,
            is_dublin=is_dublin,
            is_appeal=is_appeal,
            pecuniary_claimed=pecuniary_claimed,
            non_pecuniary_claimed=non_pecuniary_claimed,
            pecuniary_awarded=pecuniary_awarded,
            non_pecuniary_awarded=non_pecuniary_awarded,
            currency=currency,
            evidence=evidence,
            notes=notes,
            created_by=user,
        )
        audit_record(
            actor=user,
            action="cases.proceeding.recorded",
            target=proceeding,
            request=request,
            detail={"kind": kind},
        )
    return proceeding


def proceeding_update(
    *,
    user: User,
    request: HttpRequest | None = None,
    proceeding: Proceeding,
    expected_version: int,
    stage: str | Unchanged = UNCHANGED,
    authority: str | Unchanged = UNCHANGED,
    file_number: str | Unchanged = UNCHANGED,
    started_on: dt.date | None | Unchanged = UNCHANGED,
    decided_on: dt.date | None | Unchanged = UNCHANGED,
    deadline: dt.date | None | Unchanged = UNCHANGED,
    deadline_label: str | Unchanged = UNCHANGED,
    is_dublin: bool | Unchanged = UNCHANGED,
    is_appeal: bool | Unchanged = UNCHANGED,
    pecuniary_claimed: Decimal | None | Unchanged = UNCHANGED,
    non_pecuniary_claimed: Decimal | None | Unchanged = UNCHANGED,
    pecuniary_awarded: Decimal | None | Unchanged = UNCHANGED,
    non_pecuniary_awarded: Decimal | None | Unchanged = UNCHANGED,
    currency: str | Unchanged = UNCHANGED,
    evidence: str | Unchanged = UNCHANGED,
    notes: str | Unchanged = UNCHANGED,
) -> Proceeding:
    """Change the fields given (None clears a date or an amount); the others stay as they are."""
    access.require_writable(user, proceeding.case)
    if not isinstance(stage, Unchanged):
        _check_stage(proceeding.kind, stage)
    fields = given(
        stage=stage,
        authority=authority,
        file_number=file_number,
        started_on=started_on,
        decided_on=decided_on,
        deadline=deadline,
        deadline_label=deadline_label,
        is_dublin=is_dublin,
        is_appeal=is_appeal,
        pecuniary_claimed=pecuniary_claimed,
        non_pecuniary_claimed=non_pecuniary_claimed,
        pecuniary_awarded=pecuniary_awarded,
        non_pecuniary_awarded=non_pecuniary_awarded,
        currency=currency,
        evidence=evidence,
        notes=notes,
    )
    with transaction.atomic():
        changed = changed_fields(proceeding, fields)
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
