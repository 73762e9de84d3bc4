"""Opening hours: HSDS 3 schedules read as rules, said in words, and asked "open at this moment?".

HSDS 3 gives a schedule as the fields of an iCal RRULE (freq, interval, byday, bymonthday, dtstart, until,
count, wkst) with opening and closing times, a validity (valid_from, valid_to) and a time zone given as a
UTC offset. What they mean here, the same for the words, for `is_open` and `next_opening`, and for the SQL
of the "open now" filter (`directory.open_now`, which a test holds to the same answers):

- A *recurring* schedule is WEEKLY (byday; interval n: every n-th week counted from dtstart, weeks
  beginning on wkst) or MONTHLY (byday, where "2MO" is the second Monday and "-1FR" the last Friday of
  the month; bymonthday, where -1 is the last day; both: days that are both; interval n: every n-th month
  from dtstart). Without freq, byday means weekly and bymonthday monthly; DAILY means every day. It
  falls on those days from valid_from and dtstart, to valid_to and until, for `count` occurrences.
  On each day it falls on it is open from opens_at to closes_at; a closing time at or before the
  opening time runs past midnight (00:00 to 00:00 is the whole day). No recurrence, no dates, and hours:
  every day.
- An *exceptional* schedule has no recurrence and a range of dates: valid_from to valid_to, or dtstart
  alone (one day). On those dates it replaces the recurring schedules of the same record (a service, a
  location, or a service at a location): without hours the record is closed those days (a holiday),
  with hours those are the day's hours. HSDS 3 has no holiday table (HSDS 2's `holiday_schedule` is
  gone); this is how its schedule fields say a closure.
- Times are local to the schedule's `timezone`, a UTC offset in hours. Without one, to settings.TIME_ZONE,
  with its summer time: HSDS assumes UTC, but a directory's data without an offset gives its town's
  clock, as people read it.
- What cannot be read (byweekno, byyearday, another freq, an interval without dtstart, one of the two
  times alone, a recurring schedule without hours) is shown by its description only and makes the answer
  "not known" rather than "closed". Nothing is guessed.

A public record's hours come from several records' schedules (`service_groups`, `organization_groups`,
`service_at_location_group`); each such set of schedules is a *group*, whose exceptions apply to its
own recurring schedules only. A record is open when one of its groups is.

Moments are compared by the minute, in the wall-clock time of the schedule's zone.

The package, a module per part (every name callers use is exported here):

- `rules`: a schedule read (`Rule`), its clock, and the days it falls on;
- `reading`: a schedule's HSDS fields read as a `Rule` (`rule_from`);
- `open_at`: a record's schedules as groups, asked whether open at a moment (`is_open`, `status`,
  `next_opening`), and the moment "now" means (`now`: callers ask `schedules.now()` of the package, which
  is where tests set it);
- `owners`: whose schedules give a public record its groups;
- `words`: all of it in words;
- `weekly`: simple weekly hours (a representative's form) as schedules, and schedules read back as them.
"""

from refugiu.directory.schedules.open_at import Group, Status, is_open, next_opening, now, status
from refugiu.directory.schedules.owners import (
    Owner,
    organization_groups,
    rules_by_owner,
    service_at_location_group,
    service_groups,
)
from refugiu.directory.schedules.reading import rule_from, schedule_row
from refugiu.directory.schedules.rules import (
    CHAIN_LIMIT,
    DAY_CODES,
    EVERY_DAY,
    HORIZON_DAYS,
    MAX_INTERVAL,
    MAX_OFFSET_MINUTES,
    MINUTES_A_DAY,
    SCHEDULE_FIELDS,
    Kind,
    Rule,
    month_index,
    nth_of_month,
    rule_falls_on,
    site_zone,
    week_index,
)
from refugiu.directory.schedules.weekly import MAX_RANGES, WeeklyHours, weekly_from_rows, weekly_rows
from refugiu.directory.schedules.words import HoursLine, hours_lines, rule_words, status_words

__all__ = [
    "CHAIN_LIMIT",
    "DAY_CODES",
    "EVERY_DAY",
    "HORIZON_DAYS",
    "MAX_INTERVAL",
    "MAX_OFFSET_MINUTES",
    "MAX_RANGES",
    "MINUTES_A_DAY",
    "SCHEDULE_FIELDS",
    "Group",
    "HoursLine",
    "Kind",
    "Owner",
    "Rule",
    "Status",
    "WeeklyHours",
    "hours_lines",
    "is_open",
    "month_index",
    "next_opening",
    "nth_of_month",
    "now",
    "organization_groups",
    "rule_falls_on",
    "rule_from",
    "rule_words",
    "rules_by_owner",
    "schedule_row",
    "service_at_location_group",
    "service_groups",
    "site_zone",
    "status",
    "status_words",
    "week_index",
    "weekly_from_rows",
    "weekly_rows",
]
