"""Zip archives written byte by byte for the tests of limits: a gigabyte of content in a megabyte, headers
that say what the test wants them to say, and a hundred thousand members, each made in well under a
second (zipfile takes 8 s to compress a gigabyte). Built in a test's tmp_path, never committed.

A member's content is `head`, `repeat` times `block`, then `tail`. Its deflated form compresses each part
once with a full flush (which makes a piece independent of what came before it), repeats the block's
piece, and ends with a final empty block.
"""

import functools
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
STORED, DEFLATED = 0, 8

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")


@dataclass(frozen=True)
class Member:
    name: str
    block: bytes = b""
    repeat: int = 1
    method: int = DEFLATED
    says: int | None = None  # the size its headers give; the true one when None
    head: bytes = b""
    tail: bytes = b""
    flags: int = 0  # 1: encrypted

    @property
    def size(self) -> int:
        return len(self.head) + len(self.block) * self.repeat + len(self.tail)


@functools.cache
def _packed(head: bytes, block: bytes, repeat: int, tail: bytes, method: int) -> tuple[bytes, int]:
    """(the member's data as stored, CRC-32 of its content); the CRC is the slow part, so cached."""
    crc = zlib.crc32(head)
    for _ in range(repeat):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    if method == STORED:
        return head + block * repeat + tail, crc
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)

    def piece(data: bytes) -> bytes:
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    return piece(head) + piece(block) * repeat + piece(tail) + compressor.flush(), crc


def zip_write(path: Path, members: list[Member], *, says_count: int | None = None) -> Path:
    """Write `members` to a zip at `path`; `says_count`: the member count its end record gives instead."""
    local, central = bytearray(), bytearray()
    for member in members:
        data, crc = _packed(member.head, member.block, member.repeat, member.tail, member.method)
        size = member.size if member.says is None else member.says
        name = member.name.encode()
        central += _CENTRAL.pack(
            b"PK\x01\x02", 20, 20, member.flags, member.method, 0, 0x21, crc, len(data), size, len(name),
            0, 0, 0, 0, 0, len(local),
        ) + name  # fmt: skip
        local += _LOCAL.pack(
            b"PK\x03\x04", 20, member.flags, member.method, 0, 0x21, crc, len(data), size, len(name), 0
        ) + name + data  # fmt: skip
    count = len(members) if says_count is None else says_count
    end = bytearray()
    if count > 0xFFFF:
        at = len(local) + len(central)
        end += _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), len(local))
        end += _LOCATOR64.pack(b"PK\x06\x07", 0, at, 1)
    small = min(count, 0xFFFF)
    end += _END.pack(b"PK\x05\x06", 0, 0, small, small, len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def gigabyte_of(byte: bytes, name: str = "services.csv", **fields) -> Member:
    """1 GiB of one repeated byte: about 1 MB deflated."""
    return Member(name, byte * MiB, 1024, **fields)
