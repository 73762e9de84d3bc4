"""The opening rows (directory.open_now) the index writes beside a chunk's entries, from the records'
schedules."""

from django.db.models import Q

from refugiu.core.lookups import AsStored
from refugiu.directory import open_now, schedules
from refugiu.directory.search.engines import plain_dicts
from refugiu.directory.selectors import public_schedules

OPENING_COLUMNS = ("organization_id", "entry_id", "record_id", *open_now.ROW_COLUMNS)


class Hours:
    """The opening rows of a chunk's records (directory.open_now), from their schedules."""

    def __init__(self, places: list[tuple], locations: dict, service_ids: AsStored):
        self.places: dict = {}  # service id -> [(service at location id, location id, confidential)]
        for service_id, location_id, sal_id in places:
            confidential = bool(locations[location_id]["is_confidential"])
            self.places.setdefault(service_id, []).append((sal_id, location_id, confidential))
        sal_ids = AsStored(sal_id for _, _, sal_id in places)
        scheduled = public_schedules().filter(
            Q(service_id__any=service_ids)
            | Q(service_at_location_id__any=sal_ids)
            | Q(location_id__any=AsStored(locations))
        )
        rows = plain_dicts(
            scheduled, "service_id", "location_id", "service_at_location_id", *schedules.SCHEDULE_FIELDS
        )
        self.rules = schedules.rules_by_owner(rows)
        self.any = bool(self.rules)

    def of_organization(self, locations: list[dict]) -> list[open_now.Row]:
        if not self.any:
            return []
        places = [(location["id"], bool(location["is_confidential"])) for location in locations]
        return open_now.record_rows(schedules.organization_groups(self.rules, locations=places))

    def of_service(self, service_id) -> list[open_now.Row]:
        if not self.any:
            return []
        places = self.places.get(service_id, [])
        groups = schedules.service_groups(self.rules, service_id=service_id, places=places)
        return open_now.record_rows(groups)

    def of_places(self) -> list[tuple]:
        """(service id, service at location id, row) of every service at a location."""
        found = []
        for service_id, places in self.places.items():
            for sal_id, location_id, confidential in places:
                group = schedules.service_at_location_group(
                    self.rules, service_id=service_id, sal_id=sal_id, location_id=location_id,
                    confidential=confidential,
                )  # fmt: skip
                if group is not None:
                    found += [(service_id, sal_id, row) for row in open_now.record_rows([group])]
        return found
