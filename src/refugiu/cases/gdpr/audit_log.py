"""The audit log as the data protection officer reads it: searched by person, case, action and dates,
exported as CSV, and every break-glass access listed. Reading the log is itself logged."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone

from refugiu.accounts.models import User
from refugiu.accounts.roles import Permission
from refugiu.cases import access
from refugiu.cases.models import BreakGlass
from refugiu.core.audit import audit_record, security_events
from refugiu.core.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    """What the DPO filters the log by. Only ids, an action prefix, a kind and dates: these travel in URLs
    (for paging and the CSV link), so a beneficiary code or a username is resolved to an id first.
    `kind` is "" for every record or "security" for the security trail (core.audit.security_events)."""

    actor: int | None = None
    action: str = ""
    kind: str = ""
    case: int | None = None
    beneficiary: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def as_query(self) -> dict[str, object]:
        return {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


LISTING_ACTIONS = ("cases.case.listed", "cases.work.listed")
AUDIT_KIND_SECURITY = "security"


def audit_search(*, user: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    access.require_dpo(user)
    entries = AuditEntry.objects.all()
    if filters.actor is not None:
        entries = entries.filter(actor_id=filters.actor)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.kind == AUDIT_KIND_SECURITY:
        entries = entries.filter(security_events())
    if filters.case is not None:
        # A list page writes one record naming every case it showed (detail["cases"]); those count as
        # accesses of each of them. Matched on the record's text: JSON containment has no SQLite lookup.
        listed = Q(action__in=LISTING_ACTIONS) & Q(detail_text__regex=rf"[\[ ,]{int(filters.case)}[\],]")
        entries = entries.annotate(detail_text=Cast("detail", TextField())).filter(
            Q(case_id=filters.case) | listed
        )
    if filters.beneficiary is not None:
        entries = entries.filter(beneficiary_id=filters.beneficiary)
    if filters.since is not None:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


CSV_COLUMNS = (
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "beneficiary_id",
    "address",
    "detail",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(*, user: User, request: HttpRequest | None = None, filters: AuditFilters) -> Iterator[str]:
    """The filtered log as CSV lines, streamed; the export is audited before the first line."""
    access.require_dpo(user, Permission.AUDIT_EXPORT)
    entries = audit_search(user=user, filters=filters)
    audit_record(
        actor=user, action="core.audit.exported", request=request, detail={"filters": filters.as_query()}
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            row = [
                entry.at.isoformat(),
                entry.actor_name,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.case_id,
                entry.beneficiary_id,
                entry.address,
                json.dumps(entry.detail, sort_keys=True, ensure_ascii=False),
            ]
            yield writer.writerow([_cell(cell) for cell in row])

    return lines()


def break_glass_list(*, user: User) -> QuerySet[BreakGlass]:
    """Every break-glass access, newest first, with who, which case, when, until when and why."""
    access.require_dpo(user)
    return BreakGlass.objects.select_related("user", "case").order_by("-opened_at", "-pk")


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username__iexact=username.strip()).first()
