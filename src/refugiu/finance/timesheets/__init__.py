"""The rules of staff time: what an hour (or day) of someone costs, how much of a year may be charged, and
what an auditor refuses in a month of a timesheet. The one home of these rules, for services, pages and
statements alike.

- **Units.** Timesheets record hours. A template counting days (`TimeBasis.DAY`) turns them into
  day-equivalents: hours ÷ the template's `hours_per_day`.
- **Rate.** The hourly (or daily) rate of an employment is its annual personnel costs ÷ (the template's
  productive time × the full-time equivalent): 24,080 a year at 1,720 hours is 14.00 an hour; 43,000 a year
  at 215 days is 200.00 a day. It is kept unrounded; money is rounded once, per line (below).
- **A day.** The contracted day is 8 hours × the full-time equivalent, unless the employment records a
  longer (or shorter) one (`Employment.day_hours`). A day's project time, other work and absence together
  must fit in it, so no more hours are charged to projects than were worked; a day marked absent for the
  whole contracted day carries no project time at all. Weekends and public holidays are not special: time
  on them follows the same rule.
- **The year's ceiling.** Project time charged in a calendar year (all grants, in the units of each
  template charged) may not exceed the template's productive time × the full-time equivalent, pro rata for
  the part of the year the employment covers (days covered ÷ days in the year; several employments in a
  year add up). The months counted are the signed and approved ones, with the month being checked.
- **Grants.** Project time lies within the grant's period and within an employment, on a work package of
  that grant, on a grant our organisation is a beneficiary of (`GrantPartner.is_us`, to whom the personnel
  costs go), and never in a reporting period whose statement was submitted (`finance.periods`).
- **Personnel costs** of a grant (`personnel_cost_lines`, below, which statements and monitoring read) are
  its approved project time × the hour's cost of the employment in force in the month, summed per (person,
  month, work package) line, booked on the beneficiary that is us and the template's timesheet category,
  and rounded once per line with `money.cents`; a grant's, a work package's or a beneficiary's total is the
  sum of its rounded lines.
- **Kept, not summed on each read.** The lines of an approved month are written once, priced, into
  `PersonnelCost` (`personnel_costs_write`, by the approval in the same transaction) and removed when a
  correction supersedes the month; `finance.signals` reprices them (`personnel_costs_refresh`) when an
  employment, a grant's template or a template changes, whatever saves it. So statements and monitoring read
  a row per person, month and work package (three queries; `personnel_cost_sums` lets the database add them
  up) instead of every approved hour; a month a period's start or end cuts is priced from its entries.
  Why a table rather than a cache keyed by a version: the approved time never changes (a correction is a new
  month) and what prices it changes on few, known paths; a version would have to be bumped on the same paths,
  and a missed bump would serve stale figures just as silently, while the table keeps each line's amount
  for an auditor to query.
"""

from refugiu.finance.timesheets.costs import (
    PersonnelCostLine,
    PersonnelCostSums,
    hour_cost,
    personnel_cost_lines,
    personnel_cost_sums,
    personnel_costs_refresh,
    personnel_costs_write,
)
from refugiu.finance.timesheets.rules import (
    COUNTED,
    FULL_DAY_HOURS,
    ceiling_problems,
    closed_time,
    contracted_day,
    employment_on,
    employments_of,
    month_days,
    month_end,
    month_start,
    sheet_problems,
    unit_rate,
    units,
    year_ceiling,
)

__all__ = [
    "COUNTED",
    "FULL_DAY_HOURS",
    "PersonnelCostLine",
    "PersonnelCostSums",
    "ceiling_problems",
    "closed_time",
    "contracted_day",
    "employment_on",
    "employments_of",
    "hour_cost",
    "month_days",
    "month_end",
    "month_start",
    "personnel_cost_lines",
    "personnel_cost_sums",
    "personnel_costs_refresh",
    "personnel_costs_write",
    "sheet_problems",
    "unit_rate",
    "units",
    "year_ceiling",
]
