"""Backups: `refugiu backup FILE` writes one archive, `refugiu restore FILE` rebuilds an installation from it.

What an archive holds (refugiu.core.backup.archive lays it out):
- every table's rows, exported as JSON lines in dependency order (refugiu.core.backup.tables), read in one
  transaction that sees one snapshot while the application goes on writing;
- the files: MEDIA_ROOT (event photographs, publication files, campaign images, generated reports) and
  DATA_DIR/case-files (case documents, as stored: encrypted);
- a manifest: Refugiu's version, the migrations applied per app, the database engine, the time, each
  table's row count, the SHA-256 of every member, and the ids of the keys the data is encrypted with
  (crypto.key_id: a fingerprint that reveals nothing of a key); and the manifest's HMAC under a key derived
  from the encryption key, so that whoever holds an archive but not the key cannot change it unseen.

What it leaves out, and why:
- the encryption keys and SECRET_KEY: a backup and its keys together are exactly what a thief wants. Only
  `--include-keys` puts the key file in, and then the whole archive is sealed with a passphrase
  (refugiu.core.backup.sealed);
- sessions (django_session): each is keyed by a hash under SECRET_KEY and encrypted, useless anywhere else
  and after a restore (which is the moment to make everyone sign in again);
- the cache table (sign-in and form limit counters), the static files (remade from the package), the mail
  folder (password-reset links), the demo's password file, the SQLite file itself (exported as rows), and
  anything in the data folder Refugiu does not write;
- django_migrations as a table: the manifest names the migrations, and a restore re-creates the schema
  with the migrations themselves before loading rows.

Why rows rather than SQLite's file or pg_dump's SQL: the same archive restores into either engine (an
organisation that outgrows SQLite moves to PostgreSQL by backup and restore), and encrypted columns are
copied as the ciphertext they are stored as, never decrypted: the rows are read with SQL, past the fields'
from_db_value, and only the engine's own conversions (dates, decimals, booleans) are applied.
"""

from typing import Protocol


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what is wrong and what to do, and never
    holds key material or personal data."""


class Readable(Protocol):
    """What a backup reads from: a file, a member of the archive, a storage's file."""

    def read(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    """What a backup writes to: a file, or the sealed stream in front of one."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...
