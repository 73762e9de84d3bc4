"""What the programmes services raise when the rules refuse a request (a refusal of *who* asks is
`access.ProgrammesAccessDenied`)."""

from __future__ import annotations

from django_stubs_ext import StrPromise


class ProgrammesError(Exception):
    """A request the rules refuse: `code` is stable, for code to tell refusals apart; `message` is for the
    person, in their language."""

    def __init__(self, code: str, message: str | StrPromise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


class RegistrationError(ProgrammesError):
    """About a registration: "closed", "consent", "duplicate", "full", "invalid", "too_late",
    "already_answered"."""


class EventError(ProgrammesError):
    """About saving an event: "capacity" (below the places confirmed), "changed" (the database refused what
    the checks allowed a moment before: something changed meanwhile)."""
