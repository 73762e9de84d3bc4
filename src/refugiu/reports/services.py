"""Every write to what reports keep goes through a function here: today the annual report's foreword (the
rest of a report is read from the other modules' data).

Each takes the acting user (keyword-only), checks through refugiu.reports.access what that user may do,
acts in one transaction and writes its audit record in it ("reports.foreword.*"). The record names the
year and the fields that changed, never the text: it is the organisation's prose, often long, and the
foreword itself keeps it. A refusal raises `ReportsError` with a stable `code` (the pages refuse earlier,
with a 404, so a refusal here is a caller's mistake and is not audited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy

from refugiu.core.audit import audit_record
from refugiu.reports import access
from refugiu.reports.models import Foreword

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from refugiu.accounts.models import User


class ReportsError(Exception):
    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


FOREWORD_FORBIDDEN = gettext_lazy("Only those who make the annual report can write its foreword.")


def foreword_update(
    *, actor: User | AnonymousUser, year: int, text: str, request: HttpRequest | None = None
) -> Foreword | None:
    """Make `text` the foreword of `year`'s annual report, or take the foreword out when `text` is empty
    (or only spaces). Returns the foreword, None when the report has none now.

    Audited "reports.foreword.created", "reports.foreword.changed" (naming the fields that changed: none
    when the same text is saved again, which still records who saved it last) or "reports.foreword.deleted";
    taking out a foreword that does not exist changes nothing and records nothing. ReportsError "forbidden"
    for anyone who may not make the annual report."""
    if not access.can_edit_foreword(actor):
        raise ReportsError("forbidden", FOREWORD_FORBIDDEN)
    text = text.strip()
    with transaction.atomic():
        current = Foreword.objects.select_for_update().filter(year=year).first()
        if not text:
            if current is None:
                return None
            audit_record(
                actor=actor,
                action="reports.foreword.deleted",
                target=current,
                request=request,
                detail={"year": year},
            )
            current.delete()
            return None
        foreword, created = Foreword.objects.update_or_create(
            year=year, defaults={"text": text, "updated_by": actor}
        )
        detail: dict[str, object]
        if created:
            action, detail = "reports.foreword.created", {"year": year}
        else:
            changed = ["text"] if current is None or current.text != text else []
            action, detail = "reports.foreword.changed", {"year": year, "fields": changed}
        audit_record(actor=actor, action=action, target=foreword, request=request, detail=detail)
        return foreword
