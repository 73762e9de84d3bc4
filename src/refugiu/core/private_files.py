"""Private uploaded files: what a file is, judged from its content, and its encrypted storage outside the web
root. Shared by the documents of a case (cases.documents) and the supporting documents of an expense
(finance.documents); each domain keeps its own rules of who may upload and read, and its own audit.

- What a file *is* is decided from its content (magic bytes, read by `filetype`), never from its name or
  the content type the browser declared: a "scan.pdf" that is an executable or an HTML page is refused.
  Plain text is accepted when it decodes as UTF-8, holds no control characters and does not look like
  markup (an HTML page is text too, and a browser would run it).
- Files are stored Fernet-encrypted (core.crypto) under a random name in `encrypted_files_dir()`: outside
  the static root, with no URL of their own. A domain registers the column naming them
  (`core.encrypted_files.encrypted_file_column_register`) so that backups and key rotation see them.
- An upload is held in memory up to the size limit (`BoundedUploadHandler`), so a plaintext copy never
  lands in a temporary file, and reading stops as soon as the limit is passed.
- A DOCX or ODT is a zip: it is opened within the zip limits of `core.limits` (members counted before
  zipfile reads its directory, declared sizes and compression ratio checked), so a zip bomb dressed as a
  document is refused, not stored for someone's word processor to unpack. Its members are never unpacked
  here: only their names are read (a macro project gives itself away by its name).
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from refugiu.core import uploads
from refugiu.core.crypto import decrypt_bytes, encrypt_bytes
from refugiu.core.encrypted_files import encrypted_files_dir
from refugiu.core.limits import ZipLimits, zip_open

if TYPE_CHECKING:
    from django.http import HttpRequest

TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


# What `filetype` may recognise, by the extension it reports. Anything else it recognises is refused.
ALLOWED = {
    "pdf": Kind("pdf", "application/pdf"),
    "jpg": Kind("jpg", "image/jpeg"),
    "png": Kind("png", "image/png"),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": Kind("odt", "application/vnd.oasis.opendocument.text"),
}
TEXT = Kind("txt", TEXT_TYPE)

# Control characters other than tab, line feed, form feed and carriage return: binary, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Markup a browser would render or run, wherever it appears in the text.
_MARKUP = re.compile(
    r"<\s*(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|math|meta|link|style|form|img|"
    r"a\s|\?xml)",
    re.IGNORECASE,
)


def upload_limit() -> int:
    return int(settings.REFUGIU.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def too_big_message() -> str:
    return uploads.too_big_message(upload_limit())


def unpacks_too_big_message() -> str:
    return _(
        "This document cannot be uploaded: unpacked, it would be far larger than its file, or it holds "
        "too many parts."
    )


def type_refused_message() -> str:
    return _(
        "This kind of file cannot be uploaded. Accepted: PDF, JPEG and PNG images, Word (DOCX) and "
        "OpenDocument (ODT) text, and plain text."
    )


def document_kind(data: bytes) -> Kind | None:
    """The allowed kind `data` is, judged from its content (`filetype` reads its first 8 KiB); None when it
    is not one we accept. LimitExceeded for a DOCX or ODT past the zip limits."""
    guessed = filetype.guess(data)
    if guessed is not None:
        kind = ALLOWED.get(guessed.extension)
        if kind is not None and kind.extension in ("docx", "odt"):
            names = _zip_names(data)
            if names is None or (kind.extension == "docx" and _has_macros(names)):
                return None
        return kind
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    starts_with_markup = text.lstrip("\ufeff \t\r\n")[:1] == "<"
    if not text.strip() or starts_with_markup or _CONTROL.search(text) or _MARKUP.search(text):
        return None
    return TEXT


def _zip_names(data: bytes) -> list[str] | None:
    """The names of the files in a zipped document within the zip limits (LimitExceeded past them);
    None when it is no readable zip."""
    try:
        with zip_open(io.BytesIO(data), ZipLimits.from_settings()) as archive:
            return archive.namelist()
    except zipfile.BadZipFile:
        return None


def _has_macros(names: list[str]) -> bool:
    # A .docm is a .docx with a VBA project inside; macros are the classic way in through an office file.
    return any(name.lower().endswith("vbaproject.bin") for name in names)


def storage_dir() -> Path:
    return encrypted_files_dir()


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temp file in the same folder, then rename), readable by us only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def file_replace(path: Path, data: bytes) -> None:
    """Replace a stored file's bytes atomically (key rotation)."""
    write_private(path, data)


def files_delete(stored_names: list[str]) -> None:
    for name in stored_names:
        (storage_dir() / name).unlink(missing_ok=True)


def encrypted_write(data: bytes) -> str:
    """Encrypt `data` and store it under a new random name in the private folder; returns the name. The
    caller deletes the file (`files_delete`) when the row naming it is not saved."""
    stored_name = secrets.token_hex(24)
    write_private(storage_dir() / stored_name, encrypt_bytes(data))
    return stored_name


def encrypted_read(stored_name: str) -> bytes:
    """The decrypted bytes of a stored file (FileNotFoundError when it is missing)."""
    return decrypt_bytes((storage_dir() / stored_name).read_bytes())


class BoundedUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory, never in a plaintext temporary file, and stops reading the request
    once the files together pass the upload limit (`too_big` then tells the view why the file is missing)."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit if limit is not None else upload_limit()
        self.total = 0
        self.too_big = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.total += len(raw_data)
        if self.total > self.limit:
            self.too_big = True
            self.buffer = io.BytesIO()
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
