"""Where the APIs live: the public directory's API is open to anyone, every other one is for signed-in
staff."""

API_PREFIX = "/api/"
PUBLIC_API_PREFIX = "/api/hsds/"


def is_private_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and not path.startswith(PUBLIC_API_PREFIX)
