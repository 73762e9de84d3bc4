"""The audit records of reads: who looked at which case, record, list or search.

Changes are audited by the services that make them; reads are audited here, once per read path, by the
page or API handler that shows what it read (the selectors only read). So the log answers "who looked at
this person's file" as well as "who changed it", and a new page shows its data only after saying so here.

Lists show codes, references and statuses, never names: one record per page, naming the cases shown.
A search is recorded without what was searched for, with the codes it found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Model
from django.http import HttpRequest

from refugiu.cases.models import Beneficiary, Case
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User
    from refugiu.cases.selectors import PossibleMatch

CASE_VIEWED = "cases.case.viewed"
CASES_LISTED = "cases.case.listed"
WORK_LISTED = "cases.work.listed"
BENEFICIARY_VIEWED = "cases.beneficiary.viewed"
IDENTITY_VIEWED = "cases.beneficiary.identity_viewed"


def case_read(
    *,
    user: User,
    request: HttpRequest | None,
    case: Case,
    action: str = CASE_VIEWED,
    record: Model | None = None,
) -> None:
    """A page or an answer showed `case`, or `record`, one of its records (a referral, a proceeding, its
    beneficiary…): recorded as `action` on that record, under the case."""
    audit_record(
        actor=user,
        action=action,
        target=record if record is not None else case,
        case_id=case.pk,
        request=request,
    )


def beneficiary_read(
    *,
    user: User,
    request: HttpRequest | None,
    beneficiary: Beneficiary,
    case_ids: Iterable[int] | None = None,
) -> None:
    """A page showed a beneficiary outside any one case (opening a case for them, merging records; the data
    protection officer's file of the person, which names their cases: `case_ids`)."""
    detail = {"cases": list(case_ids)} if case_ids is not None else None
    audit_record(actor=user, action=BENEFICIARY_VIEWED, target=beneficiary, request=request, detail=detail)


def cases_listed(
    *,
    user: User,
    request: HttpRequest | None,
    case_ids: Iterable[int],
    action: str = CASES_LISTED,
    view: str = "",
) -> None:
    """A list showed these cases: one record for the page, naming them in the order shown (and the list,
    `view`, when it is not a caseworker's: the DPO's "retention")."""
    detail: dict[str, object] = {"view": view} if view else {}
    detail["cases"] = list(case_ids)
    audit_record(actor=user, action=action, request=request, detail=detail)


def beneficiaries_searched(
    *, user: User, request: HttpRequest | None, matches: Iterable[PossibleMatch]
) -> None:
    """A search before registering ran: the codes it found, never what was searched for."""
    audit_record(
        actor=user,
        action="cases.beneficiary.searched",
        request=request,
        detail={"matches": [match.beneficiary.code for match in matches]},
    )


def audit_log_read(
    *, user: User, request: HttpRequest | None, view: str, filters: dict[str, object], page: int
) -> None:
    """The data protection officer read a page of the audit log (`view`: "audit", or "break_glass" for
    the break-glass list): reading the log is itself logged, since who looked at whose traces is a
    question the DPO answers too."""
    audit_record(
        actor=user,
        action="core.audit.viewed",
        request=request,
        detail={"view": view, "filters": filters, "page": page},
    )
