"""Supporting documents of an expense (invoice, proof of payment, boarding pass, attendance list, …):
checked and stored encrypted by `core.private_files`, as a case's documents are, and read back only by a
view that fetched the grant through `access.grant_get` (financial managers, the grant's coordinators, its
auditors while their access runs). Uploads and every reading are audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.core.limits import LimitExceeded
from refugiu.core.private_files import (
    document_kind,
    encrypted_read,
    encrypted_write,
    files_delete,
    too_big_message,
    type_refused_message,
    unpacks_too_big_message,
    upload_limit,
)
from refugiu.finance import access
from refugiu.finance.models import Expense, ExpenseDocument
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.vocabularies import DocumentKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.finance.access import Actor


def expense_document_add(
    *,
    actor: Actor,
    expense: Expense,
    kind: str,
    title: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> ExpenseDocument:
    """Add evidence to an expense (a financial manager; a closed period's expense too: evidence changes no
    amount). Refused (FinanceError, every problem listed) when too big, empty or of a kind not accepted.
    The uploaded file's name is not kept: it is judged from its content."""
    actor = access.manager_required(actor)
    problems = []
    title = title.strip()
    if not title:
        problems.append(_("Give the document a title."))
    elif len(title) > 200:
        problems.append(_("Keep the title to 200 characters."))
    if kind not in DocumentKind.values:
        problems.append(_("Say what the document is (invoice, proof of payment, …)."))
    found = None
    if len(data) > upload_limit():
        problems.append(too_big_message())
    elif not data:
        problems.append(_("The file is empty."))
    else:
        try:
            found = document_kind(data)
        except LimitExceeded:
            problems.append(unpacks_too_big_message())
        else:
            if found is None:
                problems.append(type_refused_message())
    if problems or found is None:
        raise FinanceError(*problems, code="document_refused")
    stored_name = encrypted_write(data)
    try:
        with transaction.atomic():
            document = ExpenseDocument.objects.create(
                expense=expense,
                kind=kind,
                title=title,
                content_type=found.content_type,
                extension=found.extension,
                size=len(data),
                stored_name=stored_name,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="finance.expensedocument.uploaded",
                target=document,
                request=request,
                detail={"expense": expense.pk, "kind": kind, "type": found.extension, "size": len(data)},
            )
    except BaseException:
        files_delete([stored_name])
        raise
    return document


def expense_document_read(
    *, actor: Actor, document: ExpenseDocument, request: HttpRequest | None = None
) -> bytes:
    """The decrypted bytes of a document the caller fetched through the grant's scope; audited."""
    data = encrypted_read(document.stored_name)
    audit_record(actor=actor, action="finance.expensedocument.downloaded", target=document, request=request)
    return data


def download_name(document: ExpenseDocument) -> str:
    return f"expense-{document.expense_id}-{document.kind}-{document.pk}.{document.extension}"
