"""Import of Open Referral HSDS 3.0 data into the directory: all or nothing, or the valid records only;
and the check of a file without writing anything.

What it reads (`hsds_import_path`): a JSON file holding one organisation in full form, a list of them or
an API page of them ({"contents": [...]}); NDJSON, one organisation per line; a tabular data package (a
folder or a .zip, see `tabular`). A top-level record with a nested "organization" object, or a "status",
is a service in full form: the service and everything under it is imported and its organisation updated,
while the organisation's other services are left alone. `hsds_import_organizations` takes the dicts.
This module is the way in; the work is done in modules named by what they hold:
- `reading`: the file or package read into rows (`tabular` for a package), every problem noted;
- `records`: the rows and the validation of each record; `entities`: which HSDS object maps onto which
  of our models, with which columns; `values`: how each field's value is checked;
- `references`: references checked against the file and the database; `rejecting`: what --skip-invalid
  sets aside; `writing`: the rows written (`lookups`: what the database already holds);
- `problems`: every problem in words an editor can act on; `summary`: what an import or a check tells.

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

from collections.abc import Sequence
from pathlib import Path

from refugiu.core.bulk import gc_paused
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.entities import ENTITIES
from refugiu.directory.hsds.reading import path_collect
from refugiu.directory.hsds.records import ImportRows, Place
from refugiu.directory.hsds.references import references_resolve
from refugiu.directory.hsds.summary import ImportCheck, ImportSummary, collected_warnings, in_file_order
from refugiu.directory.hsds.writing import rows_write

__all__ = ["hsds_check_path", "hsds_import_organizations", "hsds_import_path"]


def hsds_check_path(path: Path) -> ImportCheck:
    """Check an HSDS file or tabular package as an import would, and write nothing: every problem in one
    run. References are resolved against the file and the database, as an import does."""
    path = Path(path)
    with gc_paused():
        collector = path_collect(path)
        references_resolve(collector)
    return ImportCheck(
        records={ENTITIES[name].plural: len(by_id) for name, by_id in collector.rows.items()},
        units=len(collector.units),
        problems=in_file_order(collector.problems),
        warnings=collected_warnings(collector),
    )


def hsds_import_path(path: Path, *, reindex: bool = True, skip_invalid: bool = False) -> ImportSummary:
    """Import an HSDS file or tabular package (see the module's docstring): all or nothing, raising
    HsdsImportError with every problem found; or with `skip_invalid`, every valid record, setting aside
    the others (`ImportSummary.rejected`, each with the record as the file has it)."""
    path = Path(path)
    with gc_paused():
        collector = path_collect(path, keep_data=skip_invalid)
        return rows_write(collector, reindex=reindex, skip_invalid=skip_invalid)


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
        return rows_write(collector, reindex=reindex)
