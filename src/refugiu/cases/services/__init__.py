"""Every write to a beneficiary or a case goes through a function here.

Each one takes the acting user (keyword-only) and its input as typed keyword parameters, checks what that
user may do (through `cases.access`, whoever called it), runs in one transaction and writes its audit
record in it. Failures raise `CaseError` with a stable `code` (tests assert on codes) and a message for the
person in front of the screen. Views and the API only parse input and call these.

By entity: `beneficiaries`, `cases` (a case, its team, status and closure), `break_glass`, `records`
(consents, assessments, sessions, notes, tasks, proceedings) and `referrals`; documents are stored and
read by `cases.documents`. Callers use the names below: `services.case_open(…)`.
"""

from refugiu.cases.errors import CaseError
from refugiu.cases.services.beneficiaries import (
    IDENTITY_FIELDS,
    IdentityFields,
    beneficiary_merge,
    beneficiary_register,
    beneficiary_update,
    identity_tokens_refresh,
)
from refugiu.cases.services.break_glass import (
    break_glass_open,
    break_glass_open_by_reference,
    break_glass_open_sealed,
)
from refugiu.cases.services.cases import (
    case_close_decide,
    case_close_request,
    case_open,
    case_reopen,
    case_status_change,
    case_update,
    team_member_add,
    team_member_remove,
)
from refugiu.cases.services.common import STALE_MESSAGE, UNCHANGED, Unchanged, versioned_update
from refugiu.cases.services.records import (
    PROCEEDING_EDITABLE,
    assessment_record,
    consent_record,
    consent_withdraw,
    note_write,
    proceeding_record,
    proceeding_update,
    service_record,
    task_complete,
    task_create,
)
from refugiu.cases.services.referrals import consent_for_referral, referral_send, referral_update

__all__ = [
    "IDENTITY_FIELDS",
    "PROCEEDING_EDITABLE",
    "STALE_MESSAGE",
    "UNCHANGED",
    "CaseError",
    "IdentityFields",
    "Unchanged",
    "assessment_record",
    "beneficiary_merge",
    "beneficiary_register",
    "beneficiary_update",
    "break_glass_open",
    "break_glass_open_by_reference",
    "break_glass_open_sealed",
    "case_close_decide",
    "case_close_request",
    "case_open",
    "case_reopen",
    "case_status_change",
    "case_update",
    "consent_for_referral",
    "consent_record",
    "consent_withdraw",
    "identity_tokens_refresh",
    "note_write",
    "proceeding_record",
    "proceeding_update",
    "referral_send",
    "referral_update",
    "service_record",
    "task_complete",
    "task_create",
    "team_member_add",
    "team_member_remove",
    "versioned_update",
]
