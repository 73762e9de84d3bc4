"""What --skip-invalid sets aside (`units_reject`): the units with a problem, and with them every record
that belongs to or refers to one of their records, each named with the record it went with.
"""

from django.utils.translation import gettext as _

from refugiu.directory.hsds.entities import ENTITIES, entity_columns
from refugiu.directory.hsds.records import ImportRows, Row
from refugiu.directory.hsds.summary import Rejected
from refugiu.directory.hsds.values import Id

__all__ = ["units_reject"]


def units_reject(collector: ImportRows) -> list[Rejected]:
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
