"""The cases JSON API, at /api/cases/: what the staff pages do, for programs.

Each endpoint does what the matching page does, in the same order: parse the input (a schema of `fields`:
exactly what the OpenAPI document says, refused whole with 400 otherwise, before anything is read) → fetch
through the one visibility scope (`access.case_get`: 404 alike for a case that does not exist and one the
caller may not see) → one service call, which checks what the caller may do (through `access`, as the
pages do) and writes the audit record → the output schema. A read of case content is audited here, once,
through `read_audit`, as the pages audit theirs; never skipped. A refused operation answers with the
service's `code` and the status `problems` gives it: 409 when the record's state forbids it (code "stale"
for a save over a version someone else saved), 403 when the caller may not, 422 for any other rule
(refugiu.api turns `CaseError` into these; `problems` lists every status and code the document states).
Beneficiaries appear by their code; the identity has its own audited endpoint, and searches that carry
names are POSTs, so no name ever lands in a URL or an access log.

By topic: `cases`, `records` (what happens in a case), `beneficiaries` and `work`, on one router
(`common`); `schemas` and `output` shape what goes in and out. Who may call: see `auth` (a personal
token, or the browser session with its CSRF token).
"""

# Each module adds its endpoints to the router, in this order: the OpenAPI document lists them so.
# isort: off
from refugiu.cases.api import cases  # noqa: F401
from refugiu.cases.api import records  # noqa: F401
from refugiu.cases.api import beneficiaries  # noqa: F401
from refugiu.cases.api import work  # noqa: F401

# isort: on
from refugiu.cases.api.common import router

__all__ = ["router"]
