"""Whose schedules: the groups of a public record, from the schedules of the records its hours come from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from refugiu.directory.schedules.open_at import Group
from refugiu.directory.schedules.reading import rule_from
from refugiu.directory.schedules.rules import Rule

# Callers hand in the rules of each record that has schedules, keyed by ("service" | "location" |
# "service_at_location", id), and the links: ids in whatever form they read them, the same throughout.

Owner = tuple[str, Any]


def _group(rules_of: Mapping[Owner, list[Rule]], *owners: Owner) -> tuple[Owner, Group] | None:
    """The first of these records that has schedules gives the group."""
    for owner in owners:
        rules = rules_of.get(owner)
        if rules:
            return owner, Group(tuple(rules))
    return None


def _sal_owners(*, service_id: Any, sal_id: Any, location_id: Any, confidential: bool) -> list[Owner]:
    owners: list[Owner] = [("service_at_location", sal_id), ("service", service_id)]
    if not confidential:
        owners.append(("location", location_id))
    return owners


def service_at_location_group(
    rules_of: Mapping[Owner, list[Rule]],
    *,
    service_id: Any,
    sal_id: Any,
    location_id: Any,
    confidential: bool,
) -> Group | None:
    """A service at a location: its own schedules, else the service's, else the location's (never a
    confidential location's: nothing of a shelter reaches the public)."""
    owners = _sal_owners(
        service_id=service_id, sal_id=sal_id, location_id=location_id, confidential=confidential
    )
    found = _group(rules_of, *owners)
    return found[1] if found else None


def service_groups(
    rules_of: Mapping[Owner, list[Rule]], *, service_id: Any, places: Iterable[tuple[Any, Any, bool]]
) -> list[Group]:
    """A service: each of its places (service at location id, location id, confidential) as
    `service_at_location_group` gives it, each record's schedules once; without places, its own."""
    groups: dict[Owner, Group] = {}
    places = list(places)
    for sal_id, location_id, confidential in places:
        owners = _sal_owners(
            service_id=service_id, sal_id=sal_id, location_id=location_id, confidential=confidential
        )
        found = _group(rules_of, *owners)
        if found is not None:
            groups.setdefault(*found)
    if not places:
        found = _group(rules_of, ("service", service_id))
        if found is not None:
            groups.setdefault(*found)
    return list(groups.values())


def organization_groups(
    rules_of: Mapping[Owner, list[Rule]], *, locations: Iterable[tuple[Any, bool]]
) -> list[Group]:
    """An organisation: the schedules of its locations that may be shown (not confidential)."""
    groups: dict[Owner, Group] = {}
    for location_id, confidential in locations:
        found = None if confidential else _group(rules_of, ("location", location_id))
        if found is not None:
            groups.setdefault(*found)
    return list(groups.values())


def rules_by_owner(rows: Iterable[Mapping[str, Any]]) -> dict[Owner, list[Rule]]:
    """Rules keyed by the record each schedule hangs from; `rows` carry SCHEDULE_FIELDS and the links
    service_id, location_id, service_at_location_id (a schedule may hang from several)."""
    rules: dict[Owner, list[Rule]] = {}
    for row in rows:
        rule = rule_from(row)
        for kind in ("service_at_location", "service", "location"):
            owner_id = row.get(f"{kind}_id")
            if owner_id is not None:
                rules.setdefault((kind, owner_id), []).append(rule)
    return rules
