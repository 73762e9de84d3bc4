"""Import of Open Referral HSDS 3.0 data into the directory: all or nothing, or the valid records only;
and the check of a file without writing anything.

What it reads (`hsds_import_path`): a JSON file holding one organisation in full form, a list of them or
an API page of them ({"contents": [...]}); NDJSON, one organisation per line; a tabular data package (a
folder or a .zip, see `tabular`). A top-level record with a nested "organization" object, or a "status",
is a service in full form: the service and everything under it is imported and its organisation updated,
while the organisation's other services are left alone. `hsds_import_organizations` takes the dicts.
How records map onto our models and how their fields are checked is in `records`; this module reads
files and writes what they hold.

Why it works the way it does:
- One path for every form. Nested JSON is flattened into one row per record, the shape of the tabular
  form and of our tables. HSDS repeats a record wherever it applies (one phone under the organisation,
  its contact, its location and its service); the copies become one row linked to each place, as
  phones.csv has it. Copies that disagree are an error, not a guess.
- Our own validation, not a JSON Schema engine: a message must name the record, the field, its place in
  the file and the reason in words an editor understands, and say how to fix it (`problems`). What the
  HSDS 3 schema accepts, we accept and store whole: our columns have no length the schema lacks (only
  code lists, the two-letter country code and e-mail addresses, which cannot be longer, have one). A
  required field must be present; a name or a phone's number must not be empty, a code list value must
  be one of its values, other required text may be empty (European data often has no postal code), and
  an empty optional field is the same as an absent one.
- Every problem in one run. Reading never stops at a bad value: it is left out and reported, and the
  reading goes on, so a file with problems in many records lists them all (`hsds_check_path`, and the
  error of a refused import). Only a file that cannot be read at all (not JSON, over a limit, a damaged
  zip) stops at once.
- A unit is a top-level record with everything nested in it (in a tabular package, a row). With
  `skip_invalid` the units with a problem are set aside whole, and with them every record that belongs
  to or refers to one of their records (an organisation's services in other rows, say), each with a
  reason naming that record; the rest is imported, and `ImportSummary.rejected` says what was not.
  A list in a record that lost a rejected member is then not complete, so nothing is removed under it.
- Upsert by id with INSERT … ON CONFLICT, in batches, so large files import in seconds. A list in a
  record is complete: what the database holds under the record that its list ("services", "phones",
  "attributes", …; in a tabular package, the table) no longer has is removed, so the result equals the
  file. A list that is absent says nothing: an organisation in summary form, as on a list page, leaves
  its services alone. Two exceptions, on purpose: confidential locations and their addresses are never
  removed by an import (a public export leaves them out, and re-importing it must not lose a shelter's
  address), and our own vocabularies (taxonomies with a slug, loaded by migration) are referred to,
  never overwritten.
- Columns HSDS has no place for (publication, verification, a location's confidentiality, an
  organisation's country) keep their value when the file does not mention them. `language` and
  `translations` are our extension fields: stored when present, blank otherwise.
- Lossless: what HSDS carries and we have no column for (funding, programs, cost options, required
  documents, accessibility, identifiers, metadata, unknown fields) is kept verbatim in `hsds_extra` under
  its HSDS key, for the export to give back. A reference to a record that is in neither the file nor the
  database (HSDS's own examples have several) cannot be a foreign key, so it is kept there too, and
  reported. An attribute nested in a record is linked to it (link_id, and link_entity = its entity).
- All or nothing: one transaction, which also rebuilds the search index of the organisations touched.
  `hsds_check_path` does everything up to the writing, reading the database only to resolve references.
"""

import json
import time
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields.related import RelatedField
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core import fastjson
from refugiu.core.batching import in_batches
from refugiu.core.bulk import any_of, gc_paused, ids_per_query, rows_insert
from refugiu.core.fields import concrete_column, field_column, field_of
from refugiu.core.limits import file_limit, file_too_big, record_limit, record_too_long
from refugiu.directory import models as d
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.problems import Invalid, Problem
from refugiu.directory.hsds.records import (
    ENTITIES,
    LABEL_PLURAL,
    MODEL_ENTITY,
    NEEDS_A_PARENT,
    NOT_FROM_FILES,
    WRITE_ORDER,
    HsdsImportError,
    Id,
    ImportRows,
    Place,
    Row,
    entity_columns,
    json_type_name,
)
from refugiu.directory.hsds.tabular import PackageError, tabular_package_collect
from refugiu.directory.search import ANALYZE_AFTER, search_reindex_organizations, search_statistics_refresh

__all__ = [
    "HsdsImportError", "ImportCheck", "ImportSummary", "Problem", "Rejected", "hsds_check_path",
    "hsds_import_organizations", "hsds_import_path",
]  # fmt: skip

BATCH = 500  # rows per INSERT on SQLite (PostgreSQL COPYs a table at once)
# Fields whose values reach the driver as they are.
AS_IS_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
)


@dataclass
class Counts:
    """Records of one kind an import created, updated, and removed (because the file no longer has them)."""

    created: int = 0
    updated: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.removed} removed"


COUNTED = (
    "organizations", "services", "locations", "service_at_locations", "addresses", "phones", "contacts",
    "schedules", "languages", "service_areas", "taxonomies", "taxonomy_terms", "attributes",
)  # fmt: skip


@dataclass
class Rejected:
    """A unit `skip_invalid` set aside: a top-level record (with what is nested in it) or a row.

    `problems` are those found in it; a unit without any of its own went with another (`because`).
    `with_it` names the records nested in it, each with the record it belongs to.
    """

    label: str
    path: str
    problems: list[Problem]
    because: str = ""
    with_it: list[tuple[str, str]] = field(default_factory=list)  # (record, the record it went with)
    data: Any = None  # the record as in the file (None unless the import kept it)
    file: str = ""  # tabular: the CSV file of the row
    text: str = ""  # a line of NDJSON that is no JSON


@dataclass
class ImportSummary:
    """What an import did, by kind of record, and what it noticed but did not refuse (`warnings`).
    With `skip_invalid`: what it set aside (`rejected`) and why (`problems`)."""

    organizations: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)
    locations: Counts = field(default_factory=Counts)
    service_at_locations: Counts = field(default_factory=Counts)
    addresses: Counts = field(default_factory=Counts)
    phones: Counts = field(default_factory=Counts)
    contacts: Counts = field(default_factory=Counts)
    schedules: Counts = field(default_factory=Counts)
    languages: Counts = field(default_factory=Counts)
    service_areas: Counts = field(default_factory=Counts)
    taxonomies: Counts = field(default_factory=Counts)
    taxonomy_terms: Counts = field(default_factory=Counts)
    attributes: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    organization_ids: list[uuid.UUID] = field(default_factory=list)  # touched, and reindexed
    reindex_seconds: float = 0.0  # of the import's time, what rebuilding their search entries took
    problems: list[Problem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def counts(self) -> dict[str, Counts]:
        return {plural: getattr(self, plural) for plural in COUNTED}

    def __str__(self) -> str:
        lines = [
            f"{plural.replace('_', ' ')}: {counts}"
            for plural, counts in self.counts().items()
            if counts.created or counts.updated or counts.removed
        ] or ["nothing to import"]
        return "\n".join(lines + [f"warning: {warning}" for warning in self.warnings])


@dataclass
class ImportCheck:
    """What `hsds_check_path` found: the records by kind (copies of one record counted once), the top-level
    records or rows read (`units`), every problem, in the order of the file, and the warnings."""

    records: dict[str, int]
    units: int
    problems: list[Problem]
    warnings: list[str]

    @property
    def bad_units(self) -> int:
        return len({problem.unit for problem in self.problems})


# --- reading files --------------------------------------------------------------------------------------


def _json_load(text: str) -> Any:
    """`fastjson.loads`, or `Invalid`; NaN and Infinity, which the json module reads, are not JSON, and no
    database would store them as JSON. A JSONDecodeError is the caller's."""

    def refuse(constant: str):
        raise Invalid(
            _("is not JSON (%(constant)s is not a JSON value)") % {"constant": constant},
            _("Write null instead, or leave the field out: JSON has no NaN or Infinity."),
        )

    try:
        return fastjson.loads(text, parse_constant=refuse)
    except RecursionError:
        raise say.too_deep() from None


def _refused(where: str, invalid: Invalid, key: str = "") -> HsdsImportError:
    """A file that cannot be read at all."""
    return HsdsImportError(where, key, invalid.reason, fix=invalid.fix)


def _file_read(path: Path) -> bytes:
    """The bytes of a file an import reads whole, refused (HsdsImportError) past the limit for one file,
    before it is read when its size says so, or as soon as it has given more."""
    if not path.is_file():
        raise HsdsImportError(
            path.name,
            "",
            "is not a file",
            fix=_("Give the path of an HSDS file, a package's folder or a .zip."),
        )
    limit = file_limit()
    size = path.stat().st_size
    if size <= limit:
        with path.open("rb") as handle:
            content = handle.read(limit + 1)
        if len(content) <= limit:
            return content
        size = len(content)  # it grew while being read
    raise _refused(path.name, say.too_long(file_too_big(size)))


@dataclass(slots=True)
class _Entry:
    """A top-level record of a JSON or NDJSON file: where it is, and the record (or why it is none)."""

    path: str  # its JSON path: "$[2]", "$.contents[2]", "$", "line 7: $"
    position: str  # how to name it before its id is known: "#3", "on line 7"
    record: Any = None
    invalid: Invalid | None = None  # a line that is not JSON
    text: str = ""  # that line


def _json_records(path: Path) -> list[_Entry]:
    """The top-level records of a JSON or NDJSON file, or HsdsImportError naming what is wrong with it."""
    try:
        text = _file_read(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HsdsImportError(
            path.name, "", "is not UTF-8 text", fix=_("Save the file again as UTF-8 text.")
        ) from None
    if not text.strip():
        raise HsdsImportError(
            path.name, "", "is empty", fix=_("Check that this is the file you meant: it holds nothing.")
        )
    try:
        data = _json_load(text)
    except Invalid as exc:
        raise _refused(path.name, exc) from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise HsdsImportError(
                path.name,
                "",
                f"is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                fix=_(
                    "Correct the JSON at that place (a missing comma, quote or bracket is the usual cause); "
                    "python3 -m json.tool FILE shows where it breaks."
                ),
            ) from None
        return list(_ndjson_records(path.name, text))
    base = "$"
    if isinstance(data, dict) and "contents" in data and "id" not in data:
        data, base = data["contents"], "$.contents"
        if not isinstance(data, list):
            raise _refused(path.name, say.not_list("contents", data), "contents")
    if isinstance(data, dict):
        return [_Entry("$", "#1", data)]
    if isinstance(data, list):
        return [_Entry(f"{base}[{index}]", f"#{index + 1}", item) for index, item in enumerate(data)]
    raise HsdsImportError(
        path.name,
        "",
        "must hold an organization (a JSON object), a list of them or a page of them "
        f'({{"contents": [...]}}), not {json_type_name(data)}',
        fix=_('Put the records in a list, [{"id": …, "name": …}, …], or write one record per line (NDJSON).'),
    )


def _ndjson_records(name: str, text: str) -> Iterator[_Entry]:
    """The records of NDJSON text, one a line; a line that is not one is an entry with its problem."""
    longest = record_limit()
    for number, line in enumerate(text.splitlines(), 1):
        entry = _Entry(f"line {number}: $", f"on line {number}")
        if len(line) > longest:
            entry.invalid = say.too_long(record_too_long())  # not kept: it is over the limit
        elif not line.strip():
            continue
        else:
            try:
                entry.record = _json_load(line)
            except Invalid as exc:
                entry.invalid, entry.text = exc, line
            except json.JSONDecodeError as exc:
                entry.invalid, entry.text = say.not_json_line(exc.msg), line
        yield entry


def _collect(path: Path, *, keep_data: bool = False) -> ImportRows:
    """Read the file or package at `path` into rows, noting every problem; HsdsImportError if it cannot be
    read at all. `keep_data`: keep each top-level record as the file has it, for the rejected ones."""
    if not path.exists():
        raise HsdsImportError(
            str(path), "", "no such file or folder", fix=_("Check the path: nothing is there.")
        )
    collector = ImportRows(keep_data=keep_data)
    if path.is_dir() or zipfile.is_zipfile(path):
        try:
            tabular_package_collect(path=path, rows=collector)
        except PackageError as exc:
            raise HsdsImportError(exc.where, exc.field, exc.reason, fix=exc.fix) from exc
        return collector
    for entry in _json_records(path):
        if entry.invalid is not None:
            label = f"{path.name} {entry.path.split(':')[0]}"
            unit = collector.begin(label=label, path=entry.path, text=entry.text)
            collector.unit_problem(unit, entry.invalid)
            continue
        _top_level(collector, entry.record, path=entry.path, position=entry.position)
    return collector


def _top_level(collector: ImportRows, record: Any, *, path: str, position: str) -> None:
    """One unit: a top-level record, with what is nested in it."""
    unit = collector.begin(label=f"organization {position}", path=path, data=record)
    try:
        collector.top_level(record, place=Place(path=path, label=position))
    except RecursionError:
        collector.unit_problem(unit, say.too_deep())


def hsds_check_path(path: Path) -> ImportCheck:
    """Check an HSDS file or tabular package as an import would, and write nothing: every problem in one
    run. References are resolved against the file and the database, as an import does."""
    path = Path(path)
    with gc_paused():
        collector = _collect(path)
        _resolve(collector)
    return ImportCheck(
        records={ENTITIES[name].plural: len(by_id) for name, by_id in collector.rows.items()},
        units=len(collector.units),
        problems=_in_file_order(collector.problems),
        warnings=_warnings(collector),
    )


def hsds_import_path(path: Path, *, reindex: bool = True, skip_invalid: bool = False) -> ImportSummary:
    """Import an HSDS file or tabular package (see the module's docstring): all or nothing, raising
    HsdsImportError with every problem found; or with `skip_invalid`, every valid record, setting aside
    the others (`ImportSummary.rejected`, each with the record as the file has it)."""
    path = Path(path)
    with gc_paused():
        collector = _collect(path, keep_data=skip_invalid)
        return _write(collector, reindex=reindex, skip_invalid=skip_invalid)


def hsds_import_organizations(organizations: Sequence[dict], *, reindex: bool = True) -> ImportSummary:
    """Import organisations in HSDS full form (as the API and the JSON export give them), all or nothing."""
    with gc_paused():
        collector = ImportRows()
        for index, organization in enumerate(organizations):
            unit = collector.begin(label=f"organization #{index + 1}", path=f"$[{index}]")
            place = Place(path=f"$[{index}]", label=f"#{index + 1}")
            try:
                collector.record("organization", organization, place=place)
            except RecursionError:
                collector.unit_problem(unit, say.too_deep())
        return _write(collector, reindex=reindex)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by the top-level record (or row) they are in, in the order found within it."""
    return sorted(problems, key=lambda problem: problem.unit)


def _warnings(collector: ImportRows) -> list[str]:
    warnings = list(collector.warnings)
    if collector.warnings_left_out:
        warnings.append(f"… and {collector.warnings_left_out} more warnings")
    return warnings


# --- writing --------------------------------------------------------------------------------------------


def _batches(items: Iterable, size: int | None = None) -> Iterator[list]:
    """Lists of `size` items; by default as many ids as one query should look up (`ids_per_query`)."""
    return in_batches(items, size or ids_per_query())


def _ids_in_database(model: type[models.Model], ids: Iterable[Id], **filters) -> set[Id]:
    if not filters:
        return set(_existing(model, ids, ()))
    found: set[Id] = set()
    for batch in _batches(ids):
        found.update(
            map(str, model._default_manager.filter(id__any=batch, **filters).values_list("id", flat=True))
        )
    return found


def _id_from_hex(value: str) -> Id:
    """An Id from the 32 hex digits SQLite keeps of a UUID."""
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _existing(
    model: type[models.Model], ids: Iterable[Id], names: Sequence[str], *, by: str = ""
) -> dict[Id, tuple]:
    """These columns (attnames) of those of the records with these ids that the database holds, by id.

    `by` (an attname): the ids are those of this column (a link), not the records' own.
    Plain SQL, a batch of ids a query (`any_of`): the ORM's handling of the ids and of the values it read
    back (a UUID made and checked for each) was a sixth of an import. PostgreSQL gives UUIDs as text,
    which is already an Id; SQLite gives their hex digits.
    """
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    native = database.features.has_native_uuid_field
    fields = [model._meta.pk, *(field_of(model, name) for name in names)]
    uuids = [i for i, f in enumerate(fields) if _is_uuid(f)]
    selected = ", ".join(
        f"{quote(concrete_column(f))}::text" if native and i in uuids else quote(concrete_column(f))
        for i, f in enumerate(fields)
    )
    where = quote(field_column(model, by) if by else concrete_column(model._meta.pk))
    found: dict[Id, tuple] = {}
    with database.cursor() as cursor:
        for batch in _batches(ids):
            keys = batch if native else [i.replace("-", "") for i in batch]  # SQLite keeps hex digits
            condition, params = any_of(where, keys, cast="uuid")
            cursor.execute(f"SELECT {selected} FROM {quote(model._meta.db_table)} WHERE {condition}", params)
            for values in cursor.fetchall():
                if not native:
                    values = list(values)
                    for i in uuids:
                        values[i] = None if values[i] is None else _id_from_hex(values[i])
                found[values[0]] = tuple(values[1:])
    return found


def _write(collector: ImportRows, *, reindex: bool, skip_invalid: bool = False) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        _resolve(collector)
        if collector.problems:
            problems = _in_file_order(collector.problems)
            if not skip_invalid:
                raise HsdsImportError(problems=problems)
            summary.problems, summary.rejected = problems, _reject(collector)
        touched: set[Id] = set(collector.rows["organization"])
        existed = {}
        for name in WRITE_ORDER:
            counts = getattr(summary, ENTITIES[name].plural)
            existed[name] = _upsert(name, collector.rows[name].values(), counts=counts, touched=touched)
        _prune(collector, existed=existed, summary=summary)
        touched |= {
            row.links["organization_id"]
            for name in ("service", "location")
            for row in collector.rows[name].values()
            if "organization_id" in row.links
        }
        summary.organization_ids = [uuid.UUID(i) for i in sorted(touched)]
        if reindex:
            started = time.perf_counter()
            written = sum(
                search_reindex_organizations(batch, analyze=False)
                for batch in _batches(summary.organization_ids, 2000)
            )
            if written >= ANALYZE_AFTER:
                search_statistics_refresh()
            summary.reindex_seconds = time.perf_counter() - started
    summary.warnings = _warnings(collector)
    return summary


def _resolve(collector: ImportRows) -> None:
    """Check every reference against the file and the database, before anything is written; a reference
    our table cannot do without, to a record that is nowhere, is a problem."""
    rows = collector.rows
    _protect_confidential_locations(collector)
    # Our own vocabularies are referred to, not overwritten.
    ours = {"taxonomy": {"slug__isnull": False}, "taxonomy_term": {"taxonomy_ref__slug__isnull": False}}
    for name, filters in ours.items():
        for record_id in _ids_in_database(ENTITIES[name].model, list(rows[name]), **filters):
            del rows[name][record_id]
    wanted: dict[str, set[Id]] = {}
    for name, by_id in rows.items():
        links = entity_columns(name)[1]
        for row in by_id.values():
            for key, target_id in row.links.items():
                if target_id not in rows[links[key].target]:
                    wanted.setdefault(links[key].target, set()).add(target_id)
    in_database = {target: _ids_in_database(ENTITIES[target].model, ids) for target, ids in wanted.items()}
    gone: set[Id] = set()
    for name in WRITE_ORDER:
        links = entity_columns(name)[1]
        for row in list(rows[name].values()):
            for key, target_id in list(row.links.items()):
                column = links[key]
                if target_id in gone or (
                    target_id not in rows[column.target]
                    and target_id not in in_database.get(column.target, ())
                ):
                    if column.required:
                        collector.row_problem(row, key, say.unknown_reference(name, column.target))
                        continue
                    del row.links[key]
                    row.extra[key] = str(target_id)
                    if target_id not in gone:
                        collector.warn(
                            f"{row.label}: {key}: no {column.target} {target_id} here; kept as data"
                        )
            for key, column in links.items():
                if column.required and key not in row.links and not (row.failed and key in row.failed):
                    collector.row_problem(row, key, say.missing_link(name, key, column.target))
            if name in NEEDS_A_PARENT and not row.links:
                del rows[name][row.id]
                gone.add(row.id)
                collector.warn(f"{row.label}: linked to no record in the file or the directory: skipped")
    _resolve_attributes(collector)


def _protect_confidential_locations(collector: ImportRows) -> None:
    """Leave an existing confidential location, and what hangs under it, exactly as it is.

    A public export shows such a location as its front door only (area, front-door phone). Re-importing
    that export must not overwrite the shelter's real name, phones or coordinates with the front door.
    A file that states `is_confidential` itself is a full copy, and is imported as usual.
    """
    rows = collector.rows
    candidates = [i for i, row in rows["location"].items() if "is_confidential" not in row.values]
    protected = _ids_in_database(d.Location, candidates, is_confidential=True)
    if not protected:
        return
    for location_id in protected:
        del rows["location"][location_id]
    for name in ("address", "contact", "phone", "schedule", "language"):
        for record_id in [i for i, row in rows[name].items() if row.links.get("location_id") in protected]:
            del rows[name][record_id]
    collector.warn(f"{len(protected)} confidential location(s) already here were left unchanged")


def _resolve_attributes(collector: ImportRows) -> None:
    """An attribute must belong to a record; link_entity then says which kind, in HSDS's words."""
    rows = collector.rows
    entity_of: dict[str | None, str] = {row_id: name for name, by_id in rows.items() for row_id in by_id}
    links = {link for row in rows["attribute"].values() if (link := row.values.get("link_id")) is not None}
    unknown = links - entity_of.keys()
    for name in WRITE_ORDER:
        if unknown and name not in ("taxonomy", "attribute"):
            for record_id in _ids_in_database(ENTITIES[name].model, unknown):
                entity_of[record_id] = name
    for row in list(rows["attribute"].values()):
        entity = entity_of.get(row.values.get("link_id"))
        if entity is None:
            del rows["attribute"][row.id]
            collector.warn(f"{row.label}: link_id: no record {row.values.get('link_id', '')} here: skipped")
        else:
            row.values["link_entity"] = entity


def _reject(collector: ImportRows) -> list[Rejected]:
    """Set aside the units with a problem, and with them what belongs to or refers to one of their records.

    A row goes when every unit that gives it goes (a record HSDS repeats in two top-level records stays
    while one of them does). Whatever links to a row that went, or is an attribute of one, takes its own
    units with it, named by the record it went with; until nothing more goes. A record that stays but lost
    a member of one of its lists no longer has that list complete: nothing is removed under it.
    """
    rows = collector.rows
    out: dict[int, str] = dict.fromkeys(collector.bad_units, "")  # unit → why, when not for its own problem
    gone: dict[str, dict[Id, Row]] = {name: {} for name in ENTITIES}
    gone_any: dict[Id, Row] = {}
    changed = True
    while changed:
        for name, by_id in rows.items():
            for row in [row for row in by_id.values() if collector.units_of(row) <= out.keys()]:
                del by_id[row.id]
                gone[name][row.id] = gone_any[row.id] = row
        changed = False
        for name, by_id in rows.items():
            links = entity_columns(name)[1]
            for row in by_id.values():
                went = next(
                    (w for key, i in row.links.items() if (w := gone[links[key].target].get(i)) is not None),
                    None,
                )
                if went is None and name == "attribute":
                    went = gone_any.get(row.values.get("link_id", ""))
                if went is None:
                    continue
                for unit in collector.units_of(row) - out.keys():
                    out[unit] = _("rejected with %(record)s, which it belongs to or refers to") % {
                        "record": went.label
                    }
                    changed = True
    _incomplete_lists(collector, gone)
    with_it: dict[int, list[tuple[str, str]]] = {}
    for by_id in gone.values():
        for row in by_id.values():
            info = collector.units[row.unit]
            if row.label != info.label:
                owner = row.place.owner.label if row.place.owner is not None else info.label
                with_it.setdefault(row.unit, []).append((row.label, owner))
    rejected = []
    for unit in sorted(out):
        info = collector.units[unit]
        rejected.append(
            Rejected(
                label=info.label,
                path=info.path,
                problems=collector.bad_units.get(unit, []),
                because=out[unit],
                with_it=with_it.get(unit, []),
                data=info.data,
                file=info.file,
                text=info.text,
            )
        )
    return rejected


def _incomplete_lists(collector: ImportRows, gone: dict[str, dict[Id, Row]]) -> None:
    """A record that stays, some of whose sub-records went: its lists of those are not complete."""
    rows = collector.rows
    everything: dict[Id, Row] | None = None
    for name, by_id in gone.items():
        links = entity_columns(name)[1]
        for row in by_id.values():
            parents = [rows[links[key].target].get(i) for key, i in row.links.items()]
            if name == "attribute":
                if everything is None:
                    everything = {i: r for rows_of in rows.values() for i, r in rows_of.items()}
                parents.append(everything.get(row.values.get("link_id", "")))
            for parent in parents:
                if parent is not None:
                    parent.given -= {
                        key
                        for key, (child, link) in ENTITIES[parent.entity].children.items()
                        if child == name and (link in row.links or not link)
                    }


def _upsert(name: str, rows: Iterable[Row], *, counts: Counts, touched: set[Id]) -> set[Id]:
    """Insert or update these rows, a batch at a time; returns the ids that were there before."""
    entity = ENTITIES[name]
    model = entity.model
    links = entity_columns(name)[1]
    follows_organization = name in ("service", "location")
    before = [*entity.kept_if_absent, *(["organization_id"] if follows_organization else [])]
    database = connections[DEFAULT_DB_ALIAS]
    columns = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in columns}
    attnames = [f.attname for f in columns]
    # Only some columns need their field's hand (JSON, dates): those alone are visited. SQLite keeps a
    # UUID as its hex digits: those columns get them inline, the commonest case by far.
    hex_columns = (
        [] if database.features.has_native_uuid_field else [i for i, f in enumerate(columns) if _is_uuid(f)]
    )
    prepared = [
        (i, prepare)
        for i, f in enumerate(columns)
        if i not in hex_columns and (prepare := _preparation(f, database))
    ]
    now = timezone.now()
    now_stored: dict[int, Any] = {}  # the import's time, the same in every row, prepared once a column
    existed: set[Id] = set()
    for batch in _batches(rows):
        current = _existing(model, [row.id for row in batch], before)
        params = []
        for row in batch:
            fields: dict[str, Any] = {**defaults, **row.values, "id": row.id, "hsds_extra": row.extra}
            for key, target_id in row.links.items():
                fields[links[key].attname] = target_id
            for stamped in entity.stamped:
                fields[stamped] = now
            if name == "service" and "last_modified" not in row.values:
                fields["last_modified"] = now
            if row.id in current:
                existed.add(row.id)
                old = current[row.id]
                for position, column in enumerate(entity.kept_if_absent):
                    if column not in row.values:
                        fields[column] = old[position]
                if follows_organization and old[-1]:
                    touched.add(old[-1])
            values = [fields[attname] for attname in attnames]
            for i in hex_columns:
                if (value := values[i]) is not None:
                    values[i] = value.replace("-", "") if value.__class__ is str else value.hex
            for i, prepare in prepared:
                if (value := values[i]) is None:
                    continue
                if value is now:
                    if i not in now_stored:
                        now_stored[i] = prepare(now, database)
                    values[i] = now_stored[i]
                else:
                    values[i] = prepare(value, database)
            params.append(values)
        _insert_or_update(database, model, columns, params)
        counts.created += len(batch)
    counts.created -= len(existed)
    counts.updated += len(existed)
    return existed


def _insert_or_update(
    database, model: type[models.Model], columns: list[models.Field], params: list[list]
) -> None:
    """INSERT … ON CONFLICT (id) DO UPDATE of these rows (`core.bulk`: executemany, or COPY).

    Building a model instance and compiling SQL for every row is where bulk_create spends most of a
    large import, so the SQL is ours; the fields themselves prepare the values, as for bulk_create.
    Columns that belong to editors (NOT_FROM_FILES) are written for new rows only.
    """
    quote = database.ops.quote_name
    updates = ", ".join(
        f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
        for f in columns
        if not f.primary_key and (f.name not in NOT_FROM_FILES or f.name == "hsds_extra")
    )
    rows_insert(
        model._meta.db_table,
        [concrete_column(f) for f in columns],
        params,
        upsert=f"ON CONFLICT (id) DO UPDATE SET {updates}",
        using=database.alias,
    )


def _is_uuid(model_field: models.Field) -> bool:
    """A UUID column: the field's own, or a link to a record with a UUID id."""
    target = model_field.target_field if isinstance(model_field, RelatedField) else model_field  # is_relation
    return isinstance(target, models.UUIDField)


def _preparation(model_field: models.Field, database) -> Any:
    """How a value of this field goes to the database: as it is (None), or through the field.

    Text, numbers and booleans reach the driver as they are, and so do UUIDs on PostgreSQL as Ids
    (SQLite keeps their hex: `_upsert` makes it); the rest (JSON, dates, decimals) need their field's hand.
    """
    if _is_uuid(model_field):
        return None
    if isinstance(model_field, models.JSONField) and model_field.encoder is None:
        return _json_text
    if isinstance(model_field, models.JSONField):
        prepare, empty = model_field.get_db_prep_save, model_field.get_db_prep_save({}, database)
        return lambda value, database: prepare(value, database) if value else empty
    return None if isinstance(model_field, AS_IS_FIELDS) else model_field.get_db_prep_save


def _json_text(value: Any, database) -> str:
    """JSON as text, which both databases take for a JSON column (PostgreSQL's COPY too); hsds_extra
    and translations are mostly empty."""
    return fastjson.dumps(value).decode() if value else "{}"


def _prune(collector: ImportRows, *, existed: dict[str, set[Id]], summary: ImportSummary) -> None:
    """Remove what the database holds under a record, in a list the file gives for it, and the file has not.

    Runs after the upsert, so a sub-record the file moved elsewhere is already linked to its new place.
    Whatever a removed record takes with it (by cascade) takes its attributes too.
    """
    keep = {name: set(by_id) for name, by_id in collector.rows.items()}
    referenced = {
        i for by_id in collector.rows.values() for row in by_id.values() for i in row.links.values()
    }
    stale: dict[str, set[Id]] = {name: set() for name in ENTITIES}
    for name in WRITE_ORDER:
        if not existed[name]:  # new records have nothing under them yet
            continue
        for key, (child, link) in ENTITIES[name].children.items():
            parents = [
                i for i, row in collector.rows[name].items() if key in row.given and i in existed[name]
            ]
            column = entity_columns(child)[1][link].attname if link else "link_id"
            found = _existing(ENTITIES[child].model, parents, (), by=column)
            stale[child] |= found.keys() - keep[child] - referenced
    stale["location"] -= _ids_in_database(d.Location, stale["location"], is_confidential=True)
    stale["address"] -= _ids_in_database(d.Address, stale["address"], location__is_confidential=True)
    going = {i for name in WRITE_ORDER if name != "attribute" for i in _with_descendants(name, stale[name])}
    stale["attribute"].update(_existing(d.Attribute, going, (), by="link_id"))
    stale["attribute"] -= keep["attribute"]
    for name, ids in stale.items():
        for batch in _batches(ids):
            _, removed = ENTITIES[name].model._default_manager.filter(id__any=batch).delete()
            for label, number in removed.items():
                if label in LABEL_PLURAL:
                    getattr(summary, LABEL_PLURAL[label]).removed += number


def _with_descendants(name: str, ids: set[Id]) -> set[Id]:
    """These records' ids and those of every record the database will delete with them (ON DELETE CASCADE)."""
    found, queue = set(ids), [(name, ids)]
    while queue:
        parent, parent_ids = queue.pop()
        for relation in ENTITIES[parent].model._meta.related_objects:
            if relation.on_delete is not models.CASCADE or relation.related_model not in MODEL_ENTITY:
                continue
            related = _existing(relation.related_model, parent_ids, (), by=relation.field.attname)
            new = related.keys() - found
            queue.append((MODEL_ENTITY[relation.related_model], new))
            found |= new
    return found
