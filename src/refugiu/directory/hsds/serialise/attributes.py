"""Attributes (a taxonomy term on a record). They link to a record by id alone, so the ORM cannot prefetch
them: each form takes an `AttributeSlots`, hands every record an empty list from it, and
`attributes_deferred` fills all the lists with one query when the batch is done."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.fields import ATTRIBUTE_FIELDS, HsdsRecord, fields_of, with_extra
from refugiu.directory.hsds.serialise.vocabularies import taxonomy_term_serialise

ATTRIBUTE_BATCH = 10_000  # ids per query: far below every database's parameter limit


class AttributeSlots:
    """One list per record that a batch's attributes go into, filled in one query by `fill`."""

    def __init__(self) -> None:
        self._slots: dict[uuid.UUID, list[HsdsRecord]] = {}

    def slot(self, record_id: uuid.UUID) -> list[HsdsRecord]:
        return self._slots.setdefault(record_id, [])

    def fill(self) -> None:
        ids = list(self._slots)
        for start in range(0, len(ids), ATTRIBUTE_BATCH):
            attributes = (
                d.Attribute.objects.filter(link_id__in=ids[start : start + ATTRIBUTE_BATCH])
                .select_related("taxonomy_term__taxonomy_ref")
                .order_by("id")
            )
            for attribute in attributes:
                self._slots[attribute.link_id].append(attribute_serialise(attribute=attribute))
        self._slots = {}


@contextmanager
def attributes_deferred() -> Iterator[AttributeSlots]:
    """Serialise a batch inside the block; on leaving it, every record's attributes are in place."""
    slots = AttributeSlots()
    yield slots
    slots.fill()


def attribute_serialise(*, attribute: d.Attribute) -> HsdsRecord:
    data = fields_of(attribute, ATTRIBUTE_FIELDS)
    data["taxonomy_term"] = taxonomy_term_serialise(term=attribute.taxonomy_term)
    return with_extra(data, attribute)


def attributed(data: HsdsRecord, record: d.HsdsModel, attributes: AttributeSlots) -> HsdsRecord:
    """A full form's last step: its slot for attributes, then the HSDS extras it came with."""
    data["attributes"] = attributes.slot(record.id)
    return with_extra(data, record)
