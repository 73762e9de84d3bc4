"""Documents of a case: uploaded, checked, encrypted on disk, read back only through a permission check.

What a file is, its encrypted storage and the bounded upload handler are `core.private_files`, shared with
finance's supporting documents (the reasons are written there). Here: who may add a document to a case,
the audit, and the one way out, `document_read`, called by a view that fetched the case through
`access.case_get`. Files live in the private folder (DATA_DIR/case-files), outside the static root, with no
URL of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases.models import Case, Document
from refugiu.cases.services import CaseError
from refugiu.core.audit import audit_record
from refugiu.core.limits import LimitExceeded
from refugiu.core.private_files import (
    ALLOWED,
    TEXT,
    TEXT_TYPE,
    BoundedUploadHandler,
    Kind,
    document_kind,
    encrypted_read,
    encrypted_write,
    file_replace,
    files_delete,
    storage_dir,
    too_big_message,
    type_refused_message,
    unpacks_too_big_message,
    upload_limit,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User

__all__ = [
    "ALLOWED",
    "TEXT",
    "TEXT_TYPE",
    "BoundedUploadHandler",
    "Kind",
    "document_kind",
    "document_path",
    "document_read",
    "document_store",
    "download_name",
    "file_replace",
    "files_delete",
    "storage_dir",
    "too_big_message",
    "unpacks_too_big_message",
    "upload_limit",
]


def document_path(document: Document) -> Path:
    return storage_dir() / document.stored_name


def document_store(
    *, user: User, request: HttpRequest | None = None, case: Case, title: str, data: bytes, filename: str = ""
) -> Document:
    """Store `data` as a document of `case`: team members and the department's coordinators, open cases
    only. Refused (CaseError) when too big, empty, or of a kind not on the allow-list.

    `filename` (the name the file had on the uploader's computer) is accepted and deliberately unused:
    the kind is judged from the content, and the name, which often holds the person's name, is not kept."""
    if not access.can_edit(user, case):
        raise CaseError(
            "closed" if case.is_closed else "forbidden",
            _("This case is closed.") if case.is_closed else _("You cannot change this case."),
        )
    title = title.strip()
    if not title:
        raise CaseError("title_required", _("Give the document a title."))
    if len(data) > upload_limit():
        raise CaseError("too_big", too_big_message())
    if not data:
        raise CaseError("empty", _("The file is empty."))
    try:
        kind = document_kind(data)
    except LimitExceeded:
        raise CaseError("too_big", unpacks_too_big_message()) from None
    if kind is None:
        raise CaseError("type_refused", type_refused_message())
    stored_name = encrypted_write(data)
    path = storage_dir() / stored_name
    try:
        with transaction.atomic():
            document = Document.objects.create(
                case=case,
                title=title,
                content_type=kind.content_type,
                extension=kind.extension,
                size=len(data),
                stored_name=stored_name,
                uploaded_by=user,
            )
            audit_record(
                actor=user,
                action="cases.document.uploaded",
                target=document,
                request=request,
                detail={"type": kind.extension, "size": len(data)},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


def document_read(*, user: User, request: HttpRequest | None = None, document: Document) -> bytes:
    """The decrypted bytes of a document the caller fetched through the case scope; audited."""
    data = encrypted_read(document.stored_name)
    audit_record(actor=user, action="cases.document.downloaded", target=document, request=request)
    return data


def download_name(document: Document) -> str:
    # Never the uploaded name or the title: both can carry the person's name into a downloads folder.
    return f"document-{document.pk}.{document.extension}"
