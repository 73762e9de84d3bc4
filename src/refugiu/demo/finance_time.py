"""The demo's staff time for grant finance: three demo accounts' example employments and a year (2019) of
their timesheets, written through finance's timesheet services. The figures are illustrative, like every
amount of the demo's example grants (demo.finance)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from refugiu.accounts.models import User
from refugiu.finance.models import Employment, Grant, WorkPackage
from refugiu.finance.services.timesheets import EntryInput, timesheet_approve, timesheet_fill, timesheet_sign
from refugiu.finance.vocabularies import TimeKind

YEAR = 2019
MANAGER = "finance"
PROJECT_COORDINATOR = "projectlead"


@dataclass(frozen=True)
class DemoStaff:
    """A demo account's example employment: what a year of it costs, how much of a full time, who approves
    its timesheets, and its share of each grant's work (by agreement number)."""

    username: str
    fte: Decimal
    annual_cost: Decimal
    supervisor: str
    grants: dict[str, int]
    leave: tuple[tuple[int, int, int], ...]  # (month, first day, last day) of annual leave in 2019


STAFF = [
    DemoStaff(
        "timesheet",
        Decimal("1"),
        Decimal("21500.00"),
        PROJECT_COORDINATOR,
        {"EXAMPLE-JUST-2019-02": 3, "EXAMPLE-JUST-2019-01": 2, "EXAMPLE-JUST-2019-03": 2},
        ((4, 22, 26), (8, 5, 16), (12, 23, 31)),
    ),
    DemoStaff(
        "timesheet2",
        Decimal("0.5"),
        Decimal("9800.00"),
        PROJECT_COORDINATOR,
        {"EXAMPLE-ISFP-2019-01": 3, "EXAMPLE-REC-2019-01": 2},
        ((7, 15, 26), (12, 27, 31)),
    ),
    DemoStaff(
        PROJECT_COORDINATOR,
        Decimal("1"),
        Decimal("27600.00"),
        MANAGER,
        {
            "EXAMPLE-JUST-2019-01": 2,
            "EXAMPLE-JUST-2019-02": 2,
            "EXAMPLE-ISFP-2019-01": 2,
            "EXAMPLE-JUST-2019-03": 1,
            "EXAMPLE-REC-2019-01": 1,
        },
        ((5, 13, 17), (8, 19, 30), (12, 23, 31)),
    ),
]
# Romania's public holidays of 2019 (Labour Code, art. 139): no work recorded on them.
HOLIDAYS_2019 = {
    datetime.date(2019, month, day)
    for month, day in (
        (1, 1),
        (1, 2),
        (1, 24),
        (4, 26),
        (4, 28),
        (4, 29),
        (5, 1),
        (6, 1),
        (6, 16),
        (6, 17),
        (8, 15),
        (11, 30),
        (12, 1),
        (12, 25),
        (12, 26),
    )
}


# --- Time ---------------------------------------------------------------------------------------------------


def timesheets_load(grants: list[Grant], users: dict[str, User], rng: random.Random) -> None:
    """A year of each demo person's time, through the timesheet services as they and their supervisor would
    do it (so every rule is checked and every step audited): filled and signed for January to November,
    approved up to October by the supervisor; December still a draft."""
    by_number = {grant.agreement_number: grant for grant in grants}
    packages: dict[int, list[WorkPackage]] = {}
    for package in WorkPackage.objects.filter(grant__in=grants):
        packages.setdefault(package.grant_id, []).append(package)
    for staff in STAFF:
        user, supervisor = users.get(staff.username), users.get(staff.supervisor)
        if user is None or supervisor is None:
            continue
        Employment.objects.create(
            user=user,
            start=datetime.date(2018, 1, 1),
            fte=staff.fte,
            annual_cost=staff.annual_cost,
            supervisor=supervisor,
        )
        leave = {
            datetime.date(YEAR, month, day)
            for month, first, last in staff.leave
            for day in range(first, last + 1)
        }
        for month in range(1, 13):
            first = datetime.date(YEAR, month, 1)
            entries = _month_entries(first, staff, by_number, packages, leave, rng)
            sheet = timesheet_fill(actor=user, month=first, entries=entries)
            if month <= 11:
                timesheet_sign(actor=user, sheet=sheet)
            if month <= 10:
                timesheet_approve(actor=supervisor, sheet=sheet)


def _month_entries(
    month: datetime.date,
    staff: DemoStaff,
    grants: dict[str, Grant],
    packages: dict[int, list[WorkPackage]],
    leave: set[datetime.date],
    rng: random.Random,
) -> list[EntryInput]:
    """A month of working days: 8 hours a day × the full-time equivalent, on the grants running that day
    (one or two of them, by the person's shares), the rest other work; leave and public holidays as
    absence (a public holiday on a working day is recorded, so the month adds up)."""
    day_hours = Decimal(8) * staff.fte
    entries = []
    day = month
    while day.month == month.month:
        if day.weekday() < 5:
            if day in HOLIDAYS_2019 or day in leave:
                note = "public holiday" if day in HOLIDAYS_2019 else "annual leave"
                entries.append(EntryInput(date=day, kind=TimeKind.ABSENCE, hours=day_hours, note=note))
            else:
                entries += _working_day(day, day_hours, staff, grants, packages, rng)
        day += datetime.timedelta(days=1)
    return entries


def _working_day(
    day: datetime.date,
    day_hours: Decimal,
    staff: DemoStaff,
    grants: dict[str, Grant],
    packages: dict[int, list[WorkPackage]],
    rng: random.Random,
) -> list[EntryInput]:
    running = [
        (grants[number], weight)
        for number, weight in staff.grants.items()
        if number in grants and grants[number].start <= day <= grants[number].end
    ]
    entries = []
    left = day_hours
    if running:
        chosen = rng.choices([g for g, _w in running], weights=[w for _g, w in running], k=2)
        # Mostly project work: 4 to 6 of 8 hours (half that for half time), on one grant or two.
        project_hours = (Decimal(rng.choice((4, 5, 5, 6, 6))) * staff.fte).quantize(Decimal("0.25"))
        splits = [project_hours] if chosen[0] == chosen[1] else [project_hours / 2, project_hours / 2]
        for grant, hours in zip(chosen, splits, strict=False):
            hours = hours.quantize(Decimal("0.25"))
            entries.append(
                EntryInput(
                    date=day,
                    kind=TimeKind.PROJECT,
                    grant=grant,
                    work_package=rng.choice(packages[grant.pk]),
                    hours=hours,
                )
            )
            left -= hours
    if left > 0:
        entries.append(EntryInput(date=day, kind=TimeKind.OTHER_WORK, hours=left))
    return entries
