"""The public HSDS 3.0 API of the directory, at /api/hsds/, read-only and without sign-in.

Endpoints, parameters and the Page envelope follow the HSDS API reference (schema/openapi.json of
HSDS 3.0); the records are the forms of `directory.hsds.serialise`, the same as the export's, so the
rules on what is public (published records only, confidential locations by their front door) hold here
by construction. Lists give the summary forms of the compiled *_list schemas, or the full forms with
`full=true`; `format=ndjson` streams every matching record, one per line, without pagination, as the
reference says.

Why it works the way it does:
- `search` goes through `directory_search`, so an API client gets the web search's ranking. When a
  filter the search index does not hold (taxonomy term, taxonomy, modified_after) narrows the result,
  every ranked id is fetched and checked against the database in batches, then paged; without one, the
  search pages itself. Without `search`, records are ordered by name, then id, so pages are stable.
- A page costs the same number of queries whatever `per_page` is: the querysets of the serialiser
  prefetch everything, and attributes come in one query per page.
- A bad parameter answers 400 with the parameter named and why, never 500; an id that names no
  public record (missing, unpublished, or not an id at all) answers 404, the same in every case.
- No documentation page: it would load scripts from another host. The OpenAPI document is at
  /api/openapi.json; it holds the structure of the HSDS objects its responses point at (`openapi`), so it
  resolves offline.

By resource: `root` (what this API is), `services`, `organizations`, `service_at_locations` and
`taxonomies` (with their terms), on one router (`common`); `parameters` are the query parameters,
`selections` which records a list gives in which order, `responses` what the endpoints answer and how
the document describes it.

The router is mounted, with the cases API's, on the project's one NinjaAPI (refugiu.api), which also turns
a bad parameter into the 400 answer described above.
"""

# Each module adds its endpoints to the router, in this order: the OpenAPI document lists them so.
# isort: off
from refugiu.directory.api import root  # noqa: F401
from refugiu.directory.api import services  # noqa: F401
from refugiu.directory.api import organizations  # noqa: F401
from refugiu.directory.api import service_at_locations  # noqa: F401
from refugiu.directory.api import taxonomies  # noqa: F401

# isort: on
from refugiu.directory.api.common import router

__all__ = ["router"]
