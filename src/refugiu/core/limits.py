"""Bounds on what an import or an upload can make us read: files, zip archives, rows of text and fields.

A file of a megabyte can unpack to gigabytes (a zip bomb), and a zip's headers can say anything. So:
- a zip's member count and the size of its central directory are read from its end record *before*
  `zipfile` parses the directory (100,000 empty members cost it half a second and 70 MB, a million six
  seconds and 570 MB);
- each member's declared size, the declared total and the declared compression ratio are checked before
  anything is unpacked;
- what is unpacked is counted as it comes, in chunks (`bounded_stream`), and reading stops at the first
  byte over a limit, whatever the headers said;
- text is read a line at a time with a bound on the line and the record (`BoundedLines`), never whole.
Nothing here holds more than a chunk, or one bounded line, of a file in memory.

The limits are settings (`REFUGIU["IMPORT_…"]`, `REFUGIU["ZIP_…"]`, from the environment: README). A
refusal is `LimitExceeded`, whose message is in English and names the setting to raise; callers put the
file's name in front of it in their own kind of error (the importer's PackageError and HsdsImportError,
a document's CaseError in the user's language).
"""

import io
import os
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO, Literal

from django.conf import settings
from typing_extensions import Buffer

MiB = 1024 * 1024
# The compression ratio is judged only for a member larger than this: a small file of empty cells may
# compress 100-fold and is harmless.
RATIO_FLOOR = MiB
# A central directory entry is 46 bytes and its name; one with a long name and the usual extra fields
# stays far below this. The directory is bounded by the member limit times this.
DIRECTORY_BYTES_PER_MEMBER = 1024
CHUNK = 64 * 1024

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record (APPNOTE 4.3.16)
_EOCD64_LOCATOR = struct.Struct("<4sLQL")  # (4.3.15)
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # (4.3.14)


class LimitExceeded(Exception):
    """Something is over a limit: `reason` says what, `setting` is the environment variable that sets the
    limit, `member` the file inside an archive it is about (if it is about one)."""

    def __init__(self, reason: str, *, setting: str, limit: int, member: str = ""):
        self.reason, self.setting, self.limit, self.member = reason, setting, limit, member
        super().__init__(f"{reason} ({setting})")


# The REFUGIU settings that bound an import.
LimitSetting = Literal[
    "IMPORT_MAX_FILE_BYTES",
    "IMPORT_MAX_PACKAGE_BYTES",
    "IMPORT_MAX_RECORD_CHARS",
    "IMPORT_MAX_FIELD_CHARS",
    "ZIP_MAX_MEMBERS",
    "ZIP_MAX_RATIO",
]


def _setting(key: LimitSetting) -> int:
    return int(settings.REFUGIU[key])


def _size(count: int) -> str:
    """A byte count for a message: MiB, KiB or bytes, the unit the settings use."""
    for unit, size in (("MiB", MiB), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size:,} {unit}"
    return f"{count:,} bytes"


@dataclass(frozen=True)
class ZipLimits:
    """What a zip archive, or a package of files, may hold (`from_settings`)."""

    members: int  # files and folders in the archive
    member_bytes: int  # one file, unpacked
    total_bytes: int  # every file together, unpacked
    ratio: int  # unpacked / packed, for a member larger than RATIO_FLOOR

    @classmethod
    def from_settings(cls) -> "ZipLimits":
        return cls(
            members=_setting("ZIP_MAX_MEMBERS"),
            member_bytes=file_limit(),
            total_bytes=_setting("IMPORT_MAX_PACKAGE_BYTES"),
            ratio=_setting("ZIP_MAX_RATIO"),
        )

    def too_many(self, count: int | None) -> LimitExceeded:
        said = f"{count:,} files" if count is not None else "more files than it says"
        return LimitExceeded(
            f"holds {said}, more than the limit of {self.members:,}",
            setting="REFUGIU_ZIP_MAX_MEMBERS",
            limit=self.members,
        )

    def too_big(self, declared: int | None = None, *, member: str = "") -> LimitExceeded:
        """One file over the limit: as it says (`declared`), or as it was found while reading it."""
        said = f"says it unpacks to {_size(declared)}, more than" if declared else "is larger than"
        return LimitExceeded(
            f"{said} the limit of {_size(self.member_bytes)} for one file",
            setting="REFUGIU_IMPORT_MAX_FILE_MB",
            limit=self.member_bytes,
            member=member,
        )

    def too_much(self, declared: int | None = None) -> LimitExceeded:
        """The files together over the limit: as they say (`declared`), or found so while reading them."""
        said = (
            f"its files say they unpack to {_size(declared)}, more than"
            if declared
            else "with this file, the package is larger than"
        )
        return LimitExceeded(
            f"{said} the limit of {_size(self.total_bytes)} for a package",
            setting="REFUGIU_IMPORT_MAX_PACKAGE_MB",
            limit=self.total_bytes,
        )

    def too_compressed(self, *, member: str = "") -> LimitExceeded:
        return LimitExceeded(
            f"is compressed more than {self.ratio}-fold, as only a zip bomb is",
            setting="REFUGIU_ZIP_MAX_RATIO",
            limit=self.ratio,
            member=member,
        )


def file_limit() -> int:
    """One file an import reads whole (JSON, NDJSON), in bytes."""
    return _setting("IMPORT_MAX_FILE_BYTES")


def file_too_big(size: int) -> LimitExceeded:
    limit = file_limit()
    return LimitExceeded(
        f"is {_size(size)}, more than the limit of {_size(limit)} for one file",
        setting="REFUGIU_IMPORT_MAX_FILE_MB",
        limit=limit,
    )


def record_limit() -> int:
    """One line of NDJSON or one row of CSV, in characters."""
    return _setting("IMPORT_MAX_RECORD_CHARS")


def field_limit() -> int:
    """One field (a CSV cell, a JSON string), in characters."""
    return _setting("IMPORT_MAX_FIELD_CHARS")


class TextTooLong(LimitExceeded):
    """A line, a row or a field over its limit: about a place in a file, not about the whole file."""


def record_too_long(limit: int | None = None) -> TextTooLong:
    return _text_too_long(limit or record_limit(), "line", "REFUGIU_IMPORT_MAX_RECORD_MB")


def field_too_long() -> TextTooLong:
    return _text_too_long(field_limit(), "field", "REFUGIU_IMPORT_MAX_FIELD_KB")


def _text_too_long(limit: int, what: str, setting: str) -> TextTooLong:
    return TextTooLong(
        f"is longer than the limit of {limit:,} characters for one {what}", setting=setting, limit=limit
    )


# --- zip archives ---------------------------------------------------------------------------------------


def _directory_extent(file: BinaryIO) -> tuple[int, int] | None:
    """(members, bytes) of the central directory as the end record states them (zip64 when there is one),
    read without parsing the directory; None when there is no end record (then it is no zip)."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    tail_size = min(size, _EOCD.size + 0xFFFF)  # the record, then a comment of up to 64 KiB
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        return None
    _, _, _, _, members, directory_bytes, _, _ = _EOCD.unpack_from(tail, at)
    record_at = size - tail_size + at
    locator_at = record_at - _EOCD64_LOCATOR.size
    if locator_at >= _EOCD64.size:  # as zipfile does: a zip64 locator just before, then its record
        file.seek(locator_at - _EOCD64.size)
        both = file.read(_EOCD64.size + _EOCD64_LOCATOR.size)
        if both[_EOCD64.size : _EOCD64.size + 4] == b"PK\x06\x07" and both[:4] == b"PK\x06\x06":
            record = _EOCD64.unpack_from(both)
            members, directory_bytes = record[7], record[8]
    return members, directory_bytes


def zip_open(file: BinaryIO, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive in `file`, once its declared members and sizes are within `limits`.

    LimitExceeded when they are not; zipfile.BadZipFile when it is no zip. Each member must still be
    read through `bounded_stream`: the declared sizes are only what the archive says.
    """
    extent = _directory_extent(file)
    if extent is None:
        raise zipfile.BadZipFile("no end of central directory record")
    members, directory_bytes = extent
    if members > limits.members:
        raise limits.too_many(members)
    if directory_bytes > limits.members * DIRECTORY_BYTES_PER_MEMBER:
        raise limits.too_many(None)  # a directory this long lists more than the record says
    file.seek(0)
    archive = zipfile.ZipFile(file)
    try:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise limits.too_many(len(infos))
        total = 0
        for info in infos:
            if info.file_size > limits.member_bytes:
                raise limits.too_big(info.file_size, member=info.filename)
            if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise limits.too_compressed(member=info.filename)
            total += info.file_size
        if total > limits.total_bytes:
            raise limits.too_much(total)
    except BaseException:
        archive.close()
        raise
    return archive


class Budget:
    """What one archive or package may still give, across its files."""

    def __init__(self, limits: ZipLimits):
        self.limits = limits
        self.used = 0


class _Bounded(io.RawIOBase):
    """A binary stream that counts what it gives, and refuses (LimitExceeded) to give more than one file
    may or more than is left of its package's budget. (zipfile itself gives no more of a member than its
    header says; this does not rely on it, and bounds the files of a folder as well.)"""

    def __init__(self, raw: IO[bytes], budget: Budget) -> None:
        self.raw, self.budget = raw, budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer)  # BufferedReader gives a memoryview of bytes already
        data = self.raw.read(min(len(view), CHUNK))
        self.count += len(data)
        self.budget.used += len(data)
        if self.count > self.budget.limits.member_bytes:
            raise self.budget.limits.too_big()
        if self.budget.used > self.budget.limits.total_bytes:
            raise self.budget.limits.too_much()
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def bounded_stream(raw: IO[bytes], budget: Budget) -> io.BufferedReader:
    """`raw` read in chunks, and refused at the first byte over the limits of `budget`."""
    return io.BufferedReader(_Bounded(raw, budget), CHUNK)


def zip_member_stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> io.BufferedReader:
    """A member of an archive opened by `zip_open`, unpacked as it is read, within the limits."""
    return bounded_stream(archive.open(info), budget)


# --- text -----------------------------------------------------------------------------------------------


class BoundedLines:
    """The lines of `text` (line ends kept), for a reader of records that may span several lines (csv).

    The lines given since the last `record_done()` may not come to more than `limit` characters
    (LimitExceeded): each is read with `readline(what is left + 1)`, so a file without a line end, or a
    quoted field running over millions of lines, is never read whole.
    """

    def __init__(self, text: io.TextIOBase, *, limit: int):
        self.text, self.limit, self.used = text, limit, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit - self.used + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > self.limit:
            raise record_too_long(self.limit)
        return line

    def record_done(self) -> None:
        self.used = 0
