"""The data protection officer's tools: a person's file, its export and erasure, retention, the audit log.

Everything here needs the "audit.view" permission (the DPO role: `access.require_dpo`); exporting the
audit log also needs "audit.export". The DPO works by beneficiary, not through the case scope: they see
case *metadata* (reference, department, category, status, dates), never notes on screen. The data-subject
export is the exception by design: it is the person's own right of access (GDPR art. 15), so it holds
every note whatever its seal, and is handed to the person, not read in the application.

Erasure and retention *anonymise* rather than delete (as pretix's shredders do): the identity and every
piece of free text go, the categorical fields (gender, age band, nationality, category, statuses, dates,
service kinds and durations) stay, so the anonymous statistics still add up. The audit log never held
content, so it is left as it is, plus a tombstone naming the code and the counts.

By topic: `subjects` (a person's records), `export` (the data-subject export), `erasure` (erasure and
retention) and `audit_log`. Callers use the names below: `gdpr.subject_erase(…)`.
"""

from refugiu.cases.gdpr.audit_log import (
    AUDIT_KIND_SECURITY,
    CSV_COLUMNS,
    LISTING_ACTIONS,
    AuditFilters,
    audit_csv,
    audit_search,
    break_glass_list,
    user_by_username,
)
from refugiu.cases.gdpr.audit_words import action_choices, action_label, audit_shown
from refugiu.cases.gdpr.erasure import (
    Anonymised,
    ErasureGround,
    retention_anonymise,
    retention_cutoff,
    retention_due,
    retention_review,
    subject_erase,
)
from refugiu.cases.gdpr.export import (
    ASSESSMENT_FIELDS,
    BENEFICIARY_FIELDS,
    CASE_FIELDS,
    CASE_PARTS,
    CONSENT_FIELDS,
    DOCUMENT_FIELDS,
    EXPORT_FORMAT,
    LIST_VOCABULARIES,
    NOTE_FIELDS,
    PROCEEDING_FIELDS,
    REFERRAL_FIELDS,
    SESSION_FIELDS,
    STATUS_FIELDS,
    TASK_FIELDS,
    TEAM_FIELDS,
    Block,
    SubjectFile,
    subject_file,
)
from refugiu.cases.gdpr.subjects import (
    Subject,
    person_records,
    person_root,
    subject_find,
    subject_overview,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "AUDIT_KIND_SECURITY",
    "Anonymised",
    "AuditFilters",
    "BENEFICIARY_FIELDS",
    "Block",
    "CASE_FIELDS",
    "CASE_PARTS",
    "CONSENT_FIELDS",
    "CSV_COLUMNS",
    "DOCUMENT_FIELDS",
    "EXPORT_FORMAT",
    "ErasureGround",
    "LISTING_ACTIONS",
    "LIST_VOCABULARIES",
    "NOTE_FIELDS",
    "PROCEEDING_FIELDS",
    "REFERRAL_FIELDS",
    "SESSION_FIELDS",
    "STATUS_FIELDS",
    "Subject",
    "SubjectFile",
    "TASK_FIELDS",
    "TEAM_FIELDS",
    "audit_csv",
    "audit_shown",
    "action_choices",
    "action_label",
    "audit_search",
    "break_glass_list",
    "person_records",
    "person_root",
    "retention_anonymise",
    "retention_cutoff",
    "retention_due",
    "retention_review",
    "subject_erase",
    "subject_file",
    "subject_find",
    "subject_overview",
    "user_by_username",
]
