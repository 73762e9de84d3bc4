"""The references of an import's rows, checked against the file and the database before anything is
written (`references_resolve`): a link our table cannot do without, to a record that is nowhere, is a
problem; an optional one is kept as data and reported. Existing confidential locations are left alone, our
own vocabularies referred to and never overwritten, and an attribute linked to the kind of record it
belongs to.
"""

from refugiu.directory import models as d
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.entities import ENTITIES, NEEDS_A_PARENT, WRITE_ORDER, entity_columns
from refugiu.directory.hsds.lookups import ids_in_database
from refugiu.directory.hsds.records import ImportRows
from refugiu.directory.hsds.values import Id

__all__ = ["references_resolve"]


def references_resolve(collector: ImportRows) -> None:
    """Check every reference against the file and the database, before anything is written; a reference
    our table cannot do without, to a record that is nowhere, is a problem."""
    rows = collector.rows
    _protect_confidential_locations(collector)
    # Our own vocabularies are referred to, not overwritten.
    ours = {"taxonomy": {"slug__isnull": False}, "taxonomy_term": {"taxonomy_ref__slug__isnull": False}}
    for name, filters in ours.items():
        for record_id in ids_in_database(ENTITIES[name].model, list(rows[name]), **filters):
            del rows[name][record_id]
    wanted: dict[str, set[Id]] = {}
    for name, by_id in rows.items():
        links = entity_columns(name)[1]
        for row in by_id.values():
            for key, target_id in row.links.items():
                if target_id not in rows[links[key].target]:
                    wanted.setdefault(links[key].target, set()).add(target_id)
    in_database = {target: ids_in_database(ENTITIES[target].model, ids) for target, ids in wanted.items()}
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
    protected = ids_in_database(d.Location, candidates, is_confidential=True)
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
            for record_id in ids_in_database(ENTITIES[name].model, unknown):
                entity_of[record_id] = name
    for row in list(rows["attribute"].values()):
        entity = entity_of.get(row.values.get("link_id"))
        if entity is None:
            del rows["attribute"][row.id]
            collector.warn(f"{row.label}: link_id: no record {row.values.get('link_id', '')} here: skipped")
        else:
            row.values["link_entity"] = entity
