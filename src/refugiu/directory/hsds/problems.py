"""What an import found wrong with a file, in words its editor can act on.

A `Problem` names the record (its id when it has one), the field, where it is in the file (a JSON path
such as `$[2].services[0].phones[1].number`, or a CSV file, row and column), what is wrong and how to fix
it. Every text here goes through gettext. `HsdsImportError` carries every problem an import found: an
import reads the whole file before it refuses it, so that one run lists them all.

The functions below the classes make the (what is wrong, how to fix it) pairs, one per kind of problem,
so that the same mistake is always explained the same way.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from refugiu.core.limits import LimitExceeded


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an import file. `str()` gives "record: field: what is wrong"."""

    record: str  # how the record is named: "service <id>", or its place when it has no usable id
    field: str  # the HSDS key ("" when the problem is the record, or the file, as a whole)
    path: str  # where: a JSON path, "line 7: $.services[0]" in NDJSON, "services.csv row 3, column x"
    reason: str  # what is wrong
    fix: str  # how to fix it
    record_id: str = ""  # the record's id, when it has one
    unit: int = dataclasses.field(default=-1, compare=False, repr=False)  # its top-level record or row

    def __str__(self) -> str:
        return ": ".join(part for part in (self.record, self.field, self.reason) if part)

    def as_dict(self) -> dict[str, str]:
        return {
            "record": self.record,
            "id": self.record_id,
            "field": self.field,
            "path": self.path,
            "problem": self.reason,
            "how_to_fix": self.fix,
        }


class HsdsImportError(Exception):
    """Why a file was refused, every problem found in it; nothing of the file was written.

    `HsdsImportError(record, field, reason, fix=…)` is one problem (a file that cannot be read at all);
    `HsdsImportError(problems=[…])` is every problem an import found in the records.
    """

    def __init__(
        self,
        record: str = "",
        field: str = "",
        reason: str = "",
        *,
        fix: str = "",
        path: str = "",
        problems: Sequence[Problem] = (),
    ):
        self.problems: list[Problem] = list(problems) or [
            Problem(record=record, field=field, path=path or record, reason=reason, fix=fix)
        ]
        first = self.problems[0]
        self.record, self.field, self.reason = first.record, first.field, first.reason
        super().__init__("\n".join(map(str, self.problems)))


class Invalid(Exception):
    """A value a field cannot take: what is wrong and how to fix it (`field`: a more precise key)."""

    def __init__(self, reason: str, fix: str, field: str = ""):
        self.reason, self.fix, self.field = reason, fix, field
        super().__init__(reason)


# --- the words for each kind of problem ------------------------------------------------------------------


def json_type_name(value: Any) -> str:
    """What a JSON value is, as a message says it ("a number", "a list", …)."""
    if isinstance(value, bool):
        return _("true/false")
    names = {dict: _("an object"), list: _("a list"), str: _("a string"), type(None): _("null")}
    return names.get(type(value), _("a number"))


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: at most `limit` characters (only the message is shortened)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def required(key: str) -> Invalid:
    if key == "id":
        return Invalid(
            _("is required"),
            _(
                "Give the record an id: a UUID (such as 3f0e8c1a-5b2d-4c6e-9f10-2a3b4c5d6e7f) that stays the "
                "same each time the record is published."
            ),
        )
    return Invalid(_("is required"), _("Add %(field)s to this record: HSDS requires it.") % {"field": key})


def empty(key: str) -> Invalid:
    if key == "number":
        fix = _("Write the phone number here, or leave this phone out of the file.")
    else:
        fix = _("Write the record's %(field)s here: the directory lists records by it.") % {"field": key}
    return Invalid(_("must not be empty"), fix)


def not_text(value: Any) -> Invalid:
    return Invalid(
        _("must be a string, not %(type)s") % {"type": json_type_name(value)},
        _("Write the value as text, between double quotes."),
    )


def not_one_of(value: Any, choices: Sequence[str]) -> Invalid:
    listed = ", ".join(choices)
    return Invalid(
        _("must be one of %(choices)s") % {"choices": listed},
        _("Replace “%(value)s” with one of these values, written exactly as here: %(choices)s.")
        % {"value": shown(value), "choices": listed},
    )


def not_email() -> Invalid:
    return Invalid(
        _("must be an email address"),
        _(
            "Write one e-mail address, such as office@example.org, and nothing else; put a second address "
            "in a contact of its own."
        ),
    )


def email_too_long(limit: int) -> Invalid:
    return Invalid(
        _("is longer than an e-mail address can be (%(limit)s characters)") % {"limit": limit},
        _("Check that the field holds one e-mail address and nothing else."),
    )


def not_url() -> Invalid:
    return Invalid(
        _("must be a web address starting with http:// or https://"),
        _("Write the whole address, beginning with https:// (or http://), e.g. https://example.org/contact."),
    )


def not_country() -> Invalid:
    return Invalid(
        _("must be a two-letter country code (ISO 3166-1 alpha-2)"),
        _("Write the country's two-letter code, e.g. RO for Romania, MD for Moldova, UA for Ukraine."),
    )


def not_uuid(key: str) -> Invalid:
    if key == "id":
        fix = _(
            "Use a UUID: 32 hexadecimal digits in groups of 8-4-4-4-12, such as "
            "3f0e8c1a-5b2d-4c6e-9f10-2a3b4c5d6e7f. Any UUID generator makes one; keep the same UUID for the "
            "same record in every file."
        )
    else:
        fix = _(
            "Write the id (a UUID) of the record it refers to, exactly as that record's id is written, "
            "e.g. 3f0e8c1a-5b2d-4c6e-9f10-2a3b4c5d6e7f."
        )
    return Invalid(_("must be a UUID"), fix)


def not_moment(kind: str) -> Invalid:
    if kind == "date":
        return Invalid(
            _("must be a date (YYYY-MM-DD)"),
            _("Write the date as year-month-day, e.g. 2025-03-31, and check that the day exists."),
        )
    if kind == "time":
        return Invalid(
            _("must be a time (HH:MM:SS)"),
            _("Write the time on the 24-hour clock as HH:MM or HH:MM:SS, e.g. 09:30 or 17:00:00."),
        )
    return Invalid(
        _("must be a date and time (ISO 8601)"),
        _("Write the date and time as 2025-03-31T14:30:00Z, or with the offset from UTC: +02:00."),
    )


def not_boolean(*, from_text: bool) -> Invalid:
    fix = _("Write true or false.") if from_text else _("Write true or false, without quotes.")
    return Invalid(_("must be true or false"), fix)


def not_whole_number() -> Invalid:
    return Invalid(
        _("must be a whole number"), _("Write a whole number, without decimals, units or quotes, e.g. 12.")
    )


def not_number() -> Invalid:
    return Invalid(
        _("must be a number"),
        _("Write a number without quotes or units, with a point before any decimals, e.g. 45.7512."),
    )


def out_of_range(low: Any, high: Any) -> Invalid:
    return Invalid(
        _("must be between %(low)s and %(high)s") % {"low": low, "high": high},
        _("Check the value: no real one is outside this range."),
    )


def not_translations(key: str = "") -> Invalid:
    return Invalid(
        _('must be an object of language code → {"name": …, "description": …}'),
        _('Write it as {"en": {"name": "…", "description": "…"}}: a language code, then the texts in it.'),
        field=key,
    )


def not_language_code(code: str) -> Invalid:
    return Invalid(
        _("%(code)s is not a language code") % {"code": repr(shown(code, 20))},
        _("Use a language code of 2 to 8 letters, e.g. en, uk or ro."),
    )


def not_object(value: Any) -> Invalid:
    return Invalid(
        _("must be an object, not %(type)s") % {"type": json_type_name(value)},
        _('Write the record as a JSON object, between braces: {"id": "…", …}.'),
    )


def not_list(key: str, value: Any) -> Invalid:
    return Invalid(
        _("must be a list, not %(type)s") % {"type": json_type_name(value)},
        _("Write %(field)s as a list, between square brackets [ … ], even when it holds one record.")
        % {"field": key},
    )


def not_as_nested(key: str) -> Invalid:
    return Invalid(
        _("does not match the record it is nested in"),
        _(
            "Remove %(field)s from this record (where it is nested already says what it belongs to), or "
            "move the record under the right one."
        )
        % {"field": key},
    )


def copies_differ(other: str) -> Invalid:
    return Invalid(
        _("the record appears more than once, with different values"),
        _(
            "Make every copy of this record the same (another copy is at %(other)s), or give the "
            "different one an id of its own."
        )
        % {"other": other},
    )


def twice_in_table(other: str) -> Invalid:
    return Invalid(
        _("appears twice (also %(other)s)") % {"other": other},
        _("Give each row an id of its own; if both rows are the same record, keep one of them."),
    )


def unknown_reference(entity: str, target: str) -> Invalid:
    return Invalid(
        _("no %(target)s with this id in the file or the directory") % {"target": target},
        _(
            "Add the %(target)s with this id to the file, or correct the id so that it names one that is in "
            "the file or already in the directory; or nest this %(entity)s in its %(target)s."
        )
        % {"target": target, "entity": entity},
    )


def missing_link(entity: str, key: str, target: str) -> Invalid:
    return Invalid(
        _("is required"),
        _("Nest this %(entity)s in its %(target)s, or give %(field)s the id of its %(target)s.")
        % {"entity": entity, "target": target, "field": key},
    )


def too_long(error: LimitExceeded) -> Invalid:
    """A field, line or file over one of the import's limits (`core.limits`), which names its setting."""
    return Invalid(
        str(error),
        _("Shorten it or split the data, or ask the administrator to raise %(setting)s.")
        % {"setting": error.setting},
    )


def too_deep() -> Invalid:
    return Invalid(
        _("is nested too deeply to be HSDS"),
        _("Check the brackets: HSDS records are nested a few levels deep, not hundreds."),
    )


def not_json_line(error: str) -> Invalid:
    return Invalid(
        _("is not JSON (%(error)s)") % {"error": error},
        _("Correct the JSON on this line: each line must hold one whole record, as a JSON object."),
    )


def csv_cells(cells: int, header: int) -> Invalid:
    return Invalid(
        _("has %(cells)s cells, the header has %(header)s") % {"cells": cells, "header": header},
        _(
            "Give every row as many cells as the header; put any cell holding a comma or a line break "
            "in double quotes."
        ),
    )
