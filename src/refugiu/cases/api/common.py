"""What every endpoint of the cases API shares: its router (who may call: `tokens`), its documented answers,
the ids in its paths, and how a case or a record of one is fetched through the visibility scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from refugiu.accounts.models import User
from refugiu.cases import access, selectors
from refugiu.cases.api.auth import api_authentication
from refugiu.cases.api.fields import PathId
from refugiu.cases.api.problems import BY_STATUS
from refugiu.cases.models import Case

router = Router(auth=api_authentication(), tags=["Cases"])


def operation_id(view_name: str) -> str:
    """The operation's id in the OpenAPI document, as it was when the API was one module (ninja derives it
    from the module's name): kept, so that clients generated from the document keep their names."""
    return f"refugiu_cases_api_{view_name}"


DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100  # larger requests get this many
MAX_PAGE = 1_000_000


def responses(status: int, schema: Any, *errors: int) -> dict[int, Any]:
    """The documented answers of an endpoint: its success, then 401/403 (who is calling) and `errors`, each
    with its problem's codes (`problems`). Whatever may answer 400 for its input may also answer 422: text
    no database can store, or a rule of the case that refuses it."""
    if 400 in errors:
        errors = (*errors, 422)
    return {status: schema, **{code: BY_STATUS[code] for code in (401, 403, *errors)}}


CaseId = PathId
RecordId = PathId


def caller(request: HttpRequest) -> User:
    """Who is calling: what the router's authentication (`auth`) returned, which ninja keeps in
    `request.auth`; the handlers run only once it has returned a signed-in user holding "cases.access"."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # a bug, not a refusal: kept under `python -O`, unlike an assert
        raise TypeError("the cases API's authentication lets only signed-in staff through")
    return user


def case_for_writing(request: HttpRequest, case_id: int) -> Case:
    """The case the write is about, through the visibility scope; the service audits the write itself."""
    return access.case_get(
        user=caller(request),
        case_id=case_id,
        queryset=Case.objects.select_related("beneficiary", "department"),
        request=request,
    )


def case_for_reading(request: HttpRequest, case_id: int) -> Case:
    """The case a read is about, with its beneficiary and department, through the visibility scope; the
    handler audits the read (`read_audit`)."""
    return access.case_get(
        user=caller(request), case_id=case_id, queryset=selectors.cases_for_reading(), request=request
    )


def record_of(request: HttpRequest, case: Case, queryset: QuerySet[Any], record_id: int) -> Any:
    """A record of this case (404 if it belongs to another case or none), bound to the scoped case."""
    record = access.record_of_case(
        user=caller(request), case=case, queryset=queryset, record_id=record_id, request=request
    )
    record.case = case
    return record


def given_dates(fields: dict[str, Any], *dates: str) -> dict[str, Any]:
    """Leave out dates the caller did not give, so the service's default (today) applies."""
    return {key: value for key, value in fields.items() if key not in dates or value is not None}
