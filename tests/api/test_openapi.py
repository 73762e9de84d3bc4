"""The OpenAPI document (/api/openapi.json) is valid OpenAPI 3.1 and self-contained: every reference in it
resolves within it, none leads to another host, and the HSDS objects it holds are HSDS 3.0's."""

import json

import pytest
from openapi_spec_validator import validate

from refugiu.directory.api.openapi import STRUCTURE
from tests.conftest import HSDS_DIR, needs_shared_hsds

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _references(node) -> list[str]:
    found, pending = [], [node]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                found.append(value["$ref"])
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return found


def _pointed_at(document: dict, reference: str):
    """The part of the document a local reference (RFC 6901 JSON pointer) names; KeyError if none."""
    node = document
    for token in reference.removeprefix("#/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises, naming the first fault; resolves only within the document


def test_every_reference_resolves_within_the_document_and_none_leads_elsewhere(document):
    references = _references(document)
    assert len(references) > 50  # both APIs' schemas, and the HSDS schemas' references to one another
    assert not [ref for ref in references if not ref.startswith("#/")]
    assert "http" not in "".join(references)
    for reference in set(references):
        assert _pointed_at(document, reference) is not None, reference


def test_the_hsds_responses_are_described_by_the_hsds_schemas_the_document_holds(document):
    schemas = document["components"]["schemas"]
    assert {"hsds_service", "hsds_service_list", "hsds_organization", "hsds_taxonomy_term"} <= set(schemas)
    listed = document["paths"]["/api/hsds/services"]["get"]["responses"]["200"]["content"]
    items = listed["application/json"]["schema"]["properties"]["contents"]["items"]
    assert items == {
        "anyOf": [
            {"$ref": "#/components/schemas/hsds_service_list"},
            {"$ref": "#/components/schemas/hsds_service"},
        ]
    }
    location = schemas["hsds_service_at_location"]["properties"]["location"]
    assert location == {**location, "$ref": "#/components/schemas/hsds_location"}


def test_every_hsds_operation_documents_each_status_it_answers(document):
    """What each can answer (tests/api/test_schemathesis.py checks the server keeps to it)."""
    expected = {
        "/api/hsds/": {"200"},
        "/api/hsds/services": {"200", "400", "422"},
        "/api/hsds/services/{id}": {"200", "400", "404", "422"},
        "/api/hsds/taxonomies": {"200", "400", "422"},
        "/api/hsds/taxonomies/{id}": {"200", "404"},
    }
    for path, statuses in expected.items():
        responses = document["paths"][path]["get"]["responses"]
        assert set(responses) == statuses, path
        for status in statuses - {"200"}:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema["required"] == ["detail"], (path, status)


# What the structure keeps of an official schema: the JSON Schema keywords that say what a valid record is.
STRUCTURAL = {"type", "format", "$ref", "items", "properties", "required", "enum"}


def _structure_of(node):
    """An official schema without its text (titles, descriptions, examples, tabular metadata)."""
    if isinstance(node, list):
        return [_structure_of(value) for value in node]
    if not isinstance(node, dict):
        return node
    kept = {key: _structure_of(value) for key, value in node.items() if key in STRUCTURAL - {"properties"}}
    if "properties" in node:
        kept["properties"] = {name: _structure_of(field) for name, field in node["properties"].items()}
    return kept


@needs_shared_hsds
def test_the_hsds_structure_held_is_that_of_the_official_schemas():
    held = json.loads(STRUCTURE.read_text(encoding="utf-8"))
    assert len(held) == 24
    for name, structure in held.items():
        official = HSDS_DIR / "schema" / f"{name}.json"
        if name.endswith("_list"):  # the summary forms of the list pages
            official = HSDS_DIR / "schema" / "compiled" / f"{name}.json"
        assert structure == _structure_of(json.loads(official.read_text(encoding="utf-8"))), name
    # Every object the API serves or refers to, and no text of the specification.
    assert {"service", "organization", "location", "service_at_location", "taxonomy_term"} <= set(held)
    words = [value for value in _strings(held) if value.count(" ") >= 3]  # a code may have a space
    assert not words, words[:3]


def _strings(node) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(node, dict):
        return [*node, *(text for value in node.values() for text in _strings(value))]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return [node] if isinstance(node, str) else []
