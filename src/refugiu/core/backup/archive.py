"""The archive: a gzip-compressed tar file (sealed with a passphrase when it holds the keys), written and
read as a stream, every member's SHA-256 taken on the way.

A tar file because any machine can list and unpack it (`tar tzf`), members of any size stream through it,
and Python reads it without a dependency. Its members, in this order:

    database/NNN-<table>.jsonl   one per table, in dependency order (refugiu.core.backup.tables)
    files/uploads/<name>         MEDIA_ROOT: event photographs, publication files, campaign images, reports
    files/case-files/<name>      DATA_DIR/case-files: case documents, as stored (encrypted)
    keys/encryption.keys         only in a sealed archive made with --include-keys
    manifest.json                what the archive holds, with the checksum of every member above
    manifest.hmac                the manifest's HMAC under a key derived from the encryption key

Nothing else is accepted when reading: only regular files, under these names, never a path that climbs out
(`..`), starts at the root, or is a link.
"""

import gzip
import hashlib
import io
import os
import re
import secrets
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from refugiu.core.backup import BackupError, Readable
from refugiu.core.backup.sealed import HEADER_BYTES, SealedReader, SealedWriter, is_sealed

MANIFEST, SIGNATURE, KEYS = "manifest.json", "manifest.hmac", "keys/encryption.keys"
DATABASE, UPLOADS, CASE_FILES = "database/", "files/uploads/", "files/case-files/"
# gzip's level 1: the 59 MB of tables of the demo with 10,000 synthetic cases pack to 14.9 MB in 1.2 s,
# against 13.7 MB in 2.0 s at level 6 and 13.5 MB in 3.6 s at level 9 (ciphertext hardly packs further).
COMPRESS_LEVEL = 1
CHUNK = 1 << 20
_SAFE_PART = re.compile(r"[^/\x00]+")
# What reading a damaged archive raises, wherever it is read (a member's reader too).
READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error)


class ArchiveError(BackupError):
    """The archive cannot be read as a Refugiu backup; the message names what is wrong."""


def member_name_check(name: str) -> None:
    """Refuse a member name that is not one of ours, or that could write outside its folder."""
    if name in (MANIFEST, SIGNATURE, KEYS):
        return
    if not name.startswith((DATABASE, UPLOADS, CASE_FILES)):
        raise ArchiveError(f"the archive holds a member that is not part of a Refugiu backup: {name!r}")
    parts = name.split("/")
    if any(part in ("", ".", "..") or not _SAFE_PART.fullmatch(part) for part in parts):
        raise ArchiveError(f"the archive holds a member whose name is not safe: {name!r}")


class HashingReader:
    """Reads `source`, keeping the SHA-256 and the count of what was read."""

    def __init__(self, source: Readable) -> None:
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes an archive to a hidden file beside `path`, renamed to `path` by `close` only: a backup that
    fails half-way leaves no file that looks like a backup. Mode 0600 from the start."""

    def __init__(self, path: Path, *, passphrase: str | None = None) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        self.members: dict[str, dict[str, Any]] = {}
        self._raw = os.fdopen(os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        try:
            self._sealed = SealedWriter(self._raw, passphrase) if passphrase is not None else None
            self._gzip = gzip.GzipFile(
                fileobj=self._sealed or self._raw, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0
            )
            self._tar = tarfile.open(  # noqa: SIM115 - closed by close()
                fileobj=self._gzip, mode="w|", format=tarfile.PAX_FORMAT
            )
        except BaseException:
            self.abort()
            raise

    def add(self, name: str, source: Readable, size: int) -> dict[str, Any]:
        """Add `size` bytes read from `source` as member `name`; returns its manifest entry."""
        member_name_check(name)
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(time.time())
        reader = HashingReader(source)
        self._tar.addfile(info, reader)  # tarfile refuses a source that ends before `size`
        entry = {"sha256": reader.sha256.hexdigest(), "size": size}
        self.members[name] = entry
        return entry

    def add_bytes(self, name: str, data: bytes) -> dict[str, Any]:
        return self.add(name, io.BytesIO(data), len(data))

    def close(self) -> None:
        self._tar.close()
        self._gzip.close()
        if self._sealed is not None:
            self._sealed.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        if self.path.exists():
            raise ArchiveError(f"{self.path} appeared while the backup was being written; it was left alone")
        self.partial.rename(self.path)

    def abort(self) -> None:
        self._raw.close()
        self.partial.unlink(missing_ok=True)


def archive_is_sealed(path: Path) -> bool:
    with open(path, "rb") as handle:
        return is_sealed(handle.read(HEADER_BYTES))


def archive_members(
    path: Path, *, passphrase: Callable[[], str] | None = None
) -> Iterator[tuple[str, HashingReader]]:
    """(name, reader) for each member of the archive at `path`, in order; each reader is a HashingReader
    that must be read (or left) before the next member is asked for. `passphrase` is called when the
    archive is sealed. ArchiveError (or SealError) when it is not a readable Refugiu archive."""
    with open(path, "rb") as raw:
        source: Readable = raw
        if is_sealed(raw.read(HEADER_BYTES)):
            if passphrase is None:
                raise ArchiveError("the archive is sealed with a passphrase")
            raw.seek(0)
            sealed = SealedReader(raw, passphrase())
            sealed.check_passphrase()
            source = sealed
        else:
            raw.seek(0)
        try:
            # typeshed asks the source for seek(), which gzip calls only to go back: never here, where a
            # sealed stream (which cannot seek) is read forwards once.
            with (
                gzip.GzipFile(fileobj=source, mode="rb") as unzipped,  # type: ignore[call-overload]
                tarfile.open(fileobj=unzipped, mode="r|") as tar,
            ):
                for info in tar:
                    if not info.isreg():
                        raise ArchiveError(f"the archive holds something other than a file: {info.name!r}")
                    member_name_check(info.name)
                    member = tar.extractfile(info)
                    if member is None:  # not for a regular file, which this is
                        raise ArchiveError(f"the archive's member {info.name!r} cannot be read")
                    yield info.name, HashingReader(member)
                # tarfile ends quietly at a header it cannot read: what follows the last member must be
                # the end-of-archive blocks (zeros) up to the end of the compressed stream, whose CRC gzip
                # checks only when read to the end.
                while rest := unzipped.read(CHUNK):
                    if rest.strip(b"\0"):
                        raise ArchiveError("the archive is damaged (it goes on past where it seems to end)")
        except READ_ERRORS as problem:
            raise ArchiveError(f"the archive is damaged or is not a Refugiu backup ({problem})") from None
