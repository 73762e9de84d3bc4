"""Who may see which case: the one scope every list, page, API, export and search goes through.

- A caseworker sees the cases whose team they are on.
- A coordinator sees every case of the departments they coordinate, the cases whose team they are on,
  and a case they broke the glass for, while that access lasts. They break the glass only for a case of a
  department they coordinate, unless REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"] lets them do so for any.
- Nobody else sees a case: not an administrator, not a superuser, not the data protection officer
  (who works through the GDPR tools, by beneficiary, and reads the audit log).

`case_get(user=…, case_id=…)` raises Http404 both for a case that does not exist and for one the user
may not see, so the answer never tells them apart; `record_of_case` does the same for a record of a case
(a task, a referral, a document…). Only the audit log tells them apart: a refused access to a record
that exists is recorded (who, which record, when) for the DPO.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from refugiu.accounts.models import RoleAssignment, user_has_permission
from refugiu.accounts.roles import Permission, Role
from refugiu.cases import vocabularies as v
from refugiu.cases.models import BreakGlass, Case, TeamMember
from refugiu.core.audit import refused_access_record

NOTHING = Q(pk__in=[])


def coordinated_department_ids(user) -> list[int]:
    if not user_has_permission(user, Permission.CASES_ACCESS):
        return []
    if not hasattr(user, "_coordinated_departments"):
        user._coordinated_departments = list(
            RoleAssignment.objects.filter(
                user=user, role=Role.COORDINATOR, department__isnull=False
            ).values_list("department_id", flat=True)
        )
    return user._coordinated_departments


def user_department_ids(user) -> set[int]:
    """The departments a coordinator or caseworker works in (their case roles' departments)."""
    if not user_has_permission(user, Permission.CASES_ACCESS):
        return set()
    return set(
        RoleAssignment.objects.filter(
            user=user, role__in=[Role.COORDINATOR, Role.CASEWORKER], department__isnull=False
        ).values_list("department_id", flat=True)
    )


def case_scope(user) -> Q:
    """A filter on Case that keeps exactly the cases `user` may see (nothing when they may see none).

    The ids of the cases the user is on (and, for a coordinator, broke the glass for) are fetched
    first, in one query: a person works on few cases, and a correlated "is this one theirs?" test made
    both engines walk every open case newest first to fill one page (130 ms at 100,000 cases instead
    of a few; see BENCHMARKS.md)."""
    if not user_has_permission(user, Permission.CASES_ACCESS):
        return NOTHING
    case_ids = TeamMember.objects.filter(user=user).values_list("case_id", flat=True)
    departments = coordinated_department_ids(user)
    if not departments:
        return Q(pk__in=list(case_ids))
    glass = BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
        "case_id", flat=True
    )
    return Q(pk__in=list(case_ids.union(glass))) | Q(department_id__in=departments)


def case_get(*, user, case_id, queryset=None, request=None) -> Case:
    """The case if `user` may see it; Http404 otherwise, exactly as for a case that does not exist (a
    case that exists is recorded as refused to them, "cases.case.access_refused")."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    queryset = queryset if queryset is not None else Case.objects.all()
    case = queryset.filter(case_scope(user)).filter(pk=case_id).first()
    if case is None:
        refused_access_record(actor=user, request=request, queryset=queryset, pk=case_id)
        raise Http404
    return case


def record_of_case(*, user, case: Case, queryset, record_id, request=None):
    """The record of `case` with this id, from `queryset` (of a model with a `case` key); Http404 when
    `case` has none, whether the id is unknown or belongs to another case. The latter is a refused
    access, audited like one to a case ("cases.task.access_refused", …)."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise Http404 from None
    record = queryset.filter(case=case, pk=record_id).first()
    if record is None:
        refused_access_record(actor=user, request=request, queryset=queryset, pk=record_id)
        raise Http404
    return record


def is_coordinator_of(user, case: Case) -> bool:
    return case.department_id in coordinated_department_ids(user)


def team_functions(user, case: Case) -> set[str]:
    cache = getattr(case, "_team_functions", None)
    if cache is None:
        cache = case._team_functions = {}
    if user.pk not in cache:
        cache[user.pk] = set(
            TeamMember.objects.filter(case=case, user=user).values_list("function", flat=True)
        )
    return cache[user.pk]


def break_glass_active(user, case: Case) -> bool:
    return BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists()


def readable_seals(user, case: Case) -> set[str]:
    """The note seals `user` may read on `case`: team notes always; a sealed kind only for its profession
    on the team, or for a coordinator during a break-glass access."""
    seals = {v.NoteSeal.NONE}
    functions = team_functions(user, case)
    for seal, function in v.SEAL_READERS.items():
        if function in functions:
            seals.add(seal)
    if len(seals) < len(v.NoteSeal) and is_coordinator_of(user, case) and break_glass_active(user, case):
        seals = set(v.NoteSeal.values)
    return seals


def can_edit(user, case: Case) -> bool:
    """Team members and the department's coordinators write to an open case; a closed one is read-only."""
    if case.is_closed:
        return False
    return bool(team_functions(user, case)) or is_coordinator_of(user, case)


def can_coordinate(user, case: Case) -> bool:
    """Assigning the team, approving closure, reopening, overriding consent: the department's coordinator."""
    return is_coordinator_of(user, case)


def break_glass_across_departments() -> bool:
    return bool(settings.REFUGIU.get("BREAK_GLASS_ACROSS_DEPARTMENTS", False))


def can_break_glass(user, case: Case) -> bool:
    """Only coordinators may break the glass (product brief §2), and by default only for a case of a
    department they coordinate: a case of another department needs that department's coordinator (or the
    data protection officer, who works through the GDPR tools). REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"]
    lets any coordinator break the glass for any case."""
    departments = coordinated_department_ids(user)
    if not departments:
        return False
    return case.department_id in departments or break_glass_across_departments()
