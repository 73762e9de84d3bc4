"""The project's one JSON API, mounted at /api/, with one OpenAPI document at /api/openapi.json.

- /api/hsds/: the public, read-only directory in Open Referral HSDS 3.0 form (refugiu.directory.api).
- /api/cases/: case management for staff, signed in by a personal API token or a browser session with its
  CSRF token (refugiu.cases.api); its security schemes are in the document.

One NinjaAPI, so both share the document, the renderer and the answers to bad input: a parameter or body
that does not validate answers 400 naming the field, and a refused case operation (`CaseError`) answers
400 with its `code`, or 409 when the record changed since the client read it (code "stale"). A body past
DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 (code "too_large").
No documentation page: it would load scripts from another host.
"""

from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from refugiu.cases.api import router as cases_router
from refugiu.cases.services import CaseError
from refugiu.core import fastjson
from refugiu.directory.api import router as hsds_router


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


api = NinjaAPI(
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
)


def _field_name(location: tuple) -> str:
    """`("query", "per_page")` → "per_page"; `("body", "payload", "shared_fields", 0)` → "shared_fields.0"."""
    parts = [str(part) for part in location]
    kept = parts[2:] if parts[:1] == ["body"] else parts[1:]
    return ".".join(kept or parts)


@api.exception_handler(ValidationError)
def _invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"parameter": _field_name(tuple(error.get("loc") or ())), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    detail = "; ".join(f"{error['parameter']}: {error['message']}" for error in errors)
    return api.create_response(
        request, {"detail": f"Invalid parameters: {detail}", "errors": errors}, status=400
    )


@api.exception_handler(CaseError)
def _case_refused(request: HttpRequest, exc: CaseError) -> HttpResponse:
    if exc.code == "stale":
        # The services' message speaks of a form that keeps what was typed; a program has no form.
        message = _(
            "Someone else saved this record since you read it, so nothing was saved. Read it again, then "
            "send your changes with its current version."
        )
        return api.create_response(request, {"detail": message, "code": exc.code}, status=409)
    return api.create_response(request, {"detail": str(exc.message), "code": exc.code}, status=400)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = _("The request is too large: the limit is %(size)s.") % {"size": limit}
    return api.create_response(request, {"detail": message, "code": "too_large"}, status=413)


api.add_router("/hsds", hsds_router)
api.add_router("/cases", cases_router)
