"""The small records under the others: languages, phones, contacts, schedules, addresses, service areas.
Each is read from what the querysets prefetched (`querysets.prefetched`), which has already left out
whatever is tied to a confidential location."""

from django.db.models import Model

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.attributes import AttributeSlots, attributed
from refugiu.directory.hsds.serialise.fields import (
    ADDRESS_FIELDS,
    CONTACT_FIELDS,
    LANGUAGE_FIELDS,
    PHONE_FIELDS,
    SCHEDULE_FIELDS,
    SERVICE_AREA_FIELDS,
    HsdsRecord,
    fields_of,
)
from refugiu.directory.hsds.serialise.querysets import prefetched


def language_serialise(*, language: d.Language, attributes: AttributeSlots) -> HsdsRecord:
    return attributed(fields_of(language, LANGUAGE_FIELDS), language, attributes)


def phone_serialise(*, phone: d.Phone, attributes: AttributeSlots) -> HsdsRecord:
    data = fields_of(phone, PHONE_FIELDS)
    data["languages"] = [
        language_serialise(language=x, attributes=attributes) for x in prefetched(phone, "languages")
    ]
    return attributed(data, phone, attributes)


def contact_serialise(*, contact: d.Contact, attributes: AttributeSlots) -> HsdsRecord:
    data = fields_of(contact, CONTACT_FIELDS)
    data["phones"] = phones_of(contact, attributes)
    return attributed(data, contact, attributes)


def schedule_serialise(*, schedule: d.Schedule, attributes: AttributeSlots) -> HsdsRecord:
    return attributed(fields_of(schedule, SCHEDULE_FIELDS), schedule, attributes)


def address_serialise(*, address: d.Address, attributes: AttributeSlots) -> HsdsRecord:
    return attributed(fields_of(address, ADDRESS_FIELDS), address, attributes)


def service_area_serialise(*, service_area: d.ServiceArea, attributes: AttributeSlots) -> HsdsRecord:
    return attributed(fields_of(service_area, SERVICE_AREA_FIELDS), service_area, attributes)


def phones_of(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [phone_serialise(phone=phone, attributes=attributes) for phone in prefetched(parent, "phones")]


def contacts_of(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [
        contact_serialise(contact=contact, attributes=attributes)
        for contact in prefetched(parent, "contacts")
    ]


def schedules_of(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [
        schedule_serialise(schedule=schedule, attributes=attributes)
        for schedule in prefetched(parent, "schedules")
    ]


def languages_of(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [language_serialise(language=x, attributes=attributes) for x in prefetched(parent, "languages")]
