"""What several public pages show: a record's state at a moment, for its badge."""

import datetime as dt

from refugiu.directory import schedules


def status_badge(groups: list[schedules.Group], at: dt.datetime) -> dict:
    """A record's state at `at` for a badge: its words ("Open now", "Closed · opens Tuesday 09:00"; none
    when its schedules cannot tell) and whether open (the words say it; the class only styles it)."""
    answer = schedules.status(groups, at)
    return {"words": schedules.status_words(answer, at=at), "open": answer.open}
