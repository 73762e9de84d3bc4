"""Break-glass: a coordinator's time-limited access, with a written reason, to a case they would not see
or to its sealed notes. The data protection officer sees every one (and every refusal by reference)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases.errors import CaseError, require
from refugiu.cases.models import BreakGlass, Case
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User


def break_glass_open_sealed(
    *, user: User, request: HttpRequest | None = None, case: Case, reason: str
) -> BreakGlass:
    """Break the glass from the case's page, to read its sealed notes: the department's coordinator only
    (`access.can_unseal`), whoever else may reach the case by breaking the glass. Then as
    `break_glass_open`."""
    require(
        access.can_unseal(user, case),
        "forbidden",
        _("Only the department's coordinator can break the glass."),
    )
    return break_glass_open(user=user, request=request, case=case, reason=reason)


def break_glass_open(
    *, user: User, request: HttpRequest | None = None, case: Case, reason: str
) -> BreakGlass:
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


def break_glass_open_by_reference(
    *, user: User, request: HttpRequest | None = None, reference: str, reason: str
) -> BreakGlass:
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
