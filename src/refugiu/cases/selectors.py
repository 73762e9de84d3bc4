"""Reads of case data. Each goes through `access.case_scope`, and has no side effect: the page or API
handler that shows what was read writes its audit record (`read_audit`), once per read path.

Query counts are fixed: a page of the case list, a case page and its timeline each cost the same number
of queries whatever the page size or the length of the case's history (tests assert the counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from refugiu.cases import access, due
from refugiu.cases import vocabularies as v
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Consent,
    Document,
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
from refugiu.core.crypto import blind_tokens

if TYPE_CHECKING:
    from refugiu.accounts.models import User

TIMELINE_LENGTH = 50


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    category: str = ""
    department: int | None = None
    overdue: bool = False


def case_list(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases `user` may see, most recently active first, with what the list shows."""
    filters = filters or CaseFilters()
    cases = Case.objects.visible_to(user).select_related("beneficiary", "department")
    if filters.status:
        cases = cases.filter(status=filters.status)
    else:
        cases = cases.exclude(status=v.CaseStatus.CLOSED)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    listed = cases.annotate(is_overdue=due.case_is_overdue())
    if filters.overdue:
        listed = listed.filter(is_overdue=True)
    return listed.order_by("-updated_at", "-pk")


def cases_for_reading() -> QuerySet[Case]:
    """Cases with what a page or an answer about one shows first: the beneficiary (code and identity) and
    the department. Fetch one through `access.case_get(queryset=…)`, which keeps to the user's scope."""
    return Case.objects.select_related("beneficiary", "department", "beneficiary__identity")


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str
    record: object


def _as_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def case_timeline(*, user: User, case: Case, limit: int = TIMELINE_LENGTH) -> list[TimelineItem]:
    """The latest `limit` events of every kind, newest first: one query per kind, whatever the history.

    Sealed notes the user may not read appear as sealed (who wrote one and when, not what it says)."""
    seals = access.readable_seals(user, case)
    items = chain(
        (
            TimelineItem(_as_datetime(s.delivered_on), "service", s)
            for s in ServiceEntry.objects.filter(case=case)
            .select_related("staff")
            .order_by("-delivered_on", "-pk")[:limit]
        ),
        (
            TimelineItem(n.written_at, "note" if n.seal in seals else "sealed_note", n)
            for n in Note.objects.filter(case=case).select_related("author").order_by("-written_at")[:limit]
        ),
        (
            TimelineItem(c.at, "status", c)
            for c in StatusChange.objects.filter(case=case).select_related("by").order_by("-at")[:limit]
        ),
        (
            TimelineItem(_as_datetime(r.sent_on), "referral", r)
            for r in Referral.objects.filter(case=case)
            .select_related("service__organization", "organization", "department")
            .order_by("-sent_on", "-pk")[:limit]
        ),
        (
            TimelineItem(_as_datetime(a.assessed_on), "assessment", a)
            for a in NeedsAssessment.objects.filter(case=case)
            .select_related("author")
            .order_by("-assessed_on")[:limit]
        ),
        (
            TimelineItem(c.recorded_at, "consent", c)
            for c in Consent.objects.filter(case=case)
            .select_related("organization")
            .order_by("-recorded_at")[:limit]
        ),
        (
            TimelineItem(d.uploaded_at, "document", d)
            for d in Document.objects.filter(case=case)
            .select_related("uploaded_by")
            .order_by("-uploaded_at")[:limit]
        ),
    )
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]


def case_sidebar(*, case: Case) -> dict[str, Any]:
    """What a case page shows beside the timeline: team, open tasks, proceedings, active consents, and
    which tasks and deadlines are overdue (`due`), by id."""
    tasks = list(
        Task.objects.filter(case=case, done_at__isnull=True)
        .select_related("assignee")
        .order_by("due_on")[:50]
    )
    proceedings = list(Proceeding.objects.filter(case=case).order_by("deadline", "pk")[:50])
    return {
        "team": list(TeamMember.objects.filter(case=case).select_related("user").order_by("-is_lead", "pk")),
        "tasks": tasks,
        "overdue_task_ids": {t.pk for t in tasks if due.record_is_overdue(case, t)},
        "proceedings": proceedings,
        "overdue_proceeding_ids": {p.pk for p in proceedings if due.record_is_overdue(case, p)},
        "consents": list(
            Consent.objects.filter(beneficiary_id=case.beneficiary_id)
            .select_related("organization")
            .order_by("-given_on", "-pk")[:50]
        ),
        "assessment": NeedsAssessment.objects.filter(case=case).order_by("-assessed_on", "-pk").first(),
    }


@dataclass(frozen=True)
class WorkItem:
    due_on: dt.date
    kind: str  # "task" or "deadline"
    case: Case
    record: Task | Proceeding

    @property
    def is_overdue(self) -> bool:
        return due.record_is_overdue(self.case, self.record)


def my_work(*, user: User, limit: int = 200, until: dt.date | None = None) -> list[WorkItem]:
    """The user's open tasks and the deadlines of proceedings in their cases, overdue first; only those due
    by `until` when it is given (the staff home's "today" and "next seven days")."""
    visible = Case.objects.visible_to(user).exclude(status=v.CaseStatus.CLOSED)
    tasks = Task.objects.filter(assignee=user, done_at__isnull=True, case__in=visible).select_related("case")
    team_cases = TeamMember.objects.filter(user=user).values("case_id")
    deadlines = Proceeding.objects.filter(
        case__in=visible.filter(pk__in=team_cases), deadline__isnull=False
    ).select_related("case")
    if until is not None:
        tasks, deadlines = tasks.filter(due_on__lte=until), deadlines.filter(deadline__lte=until)
    items = [WorkItem(t.due_on, "task", t.case, t) for t in tasks.order_by("due_on")[:limit]]
    items += [
        WorkItem(p.deadline, "deadline", p.case, p)
        for p in deadlines.order_by("deadline")[:limit]
        if p.deadline is not None  # all of them (deadline__isnull=False): said for the type checker
    ]
    return sorted(items, key=lambda item: (item.due_on, item.kind))[:limit]


@dataclass(frozen=True)
class PossibleMatch:
    beneficiary: Beneficiary
    matched_on: tuple[str, ...]
    visible_cases: tuple[Case, ...]


def beneficiary_search(
    *,
    user: User,
    names: str = "",
    phone: str = "",
    document: str = "",
    code: str = "",
    date_of_birth: str = "",
) -> list[PossibleMatch]:
    """Search-before-register: existing records that share a name word, the phone, the document number or
    the code. Matches outside the user's cases show only their code, so a duplicate is caught without
    showing anyone's file. A date of birth ("YYYY-MM-DD") finds nobody by itself: a match found otherwise
    whose recorded date is the same says so. The caller audits the search
    (`read_audit.beneficiaries_searched`)."""
    wanted = {
        "name": blind_tokens(names, kind="name"),
        "phone": blind_tokens(phone, kind="phone"),
        "document": blind_tokens(document, kind="document"),
    }
    scores: dict[int, set[str]] = {}
    name_hits: dict[int, int] = {}
    digests = {d for tokens in wanted.values() for d in tokens}
    if digests:
        for beneficiary_id, kind in IdentityToken.objects.filter(digest__in=digests).values_list(
            "beneficiary_id", "kind"
        ):
            scores.setdefault(beneficiary_id, set()).add(kind)
            if kind == "name":
                name_hits[beneficiary_id] = name_hits.get(beneficiary_id, 0) + 1
    if code.strip():
        for beneficiary_id in Beneficiary.objects.filter(code=code.strip().upper()).values_list(
            "pk", flat=True
        ):
            scores.setdefault(beneficiary_id, set()).add("code")
    # One shared given name is common, and listing everyone called Maria would be a leak of its own:
    # a match on names alone needs two name words.
    keep = {b: kinds for b, kinds in scores.items() if kinds != {"name"} or name_hits.get(b, 0) >= 2}
    if date_of_birth and keep:
        for beneficiary_id, born in BeneficiaryIdentity.objects.filter(
            beneficiary_id__in=list(keep)[:50]
        ).values_list("beneficiary_id", "date_of_birth"):
            if born == date_of_birth:
                keep[beneficiary_id] = keep[beneficiary_id] | {"date_of_birth"}
    beneficiaries = Beneficiary.objects.filter(pk__in=list(keep)[:50]).prefetch_related(
        Prefetch(
            "cases", queryset=Case.objects.visible_to(user).select_related("department"), to_attr="visible"
        )
    )
    return [
        PossibleMatch(
            beneficiary=(b.merged_into or b),
            matched_on=tuple(sorted(keep[b.pk])),
            visible_cases=tuple(b.visible),
        )
        for b in beneficiaries.select_related("merged_into")
    ]
