"""Organisations, services and services at locations in full form. The three nest one another (an
organisation its services, a service its organisation and where it is given, a service at a location its
service), so they live together; each leaves out the one it is nested in."""

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.attributes import AttributeSlots, attributed
from refugiu.directory.hsds.serialise.fields import (
    SERVICE_AT_LOCATION_FIELDS,
    SERVICE_FIELDS,
    HsdsRecord,
    fields_of,
    with_extra,
    with_translations,
)
from refugiu.directory.hsds.serialise.locations import location_serialise
from refugiu.directory.hsds.serialise.nested import (
    contacts_of,
    languages_of,
    phones_of,
    schedules_of,
    service_area_serialise,
)
from refugiu.directory.hsds.serialise.querysets import prefetched
from refugiu.directory.hsds.serialise.summaries import organization_summarise, service_summarise


def organization_serialise(
    *, organization: d.Organization, attributes: AttributeSlots, services: bool = True
) -> HsdsRecord:
    """An organisation in full form; with its published services in full form unless `services` is off
    (inside a service, which is already given)."""
    data = organization_summarise(organization=organization, extras=False)
    data["contacts"] = contacts_of(organization, attributes)
    data["phones"] = phones_of(organization, attributes)
    data["locations"] = [
        location_serialise(location=location, attributes=attributes)
        for location in prefetched(organization, "locations")
    ]
    if services:
        data["services"] = [
            service_serialise(service=service, attributes=attributes, organization=False)
            for service in prefetched(organization, "services")
            if service.is_published  # the prefetch already filters; this guards one that does not
        ]
    return attributed(data, organization, attributes)


def service_serialise(
    *,
    service: d.Service,
    attributes: AttributeSlots,
    organization: bool = True,
    service_at_locations: bool = True,
) -> HsdsRecord:
    """A service in full form (service.json). `organization` and `service_at_locations` are left out
    where the service is itself nested in one of them."""
    data = with_translations(fields_of(service, SERVICE_FIELDS), service)
    data["phones"] = phones_of(service, attributes)
    data["schedules"] = schedules_of(service, attributes)
    data["service_areas"] = [
        service_area_serialise(service_area=area, attributes=attributes)
        for area in prefetched(service, "service_areas")
    ]
    if service_at_locations:
        data["service_at_locations"] = [
            service_at_location_serialise(service_at_location=sal, attributes=attributes, service=False)
            for sal in prefetched(service, "service_at_locations")
        ]
    data["languages"] = languages_of(service, attributes)
    if organization:
        data["organization"] = organization_serialise(
            organization=service.organization, attributes=attributes, services=False
        )
    data["contacts"] = contacts_of(service, attributes)
    return attributed(data, service, attributes)


def service_at_location_serialise(
    *,
    service_at_location: d.ServiceAtLocation,
    attributes: AttributeSlots,
    service: bool = True,
    summary: bool = False,
) -> HsdsRecord:
    """A service at a location, full or summary, with its location's public form and, unless `service`
    is off (inside the service), its service. At a confidential location its own description, phones,
    schedules, contacts and extras are left out too: they would say where it is."""
    sal = service_at_location
    confidential = sal.location.is_confidential
    data = fields_of(sal, SERVICE_AT_LOCATION_FIELDS[:3] if confidential else SERVICE_AT_LOCATION_FIELDS)
    if not summary and not confidential:
        data["contacts"] = contacts_of(sal, attributes)
        data["phones"] = phones_of(sal, attributes)
        data["schedules"] = schedules_of(sal, attributes)
    data["location"] = location_serialise(location=sal.location, attributes=attributes, summary=summary)
    if service:
        data["service"] = (
            service_summarise(service=sal.service)
            if summary
            else service_serialise(service=sal.service, attributes=attributes, service_at_locations=False)
        )
    if confidential:
        return data
    if summary:
        return with_extra(data, sal, one_to_one_only=True)
    return attributed(data, sal, attributes)
