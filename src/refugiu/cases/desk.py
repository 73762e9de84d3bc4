"""What a caseworker's home (`/staff/`) shows of their cases: reads only, without side effects.

Each list keeps to the person's scope (`access.case_scope`: the cases whose team they are on, and for a
coordinator the cases of the departments they coordinate); the page that shows them audits the cases it
named, once (`read_audit.cases_listed`). Lists show references, codes, kinds and dates: never names.

- due now: their open tasks due today or overdue, and the deadlines of proceedings in their team's cases due
  today or overdue (`selectors.my_work`, "overdue" as `due` says);
- next seven days: the same, due from tomorrow to a week from today;
- referrals waiting for an answer: sent from their cases and not yet answered; for a coordinator, also those
  received by a department they coordinate (internal referrals; who takes one on is theirs to decide), named
  by the sending department and day only unless they may see the sending case;
- quiet cases: their open cases without any activity for REFUGIU["QUIET_CASE_DAYS"] days (30 by default);
- recently opened: their cases opened in the last REFUGIU["QUIET_CASE_DAYS"] days;
- for a coordinator: closures waiting for their decision, and break-glass accesses to their departments'
  cases of the last seven days, to look over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from refugiu.cases import access, due, selectors
from refugiu.cases import vocabularies as v
from refugiu.cases.models import BreakGlass, Case, Referral, TeamMember

if TYPE_CHECKING:
    from refugiu.accounts.models import User

UPCOMING_DAYS = 7
LIST_LENGTH = 20


def quiet_case_days() -> int:
    return settings.REFUGIU["QUIET_CASE_DAYS"]


@dataclass(frozen=True)
class ReceivedReferral:
    """An internal referral to a department the coordinator coordinates; `case` only when they may see it."""

    referral: Referral
    case: Case | None


@dataclass
class Desk:
    due_now: list[selectors.WorkItem] = field(default_factory=list)
    upcoming: list[selectors.WorkItem] = field(default_factory=list)
    referrals_sent: list[Referral] = field(default_factory=list)
    referrals_received: list[ReceivedReferral] = field(default_factory=list)
    quiet: list[Case] = field(default_factory=list)
    recent: list[Case] = field(default_factory=list)
    closures: list[Case] = field(default_factory=list)
    break_glass: list[BreakGlass] = field(default_factory=list)
    is_coordinator: bool = False

    def case_ids(self) -> list[int]:
        """Every case the desk names, once, in the order the page shows them: what its audit record lists."""
        cases: list[Case | None] = [item.case for item in self.due_now + self.upcoming]
        cases += [r.case for r in self.referrals_sent] + [r.case for r in self.referrals_received]
        cases += self.quiet + self.recent + self.closures + [g.case for g in self.break_glass]
        return list(dict.fromkeys(case.pk for case in cases if case is not None))


def _own_open_cases(user: User) -> QuerySet[Case]:
    """The open cases the person works on: their team's, and for a coordinator their departments'."""
    team = TeamMember.objects.filter(user=user).values("case_id")
    mine = Case.objects.visible_to(user).exclude(status=v.CaseStatus.CLOSED)
    departments = access.coordinated_department_ids(user)
    if departments:
        return mine.filter(department_id__in=departments) | mine.filter(pk__in=team)
    return mine.filter(pk__in=team)


def desk(*, user: User, on: dt.date | None = None) -> Desk:
    """Everything the home shows of `user`'s cases; an empty desk for someone who works on none."""
    if not access.works_on_cases(user):
        return Desk()
    on = on or due.today()
    work = selectors.my_work(user=user, until=on + dt.timedelta(days=UPCOMING_DAYS))
    own = _own_open_cases(user).select_related("beneficiary", "department")
    quiet_since = timezone.now() - dt.timedelta(days=quiet_case_days())
    found = Desk(
        due_now=[item for item in work if item.due_on <= on],
        upcoming=[item for item in work if item.due_on > on],
        referrals_sent=list(
            Referral.objects.filter(case__in=own, status=v.ReferralStatus.SENT)
            .select_related("case__beneficiary", "service__organization", "organization", "department")
            .order_by("sent_on", "pk")[:LIST_LENGTH]
        ),
        quiet=list(own.filter(updated_at__lt=quiet_since).order_by("updated_at", "pk")[:LIST_LENGTH]),
        recent=list(
            own.filter(opened_on__gte=on - dt.timedelta(days=quiet_case_days())).order_by(
                "-opened_on", "-pk"
            )[:LIST_LENGTH]
        ),
    )
    departments = access.coordinated_department_ids(user)
    if departments:
        found.is_coordinator = True
        found.referrals_received = referrals_received(user=user, departments=departments)
        found.closures = list(closures_waiting(user=user)[:LIST_LENGTH])
        found.break_glass = list(
            BreakGlass.objects.filter(
                case__department_id__in=departments,
                opened_at__gte=timezone.now() - dt.timedelta(days=UPCOMING_DAYS),
            )
            .select_related("case__beneficiary", "user")
            .order_by("-opened_at", "-pk")[:LIST_LENGTH]
        )
    return found


def closures_waiting(*, user: User) -> QuerySet[Case]:
    """The closures a coordinator is asked to decide: their departments' open cases whose closure was
    requested, oldest request first (nothing for anyone else)."""
    return (
        Case.objects.visible_to(user)
        .filter(
            department_id__in=access.coordinated_department_ids(user),
            closure_requested_at__isnull=False,
        )
        .exclude(status=v.CaseStatus.CLOSED)
        .select_related("beneficiary", "department", "closure_requested_by")
        .order_by("closure_requested_at", "pk")
    )


def referrals_received(*, user: User, departments: list[int]) -> list[ReceivedReferral]:
    """Internal referrals to the departments a coordinator coordinates, not answered yet, oldest first.
    Whoever may see the sending case gets it (`case`); the others get the sending department and the day."""
    received = list(
        Referral.objects.filter(
            kind=v.ReferralKind.INTERNAL, status=v.ReferralStatus.SENT, department_id__in=departments
        )
        .exclude(case__status=v.CaseStatus.CLOSED)
        .select_related("case__department")
        .order_by("sent_on", "pk")[:LIST_LENGTH]
    )
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[r.case_id for r in received])
        .values_list("pk", flat=True)
    )
    return [ReceivedReferral(r, r.case if r.case_id in visible else None) for r in received]
