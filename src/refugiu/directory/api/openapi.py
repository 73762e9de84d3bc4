"""The HSDS 3.0 objects, as components of our own OpenAPI document, so that it resolves with nothing but
itself: offline, inside a partner's closed network, and without a client fetching anything from another
host.

directory/data/hsds_structure.json states each object's fields as HSDS defines them (names, types,
formats, required fields, code lists; see its NOTICE), keyed by the object's name ("service", and
"service_list" for the summary form of a list page); each becomes the component `hsds_<name>`, and a field
that holds another object ("location.json") refers to that object's component
("#/components/schemas/hsds_location"). A test holds the file to the official schemas.
"""

import copy
import functools
import json
from pathlib import Path
from typing import Any

STRUCTURE = Path(__file__).resolve().parents[1] / "data" / "hsds_structure.json"
PREFIX = "hsds_"
COMPONENTS = "#/components/schemas/"


def component_ref(name: str) -> dict[str, str]:
    """A reference to the HSDS schema `name` ("service", "service_list"), within the document."""
    if name not in _structure():
        raise LookupError(f"no HSDS object named {name!r} in {STRUCTURE.name}")
    return {"$ref": f"{COMPONENTS}{PREFIX}{name}"}


def _local(node: Any) -> Any:
    """`node` with every reference to a sibling schema file made a reference to its component."""
    pending = [node]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.endswith(".json") and "/" not in ref:
                value["$ref"] = component_ref(ref.removesuffix(".json"))["$ref"]
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return node


@functools.cache
def _structure() -> dict[str, Any]:
    structure: dict[str, Any] = json.loads(STRUCTURE.read_text(encoding="utf-8"))
    return structure


@functools.cache
def _components() -> dict[str, Any]:
    return {PREFIX + name: _local(copy.deepcopy(schema)) for name, schema in sorted(_structure().items())}


def hsds_components() -> dict[str, Any]:
    """Every HSDS schema as a component, by name (a copy: the caller may change it)."""
    return copy.deepcopy(_components())
