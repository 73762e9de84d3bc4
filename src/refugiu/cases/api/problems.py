"""How the cases API refuses: one body, `{"detail", "code"}` (and `errors` naming the parameters when the
request breaks the document), and one status per kind of refusal, each documented with its codes.

- 400: the request breaks the OpenAPI document: a missing, unknown or ill-typed field or parameter, a
  body that is not a JSON object ("invalid", with `errors`), or not JSON at all ("malformed").
- 401: no valid credentials ("not_authenticated").
- 403: the caller's role has no case access ("no_case_role"), a failed CSRF check ("csrf_failed"), or an
  act the caller may not do on a case they see (`FORBIDDEN`).
- 404: no such record, or one the caller may not see, alike; a path id that is not a whole number in
  range is such a record ("not_found").
- 405: a method the path does not have ("method_not_allowed").
- 409: the record's own state forbids it now: a newer version was saved, its status cannot move there, it
  is already done or withdrawn (`CONFLICTS`); a registration that may duplicate someone
  ("possible_duplicate", with the matches).
- 413: the body is too large ("too_large").
- 422: the request is as the document says, but a rule refuses it: text no database stores
  ("unstorable_text", with `errors`), a missing consent, a date in the future, … (`REFUSALS`).

Each refusal comes before anything is written: a request refused here changed nothing.
"""

from typing import Annotated

from ninja import Field, Schema
from ninja.errors import HttpError

from refugiu.cases.api.fields import one_of

# The codes of `CaseError` the services behind this API give, by the status they answer with; a test keeps
# the list whole (tests/cases/test_api_contract.py).
CONFLICTS = (
    "stale",
    "bad_transition",
    "already_withdrawn",
    "already_done",
    "merged",
    "already_merged",
    "anonymised",
    "not_closed",
    "no_request",
)
FORBIDDEN = ("forbidden", "seal_forbidden", "self_sealed", "department")
REFUSALS = (
    "assignee_cannot_see",
    "bad_duration",
    "bad_field",
    "bad_outcome",
    "bad_stage",
    "beyond_consent",
    "destination",
    "empty",
    "future_date",
    "no_consent",
    "not_caseworker",
    "not_member",
    "nothing_to_change",
    "reason_required",
    "recipient_required",
    "same_beneficiary",
    "unknown_department",
    "unknown_organization",
    "unknown_service",
)
# The codes of refusals that are not a service's, by status (the rest of refugiu.api gives them).
GENERIC = {
    400: ("invalid", "malformed"),
    401: ("not_authenticated",),
    403: ("no_case_role", "csrf_failed"),
    404: ("not_found",),
    405: ("method_not_allowed",),
    413: ("too_large",),
    422: ("unstorable_text",),
    429: ("too_many_requests",),
}


def status_for(code: str) -> int:
    """The status a refused case operation answers with."""
    if code in CONFLICTS:
        return 409
    if code in FORBIDDEN:
        return 403
    return 422


class ParameterError(Schema):
    parameter: str = Field(description='Where: a parameter, a field ("identity.phone"), or "body".')
    message: str


class Problem(Schema):
    """Every refusal of the API (both of its parts) has this shape."""

    detail: str = Field(description="What went wrong, in the caller's language.")
    code: str = Field(description="Why, for programs: stable.")


class BadRequest(Problem):
    code: Annotated[str, one_of(GENERIC[400])]
    errors: list[ParameterError] = Field(
        default_factory=list, description='Each parameter that breaks the document ("invalid").'
    )


class Unauthorized(Problem):
    code: Annotated[str, one_of(GENERIC[401])]


class Forbidden(Problem):
    code: Annotated[str, one_of((*GENERIC[403], *FORBIDDEN))]


class NotFound(Problem):
    code: Annotated[str, one_of(GENERIC[404])]


class Conflict(Problem):
    code: Annotated[str, one_of(CONFLICTS)]


class TooLarge(Problem):
    code: Annotated[str, one_of(GENERIC[413])]


class Unprocessable(Problem):
    code: Annotated[str, one_of((*GENERIC[422], *REFUSALS))]
    errors: list[ParameterError] = Field(
        default_factory=list, description='Each place holding text no database stores ("unstorable_text").'
    )


BY_STATUS: dict[int, type[Problem]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: TooLarge,
    422: Unprocessable,
}


class Refusal(HttpError):
    """An answer of the API that is not a case service's refusal, with its code (refugiu.api answers it)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, message)
        self.code = code
