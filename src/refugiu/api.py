"""The project's one JSON API, mounted at /api/, with one OpenAPI document at /api/openapi.json.

- /api/hsds/: the public, read-only directory in Open Referral HSDS 3.0 form (refugiu.directory.api).
- /api/cases/: case management for staff, signed in by a personal API token or a browser session with its
  CSRF token (refugiu.cases.api); its security schemes are in the document.

One NinjaAPI, so both share the document, the renderer and the answers to bad input, every one in one shape,
`{"detail": …, "code": …}` (with `errors` naming the parameters where there are any), as core.errors answers
under /api/ too: a parameter or body that breaks the document answers 400 (code "invalid", naming the field;
"malformed" for a body that is not JSON); a path parameter that names nothing a record could have answers 404
like a record that does not exist; text no database can store (a NUL character, a lone surrogate) answers 422
(code "unstorable_text"), whatever the field and the engine; a refused case operation (`CaseError`) answers
with the status its code has (cases.api.problems: 409 when the record's state forbids it, 403 when the
caller may not, 422 otherwise); a body past DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 (code "too_large"); a
method a path does not have, 405 (code "method_not_allowed").
The document is self-contained: it holds the structure of the HSDS objects it refers to. No documentation
page: it would load scripts from another host.
"""

import functools
import json
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, URLResolver
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from refugiu.cases.api import router as cases_router
from refugiu.cases.api.problems import GENERIC, status_for
from refugiu.cases.services import CaseError
from refugiu.core import fastjson
from refugiu.directory.api import router as hsds_router
from refugiu.directory.api.openapi import hsds_components


class _JSONRenderer(BaseRenderer):
    """JSON as UTF-8 text, not \\u escapes: most of the directory and many names are not in English.

    orjson (core.fastjson) writes a page of directory records several times faster than the json
    module. What it does not know (lazy translations, decimals, pydantic values), and dates and times,
    which it would write in another form than Django's (milliseconds, "Z"), go to ninja's encoder.
    """

    media_type = "application/json"
    _default = NinjaJSONEncoder().default
    _options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return fastjson.dumps(data, default=self._default, option=self._options)


class UnstorableText(Exception):
    """Input holding text that no database column can hold; `errors` as in a 400's body."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def _unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored, or None. PostgreSQL's text types refuse the NUL character (SQLite keeps
    it, and then other programs cut the text there); a lone surrogate (U+D800 to U+DFFF, which JSON can
    write as "\\ud800") has no UTF-8 form, so neither engine can be sent it."""
    if "\x00" in text:
        return _("Text cannot contain the NUL character (U+0000).")
    try:
        text.encode()
    except UnicodeEncodeError:
        return _("Text must be valid Unicode: a lone surrogate (U+D800 to U+DFFF) cannot be stored.")
    return None


class _BadName(str):
    """A name (an object's key) that cannot be stored, met in the walk where its value is."""


def _refuse_unstorable(data: Any) -> None:
    """Walk parsed input (objects, lists, strings; names as well as values) and raise UnstorableText
    naming every place that holds unstorable text, in the order of the input. Iterative: JSON nested a
    thousand deep must not exhaust the stack here either."""
    errors = []
    pending: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, _BadName):
            errors.append({"parameter": ".".join(path), "message": str(value)})
        elif isinstance(value, str):
            if (reason := _unstorable_reason(value)) is not None:
                errors.append({"parameter": ".".join(path), "message": reason})
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                name = str(key)
                if (reason := _unstorable_reason(name)) is not None:
                    # Named with escapes, as in JSON: the answer itself must be storable and printable.
                    name = name.encode("unicode_escape").decode("ascii")
                    children.append(((*path, name), _BadName(reason)))
                children.append(((*path, name), item))
            pending.extend(reversed(children))
        elif isinstance(value, list):
            pending.extend(reversed([((*path, str(index)), item) for index, item in enumerate(value)]))
    if errors:
        raise UnstorableText(errors)


class _StorableTextParser(Parser):
    """Every JSON body, query string and form of both APIs is read here, before any schema sees it: text
    a database cannot store is refused at this one door (422) instead of field by field, or by the
    database itself (a 500 on PostgreSQL for a NUL, on both engines for a lone surrogate).

    The body is read by the json module, as ninja does: orjson would refuse a lone surrogate as bad JSON
    (400), and the answer would then depend on how the text was written."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = json.loads(request.body)
        _refuse_unstorable(data)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_unstorable(parsed)
        return parsed


class _API(NinjaAPI):
    """The document holds the HSDS objects its responses point at (directory.api.openapi), so that it
    resolves with nothing but itself; a method a path does not have answers in the API's one shape."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document.setdefault("components", {}).setdefault("schemas", {}).update(hsds_components())
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", ()):
                    _not_null(parameter)
        return document

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        """ninja's URLs, each answering a method its path does not have in the API's one shape."""
        urls = super()._get_urls()
        return [
            URLPattern(url.pattern, _json_not_allowed(url.callback), url.default_args, url.name)
            if isinstance(url, URLPattern)
            else url
            for url in urls
        ]


def _not_null(parameter: dict[str, Any]) -> None:
    """A query parameter is text or absent, never null: pydantic's `X | None` (an optional filter) is
    described as X, so that no client sends, and no generator makes, a null the server cannot be sent."""
    schema = parameter.get("schema", {})
    branches = schema.get("anyOf")
    if parameter.get("in") != "query" or not isinstance(branches, list):
        return
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) == 1 and len(kept) < len(branches):
        del schema["anyOf"]
        schema.update(kept[0])


def _json_not_allowed(view: Any) -> Any:
    @functools.wraps(view)  # keeps ninja's csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        message = _("This path does not take the method %(method)s.") % {"method": request.method}
        answer = _problem(request, 405, "method_not_allowed", message)
        answer["Allow"] = response["Allow"]
        return answer

    return wrapped


api = _API(
    title="Refugiu API",
    version="1",
    description=(
        "`/api/hsds/`: the published records of the referral directory in Open Referral HSDS 3.0 form. "
        "Read-only, no sign-in. Confidential locations are given by their front door only.\n\n"
        "`/api/cases/`: case management for coordinators and caseworkers. Sign in with a personal API "
        "token (`Authorization: Bearer <token>`, created at /staff/api-tokens/) or, from the browser, "
        "with the session cookie and the `X-CSRFToken` header on writes. Every read and write is audited. "
        "A case the caller may not see answers 404, exactly like one that does not exist. Beneficiaries "
        "are given by their pseudonymous code; their identity has its own, audited, endpoint."
    ),
    docs_url=None,
    urls_namespace="api",
    renderer=_JSONRenderer(),
    parser=_StorableTextParser(),
)


def _field_name(location: tuple) -> str:
    """`("query", "per_page")` → "per_page"; `("body", "payload", "shared_fields", 0)` → "shared_fields.0";
    `("body", "payload")` (the body itself) → "body"."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        return ".".join(parts[2:]) or "body"
    return ".".join(parts[1:] or parts)


def _problem(request: HttpRequest, status: int, code: str, detail: str, **more: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **more}, status=status)


def _invalid(request: HttpRequest, errors: list[dict], *, status: int, code: str) -> HttpResponse:
    detail = "; ".join(f"{error['parameter']}: {error['message']}" for error in errors)
    return _problem(
        request, status, code, _("Invalid parameters: %(detail)s") % {"detail": detail}, errors=errors
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    # As core.errors answers a path under /api/ that names no endpoint.
    return _problem(request, 404, "not_found", _("Not Found"))


@api.exception_handler(ValidationError)
def _invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    locations = [tuple(error.get("loc") or ()) for error in exc.errors]
    if locations and all(location[:1] == ("path",) for location in locations):
        # `/cases/abc`: no record has that id, as none has the id 10**9.
        return _not_found(request)
    errors = [
        {"parameter": _field_name(location), "message": error.get("msg", "")}
        for location, error in zip(locations, exc.errors, strict=True)
    ]
    return _invalid(request, errors, status=400, code="invalid")


@api.exception_handler(UnstorableText)
def _unstorable(request: HttpRequest, exc: UnstorableText) -> HttpResponse:
    return _invalid(request, exc.errors, status=422, code="unstorable_text")


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _not_found(request)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja answers any failure to read a body with HttpError(400, "Cannot parse request body") raised
    # from the parser's exception: the 422 of unstorable text is kept.
    if isinstance(exc.__cause__, UnstorableText):
        return _unstorable(request, exc.__cause__)
    if exc.__cause__ is not None and exc.status_code == 400:
        return _problem(request, 400, "malformed", _("The body could not be read: it must be JSON."))
    if exc.status_code == 401:
        message = _("Sign in: send a valid API token, or a signed-in session's cookie.")
        return _problem(request, 401, "not_authenticated", message)
    code = getattr(exc, "code", None) or GENERIC.get(exc.status_code, ("refused",))[0]
    return _problem(request, exc.status_code, code, str(exc))


@api.exception_handler(CaseError)
def _case_refused(request: HttpRequest, exc: CaseError) -> HttpResponse:
    message = str(exc.message)
    if exc.code == "stale":
        # The services' message speaks of a form that keeps what was typed; a program has no form.
        message = _(
            "Someone else saved this record since you read it, so nothing was saved. Read it again, then "
            "send your changes with its current version."
        )
    return _problem(request, status_for(exc.code), exc.code, message)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return _problem(
        request, 413, "too_large", _("The request is too large: the limit is %(size)s.") % {"size": limit}
    )


api.add_router("/hsds", hsds_router)
api.add_router("/cases", cases_router)
