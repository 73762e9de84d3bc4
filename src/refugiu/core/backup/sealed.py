"""A backup sealed with a passphrase: the one form in which a backup may hold the encryption keys.

Why it is the exception: the keys and the encrypted data together in one file are exactly what a thief
wants, so a backup is normally made without the keys, which are kept apart. An organisation that wants one
file to rebuild everything from (for a safe, or a disaster-recovery site) gets it with `--include-keys`, and
then the whole archive is encrypted under a passphrase that is not in it.

The format ("sealed stream", versioned by its magic):

    header  = MAGIC (16 bytes) | log2(N), r, p (1 byte each) | salt (16) | nonce prefix (7)
    records = [length (4 bytes, big-endian) | AES-256-GCM ciphertext and tag of up to 1 MiB]...

- The key is scrypt(passphrase, salt) with N = 2^17, r = 8, p = 1 (128 MiB and about half a second: the
  parameters OWASP recommends), from `cryptography`, as is AES-GCM.
- The stream is cut into records so that neither writing nor reading holds the archive in memory (Fernet
  encrypts one whole message). Each record's nonce is the prefix, the record's number and a flag set on the
  last record only (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár): records cannot be
  reordered, dropped or added, and a stream cut short (no last record) is refused. The header is every
  record's associated data, so its parameters cannot be changed either.
- A wrong passphrase and a damaged first record look the same to AES-GCM; a failure at a later record can
  only be damage.
"""

import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from refugiu.core.backup import BackupError, Readable, Writable

MAGIC = b"REFUGIU-SEALED\x00\x01"
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 17, 8, 1
# A header asking for more than this (1 GiB of memory, or many passes) is refused before deriving: a
# crafted file must not make a restore exhaust the machine.
SCRYPT_MOST = {"log2_n": 20, "r": 16, "p": 4}
SALT_BYTES, PREFIX_BYTES, TAG_BYTES = 16, 7, 16
HEADER_BYTES = len(MAGIC) + 3 + SALT_BYTES + PREFIX_BYTES
RECORD = 1 << 20
PASSPHRASE_LEAST = 12


class SealError(BackupError):
    """The sealed stream cannot be opened: wrong passphrase, damage, or not a sealed stream."""


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    derived = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return AESGCM(derived)


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= 2**32:
        raise SealError("the archive is too large for one sealed stream (4 PiB)")
    return prefix + struct.pack(">I?", number, last)


class SealedWriter:
    """A binary file-like object (write, close) that seals what is written to it into `sink`."""

    def __init__(self, sink: Writable, passphrase: str) -> None:
        salt, self._prefix = os.urandom(SALT_BYTES), secrets.token_bytes(PREFIX_BYTES)
        self._header = MAGIC + bytes([SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt + self._prefix
        self._aead: AESGCM | None = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._sink, self._buffer, self._number = sink, bytearray(), 0
        sink.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > RECORD:  # keep at least one byte back: the last record may not be empty
            self._record(bytes(self._buffer[:RECORD]), last=False)
            del self._buffer[:RECORD]
        return len(data)

    def flush(self) -> None:
        self._sink.flush()

    def close(self) -> None:
        if self._aead is not None:
            self._record(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._aead = None
            self._sink.flush()

    def _record(self, plaintext: bytes, *, last: bool) -> None:
        if self._aead is None:
            raise ValueError("the sealed stream is closed")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._number, last), plaintext, self._header)
        self._sink.write(struct.pack(">I", len(sealed)) + sealed)
        self._number += 1


class SealedReader:
    """A binary file-like object (read) of what `source` seals; SealError when it cannot be opened."""

    def __init__(self, source: Readable, passphrase: str) -> None:
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not is_sealed(header):
            raise SealError("this is not a sealed Refugiu archive")
        log2_n, r, p = header[len(MAGIC) : len(MAGIC) + 3]
        if not (
            0 < log2_n <= SCRYPT_MOST["log2_n"] and 0 < r <= SCRYPT_MOST["r"] and 0 < p <= SCRYPT_MOST["p"]
        ):
            raise SealError("the archive's header asks for key derivation parameters beyond what is accepted")
        salt = header[len(MAGIC) + 3 : len(MAGIC) + 3 + SALT_BYTES]
        self._prefix = header[-PREFIX_BYTES:]
        self._header, self._source = header, source
        self._aead = _key(passphrase, salt, log2_n, r, p)
        self._number, self._buffer, self._offset, self._done = 0, b"", 0, False
        self._next = self._read_record()

    def _read_record(self) -> bytes | None:
        length = self._source.read(4)
        if not length:
            return None
        if len(length) < 4:
            raise SealError("the archive is cut short")
        (size,) = struct.unpack(">I", length)
        if not TAG_BYTES <= size <= RECORD + TAG_BYTES:
            raise SealError(f"the archive is damaged (record {self._number + 1})")
        sealed = self._source.read(size)
        if len(sealed) < size:
            raise SealError("the archive is cut short")
        return sealed

    def _open_next(self) -> None:
        sealed, self._next = self._next, None
        if sealed is None:
            raise SealError("the archive is cut short (its last part is missing)")
        following = self._read_record()
        last = following is None
        try:
            plaintext = self._aead.decrypt(_nonce(self._prefix, self._number, last), sealed, self._header)
        except InvalidTag:
            if self._number == 0:
                raise SealError("wrong passphrase (or the archive is damaged at its start)") from None
            raise SealError(f"the archive is damaged (record {self._number + 1})") from None
        self._number += 1
        self._buffer, self._offset = plaintext, 0
        self._next, self._done = following, last

    def read(self, size: int = -1) -> bytes:
        chunks: list[bytes] = []
        wanted = size
        while size < 0 or wanted > 0:
            available = len(self._buffer) - self._offset
            if not available:
                if self._done:
                    break
                self._open_next()
                continue
            take = available if size < 0 else min(available, wanted)
            chunks.append(self._buffer[self._offset : self._offset + take])
            self._offset += take
            wanted -= take
        return b"".join(chunks)

    def check_passphrase(self) -> None:
        """Open the first record now, so that a wrong passphrase is said before anything else."""
        if self._number == 0:
            self._open_next()


PASSPHRASE_VAR = "REFUGIU_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name


def passphrase_ask(*, confirm: bool) -> str:
    """The passphrase from REFUGIU_BACKUP_PASSPHRASE, else typed at the terminal (twice when `confirm`:
    a mistyped passphrase on a new archive would lock it for good). BackupError when there is neither."""
    import getpass
    import sys

    passphrase = os.environ.get(PASSPHRASE_VAR, "")
    if not passphrase:
        if not sys.stdin.isatty():
            raise BackupError(f"a passphrase is needed: set {PASSPHRASE_VAR}, or run this at a terminal")
        passphrase = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("The same passphrase again: ") != passphrase:
            raise BackupError("the two passphrases differ")
    if confirm and len(passphrase) < PASSPHRASE_LEAST:
        raise BackupError(
            f"the passphrase is too short: an archive that holds the keys needs at least {PASSPHRASE_LEAST} "
            "characters (a few words)"
        )
    return passphrase
