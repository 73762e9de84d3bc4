"""Errors of finance's services."""

from __future__ import annotations


class FinanceError(Exception):
    """A refusal the user can understand and fix: `messages` say what is wrong, translated, each naming the
    field or date concerned where there is one. Every problem found is listed, not only the first."""

    def __init__(self, *messages: str, code: str = "invalid") -> None:
        super().__init__(" ".join(str(message) for message in messages))
        self.messages = [str(message) for message in messages]
        self.code = code


class PeriodClosed(FinanceError):
    """What was asked changes a reporting period whose statement was submitted."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages, code="period_closed")
