"""The files of an installation: what the database names but does not hold.

- Uploads and generated files (MEDIA_ROOT: event photographs, publication files, campaign images, made
  reports) are read and written through Django's default storage, so they are found wherever the
  installation keeps them (the file system, or a storage backend shared by several servers).
- Case documents are files in DATA_DIR/case-files (core.encrypted_files), encrypted: copied as they are.

Restored files are readable by this account only: 0600 in 0700 folders (FILE_UPLOAD_PERMISSIONS for the
uploads; the same here for case files).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage

from refugiu.core.backup import BackupError, Readable
from refugiu.core.encrypted_files import encrypted_files_dir as storage_dir

CHUNK = 1 << 20


def upload_names(folder: str = "") -> Iterator[str]:
    """Every file of the default storage, by its name there, in a stable order."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT not made yet: nothing uploaded
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from upload_names(f"{folder}/{name}" if folder else name)


def case_file_names() -> Iterator[str]:
    """The stored case documents (regular files; not the hidden temporary files of a write in progress)."""
    folder = storage_dir()
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        yield relative.as_posix()


def case_file_open(name: str) -> BinaryIO:
    return open(storage_dir() / name, "rb")  # noqa: SIM115 - the caller closes it


def case_file_write(name: str, source: Readable) -> None:
    """Write a restored case document, streaming, as documents.py stores one (0600, in a 0700 folder)."""
    path = storage_dir() / name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        while data := source.read(CHUNK):
            handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def upload_write(name: str, source: Readable) -> None:
    # File reads its source by read() alone (storage.save streams its chunks); django-stubs asks for an IO.
    saved = default_storage.save(name, File(source, name=name))  # type: ignore[arg-type]
    if saved != name:
        default_storage.delete(saved)
        raise BackupError(f"the uploaded file {name} could not be restored under its own name")


def files_holdings() -> list[str]:
    """What makes the installation's files not empty: the folders that hold any."""
    holding: list[str] = []
    if next(upload_names(), None) is not None:
        holding.append("uploaded files (MEDIA_ROOT)")
    if next(case_file_names(), None) is not None:
        holding.append(f"case documents ({storage_dir()})")
    return holding


def files_clear() -> None:
    """Delete every upload and case document (restore --force)."""
    for name in list(upload_names()):
        default_storage.delete(name)
    folder = storage_dir()
    for name in list(case_file_names()):
        Path(folder, name).unlink()
