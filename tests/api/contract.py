"""Schemathesis against a running server: every operation of /api/openapi.json, with data the document says
is valid (positive) and data it says is not (negative), each response put to every check that can tell
whether the server keeps to its document. Used by tests/api/test_schemathesis.py (bounded, in the suite)
and benchmarks/schemathesis_run.py (the longer run); the one list of what the document cannot say is
`UNDOCUMENTABLE` below.

Requests go over real HTTP to the server (pytest-django's live_server, or any URL), so the whole stack
answers: middleware, authentication, the API's parser and error handlers.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = {
    "not_a_server_error": not_a_server_error,
    "status_code_conformance": status_code_conformance,
    "content_type_conformance": content_type_conformance,
    "response_schema_conformance": response_schema_conformance,
    "ignored_auth": ignored_auth,
    "negative_data_rejection": negative_data_rejection,
    "positive_data_acceptance": positive_data_acceptance,
}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@dataclasses.dataclass(frozen=True)
class Undocumentable:
    """A check that fails on `operation` (its method and path; "…*": every path under it) for a reason the
    document cannot state, let off only for the requests and answers `applies` picks out, never for the
    whole operation or check."""

    check: str
    operation: str
    reason: str
    applies: Callable[[schemathesis.Case, Any], bool]

    def covers(self, check: str, label: str, case: schemathesis.Case, response: Any) -> bool:
        if check != self.check:
            return False
        method, path = self.operation.split(" ", 1)
        called_method, called_path = label.split(" ", 1)
        if method not in ("*", called_method):
            return False
        under = path.endswith("*") and called_path.startswith(path.removesuffix("*"))
        if not under and path != called_path:
            return False
        return self.applies(case, response)


def _answer(response: Any) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def refused_with(*codes: str) -> Callable[[schemathesis.Case, Any], bool]:
    """The server refused with one of these `code`s (a rule of the cases services): 403 when the caller may
    not, 422 when a rule refuses it (cases.api.problems)."""
    return lambda case, response: (
        response.status_code in (403, 422) and _answer(response).get("code") in codes
    )


def refused_for(named: Callable[[str], bool]) -> Callable[[schemathesis.Case, Any], bool]:
    """The server answered 400 naming only parameters `named` picks out."""

    def applies(case: schemathesis.Case, response: Any) -> bool:
        refused = [error.get("parameter", "") for error in _answer(response).get("errors", [])]
        return response.status_code == 400 and bool(refused) and all(named(name) for name in refused)

    return applies


def _query(case: schemathesis.Case) -> dict:
    return dict(case.query or {})


# The ONE reviewed list. Each entry: which check, which operation, why the document cannot say it, and the
# requests it covers.
UNDOCUMENTABLE: tuple[Undocumentable, ...] = (
    Undocumentable(
        "positive_data_acceptance",
        "GET /api/hsds/service_at_locations",
        "A postcode is placed only if one of this directory's public addresses has it (no other postcode "
        'data is used): any other answers 400 "postcode not known". Which postcodes exist is data, not '
        "something a pattern can say.",
        refused_for(lambda name: name == "postcode"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "GET /api/hsds/service_at_locations",
        "proximity needs a postcode to measure from (400 without one): OpenAPI 3.1 cannot say that a query "
        "parameter requires another (the parameter's description says it).",
        lambda case, response: (
            "postcode" not in _query(case) and refused_for(lambda name: name == "proximity")(case, response)
        ),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "POST /api/cases/cases",
        "Who may open which case is data: a caller opens cases only in a department they work in "
        '("department"), with caseworkers of it on the team ("not_caseworker").',
        refused_with("department", "not_caseworker"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "PATCH /api/cases/cases/{case_id}",
        "A change must change something: values equal to the case's current ones answer "
        '"nothing_to_change", which depends on the record, not on the request.',
        refused_with("nothing_to_change"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "POST /api/cases/cases/{case_id}/proceedings",
        'A stage belongs to one kind of proceeding ("bad_stage"). JSON Schema could say it (one branch per '
        "kind, each with its stages), but the document does not yet: for the cases API's owner.",
        refused_with("bad_stage"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "POST /api/cases/cases/{case_id}/referrals",
        'Exactly one destination: service_id, organization_id or department_id ("destination"). JSON Schema '
        "could say it (oneOf of the three), but the document does not yet: for the cases API's owner.",
        refused_with("destination"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "* /api/*",
        "Text no database can store (a NUL character, a lone surrogate) answers 422 wherever it is, in a "
        "parameter, a field, or a name the document does not know (refugiu.api's parser). JSON Schema could "
        "say it only with a pattern on every string (none for names), and no pattern can single out a lone "
        "surrogate, which the JSON text carries as an escape.",
        lambda case, response: response.status_code == 422 and bool(_answer(response).get("errors")),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "* /api/cases/*",
        'A day of the work (a session, a consent, an assessment) cannot be after today ("future_date"): '
        "JSON Schema has no bound for a date, still less one that moves with the calendar.",
        refused_with("future_date"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "* /api/cases/*",
        "A record named by its id must exist and be one the caller may use: a service or an organisation of "
        'the directory ("unknown_service", "unknown_organization"), a person who may see the case for a task '
        '("assignee_cannot_see"). Which ids exist, and who sees what, is data.',
        refused_with("unknown_service", "unknown_organization", "assignee_cannot_see"),
    ),
    Undocumentable(
        "positive_data_acceptance",
        "POST /api/cases/cases/{case_id}/consents",
        'Consent to share names whom it is shared with ("recipient_required"). JSON Schema could say it (if '
        "the scope is sharing, then a recipient), but the document does not yet: for the cases API's owner.",
        refused_with("recipient_required"),
    ),
)


@dataclasses.dataclass
class Tally:
    """What one run did: examples sent per operation, failures per check (with one example of each)."""

    examples: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: Counter[str] = dataclasses.field(default_factory=Counter)
    let_off: Counter[str] = dataclasses.field(default_factory=Counter)
    first: dict[str, str] = dataclasses.field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.examples.update(other.examples)
        self.failures.update(other.failures)
        self.let_off.update(other.let_off)
        for key, text in other.first.items():
            self.first.setdefault(key, text)

    def report(self) -> str:
        return "\n\n".join(
            f"{key} ({self.failures[key]}×): {text}" for key, text in sorted(self.first.items())
        )


def _let_off(check: str, label: str, case: schemathesis.Case, response: Any) -> bool:
    return any(rule.covers(check, label, case, response) for rule in UNDOCUMENTABLE)


def load(base_url: str) -> schemathesis.BaseSchema:
    """The document as the server serves it, requests going to that server."""
    # A generous timeout: building the document takes ninja a second or two on a loaded machine.
    return schemathesis.openapi.from_url(base_url.rstrip("/") + "/api/openapi.json", timeout=120)


def run(
    schema: schemathesis.BaseSchema,
    *,
    headers: dict[str, str],
    examples: int,
    seed: int,
    only: Callable[[str], bool] = lambda label: True,
) -> Tally:
    """Every operation `only` keeps, `examples` positive and `examples` negative cases each (Hypothesis may
    make fewer where the space is small), the same cases for the same seed; no shrinking, no database."""
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if not only(label):
            continue
        for mode in MODES:
            tally.add(_exercise(operation, label, mode, headers=headers, examples=examples, seed=seed))
    return tally


def _exercise(operation, label: str, mode: GenerationMode, *, headers, examples: int, seed: int) -> Tally:
    tally = Tally()

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: schemathesis.Case) -> None:
        tally.examples[label] += 1
        response = case.call(headers=headers, timeout=30)
        for name, check in CHECKS.items():
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except (FailureGroup, Failure) as error:
                key = f"{name} | {label}"
                if _let_off(name, label, case, response):
                    tally.let_off[key] += 1
                    continue
                tally.failures[key] += 1
                tally.first.setdefault(key, _describe(error, case, response))

    try:
        exercise()
    except hypothesis.errors.Unsatisfiable:
        # Nothing in the operation can be made invalid (no parameter, no body): no negative case exists.
        if mode is not GenerationMode.NEGATIVE:
            raise
    return tally


def _describe(error: Exception, case: schemathesis.Case, response) -> str:
    failures: Iterable[Failure] = error.exceptions if isinstance(error, FailureGroup) else [error]  # type: ignore[assignment]
    titles = "; ".join(f"{failure.title}: {failure.message[:300]}" for failure in failures)
    return (
        f"{titles}\n  request: {case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
        f"\n  answer: {response.status_code} {response.text[:300]!r}"
    )
