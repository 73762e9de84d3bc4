"""HSDS records as the importer reads them: the rows an import gathers from whichever form the data came
in (nested JSON here, tabular packages in `tabular`), each record validated on the way. Which HSDS objects
map onto which of our models is in `entities`, how each field's value is checked in `values`; reading files
is `reading`'s, writing the rows `writing`'s.

Nothing here stops at the first problem: a value a field cannot take is left out of its row and
reported (`ImportRows.problems`, each a `problems.Problem` naming the record, the field, its place in the
file, what is wrong and how to fix it), and reading goes on, so that one run lists every problem. Each
top-level record (in a tabular package, each row) is a *unit*: the importer refuses the file, or with
--skip-invalid sets aside the units that have a problem (`ImportRows.bad_units`) with what belongs to them.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from refugiu.core.limits import field_limit, field_too_long
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.entities import ENTITIES, Entity, entity_columns, entity_keys
from refugiu.directory.hsds.problems import Invalid, Problem
from refugiu.directory.hsds.values import Id, as_id, field_value, is_blank, text_over_limit
from refugiu.directory.translations import is_language_code

__all__ = ["ImportRows", "Place", "Row", "TOP", "Unit"]

MAX_WARNINGS = 50
# Required by HSDS and meaningless empty: the directory lists records by their name, and a phone is its
# number. Any other required text may be present and empty, as the schema allows (European data often
# has no postal code or state/province); a required code list value (status, location_type, …) must be
# one of its values.
MUST_NOT_BE_EMPTY = frozenset({"name", "number"})
_EXTRA = ("extra", None)


# --- where records are ----------------------------------------------------------------------------------


class Place:
    """Where a record is in the file, made into text only for a message (the text of every nested
    record's place was a tenth of reading a large file).

    A top-level record's place is given as text: its JSON path ("$[2]", "line 7: $") and its position
    for naming it while its id is unknown ("#3"); a tabular row's, its file and row ("services.csv row 3"),
    which is both. A nested record's place is the key it is under in its parent's row (and its index in
    that list), so its path is its parent's path followed by ".phones[1]".
    """

    __slots__ = ("index", "key", "label_text", "owner", "path_text", "tabular")

    def __init__(
        self,
        owner: "Row | None" = None,
        key: str = "",
        index: int | None = None,
        *,
        path: str = "",
        label: str = "",
        tabular: bool = False,
    ) -> None:
        self.owner, self.key, self.index = owner, key, index
        self.path_text, self.label_text, self.tabular = path, label, tabular

    def path(self) -> str:
        if self.owner is None:
            return self.path_text
        return f"{self.owner.place.path()}.{self.key}" + ("" if self.index is None else f"[{self.index}]")

    def field_path(self, key: str) -> str:
        if self.tabular:
            return _("%(where)s, column %(column)s") % {"where": self.path_text, "column": key}
        return f"{self.path()}.{key}"

    def label(self, entity: str) -> str:
        """How a message names a record found here whose id is missing or not a UUID."""
        if self.owner is None:
            return self.label_text if self.tabular else f"{entity} {self.label_text}".strip()
        if self.index is None:
            return f"{self.key} of {self.owner.label}"
        return f"{entity} #{self.index + 1} in {self.key} of {self.owner.label}"


TOP = Place(path="$", label="")  # a record given alone (hsds_import_organizations, tests)


@dataclass(slots=True)
class Unit:
    """A top-level record of a JSON file, or a row of a tabular package: what --skip-invalid sets aside
    whole. `data` is the record as the file has it (kept only when the rejected ones are to be written)."""

    label: str
    path: str
    data: Any = None
    file: str = ""  # tabular: the CSV file the row is in
    text: str = ""  # a line of NDJSON that is no JSON, as it is


# --- rows -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One record as our table will hold it, whichever form it came in."""

    entity: str
    id: Id
    where: str  # tabular: the file and row it came from
    place: Place = TOP
    unit: int = -1
    values: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Id] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # the lists of sub-records the file gives for it
    failed: set[str] | None = None  # the keys whose value was refused
    anonymous: str = ""  # how to name it when its id is missing or not a UUID (a stand-in id is used)

    @property
    def label(self) -> str:
        """How messages name the record (made only when needed: an import has hundreds of thousands)."""
        if self.anonymous:
            return self.anonymous
        return f"{self.entity} {self.id}" + (f" ({self.where})" if self.where else "")

    def __str__(self) -> str:
        return self.label

    def merge(self, other: "Row") -> list[str]:
        """Fold in another copy of the same record: it may add links and fields, never change them.
        Returns the keys whose values differ (the first copy's value is kept)."""
        self.given |= other.given
        if other.failed:
            self.failed = (self.failed or set()) | other.failed
        differ = []
        for mine, theirs in (
            (self.values, other.values),
            (self.links, other.links),
            (self.extra, other.extra),
        ):
            for key, value in theirs.items():
                if key in mine and mine[key] != value:
                    differ.append(key)
                else:
                    mine[key] = value  # fmt: skip
        return differ


class ImportRows:
    """The rows of one import, by entity and id, gathered from whichever form the data came in, and every
    problem found on the way (`problems`), by unit (`bad_units`)."""

    def __init__(self, *, keep_data: bool = False) -> None:
        self.rows: dict[str, dict[Id, Row]] = {name: {} for name in ENTITIES}
        self.warnings: list[str] = []
        self.warnings_left_out = 0
        self.longest_field = field_limit()
        self.problems: list[Problem] = []
        self.bad_units: dict[int, list[Problem]] = {}
        self.units: list[Unit] = []
        self.unit = -1  # the unit being read
        self.keep_data = keep_data  # keep each unit's data, to write the rejected ones
        # Rows that more than one unit gives (HSDS repeats a record wherever it applies): every unit.
        self.shared: dict[tuple[str, Id], set[int]] = {}

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self.warnings_left_out += 1

    # --- units and problems

    def begin(self, *, label: str, path: str, data: Any = None, file: str = "", text: str = "") -> int:
        """Start reading a new unit (a top-level record, a row); returns its number."""
        keep = self.keep_data
        self.units.append(Unit(label, path, data if keep else None, file, text if keep else ""))
        self.unit = len(self.units) - 1
        return self.unit

    def add(self, problem: Problem, units: Iterable[int] = ()) -> None:
        """Note a problem, against its own unit and any other it makes unusable."""
        self.problems.append(problem)
        for unit in {problem.unit, *units}:
            if unit >= 0:
                self.bad_units.setdefault(unit, []).append(problem)

    def row_problem(self, row: Row, key: str, invalid: Invalid, *, also: Iterable[int] = ()) -> None:
        """A problem with `key` of a record (`invalid.field`, when given, is a more precise key)."""
        key = invalid.field or key
        if key:
            row.failed = (row.failed or set()) | {key.split(".")[0]}
        self.add(
            Problem(
                record=row.label,
                field=key,
                path=row.place.field_path(key) if key else row.place.path(),
                reason=invalid.reason,
                fix=invalid.fix,
                record_id="" if row.anonymous else row.id,
                unit=row.unit,
            ),
            also,
        )

    def unit_problem(
        self, unit: int, invalid: Invalid, *, record: str = "", key: str = "", also: Iterable[int] = ()
    ) -> None:
        """A problem with a unit that gave no record (a line that is not JSON, a bad CSV row), or with a
        row that is not one of ours (`also`: the unit of the record it belongs to)."""
        info = self.units[unit]
        tabular = bool(info.file)
        self.add(
            Problem(
                record=record or info.label,
                field=key,
                path=Place(path=info.path, tabular=tabular).field_path(key) if key and tabular else info.path,
                reason=invalid.reason,
                fix=invalid.fix,
                unit=unit,
            ),
            also,
        )

    def units_of(self, row: Row) -> set[int]:
        return self.shared.get((row.entity, row.id)) or {row.unit}

    # --- reading records

    def top_level(self, data: Any, *, place: Place = TOP) -> None:
        """Read a top-level record: a service in full form, else an organisation."""
        if isinstance(data, dict) and (isinstance(data.get("organization"), dict) or "status" in data):
            self.record("service", data, place=place)
        else:
            self.record("organization", data, place=place)

    def give_tables(self, tables: Iterable[str]) -> None:
        """Tabular: a table in the package is the complete list of its records under every parent."""
        for name, by_id in self.rows.items():
            keys = {key for key, (child, _) in ENTITIES[name].children.items() if child in tables}
            for row in by_id.values():
                row.given |= keys

    def record(
        self,
        entity_name: str,
        data: Any,
        *,
        place: Place = TOP,
        forced: dict[str, Any] | None = None,
        where: str = "",
        from_text: bool = False,
    ) -> Id | None:
        """Validate one record (and, recursively, what is nested in it) into rows; returns its id (a
        stand-in when it has none), or None when it is no record at all. Every problem is noted, none
        stops the reading.

        `place` says where the record is in the file; `forced` are the links its nesting implies;
        `where` (tabular) says which file and row it came from.
        """
        entity = ENTITIES[entity_name]
        if not isinstance(data, dict):
            self._anonymous_problem(entity_name, place, "", say.not_object(data))
            return None
        raw_id = data.get("id")
        record_id = None if is_blank(raw_id) else as_id(raw_id)
        anonymous = ""
        if record_id is None:
            # Read the rest all the same, under a stand-in id, so that its other problems are found too.
            anonymous = place.label(entity_name)
            self._anonymous_problem(
                entity_name, place, "id", say.required("id") if is_blank(raw_id) else say.not_uuid("id")
            )
            record_id = str(uuid.uuid4())
        row = Row(entity_name, record_id, where, place, self.unit, anonymous=anonymous)
        if place.owner is None and self.unit >= 0:  # a unit's record: the unit is named after it
            self.units[self.unit].label = row.label
        keys = entity_keys(entity_name)
        longest = self.longest_field
        for key, value in data.items():
            how, spec = keys.get(key, _EXTRA)
            if how == "extra" or (from_text and how in ("children", "nested")):
                if not (from_text and value == ""):  # an empty cell is no value
                    if text_over_limit(value, longest):
                        self.row_problem(row, key, say.too_long(field_too_long()))
                    else:
                        row.extra[key] = value
            elif how in ("value", "link"):
                if value is None or (value.__class__ is str and not value.strip()):
                    continue
                if text_over_limit(value, longest):
                    self.row_problem(row, key, say.too_long(field_too_long()))
                elif how == "value":
                    try:
                        row.values[key] = field_value(spec, value, from_text=from_text)
                    except Invalid as exc:
                        self.row_problem(row, key, exc)
                elif (target := as_id(value)) is not None:
                    row.links[key] = target
                else:
                    self.row_problem(row, key, say.not_uuid(key))
            elif how == "children":
                self._children(entity, row, key, value)
            elif how == "nested" and value is not None:
                target_entity, link = spec
                nested_id = self.record(target_entity, value, place=Place(row, key))
                if nested_id is None:  # already reported: its link is not required again
                    row.failed = (row.failed or set()) | {link}
                else:
                    self._force(row, link, nested_id)
        if row.values.get("translations"):
            self._translation_languages(row)
        for key, value in (forced or {}).items():
            self._force(row, key, value)
        for key in entity.required:
            if row.failed and key in row.failed:
                continue
            value = data.get(key)
            if value is None:
                self.row_problem(row, key, say.required(key))
            elif key not in row.values and key not in row.links:  # present, and blank
                column = keys[key][1]
                if column.choices:
                    self.row_problem(row, key, say.not_one_of(value, column.choices))
                elif key in MUST_NOT_BE_EMPTY:
                    self.row_problem(row, key, say.empty(key))
        known = self.rows[entity_name].get(record_id)
        if known is None:
            self.rows[entity_name][record_id] = row
        elif from_text:
            self.row_problem(row, "id", say.twice_in_table(known.label), also=(known.unit,))
        else:
            for key in known.merge(row):
                self.row_problem(row, key, say.copies_differ(known.place.field_path(key)), also=(known.unit,))
            if known.unit != row.unit:
                self.shared.setdefault((entity_name, record_id), {known.unit}).add(row.unit)
        return record_id

    def _translation_languages(self, row: Row) -> None:
        """Keep the translations into ISO 639-1 languages (their codes in lower case), leave out and report
        the others: pages and the API find a translation by that code."""
        kept: dict[str, Any] = {}
        for code, texts in row.values["translations"].items():
            language = code.strip().lower()
            if is_language_code(language) and language not in kept:
                kept[language] = texts
                continue
            reason = (
                f"{language!r} appears twice (as keys differing in case): the first is kept"
                if language in kept
                else f"{code!r} is not an ISO 639-1 language code: the translation was left out; name it by "
                'its language\'s two-letter code (such as "uk" or "pt") to keep it'
            )
            self.warn(f"{row.label}: translations.{code}: {reason}")
        row.values["translations"] = kept
        if kept and not row.values.get("language"):
            self.warn(
                f"{row.label}: language: it has translations but does not say which language its own text "
                'is in: give it (a two-letter ISO 639-1 code, such as "ro") so that the two can be told apart'
            )

    def _anonymous_problem(self, entity_name: str, place: Place, key: str, invalid: Invalid) -> None:
        """A problem of a record that has no usable id: it is named by its place."""
        self.add(
            Problem(
                record=place.label(entity_name),
                field=key,
                path=place.field_path(key) if key else place.path(),
                reason=invalid.reason,
                fix=invalid.fix,
                unit=self.unit,
            )
        )

    def _children(self, entity: Entity, row: Row, key: str, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.row_problem(row, key, say.not_list(key, value))
            return
        row.given.add(key)
        child, link = entity.children[key]
        forced = {link: row.id} if link else {"link_id": row.id, "link_entity": entity.name}
        for position, item in enumerate(value):
            self.record(child, item, place=Place(row, key, position), forced=forced)

    def _force(self, row: Row, key: str, value: Any) -> None:
        """Set a link the nesting implies; a record that says otherwise is refused (link_entity is ours)."""
        target = row.values if key in entity_columns(row.entity)[0] else row.links
        if key != "link_entity" and target.get(key, value) != value:
            self.row_problem(row, key, say.not_as_nested(key))
            return
        target[key] = value
