"""/api/hsds/: what this API is (its HSDS version and profile) and where its OpenAPI document is."""

from django.http import HttpRequest
from django.urls import reverse

from refugiu.directory.api.common import operation_id, router

HSDS_VERSION = "3.0"
# We use HSDS 3.0 as published, with no profile: the profile is then the specification itself.
HSDS_PROFILE_URL = "https://openreferral.readthedocs.io/en/3.0/"


_ROOT = {
    "type": "object",
    "properties": {
        "version": {"type": "string", "description": "HSDS version of this API."},
        "profile": {"type": "string", "format": "uri", "description": "The HSDS profile of this API."},
        "openapi_url": {"type": "string", "format": "uri", "description": "This API's OpenAPI document."},
    },
}


@router.get(
    "/",
    summary="About this API",
    openapi_extra={
        "responses": {200: {"description": "OK", "content": {"application/json": {"schema": _ROOT}}}}
    },
    operation_id=operation_id("api_root"),
)
def api_root(request: HttpRequest) -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": HSDS_PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }
