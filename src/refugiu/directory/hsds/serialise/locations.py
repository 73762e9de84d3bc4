"""Locations: the one public form of a location, used everywhere, confidential ones by their front door."""

import uuid

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.attributes import AttributeSlots, attributed
from refugiu.directory.hsds.serialise.fields import (
    LOCATION_FIELDS,
    HsdsRecord,
    fields_of,
    with_extra,
    with_translations,
)
from refugiu.directory.hsds.serialise.nested import (
    address_serialise,
    contacts_of,
    languages_of,
    phones_of,
    schedules_of,
)
from refugiu.directory.hsds.serialise.querysets import prefetched

# The name a confidential location goes by when it has no public area.
CONFIDENTIAL_NAME = "Confidential location"


def _public_organization_id(organization: d.Organization | None) -> str | None:
    return str(organization.id) if organization is not None and organization.is_published else None


def location_serialise(
    *, location: d.Location, attributes: AttributeSlots, summary: bool = False
) -> HsdsRecord:
    """The public form of a location, everywhere: full, or one-to-one fields only (`summary`).

    A confidential location gives only its id, type, organisation, a neutral name (its public area) and,
    in full form, its front door: the front-door phone as its one phone and the front-door email as its
    one contact. Their ids are derived from the location's, so they are stable from one call to the next.
    The location's organisation is read (select_related("organization") saves a query per location).
    """
    organization_id = _public_organization_id(location.organization) if location.organization_id else None
    if location.is_confidential:
        data: HsdsRecord = {"id": str(location.id), "location_type": location.location_type}
        if organization_id:
            data["organization_id"] = organization_id
        data["name"] = location.front_door_area or CONFIDENTIAL_NAME
        if summary:
            return data
        if location.front_door_phone:
            phone_id = uuid.uuid5(location.id, "front-door-phone")
            data["phones"] = [{"id": str(phone_id), "number": location.front_door_phone}]
        if location.front_door_email:
            contact_id = uuid.uuid5(location.id, "front-door-email")
            data["contacts"] = [{"id": str(contact_id), "email": location.front_door_email}]
        return data
    data = fields_of(location, LOCATION_FIELDS)
    if not organization_id:
        data.pop("organization_id", None)
    with_translations(data, location)
    if summary:
        return with_extra(data, location, one_to_one_only=True)
    data["languages"] = languages_of(location, attributes)
    data["addresses"] = [
        address_serialise(address=address, attributes=attributes)
        for address in prefetched(location, "addresses")
    ]
    data["contacts"] = contacts_of(location, attributes)
    data["phones"] = phones_of(location, attributes)
    data["schedules"] = schedules_of(location, attributes)
    return attributed(data, location, attributes)
