"""What every endpoint of the HSDS API shares: its router, its operation ids and its limits."""

from ninja import Router

router = Router(tags=["HSDS 3.0"])


def operation_id(view_name: str) -> str:
    """The operation's id in the OpenAPI document, as it was when the API was one module (ninja derives it
    from the module's name): kept, so that clients generated from the document keep their names."""
    return f"refugiu_directory_api_{view_name}"


DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100  # larger requests get this many: a page must stay cheap to build
MAX_PAGE = 1_000_000  # beyond any real directory; keeps offsets within every database's integers
ID_BATCH = 500  # ids per query when ranked ids are checked or loaded
