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

Every other rule of who may do what with case files lives here too, and is asked by whoever needs it: the
pages, the API and the services (which check again, whoever called them). Where a page or the API must
refuse before calling a service, the `require_*` helpers refuse with the service's own `CaseError`, so
the answer is the same whichever layer gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar, cast

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.accounts.models import RoleAssignment, user_has_permission
from refugiu.accounts.roles import Permission, Role
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import require
from refugiu.cases.models import Beneficiary, BreakGlass, Case, TeamMember
from refugiu.core.audit import refused_access_record
from refugiu.organisation.models import Department

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User

NOTHING = Q(pk__in=[])

_Kept = TypeVar("_Kept")


class KeptOnObject(Generic[_Kept]):
    """A value worked out once per object and kept as the object's attribute `attribute`: it lives exactly
    as long as the object (a request's user, a case loaded for one page), so a page asks the database once
    however many rules need it. Here its type is named once: the objects' classes do not declare it."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def get(self, obj: Model, compute: Callable[[], _Kept]) -> _Kept:
        if not hasattr(obj, self.attribute):
            setattr(obj, self.attribute, compute())  # through request.user's lazy wrapper to the user
        return cast(_Kept, getattr(obj, self.attribute))


# The departments a user coordinates; the functions each user holds on a case, by user id.
_COORDINATED_DEPARTMENTS = KeptOnObject[list[int]]("_coordinated_departments")
_TEAM_FUNCTIONS = KeptOnObject[dict[int, set[str]]]("_team_functions")


def works_on_cases(user: User | AnonymousUser) -> TypeGuard[User]:
    """Caseworkers and coordinators (a role granting "cases.access"): nobody else reaches a case file (and
    so nobody who is not signed in: True says `user` is a User)."""
    return user_has_permission(user, Permission.CASES_ACCESS)


def coordinated_department_ids(user: User) -> list[int]:
    if not works_on_cases(user):
        return []
    return _COORDINATED_DEPARTMENTS.get(
        user,
        lambda: list(
            RoleAssignment.objects.filter(
                user=user, role=Role.COORDINATOR, department__isnull=False
            ).values_list("department_id", flat=True)
        ),
    )


def user_department_ids(user: User) -> set[int]:
    """The departments a coordinator or caseworker works in (their case roles' departments)."""
    if not works_on_cases(user):
        return set()
    return set(
        RoleAssignment.objects.filter(
            user=user, role__in=[Role.COORDINATOR, Role.CASEWORKER], department__isnull=False
        ).values_list("department_id", flat=True)
    )


def case_scope(user: User | AnonymousUser) -> Q:
    """A filter on Case that keeps exactly the cases `user` may see (nothing when they may see none).

    The ids of the cases the user is on (and, for a coordinator, broke the glass for) are fetched
    first, in one query: a person works on few cases, and a correlated "is this one theirs?" test made
    both engines walk every open case newest first to fill one page (130 ms at 100,000 cases instead
    of a few; see BENCHMARKS.md)."""
    if not works_on_cases(user):
        return NOTHING
    case_ids = TeamMember.objects.filter(user=user).values_list("case_id", flat=True)
    departments = coordinated_department_ids(user)
    if not departments:
        return Q(pk__in=list(case_ids))
    glass = BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
        "case_id", flat=True
    )
    return Q(pk__in=list(case_ids.union(glass))) | Q(department_id__in=departments)


def case_get(
    *,
    user: User | AnonymousUser,
    case_id: int | str,
    queryset: QuerySet[Case] | None = None,
    request: HttpRequest | None = None,
) -> Case:
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


def record_of_case(
    *,
    user: User,
    case: Case,
    queryset: QuerySet[Any],
    record_id: int | str,
    request: HttpRequest | None = None,
) -> Any:
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


def coordinates(user: User, department_id: int) -> bool:
    """Whether `user` coordinates this department."""
    return department_id in coordinated_department_ids(user)


def is_coordinator_of(user: User, case: Case) -> bool:
    return coordinates(user, case.department_id)


def team_functions(user: User, case: Case) -> set[str]:
    cache = _TEAM_FUNCTIONS.get(case, dict)
    if user.pk not in cache:
        cache[user.pk] = set(
            TeamMember.objects.filter(case=case, user=user).values_list("function", flat=True)
        )
    return cache[user.pk]


def break_glass_active(user: User, case: Case) -> bool:
    return BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists()


def readable_seals(user: User, case: Case) -> set[str]:
    """The note seals `user` may read on `case`: team notes always; a sealed kind only for its profession
    on the team, or for a coordinator during a break-glass access."""
    seals: set[str] = {v.NoteSeal.NONE}
    functions = team_functions(user, case)
    for seal, function in v.SEAL_READERS.items():
        if function in functions:
            seals.add(seal)
    if len(seals) < len(v.NoteSeal) and can_unseal(user, case) and break_glass_active(user, case):
        seals = set(v.NoteSeal.values)
    return seals


def can_edit(user: User, case: Case) -> bool:
    """Team members and the department's coordinators write to an open case; a closed one is read-only."""
    if case.is_closed:
        return False
    return bool(team_functions(user, case)) or is_coordinator_of(user, case)


def require_writable(user: User, case: Case) -> None:
    """CaseError unless `user` may write to `case` (`can_edit`): "closed" for a closed case, "forbidden"
    for one they do not work on."""
    require(
        can_edit(user, case),
        "closed" if case.is_closed else "forbidden",
        _("This case is closed.") if case.is_closed else _("You cannot change this case."),
    )


def can_coordinate(user: User, case: Case) -> bool:
    """Assigning the team, approving closure, reopening, overriding consent: the department's coordinator."""
    return is_coordinator_of(user, case)


def break_glass_across_departments() -> bool:
    return bool(settings.REFUGIU.get("BREAK_GLASS_ACROSS_DEPARTMENTS", False))


def can_break_glass(user: User, case: Case) -> bool:
    """Only coordinators may break the glass (product brief §2), and by default only for a case of a
    department they coordinate: a case of another department needs that department's coordinator (or the
    data protection officer, who works through the GDPR tools). REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"]
    lets any coordinator break the glass for any case."""
    departments = coordinated_department_ids(user)
    if not departments:
        return False
    return case.department_id in departments or break_glass_across_departments()


def can_unseal(user: User, case: Case) -> bool:
    """Whether a break-glass access opens the sealed notes of `case` to `user`: only for the department's
    coordinator, even where REFUGIU["BREAK_GLASS_ACROSS_DEPARTMENTS"] lets another department's coordinator
    break the glass to reach the case (by its reference). So only they break the glass from the case page,
    which is there to open the sealed notes."""
    return is_coordinator_of(user, case)


# The data protection officer --------------------------------------------------------------------------


def require_dpo(user: User | AnonymousUser, permission: Permission = Permission.AUDIT_VIEW) -> None:
    """CaseError "forbidden" unless `user` holds `permission`: the data protection officer's ("audit.view"),
    or "audit.export" for the log's export. The DPO works by beneficiary through the GDPR tools and reads
    the audit log; no case reaches them through the case scope."""
    require(
        user_has_permission(user, permission),
        "forbidden",
        _("Only the data protection officer can do this."),
    )


# Opening cases ---------------------------------------------------------------------------------------


def departments_worked_in(user: User) -> QuerySet[Department]:
    """The departments where `user` may open cases: those they work in as caseworker or coordinator."""
    return Department.objects.filter(pk__in=user_department_ids(user))


def require_works_in(user: User, department_id: int) -> None:
    """CaseError "department" unless `user` works in this department (a department that does not exist
    is refused alike)."""
    require(
        department_id in user_department_ids(user),
        "department",
        _("You can open cases only in a department you work in."),
    )


def require_may_choose_team(user: User, department_id: int) -> None:
    """Choosing who works on a case (more than oneself as its lead) is for the department's coordinator."""
    require(
        coordinates(user, department_id),
        "forbidden",
        _("Only the department's coordinator can change the team."),
    )


def beneficiaries_open_to(user: User) -> QuerySet[Beneficiary]:
    """The beneficiaries `user` may open a case for: those of a case they may see, and those they registered
    themselves that have no case yet (registration is followed by opening the first case)."""
    visible = Case.objects.visible_to(user).filter(beneficiary=OuterRef("pk"))
    any_case = Case.objects.filter(beneficiary=OuterRef("pk"))
    return Beneficiary.objects.filter(Q(Exists(visible)) | (Q(created_by=user) & ~Q(Exists(any_case))))


def may_open_case_for(user: User, beneficiary: Beneficiary) -> bool:
    return beneficiaries_open_to(user).filter(pk=beneficiary.pk).exists()


def beneficiary_for_new_case(
    *, user: User, beneficiary_id: int | str, request: HttpRequest | None = None
) -> Beneficiary:
    """The beneficiary with this id if `user` may open a case for them; Http404 otherwise, as for one that
    does not exist (one that exists is recorded as refused, "cases.beneficiary.access_refused")."""
    try:
        beneficiary_id = int(beneficiary_id)
    except (TypeError, ValueError):
        raise Http404 from None
    beneficiary = beneficiaries_open_to(user).filter(pk=beneficiary_id).first()
    if beneficiary is None:
        refused_access_record(
            actor=user, request=request, queryset=Beneficiary.objects.all(), pk=beneficiary_id
        )
        raise Http404
    return beneficiary


# Merging duplicates ----------------------------------------------------------------------------------


def can_merge(user: User, beneficiary: Beneficiary) -> bool:
    """A record may be merged (kept, or folded into another) by a coordinator of every department it has
    a case in."""
    departments = set(coordinated_department_ids(user))
    own = set(beneficiary.cases.values_list("department_id", flat=True))
    return bool(departments) and own <= departments
