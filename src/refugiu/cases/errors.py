"""How the cases module refuses an operation: `CaseError`, with a stable `code` (tests, and the API's
answers, rely on it) and a message for the person in front of the screen.

It lives apart from the services so that `access` can refuse with it too: a rule that a view or the API
checks before calling a service, and that the service checks again, refuses with one error in both.
"""

from __future__ import annotations

from django_stubs_ext import StrOrPromise


class CaseError(Exception):
    def __init__(self, code: str, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


def require(condition: bool, code: str, message: StrOrPromise) -> None:
    """Raise CaseError(code, message) unless `condition` holds."""
    if not condition:
        raise CaseError(code, message)
