"""Reading an HSDS 3.0 tabular data package: a folder or a .zip holding datapackage.json and its CSV files.

The tables that map onto our models become the importer's rows, through the same validation as the JSON
form (`ImportRows.record`). The others (funding, cost options, programs, …) are kept verbatim in the
hsds_extra of the record they belong to, under the key the JSON form uses, less the column that links
them to it; a row whose record is not in the package is reported and not kept.

datapackage.json names the CSV file of each HSDS table (resource). When a package has none, or one that
is not JSON (a symbolic link checked out as a text file, as in the HSDS repository's own example), the
standard HSDS file names are read instead and the summary says so. Resource paths are looked up inside
the package only: an absolute path, "..", or a URL is refused, so a package cannot make us read anything
else on the machine.

A row that cannot be read as a record (more or fewer cells than the header, a cell over the limit for
one field) is reported with the row's other problems, and the rest of the package is read all the same
(`Table.bad`); what stops the reading is a package that cannot be read at all (`PackageError`).

Nor can it make us read more than the limits allow (`core.limits`): a zip's members are counted and their
declared sizes checked before anything is unpacked; every file is then read as a stream, unpacked and
counted in chunks, and parsed a bounded row at a time, so that a zip bomb is refused at the first byte
over a limit with no more than a chunk and a row of it in memory.
"""

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO
from uuid import UUID

from django.utils.translation import gettext as _

from refugiu.core.limits import (
    BoundedLines,
    Budget,
    LimitExceeded,
    TextTooLong,
    ZipLimits,
    bounded_stream,
    field_limit,
    field_too_long,
    record_limit,
    zip_member_stream,
    zip_open,
)
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.problems import Invalid

if TYPE_CHECKING:
    from refugiu.directory.hsds.records import ImportRows, Row

# HSDS resource name → the file the official datapackage.json gives it.
STANDARD_PATHS = {
    "organization": "organizations.csv",
    "program": "programs.csv",
    "service": "services.csv",
    "attribute": "attributes.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "address": "addresses.csv",
    "schedule": "schedules.csv",
    "funding": "funding.csv",
    "service_area": "service_areas.csv",
    "required_document": "required_documents.csv",
    "language": "languages.csv",
    "accessibility": "accessibility.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "metadata": "metadata.csv",
    "meta_table_description": "meta_table_descriptions.csv",
    "cost_option": "cost_options.csv",
    "organization_identifier": "organization_identifiers.csv",
    "taxonomy": "taxonomies.csv",
}
DESCRIPTOR = "datapackage.json"
# The tables that map onto our models, parents first, as the importer writes them.
RECORD_TABLES = (
    "taxonomy", "taxonomy_term", "organization", "service", "location", "service_at_location", "address",
    "contact", "phone", "schedule", "language", "service_area", "attribute",
)  # fmt: skip
# The tables we have no model for: (hsds_extra key, the columns linking a row to its record, best first).
EXTRA_TABLES = {
    "funding": ("funding", ("service_id", "organization_id")),
    "cost_option": ("cost_options", ("service_id",)),
    "required_document": ("required_documents", ("service_id",)),
    "program": ("programs", ("organization_id",)),
    "organization_identifier": ("organization_identifiers", ("organization_id",)),
    "accessibility": ("accessibility", ("location_id",)),
    "metadata": ("metadata", ("resource_id",)),
}
EXTRA_NUMBERS = {("cost_option", "amount")}  # the only non-text columns of those tables


class PackageError(Exception):
    """The package cannot be read: `where` is the file (and row) concerned, `fix` how to put it right."""

    def __init__(self, where: str, reason: str, field: str = "", *, fix: str = ""):
        self.where, self.reason, self.field, self.fix = where, reason, field, fix
        super().__init__(": ".join(part for part in (where, field, reason) if part))


def _over_limit(where: str, error: LimitExceeded) -> PackageError:
    return PackageError(where, str(error), fix=say.too_long(error).fix)


@dataclass
class Table:
    name: str  # the HSDS resource name, e.g. "service"
    file: str  # the file inside the package, for messages
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, its cells by column)
    # rows that are no record: (row number, its cells, what is wrong, the column concerned)
    bad: list[tuple[int, list[str], Invalid, str]] = field(default_factory=list)


@dataclass
class TabularPackage:
    tables: dict[str, Table] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Folder:
    def __init__(self, root: Path, budget: Budget):
        self.root, self.budget = root.resolve(), budget

    def open(self, name: str) -> BinaryIO | None:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        if path.stat().st_size > self.budget.limits.member_bytes:
            raise self.budget.limits.too_big()
        return bounded_stream(path.open("rb"), self.budget)


class _Zip:
    """A zip's members, read in place (never extracted); the package may sit in one top-level folder."""

    def __init__(self, archive: zipfile.ZipFile, budget: Budget):
        self.archive, self.budget = archive, budget
        names = [n for n in archive.namelist() if not n.endswith("/")]
        descriptors = sorted((n for n in names if PurePosixPath(n).name == DESCRIPTOR), key=len)
        self.prefix = str(PurePosixPath(descriptors[0]).parent) + "/" if descriptors else ""
        if self.prefix == "./":
            self.prefix = ""
        self.names = set(names)

    def open(self, name: str) -> BinaryIO | None:
        member = self.prefix + name
        if member not in self.names:
            return None
        try:
            return zip_member_stream(self.archive, self.archive.getinfo(member), self.budget)
        except (NotImplementedError, RuntimeError) as exc:  # an encrypted member, an unknown compression
            raise PackageError(
                name,
                f"cannot be read ({exc})",
                fix=_("Make the zip again without a password, with ordinary (deflate) compression."),
            ) from None


def tabular_package_read(*, path: Path) -> TabularPackage:
    """Every HSDS table of the package at `path` (a folder or a .zip), as rows of cells by column."""
    limits = ZipLimits.from_settings()
    if path.is_dir():
        return _read(_Folder(path, Budget(limits)))
    try:
        with path.open("rb") as file, zip_open(file, limits) as archive:
            return _read(_Zip(archive, Budget(limits)))
    except LimitExceeded as exc:
        raise _over_limit(exc.member or path.name, exc) from None
    except zipfile.BadZipFile as exc:
        raise PackageError(
            path.name,
            "not a readable zip file",
            fix=_("Make the zip again, or import the folder it was made from."),
        ) from exc


def _read(source: _Folder | _Zip) -> TabularPackage:
    package = TabularPackage()
    paths = _resource_paths(source, package.warnings)
    for name, file in paths.items():
        with _reading(file):
            stream = source.open(file)
            if stream is None:
                if paths is not STANDARD_PATHS:
                    raise PackageError(
                        file,
                        f"named in {DESCRIPTOR} (resource {name!r}) but not in the package",
                        fix=_("Add the file to the package, or remove its resource from %(descriptor)s.")
                        % {"descriptor": DESCRIPTOR},
                    )
                continue
            with stream:
                rows, bad = _csv_rows(file, stream)
                package.tables[name] = Table(name=name, file=file, rows=rows, bad=bad)
    if not package.tables:
        raise PackageError(
            DESCRIPTOR,
            "the package holds none of the HSDS tables (organizations.csv, services.csv, …)",
            fix=_("Put the CSV files of the records in the package (organizations.csv, services.csv, …)."),
        )
    return package


@contextmanager
def _reading(file: str) -> Iterator[None]:
    """While `file` is read: a limit it passes, or damage found in it, is a PackageError naming it."""
    try:
        yield
    except LimitExceeded as exc:
        raise _over_limit(file, exc) from None
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        # zipfile gives no more of a member than its header says, then checks its CRC: a header that
        # understates what follows ends here.
        raise PackageError(
            file,
            f"is damaged, or not what its zip header says ({exc})",
            fix=_("Make the zip again from the original files: this one is damaged or was altered."),
        ) from None


def _resource_paths(source: _Folder | _Zip, warnings: list[str]) -> dict[str, str]:
    with _reading(DESCRIPTOR):
        stream = source.open(DESCRIPTOR)
        if stream is None:
            warnings.append(f"no {DESCRIPTOR}: read the standard HSDS file names")
            return STANDARD_PATHS
        with stream:
            raw = stream.read(record_limit() + 1)  # a description of files, not data: one record's worth
    if len(raw) > record_limit():
        raise PackageError(
            DESCRIPTOR,
            f"is longer than the limit of {record_limit():,} bytes",
            fix=_("Keep only the description of the package's files in %(descriptor)s.")
            % {"descriptor": DESCRIPTOR},
        )
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        warnings.append(
            f"{DESCRIPTOR} is not JSON (a link checked out as text?): read the standard file names"
        )
        return STANDARD_PATHS
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    naming = _(
        'Give %(descriptor)s a "resources" list naming each CSV file, as HSDS\'s own datapackage.json does: '
        '{"name": "organization", "path": "organizations.csv"}.'
    ) % {"descriptor": DESCRIPTOR}
    if not isinstance(resources, list):
        raise PackageError(DESCRIPTOR, "has no list of resources", fix=naming)
    paths: dict[str, str] = {}
    for position, resource in enumerate(resources, 1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(DESCRIPTOR, f"resource #{position} has no name", fix=naming)
        name, file = resource["name"], resource.get("path")
        if name not in STANDARD_PATHS:
            warnings.append(f"table {name!r} is not part of HSDS 3.0: ignored")
            continue
        if not isinstance(file, str) or not _is_safe_relative(file):
            raise PackageError(
                DESCRIPTOR,
                f"resource {name!r}: path must be a file name inside the package",
                fix=_(
                    "Write the file's name as it is inside the package, e.g. services.csv: no web address, "
                    "no / at the start, no .."
                ),
            )
        paths[name] = file
    return paths


def _is_safe_relative(file: str) -> bool:
    pure = PurePosixPath(file)
    return (
        bool(file)
        and "://" not in file
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in file
    )


def _csv_rows(
    file: str, stream: BinaryIO
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, list[str], Invalid, str]]]:
    """The rows of a CSV file, read a row at a time, and the rows that are no record (see `Table.bad`): no
    row may be longer than the record limit (that stops the reading: the rest of the file cannot be
    trusted), no cell longer than the field limit (that row is set aside)."""
    longest_field, longest_row = field_limit(), record_limit()
    # The csv module's own bound on a field is process-wide: it is raised to our bound on a row, which
    # every field is within, and never lowered (nothing else here reads CSV; see core.limits).
    if csv.field_size_limit() < longest_row:
        csv.field_size_limit(longest_row)
    lines = BoundedLines(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""), limit=longest_row)
    reader = csv.reader(lines)
    done = 0  # rows read, the header first: a row over a limit is row done + 1
    try:
        header = [column.strip() for column in next(reader, [])]
        done = 1
        lines.record_done()
        if len(set(header)) != len(header):
            raise PackageError(
                file,
                "has the same column twice in its header",
                fix=_("Keep each column once in the header row (the first row)."),
            )
        rows = []
        bad: list[tuple[int, list[str], Invalid, str]] = []
        for cells in reader:
            lines.record_done()
            done += 1
            if not any(cells):
                continue
            if len(cells) != len(header):
                bad.append((done, cells, say.csv_cells(len(cells), len(header)), ""))
            elif max(map(len, cells)) > longest_field:
                column = next(c for c, cell in zip(header, cells, strict=True) if len(cell) > longest_field)
                bad.append((done, cells, say.too_long(field_too_long()), column))
            else:
                rows.append((done, dict(zip(header, cells, strict=True))))
    except TextTooLong as exc:
        raise _over_limit(f"{file} row {done + 1}", exc) from None
    except UnicodeDecodeError as exc:
        raise PackageError(
            file, "is not UTF-8 text", fix=_("Save the file again as UTF-8 text (CSV UTF-8).")
        ) from exc
    except csv.Error as exc:
        raise PackageError(
            file,
            f"is not valid CSV ({exc})",
            fix=_("Save the table again as CSV, with commas between cells and double quotes around text."),
        ) from exc
    return rows, bad


def tabular_package_collect(*, path: Path, rows: "ImportRows") -> None:
    """Read the package at `path` into the importer's `rows` (see the module docstring). Each row of a
    table is a unit of its own (`ImportRows.begin`); a row of a table we have no model for belongs with
    its record, which a problem in it sets aside too."""
    from refugiu.directory.hsds.records import Place

    package = tabular_package_read(path=path)
    for warning in package.warnings:
        rows.warn(warning)
    for name in RECORD_TABLES:
        table = package.tables.get(name)
        if table is None:
            continue
        for number, cells in table.rows:
            where = f"{table.file} row {number}"
            rows.begin(label=where, path=where, data=cells, file=table.file)
            place = Place(path=where, label=where, tabular=True)
            rows.record(name, cells, place=place, where=where, from_text=True)
        _bad_rows(rows, table)
    rows.give_tables(package.tables)
    everything = {row.id: row for by_id in rows.rows.values() for row in by_id.values()}
    for name, (key, parent_links) in EXTRA_TABLES.items():
        table = package.tables.get(name)
        if table is None:
            continue
        for number, cells in table.rows:
            where = f"{table.file} row {number}"
            unit = rows.begin(label=where, path=where, data=cells, file=table.file)
            label = f"{name} {cells.get('id', '')} ({where})"
            try:
                parent = _extra_parent(rows, parent_links, cells, everything)
            except Invalid as exc:
                rows.unit_problem(unit, exc, record=label, key=exc.field)
                continue
            if parent is None:
                rows.warn(f"{label}: its record is not in the package: not kept")
                continue
            item = {}
            for column, value in cells.items():
                if value == "":
                    continue
                try:
                    item[column] = _extra_value(name, column, value)
                except Invalid as exc:
                    rows.unit_problem(unit, exc, record=label, key=column, also=(parent[0].unit,))
            del item[parent[1]]
            parent[0].extra.setdefault(key, []).append(item)
        _bad_rows(rows, table)
    for name in package.tables.keys() - set(RECORD_TABLES) - set(EXTRA_TABLES):
        rows.warn(f"{package.tables[name].file}: describes the package, not a record: not kept")


def _bad_rows(rows: "ImportRows", table: Table) -> None:
    """The rows of a table that are no record: each a unit with its problem."""
    for number, cells, invalid, column in table.bad:
        where = f"{table.file} row {number}"
        unit = rows.begin(label=where, path=where, data=cells, file=table.file)
        rows.unit_problem(unit, invalid, key=column)


def _extra_parent(rows, parent_links, cells, everything) -> "tuple[Row, str] | None":
    """The record a row of an extra table belongs to, and the column that says so (or `Invalid`)."""
    for link in parent_links:
        if not cells.get(link):
            continue
        try:
            parent_id = str(UUID(cells[link].strip()))  # the importer's Id
        except ValueError:
            problem = say.not_uuid(link)
            raise Invalid(problem.reason, problem.fix, field=link) from None
        parent = everything.get(parent_id) if link == "resource_id" else rows.rows[link[:-3]].get(parent_id)
        if parent is not None:
            return parent, link
    return None


def _extra_value(name: str, column: str, value: str) -> str | int | float:
    if (name, column) not in EXTRA_NUMBERS:
        return value
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise say.not_number() from None
    if not number.is_finite():
        raise say.not_number()
    return int(number) if number == number.to_integral_value() else float(number)
