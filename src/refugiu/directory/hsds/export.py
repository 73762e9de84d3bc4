"""Export of the whole public directory in HSDS 3.0 form, for other referral tools and for backups.

The form follows the path (`hsds_export_path`): `.json` a JSON array of organisations in full form,
`.ndjson` one organisation in full form per line (both what `hsds_import` reads back), and a folder or
a `.zip` a tabular data package: datapackage.json and one CSV file per HSDS table, named and with the
columns of the HSDS 3.0 tabular form (`TABLES`, our own copy, so nothing outside the project is read).

Why it works the way it does:
- Everything goes through `directory.hsds.serialise`, the API's serialiser: published records only, and
  confidential locations by their front door, with the same rules as the API. The tabular form is the
  full JSON form flattened, so it cannot say more than the JSON does.
- Organisations are read and written a batch at a time (`BATCH`), each batch with a fixed number of
  queries, so a directory of 100,000 services never sits in memory whole. The tabular form remembers
  only the ids it has written (16 bytes each), so that a record reached from two organisations (a
  location used by another organisation's service) is written once; its links from the second are not
  added.
- A record nested in another carries no link to it in JSON (the nesting says it); flattened, the
  link column is filled from the parent (phones.csv `service_id`, metadata.csv `resource_id`, …), and a
  parent gets the id of an object nested in it (`location_id`, `program_id`, `taxonomy_term_id`).
- Our extension fields (translations, an organisation's country) have no HSDS column: the JSON forms
  keep them, the tabular form does not.
- A file (JSON, NDJSON, zip) is written beside its final name and renamed into place when complete,
  so an interrupted export never leaves a file that looks whole; a folder is written in place.
"""

import csv
import datetime as dt
import json
import os
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from refugiu.core.batching import in_batches
from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.attributes import attributes_deferred
from refugiu.directory.hsds.serialise.fields import HsdsRecord
from refugiu.directory.hsds.serialise.querysets import organization_full_list, taxonomy_term_list
from refugiu.directory.hsds.serialise.services import organization_serialise
from refugiu.directory.hsds.serialise.vocabularies import taxonomy_serialise, taxonomy_term_serialise

BATCH = 100  # organisations per batch, each with its services, locations and everything under them
HSDS_VERSION = "3.0.0"

# The HSDS 3.0 tables: name → (file, columns). A column is "name" (a string) or "name:kind", kind being
# uuid, email or uri (strings of that format) or number, date, datetime or time.
# fmt: off
TABLES: dict[str, tuple[str, str]] = {
    "organization": ("organizations.csv", "id:uuid name alternate_name description email:email website:uri "
                     "tax_status tax_id year_incorporated:number legal_status logo uri:uri "
                     "parent_organization_id:uuid"),
    "program": ("programs.csv", "id:uuid organization_id:uuid name alternate_name description"),
    "service": ("services.csv", "id:uuid organization_id:uuid program_id:uuid name alternate_name "
                "description url:uri email:email status interpretation_services application_process "
                "fees_description wait_time fees accreditations eligibility_description minimum_age:number "
                "maximum_age:number assured_date:date assurer_email:email licenses alert "
                "last_modified:datetime"),
    "attribute": ("attributes.csv", "id:uuid link_id:uuid taxonomy_term_id:uuid link_type link_entity value"),
    "service_at_location": ("service_at_location.csv",
                            "id:uuid service_id:uuid location_id:uuid description"),
    "location": ("locations.csv", "id:uuid location_type url:uri organization_id:uuid name alternate_name "
                 "description transportation latitude:number longitude:number external_identifier "
                 "external_identifier_type"),
    "phone": ("phones.csv", "id:uuid location_id:uuid service_id:uuid organization_id:uuid contact_id:uuid "
              "service_at_location_id:uuid number extension:number type description"),
    "contact": ("contacts.csv", "id:uuid organization_id:uuid service_id:uuid service_at_location_id:uuid "
                "location_id:uuid name title department email:email"),
    "address": ("addresses.csv", "id:uuid location_id:uuid attention address_1 address_2 city region "
                "state_province postal_code country address_type"),
    "schedule": ("schedules.csv", "id:uuid service_id:uuid location_id:uuid service_at_location_id:uuid "
                 "valid_from:date valid_to:date dtstart:date timezone:number until:date count:number wkst "
                 "freq interval:number byday byweekno bymonthday byyearday description opens_at:time "
                 "closes_at:time schedule_link:uri attending_type notes"),
    "funding": ("funding.csv", "id:uuid organization_id:uuid service_id:uuid source"),
    "service_area": ("service_areas.csv", "id:uuid service_id:uuid name description extent extent_type uri"),
    "required_document": ("required_documents.csv", "id:uuid service_id:uuid document uri:uri"),
    "language": ("languages.csv", "id:uuid service_id:uuid location_id:uuid phone_id:uuid name code note"),
    "accessibility": ("accessibility.csv", "id:uuid location_id:uuid description details url:uri"),
    "taxonomy_term": ("taxonomy_terms.csv", "id:uuid code name description parent_id:uuid taxonomy language "
                      "taxonomy_id:uuid term_uri:uri"),
    "metadata": ("metadata.csv", "id:uuid resource_id:uuid resource_type last_action_date:date "
                 "last_action_type field_name previous_value replacement_value updated_by"),
    "meta_table_description": ("meta_table_descriptions.csv", "id:uuid name language character_set"),
    "cost_option": ("cost_options.csv", "id:uuid service_id:uuid valid_from:date valid_to:date option "
                    "currency amount:number amount_description"),
    "organization_identifier": ("organization_identifiers.csv", "id:uuid organization_id:uuid "
                                "identifier_scheme identifier_type identifier"),
    "taxonomy": ("taxonomies.csv", "id:uuid name description uri:uri version"),
}
# fmt: on
_KINDS = {
    "": ("string", None),
    "uuid": ("string", "uuid"),
    "email": ("string", "email"),
    "uri": ("string", "uri"),
    "number": ("number", None),
    "date": ("date", None),
    "datetime": ("datetime", None),
    "time": ("time", None),
}  # fmt: skip
# What a table's records nest: list key → child table. The child's link column is "<parent table>_id".
CHILDREN: dict[str, dict[str, str]] = {
    "organization": {
        "services": "service", "locations": "location", "phones": "phone", "contacts": "contact",
        "funding": "funding", "programs": "program", "organization_identifiers": "organization_identifier",
    },
    "service": {
        "phones": "phone", "schedules": "schedule", "service_areas": "service_area",
        "service_at_locations": "service_at_location", "languages": "language", "contacts": "contact",
        "funding": "funding", "cost_options": "cost_option", "required_documents": "required_document",
    },
    "service_at_location": {"phones": "phone", "schedules": "schedule", "contacts": "contact"},
    "location": {
        "addresses": "address", "phones": "phone", "schedules": "schedule", "languages": "language",
        "contacts": "contact", "accessibility": "accessibility",
    },
    "contact": {"phones": "phone"},
    "phone": {"languages": "language"},
}  # fmt: skip
# Lists any record may hold: key → table, linked by the record's id in the child's own columns.
EVERYWHERE = {"attributes": "attribute", "metadata": "metadata"}
# Objects nested in a record: key → table; the parent's column "<table>_id" holds the object's id. An
# organisation inside a service, or a service inside a service at location, is the parent already.
NESTED: dict[str, dict[str, str]] = {
    "service": {"program": "program"},
    "service_at_location": {"location": "location"},
    "attribute": {"taxonomy_term": "taxonomy_term"},
    "taxonomy_term": {"taxonomy_detail": "taxonomy"},
}


class HsdsExportError(Exception):
    """The export cannot be written where asked; nothing was left there."""


@dataclass
class ExportSummary:
    path: Path
    form: str  # "json", "ndjson", "tabular folder" or "tabular zip"
    counts: dict[str, int] = field(default_factory=dict)  # records (JSON forms) or rows (tabular) written
    seconds: float = 0.0

    def __str__(self) -> str:
        counts = ", ".join(f"{count} {name}" for name, count in self.counts.items() if count) or "nothing"
        return f"Exported {counts} to {self.path} ({self.form}) in {self.seconds:.1f} s."


def table_columns(*, table: str) -> list[str]:
    return [column.split(":")[0] for column in TABLES[table][1].split()]


def hsds_export_path(*, path: Path) -> ExportSummary:
    """Write the public directory to `path`, in the form its name asks for (see the module docstring)."""
    started = time.perf_counter()
    suffix = path.suffix.lower()
    if suffix in (".json", ".ndjson"):
        summary = ExportSummary(path=path, form=suffix[1:])
        with _replacing(path) as output:
            _write_json(output, summary=summary, lines=suffix == ".ndjson")
    elif suffix == ".zip":
        summary = ExportSummary(path=path, form="tabular zip")
        with tempfile.TemporaryDirectory(prefix=".hsds-export-", dir=_parent(path)) as folder:
            _write_tabular(Path(folder), summary=summary)
            with (
                _replacing(path, binary=True) as output,
                zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf,
            ):
                for file in sorted(Path(folder).iterdir()):
                    zf.write(file, arcname=file.name)
    elif path.is_dir() or not suffix:
        summary = ExportSummary(path=path, form="tabular folder")
        if path.exists() and not path.is_dir():
            raise HsdsExportError(f"{path} exists and is not a folder")
        _parent(path)
        if not path.exists():
            path.mkdir()
            path.chmod(0o755)  # public, like its files (_write_tabular), whatever the umask
        _write_tabular(path, summary=summary)
    else:
        raise HsdsExportError(
            f"{path.name}: say the form by the name: .json, .ndjson, .zip, or a folder for a tabular package"
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _parent(path: Path) -> Path:
    parent = path.parent.resolve()
    if not parent.is_dir():
        raise HsdsExportError(f"{parent} is not a folder")
    return parent


class _replacing:
    """A temporary file beside `path`, renamed to it on success and removed on failure."""

    def __init__(self, path: Path, *, binary: bool = False):
        self.path, self.binary = path, binary

    def __enter__(self) -> IO:
        handle, self.temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=_parent(self.path))
        self.file = os.fdopen(handle, "wb") if self.binary else os.fdopen(handle, "w", encoding="utf-8")
        return self.file

    def __exit__(self, kind, error, traceback) -> None:
        self.file.close()
        if kind is None:
            os.chmod(self.temporary, 0o644)  # mkstemp's 0600 would hide a public export from its readers
            os.replace(self.temporary, self.path)
        else:
            os.unlink(self.temporary)


# --- organisations in full form -------------------------------------------------------------------------


def organizations_serialised() -> Iterator[HsdsRecord]:
    """Every published organisation in full form, by name, a batch of queries per `BATCH`."""
    queryset = organization_full_list().order_by("name", "id")
    for batch in in_batches(queryset.iterator(chunk_size=BATCH), BATCH):
        with attributes_deferred() as attributes:
            records = [organization_serialise(organization=o, attributes=attributes) for o in batch]
        yield from records


def _count_json(summary: ExportSummary, organization: HsdsRecord) -> None:
    counts = summary.counts
    counts["organizations"] = counts.get("organizations", 0) + 1
    services = organization.get("services", [])
    counts["services"] = counts.get("services", 0) + len(services)
    counts["locations"] = counts.get("locations", 0) + len(organization.get("locations", []))
    counts["services at locations"] = counts.get("services at locations", 0) + sum(
        len(service.get("service_at_locations", [])) for service in services
    )


def _write_json(output: IO, *, summary: ExportSummary, lines: bool) -> None:
    if not lines:
        output.write("[")
    for number, organization in enumerate(organizations_serialised()):
        text = json.dumps(organization, ensure_ascii=False)
        output.write(text + "\n" if lines else ("\n" if number == 0 else ",\n") + text)
        _count_json(summary, organization)
    if not lines:
        output.write("\n]\n" if summary.counts else "]\n")


# --- the tabular form -----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _id_key(value: Any) -> bytes | str:
    """Ids as 16 bytes where they are UUIDs (nearly always): what `written` remembers stays small."""
    try:
        return uuid.UUID(str(value)).bytes
    except ValueError:
        return str(value)


class _Tables:
    """The CSV files of a package, and the ids already written to each."""

    def __init__(self, folder: Path, summary: ExportSummary):
        self.summary = summary
        self.files = {
            name: (folder / file).open("w", encoding="utf-8", newline="")
            for name, (file, _) in TABLES.items()
        }
        self.writers = {name: csv.writer(handle) for name, handle in self.files.items()}
        self.columns = {name: table_columns(table=name) for name in TABLES}
        self.written: dict[str, set[bytes | str]] = {name: set() for name in TABLES}
        for name, writer in self.writers.items():
            writer.writerow(self.columns[name])
            summary.counts[TABLES[name][0]] = 0

    def write(self, rows: dict[str, dict[str, dict[str, Any]]]) -> None:
        for name, by_id in rows.items():
            for record_id, row in by_id.items():
                key = _id_key(record_id)
                if key in self.written[name]:
                    continue
                self.written[name].add(key)
                self.writers[name].writerow([_cell(row.get(column)) for column in self.columns[name]])
                self.summary.counts[TABLES[name][0]] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def records_flatten(
    *, table: str, record: HsdsRecord, rows: dict, link: tuple[str, Any] | None = None
) -> None:
    """Add `record` of `table`, and everything nested in it, to `rows` (table → id → row).

    `link` is the column and id of the parent it is nested in. A record met twice (a phone under its
    location and its service) becomes one row holding every link.
    """
    record_id = record.get("id")
    if not record_id or not isinstance(record_id, str):
        return  # not an HSDS record (every one has an id): nothing to link it by
    columns = set(table_columns(table=table))
    row = {
        key: value for key, value in record.items() if key in columns and not isinstance(value, dict | list)
    }
    if link and link[0] in columns:
        row.setdefault(link[0], link[1])
    children = CHILDREN.get(table, {}) | EVERYWHERE
    for key, value in record.items():
        if key in children:
            child = children[key]
            for item in value if isinstance(value, list) else ():
                if not isinstance(item, dict):
                    continue
                if child == "attribute":
                    item = {"link_id": record_id, "link_entity": table, **item}
                elif child == "metadata":
                    item = {"resource_id": record_id, **item}
                records_flatten(table=child, record=item, rows=rows, link=(f"{table}_id", record_id))
        elif key in NESTED.get(table, {}) and isinstance(value, dict):
            records_flatten(table=NESTED[table][key], record=value, rows=rows)
            if value.get("id"):
                row.setdefault(f"{NESTED[table][key]}_id", value["id"])
    known = rows.setdefault(table, {}).setdefault(record_id, {})
    for column, value in row.items():
        if known.get(column) in (None, ""):
            known[column] = value


def _write_tabular(folder: Path, *, summary: ExportSummary) -> None:
    tables = _Tables(folder, summary)
    try:
        vocabularies: dict = {}
        for taxonomy in d.Taxonomy.objects.order_by("name", "id"):
            records_flatten(table="taxonomy", record=taxonomy_serialise(taxonomy=taxonomy), rows=vocabularies)
        for term in taxonomy_term_list().order_by("taxonomy_ref__name", "name", "id"):
            records_flatten(
                table="taxonomy_term", record=taxonomy_term_serialise(term=term), rows=vocabularies
            )
        tables.write(vocabularies)
        for organization in organizations_serialised():
            rows: dict = {}
            records_flatten(table="organization", record=organization, rows=rows)
            tables.write(rows)
    finally:
        tables.close()
    with (folder / "datapackage.json").open("w", encoding="utf-8") as handle:
        json.dump(datapackage_describe(), handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    # Public data, readable by all as the other forms are (_replacing), also under the `refugiu` command's
    # umask 077 (and inside a zip, which keeps each member's mode).
    for file in (*(file for file, _columns in TABLES.values()), "datapackage.json"):
        (folder / file).chmod(0o644)


def datapackage_describe() -> dict:
    """Our datapackage.json: the HSDS 3.0 tabular form, as a Frictionless tabular data package."""
    resources = []
    for name, (file, spec) in TABLES.items():
        fields = []
        foreign_keys = []
        for column in spec.split():
            column_name, _, kind = column.partition(":")
            field_type, field_format = _KINDS[kind]
            described: dict[str, Any] = {"name": column_name, "type": field_type}
            if field_format:
                described["format"] = field_format
            if column_name == "id":
                described["constraints"] = {"required": True, "unique": True}
            fields.append(described)
            target = column_name.removesuffix("_id")
            if column_name.endswith("_id") and target in TABLES:
                foreign_keys.append(
                    {"fields": column_name, "reference": {"resource": target, "fields": "id"}}
                )
        schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": name,
                "path": file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": "refugiu-directory",
        "title": "Referral directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "resources": resources,
    }
