"""Which HSDS objects map onto which of our models, and which of each model's columns a file sets: the
import's map of HSDS 3 (`ENTITIES`, in the order it writes them) and of each record's keys
(`entity_columns`, `entity_keys`). How a value is checked is in `values`; how records are read into rows,
in `records`.
"""

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.fields.related import RelatedField

from refugiu.core.fields import concrete_column
from refugiu.directory import models as d

__all__ = [
    "ENTITIES", "LABEL_PLURAL", "MODEL_ENTITY", "NEEDS_A_PARENT", "NOT_FROM_FILES", "WRITE_ORDER", "Column",
    "Entity", "entity_columns", "entity_keys",
]  # fmt: skip

# Our columns that no file sets: they belong to editors or to us.
NOT_FROM_FILES = frozenset(
    ("id", "hsds_extra", "is_published", "last_verified_on", "last_verified_by", "slug")
)


@dataclass(frozen=True)
class Entity:
    """How one HSDS object maps onto one of our models."""

    name: str  # HSDS's, as used in messages and in Attribute.link_entity
    plural: str
    model: type[models.Model]
    required: tuple[str, ...] = ()  # besides the id
    # nested list key → (entity, the link key its items get); "" = attributes, linked by link_id/link_entity
    children: dict[str, tuple[str, str]] = field(default_factory=dict)
    # nested object key → (entity, our link key pointing at it)
    nested: dict[str, tuple[str, str]] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)  # beyond our models' choices
    kept_if_absent: tuple[str, ...] = ()  # our extension columns: a file may set them, need not
    stamped: tuple[str, ...] = ()  # not HSDS: set to the time of the import


_ATTRIBUTES = {"attributes": ("attribute", "")}


def _children(link: str, **entities: str) -> dict[str, tuple[str, str]]:
    return {key: (entity, link) for key, entity in entities.items()} | _ATTRIBUTES


# fmt: off
ENTITIES: dict[str, Entity] = {entity.name: entity for entity in (
    Entity("taxonomy", "taxonomies", d.Taxonomy, required=("name", "description")),
    Entity("taxonomy_term", "taxonomy_terms", d.TaxonomyTerm, required=("name", "description"),
           nested={"taxonomy_detail": ("taxonomy", "taxonomy_id")}),
    Entity("organization", "organizations", d.Organization, required=("name", "description"),
           children=_children("organization_id", contacts="contact", phones="phone", locations="location",
                              services="service"),
           kept_if_absent=("country",), stamped=("last_modified",)),
    Entity("service", "services", d.Service, required=("name", "status"),
           children=_children("service_id", phones="phone", schedules="schedule", languages="language",
                              service_areas="service_area", service_at_locations="service_at_location",
                              contacts="contact"),
           nested={"organization": ("organization", "organization_id")}),
    Entity("location", "locations", d.Location, required=("location_type",),
           children=_children("location_id", languages="language", addresses="address", contacts="contact",
                              phones="phone", schedules="schedule"),
           kept_if_absent=("is_confidential", "front_door_area", "front_door_phone", "front_door_email")),
    Entity("service_at_location", "service_at_locations", d.ServiceAtLocation,
           children=_children("service_at_location_id", contacts="contact", phones="phone",
                              schedules="schedule"),
           nested={"location": ("location", "location_id")}, stamped=("last_modified",)),
    Entity("address", "addresses", d.Address, children=_ATTRIBUTES,
           required=("address_1", "city", "state_province", "postal_code", "country", "address_type")),
    Entity("contact", "contacts", d.Contact, children=_children("contact_id", phones="phone")),
    Entity("phone", "phones", d.Phone, required=("number",),
           children=_children("phone_id", languages="language")),
    Entity("schedule", "schedules", d.Schedule, children=_ATTRIBUTES,
           enums={"wkst": ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), "freq": ("WEEKLY", "MONTHLY")}),
    Entity("language", "languages", d.Language, children=_ATTRIBUTES),
    Entity("service_area", "service_areas", d.ServiceArea, children=_ATTRIBUTES),
    Entity("attribute", "attributes", d.Attribute,
           nested={"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")}),
)}
# fmt: on
WRITE_ORDER = tuple(ENTITIES)  # parents before children, as listed
MODEL_ENTITY = {entity.model: name for name, entity in ENTITIES.items()}
LABEL_PLURAL = {entity.model._meta.label: entity.plural for entity in ENTITIES.values()}
# Sub-records that mean nothing linked to nothing: skipped, with a warning, when every link is gone.
NEEDS_A_PARENT = ("contact", "phone", "schedule", "language", "service_area")


# --- columns --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the HSDS key
    attname: str
    kind: str
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    maximum: int | None = None
    digits: tuple[int, int] = (0, 0)  # decimals: (max_digits, decimal_places)
    target: str = ""  # links: the entity pointed at
    required: bool = False  # links our table cannot do without


# Checked in order: the first class a model field is an instance of gives its kind of value.
# fmt: off
_KINDS: tuple[tuple[type[models.Field], str], ...] = (
    (models.EmailField, "email"), (models.URLField, "url"), (models.UUIDField, "uuid"),
    (models.DateTimeField, "datetime"), (models.DateField, "date"), (models.TimeField, "time"),
    (models.DecimalField, "decimal"), (models.FloatField, "float"), (models.BooleanField, "bool"),
    (models.PositiveSmallIntegerField, "int"), (models.PositiveIntegerField, "int"),
    (models.JSONField, "translations"), (models.CharField, "str"), (models.TextField, "str"),
)
# fmt: on


@functools.cache
def entity_columns(entity_name: str) -> tuple[dict[str, Column], dict[str, Column]]:
    """The entity's plain columns and its links (foreign keys), by HSDS key."""
    entity = ENTITIES[entity_name]
    values: dict[str, Column] = {}
    links: dict[str, Column] = {}
    for f in entity.model._meta.concrete_fields:
        if f.primary_key or f.name in NOT_FROM_FILES or f.name in entity.stamped:
            continue
        if isinstance(f, RelatedField):  # f.is_relation
            target = MODEL_ENTITY[f.related_model]
            column = concrete_column(f)
            links[column] = Column(column, f.attname, "uuid", target=target, required=not f.null)
            continue
        kind = "country" if f.name == "country" else next(k for cls, k in _KINDS if isinstance(f, cls))
        choices = entity.enums.get(f.name) or tuple(str(c) for c, _ in f.choices or ())
        maximum = 32767 if isinstance(f, models.PositiveSmallIntegerField) else 2**31 - 1
        digits = (f.max_digits, f.decimal_places) if isinstance(f, models.DecimalField) else (0, 0)
        values[f.name] = Column(f.name, f.attname, kind, f.max_length, choices, maximum, digits)
    return values, links


@functools.cache
def entity_keys(entity_name: str) -> dict[str, tuple[str, Any]]:
    """What each key of the entity's records is: "id", a "value" or "link" column, "children" or "nested"."""
    values, links = entity_columns(entity_name)
    entity = ENTITIES[entity_name]
    return (
        {key: ("value", column) for key, column in values.items()}
        | {key: ("link", column) for key, column in links.items()}
        | {key: ("children", spec) for key, spec in entity.children.items()}
        | {key: ("nested", spec) for key, spec in entity.nested.items()}
        | {"id": ("id", None)}
    )
