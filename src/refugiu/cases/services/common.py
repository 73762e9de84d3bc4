"""What every service of the cases module shares: the version check of an edit, and how an update names
the fields it leaves as they are."""

from __future__ import annotations

import enum
from typing import Any, Final

from django.db.models import F, Model
from django.utils.translation import gettext_lazy

from refugiu.cases.errors import CaseError

STALE_MESSAGE = gettext_lazy(
    "Someone else saved this record while you were editing it. Your changes were not saved: they are "
    "shown below. Check the current version, then save again."
)


class Unchanged(enum.Enum):
    """The default of an update's field parameters: the field stays as it is. (None is a value some fields
    take, such as a proceeding's deadline that is cleared.)"""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def given(**fields: object) -> dict[str, Any]:
    """The fields an update was given a value for."""
    return {name: value for name, value in fields.items() if value is not UNCHANGED}


def versioned_update(instance: Model, *, expected_version: int, fields: dict[str, Any]) -> None:
    """Save `fields` only if nobody saved `instance` since `expected_version` was read.

    One conditional UPDATE: two people saving at once cannot both win, and the loser gets a clear
    error (code "stale") instead of silently overwriting the other's work.
    """
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise CaseError("stale", STALE_MESSAGE)
    for key, value in fields.items():
        setattr(instance, key, value)
    setattr(instance, "version", expected_version + 1)  # noqa: B010 - any versioned model


def changed_fields(instance: Model, fields: dict[str, Any]) -> list[str]:
    """The names of `fields` whose value differs from `instance`'s, sorted (for the audit record)."""
    return sorted(name for name, value in fields.items() if getattr(instance, name) != value)
