"""The audit log in words, for the data protection officer's page: each action code as what someone did, in
the interface language ("Opened the case file" for "cases.case.viewed"), a record by its name where it has
one (a case's reference, a beneficiary's code, a person's name) and by its kind otherwise, and a record's
detail as labelled fields instead of JSON. The CSV export keeps the codes (`audit_log.audit_csv`).

An action written by a path that names no label here (Django's admin writes "<app>.<model>.<verb>" for any
model: `core.audit.audited_save`) is said from the model's own name and the verb; an unknown code is shown
as it is, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.accounts.models import User
from refugiu.cases.models import Beneficiary, Case
from refugiu.core.models import AuditEntry

ACTION_LABELS: dict[str, Promise] = {
    # Cases: reading.
    "cases.case.viewed": gettext_lazy("Opened the case file"),
    "cases.case.timeline_viewed": gettext_lazy("Read the case's timeline"),
    "cases.case.listed": gettext_lazy("Listed cases"),
    "cases.work.listed": gettext_lazy("Listed their work"),
    "cases.beneficiary.viewed": gettext_lazy("Read a beneficiary's record"),
    "cases.beneficiary.identity_viewed": gettext_lazy("Read a beneficiary's identity"),
    "cases.beneficiary.searched": gettext_lazy("Searched for a person before registering"),
    "cases.beneficiary.exported": gettext_lazy("Exported a person's data"),
    "cases.referral.viewed": gettext_lazy("Read a referral"),
    "cases.referral.packet_viewed": gettext_lazy("Read a referral's packet"),
    "cases.referral.packet_downloaded": gettext_lazy("Downloaded a referral's packet"),
    "cases.document.downloaded": gettext_lazy("Downloaded a document"),
    # Cases: writing.
    "cases.beneficiary.created": gettext_lazy("Registered a beneficiary"),
    "cases.beneficiary.changed": gettext_lazy("Changed a beneficiary's record"),
    "cases.beneficiary.erased": gettext_lazy("Erased a person's data"),
    "cases.beneficiary.merge_kept": gettext_lazy("Merged a duplicate into this record"),
    "cases.beneficiary.merge_merged": gettext_lazy("Merged this record into another"),
    "cases.case.opened": gettext_lazy("Opened a case"),
    "cases.case.changed": gettext_lazy("Changed a case"),
    "cases.case.status_changed": gettext_lazy("Changed a case's status"),
    "cases.case.closure_requested": gettext_lazy("Asked to close a case"),
    "cases.case.closure_refused": gettext_lazy("Refused to close a case"),
    "cases.case.closed": gettext_lazy("Closed a case"),
    "cases.case.reopened": gettext_lazy("Reopened a case"),
    "cases.case.anonymised": gettext_lazy("Anonymised a case"),
    "cases.case.break_glass": gettext_lazy("Opened a case in an emergency (break-glass)"),
    "cases.case.break_glass_refused": gettext_lazy("Was refused emergency access to a case"),
    "cases.team.added": gettext_lazy("Added someone to a case's team"),
    "cases.team.changed": gettext_lazy("Changed someone's role in a case's team"),
    "cases.team.removed": gettext_lazy("Removed someone from a case's team"),
    "cases.service.recorded": gettext_lazy("Recorded a session"),
    "cases.note.written": gettext_lazy("Wrote a note"),
    "cases.consent.recorded": gettext_lazy("Recorded a consent"),
    "cases.consent.withdrawn": gettext_lazy("Recorded a consent's withdrawal"),
    "cases.assessment.recorded": gettext_lazy("Recorded a needs assessment"),
    "cases.task.created": gettext_lazy("Added a task"),
    "cases.task.completed": gettext_lazy("Marked a task done"),
    "cases.proceeding.recorded": gettext_lazy("Recorded a legal proceeding"),
    "cases.proceeding.changed": gettext_lazy("Changed a legal proceeding"),
    "cases.referral.sent": gettext_lazy("Sent a referral"),
    "cases.referral.status_changed": gettext_lazy("Recorded a referral's answer"),
    "cases.document.uploaded": gettext_lazy("Added a document"),
    "cases.synthetic.generated": gettext_lazy("Generated synthetic test cases"),
    # Refusals.
    "cases.case.access_refused": gettext_lazy("Was refused a case"),
    "cases.beneficiary.access_refused": gettext_lazy("Was refused a beneficiary's record"),
    "cases.task.access_refused": gettext_lazy("Was refused a task"),
    "directory.organization.access_refused": gettext_lazy("Was refused an organisation's page"),
    # The audit log itself.
    "core.audit.viewed": gettext_lazy("Read the audit log"),
    "core.audit.exported": gettext_lazy("Exported the audit log"),
    # Accounts and the security trail.
    "accounts.signin.succeeded": gettext_lazy("Signed in"),
    "accounts.signin.failed": gettext_lazy("Failed to sign in"),
    "accounts.signin.locked": gettext_lazy("Was locked out after too many tries"),
    "accounts.password.changed": gettext_lazy("Changed their password"),
    "accounts.password.set": gettext_lazy("Chose a password"),
    "accounts.password.reset": gettext_lazy("Reset their password"),
    "accounts.password.reset_requested": gettext_lazy("Asked for a password reset"),
    "accounts.mfa.enrolled": gettext_lazy("Set up a second factor"),
    "accounts.mfa.removed": gettext_lazy("Removed a second factor"),
    "accounts.mfa.reset": gettext_lazy("Reset someone's second factor"),
    "accounts.mfa.reset_refused": gettext_lazy("Was refused resetting a second factor"),
    "accounts.mfa.code_refused": gettext_lazy("Gave a wrong second-factor code"),
    "accounts.mfa.recovery_codes_regenerated": gettext_lazy("Made new recovery codes"),
    "accounts.email.added": gettext_lazy("Added an e-mail address"),
    "accounts.email.removed": gettext_lazy("Removed an e-mail address"),
    "accounts.email.primary_changed": gettext_lazy("Changed their main e-mail address"),
    "accounts.user.created": gettext_lazy("Created an account"),
    "accounts.user.changed": gettext_lazy("Changed an account"),
    "accounts.user.change_refused": gettext_lazy("Was refused changing an account"),
    "accounts.user.deactivated": gettext_lazy("Deactivated an account"),
    "accounts.user.reactivated": gettext_lazy("Reactivated an account"),
    "accounts.user.deleted": gettext_lazy("Deleted an account"),
    "accounts.role.granted": gettext_lazy("Gave someone a role"),
    "accounts.role.revoked": gettext_lazy("Took a role away"),
    "accounts.role.grant_refused": gettext_lazy("Was refused giving a role"),
    "accounts.role.revoke_refused": gettext_lazy("Was refused taking a role away"),
    "accounts.api_token.created": gettext_lazy("Created an API token"),
    "accounts.api_token.revoked": gettext_lazy("Revoked an API token"),
    # The directory.
    "directory.change.proposed": gettext_lazy("Proposed a change to a directory entry"),
    "directory.change.approved": gettext_lazy("Approved a change to a directory entry"),
    "directory.change.rejected": gettext_lazy("Rejected a change to a directory entry"),
    "directory.change.withdrawn": gettext_lazy("Withdrew a proposed change"),
    "directory.representative.added": gettext_lazy("Invited an organisation's representative"),
    "directory.representative.removed": gettext_lazy("Removed an organisation's representative"),
    # Programmes.
    "programmes.event.created": gettext_lazy("Created an event"),
    "programmes.event.changed": gettext_lazy("Changed an event"),
    "programmes.event.certificates_issued": gettext_lazy("Issued an event's certificates"),
    "programmes.event.evaluation_invited": gettext_lazy("Invited an event's participants to evaluate it"),
    "programmes.participant.added": gettext_lazy("Registered a participant"),
    "programmes.participant.confirmed": gettext_lazy("Confirmed a participant"),
    "programmes.participant.cancelled": gettext_lazy("Cancelled a participant's registration"),
    "programmes.attendance.checked_in": gettext_lazy("Checked a participant in"),
    "programmes.attendance.undone": gettext_lazy("Undid a check-in"),
    # Finance.
    "finance.auditor_access.granted": gettext_lazy("Gave an auditor access to a grant"),
    "finance.auditor_access.changed": gettext_lazy("Changed an auditor's access"),
    "finance.auditor_access.withdrawn": gettext_lazy("Withdrew an auditor's access"),
    "finance.budget.changed": gettext_lazy("Changed a budget"),
    "finance.expense.created": gettext_lazy("Recorded an expense"),
    "finance.expense.changed": gettext_lazy("Changed an expense"),
    "finance.expense.adjusted": gettext_lazy("Adjusted an expense"),
    "finance.expense.approved": gettext_lazy("Approved an expense"),
    "finance.expense.rejected": gettext_lazy("Rejected an expense"),
    "finance.expense.eligible": gettext_lazy("Marked an expense eligible"),
    "finance.expense.ineligible": gettext_lazy("Marked an expense ineligible"),
    "finance.expensedocument.uploaded": gettext_lazy("Added an expense's document"),
    "finance.expensedocument.downloaded": gettext_lazy("Downloaded an expense's document"),
    "finance.expenses.converted": gettext_lazy("Converted expenses to euro"),
    "finance.rate.created": gettext_lazy("Recorded an exchange rate"),
    "finance.rate.changed": gettext_lazy("Changed an exchange rate"),
    "finance.rates.imported": gettext_lazy("Imported exchange rates"),
    "finance.statement.submit": gettext_lazy("Submitted a financial statement"),
    "finance.timesheet.filled": gettext_lazy("Filled in a timesheet"),
    "finance.timesheet.signed": gettext_lazy("Signed a timesheet"),
    "finance.timesheet.approved": gettext_lazy("Approved a timesheet"),
    "finance.timesheet.returned": gettext_lazy("Returned a timesheet for correction"),
    "finance.timesheet.corrected": gettext_lazy("Corrected a timesheet"),
    # Reports.
    "reports.foreword.created": gettext_lazy("Wrote a report's foreword"),
    "reports.foreword.changed": gettext_lazy("Changed a report's foreword"),
    "reports.foreword.deleted": gettext_lazy("Deleted a report's foreword"),
}

# Groups of actions the DPO may filter by: every code starting with the prefix.
PREFIX_LABELS: dict[str, Promise] = {
    "cases.": gettext_lazy("Anything done in cases"),
    "cases.case.": gettext_lazy("Anything done to case files"),
    "cases.beneficiary.": gettext_lazy("Anything done to beneficiaries' records"),
    "cases.referral.": gettext_lazy("Anything done to referrals"),
    "cases.document.": gettext_lazy("Anything done to documents"),
    "accounts.": gettext_lazy("Accounts, sign-ins and second factors"),
    "core.audit.": gettext_lazy("Reading and exporting the audit log"),
    "directory.": gettext_lazy("The directory"),
    "programmes.": gettext_lazy("Programmes and events"),
    "finance.": gettext_lazy("Grant finance"),
    "reports.": gettext_lazy("Reports"),
}

# The last part of a code no label names (Django's admin, a refusal), said with the model's own name.
VERBS: dict[str, Promise] = {
    "created": gettext_lazy("Created (%(thing)s)"),
    "changed": gettext_lazy("Changed (%(thing)s)"),
    "deleted": gettext_lazy("Deleted (%(thing)s)"),
    "access_refused": gettext_lazy("Was refused (%(thing)s)"),
}

DETAIL_LABELS: dict[str, Promise] = {
    "fields": gettext_lazy("Fields changed"),
    "changed": gettext_lazy("Changed"),
    "cases": gettext_lazy("Cases shown"),
    "view": gettext_lazy("Page"),
    "filters": gettext_lazy("Filters"),
    "page": gettext_lazy("Page number"),
    "user": gettext_lazy("Person"),
    "member": gettext_lazy("Team member"),
    "function": gettext_lazy("Role in the team"),
    "role": gettext_lazy("Role"),
    "kind": gettext_lazy("Kind"),
    "type": gettext_lazy("Type"),
    "destination": gettext_lazy("Destination"),
    "shared_fields": gettext_lazy("Data shared"),
    "consent_overridden": gettext_lazy("Sent without consent"),
    "reason": gettext_lazy("Reason"),
    "status": gettext_lazy("Status"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "matches": gettext_lazy("Possible matches found"),
    "days": gettext_lazy("Days"),
    "minutes": gettext_lazy("Minutes"),
    "size": gettext_lazy("Size (bytes)"),
    "format": gettext_lazy("Format"),
    "purpose": gettext_lazy("Purpose"),
    "ground": gettext_lazy("Ground"),
    "refusal": gettext_lazy("Refusal"),
    "refused": gettext_lazy("Refused"),
    "account_made": gettext_lazy("Account created"),
    "cases_moved": gettext_lazy("Cases moved"),
    "merged": gettext_lazy("Merged"),
    "kept": gettext_lazy("Kept"),
    "authenticator": gettext_lazy("Second factor"),
    "step": gettext_lazy("Step"),
    "known": gettext_lazy("Known account"),
    "closed_on": gettext_lazy("Closed on"),
    "year": gettext_lazy("Year"),
    "grant": gettext_lazy("Grant"),
    "event": gettext_lazy("Event"),
    "organization": gettext_lazy("Organisation"),
}

SHOWN_IN_A_LIST = 20  # the cases of a list page's record: the first ones, then how many more


def action_label(code: str) -> str:
    """What `code` means, in the interface language; the code itself if nothing says."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    if code in PREFIX_LABELS:
        return str(PREFIX_LABELS[code])
    model_label, _sep, verb = code.rpartition(".")
    if verb in VERBS and model_label.count(".") == 1:
        return str(VERBS[verb]) % {"thing": _thing(model_label)}
    return code


def _thing(model_label: str) -> str:
    try:
        return str(apps.get_model(model_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return model_label


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's choices: groups of actions, then each action by what it means, in alphabetical order of
    the interface language."""
    labels = [(code, str(label)) for code, label in ACTION_LABELS.items()]
    return [
        (_("Groups of actions"), [(prefix, str(label)) for prefix, label in PREFIX_LABELS.items()]),
        (_("One action"), sorted(labels, key=lambda choice: choice[1].casefold())),
    ]


@dataclass(frozen=True)
class ShownEntry:
    """An audit record as the DPO's page shows it."""

    entry: AuditEntry
    action: str
    record: str
    case: str
    beneficiary: str
    detail: list[tuple[str, str]]


@dataclass(frozen=True)
class _Names:
    cases: Mapping[int, str]
    beneficiaries: Mapping[int, str]
    users: Mapping[int, str]


def _names(entries: list[AuditEntry]) -> _Names:
    """Case references, beneficiary codes and people's names for every id on a page (three queries)."""
    case_ids: set[int] = set()
    beneficiary_ids: set[int] = set()
    user_ids: set[int] = set()
    for entry in entries:
        case_ids |= {entry.case_id} if entry.case_id else set()
        beneficiary_ids |= {entry.beneficiary_id} if entry.beneficiary_id else set()
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        case_ids |= {i for i in detail.get("cases") or [] if isinstance(i, int)}
        for key in ("user", "member"):
            if isinstance(detail.get(key), int):
                user_ids.add(detail[key])
        if entry.object_id.isdigit():
            ids = {"cases.case": case_ids, "cases.beneficiary": beneficiary_ids, "accounts.user": user_ids}
            ids.get(entry.object_type, set()).add(int(entry.object_id))
    return _Names(
        cases=dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference")),
        beneficiaries=dict(Beneficiary.objects.filter(pk__in=beneficiary_ids).values_list("pk", "code")),
        users={u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)},
    )


def _record(entry: AuditEntry, names: _Names) -> str:
    if not entry.object_type:
        return ""
    thing = _thing(entry.object_type)
    by_id = {
        "cases.case": names.cases,
        "cases.beneficiary": names.beneficiaries,
        "accounts.user": names.users,
    }
    named = by_id.get(entry.object_type, {})
    if entry.object_id.isdigit() and int(entry.object_id) in named:
        return f"{thing} {named[int(entry.object_id)]}"
    if not entry.object_id:
        return thing
    return _("%(thing)s no. %(number)s") % {"thing": thing, "number": entry.object_id}


def _value(key: str, value: object, names: _Names) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "cases" and isinstance(value, list):
        shown = [
            names.cases.get(i, str(i)) if isinstance(i, int) else str(i) for i in value[:SHOWN_IN_A_LIST]
        ]
        more = len(value) - len(shown)
        return ", ".join(shown) + (" " + _("and %(count)d more") % {"count": more} if more > 0 else "")
    if key in ("user", "member") and isinstance(value, int):
        return names.users.get(value, str(value))
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)}: {_value(k, v, names)}" for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, item, names) for item in value) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


def _key_label(key: str) -> str:
    return str(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key.replace("_", " ").capitalize()


def audit_shown(entries: Iterable[AuditEntry]) -> list[ShownEntry]:
    """A page of the log in words."""
    listed = list(entries)
    names = _names(listed)
    shown = []
    for entry in listed:
        detail = entry.detail if isinstance(entry.detail, dict) else {"": entry.detail}
        shown.append(
            ShownEntry(
                entry=entry,
                action=action_label(entry.action),
                record=_record(entry, names),
                case=names.cases.get(entry.case_id, str(entry.case_id)) if entry.case_id else "",
                beneficiary=(
                    names.beneficiaries.get(entry.beneficiary_id, str(entry.beneficiary_id))
                    if entry.beneficiary_id
                    else ""
                ),
                detail=[(_key_label(k), _value(k, v, names)) for k, v in sorted(detail.items())],
            )
        )
    return shown
