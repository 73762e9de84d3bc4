"""Encryption at rest for identity fields, free text and uploaded files.

The keys never live in the database: they come from `REFUGIU_ENCRYPTION_KEYS` (comma-separated Fernet
keys, newest first) or, when that is unset, from `encryption.keys` in the data folder (one key per line,
newest first, mode 0600). The key file is made only for an empty installation, and the keys are checked
against the database before anything starts (core.startup). A dump of the database, or a copy of the upload
folder, therefore holds ciphertext only.

Why Fernet (from `cryptography`, already a dependency of allauth's WebAuthn): authenticated encryption
(AES-128-CBC + HMAC-SHA256) with a timestamp, and `MultiFernet` reads with any listed key while writing
with the first, which is exactly what key rotation needs: `refugiu rotate_keys` puts a new key first,
re-encrypts every value, then drops the old keys.

Ciphertext cannot be searched, so the few values staff search for before registering someone (names,
phone, document number) also get *blind index* tokens: an HMAC of each folded token under a key derived
from the primary key. Equal inputs give equal tokens; the tokens reveal nothing without the key.
"""

import hashlib
import hmac
import os
import re
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from refugiu.core.folding import fold

ENV_VAR = "REFUGIU_ENCRYPTION_KEYS"
PREFIX = "f1:"  # marks our ciphertext, so a plaintext value can never be mistaken for it


class KeyUnavailable(RuntimeError):
    """No usable key is configured. The message says what is wrong and where; it never holds key material."""


def key_file() -> Path:
    return Path(settings.DATA_DIR) / "encryption.keys"


def keys_source() -> str:
    """Where the keys come from, for messages: the environment variable or the key file's path."""
    return ENV_VAR if os.environ.get(ENV_VAR, "").strip() else str(key_file())


def key_is_valid(key: bytes) -> bool:
    """True for a Fernet key: 32 bytes in URL-safe base64 (44 characters)."""
    try:
        Fernet(key)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return False
    return True


def keys_load() -> list[bytes]:
    """The configured keys, newest first: from REFUGIU_ENCRYPTION_KEYS, else from the key file.

    Never makes a key: a missing key file with data already encrypted must stop the application, not
    be replaced by a new key that reads nothing (core.startup decides when an installation is empty
    and may be given its first key, with keys_create)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
        where = ENV_VAR
    else:
        path = key_file()
        if not path.exists():
            raise KeyUnavailable(f"no encryption key: {path} does not exist and {ENV_VAR} is not set")
        keys = [line.strip().encode() for line in path.read_text().splitlines() if line.strip()]
        where = str(path)
        if not keys:
            raise KeyUnavailable(f"{path} holds no key")
    for number, key in enumerate(keys, start=1):
        if not key_is_valid(key):
            raise KeyUnavailable(
                f"key {number} of {len(keys)} in {where} is not a Fernet key "
                "(44 characters of URL-safe base64, as Fernet.generate_key() makes)"
            )
    return keys


def keys_create() -> Path:
    """Write a key file holding one new key (mode 0600; never over an existing file). Only for an empty
    installation: core.startup.keys_check is the one caller."""
    path = key_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(Fernet.generate_key().decode() + "\n")
    keys_reset()
    return path


def keys_write(keys: list[bytes]) -> None:
    """Replace the key file (rotation only); refuses when keys come from the environment."""
    if os.environ.get(ENV_VAR, "").strip():
        raise KeyUnavailable(f"keys come from {ENV_VAR}; change that variable instead")
    path = key_file()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(k.decode() + "\n" for k in keys))
    tmp.replace(path)
    keys_reset()


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys_load()])


@cache
def _index_key() -> bytes:
    return hmac.new(keys_load()[0], b"refugiu blind index v1", hashlib.sha256).digest()


def keys_reset() -> None:
    """Forget cached keys (after rotation, or when tests change the configuration)."""
    _fernet.cache_clear()
    _index_key.cache_clear()


def encrypt_text(value: str) -> str:
    if value == "":
        return ""
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt_text(value: str) -> str:
    if not value:
        return ""
    if not value.startswith(PREFIX):
        raise InvalidToken("value is not Refugiu ciphertext")
    return _fernet().decrypt(value[len(PREFIX) :].encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(data: bytes) -> bytes:
    return _fernet().decrypt(data)


def rotate_text(value: str) -> str:
    """Re-encrypt one stored value under the newest key (no-op for empty values)."""
    if not value:
        return value
    return PREFIX + _fernet().rotate(value[len(PREFIX) :].encode()).decode()


def rotate_bytes(data: bytes) -> bytes:
    return _fernet().rotate(data)


def blind_tokens(value: str, *, kind: str) -> set[str]:
    """Keyed digests of each folded word of `value` (or of its digits only, for phones and documents)."""
    if kind in {"phone", "document"}:
        words = {re.sub(r"[^0-9a-z]", "", fold(value).replace(" ", ""))} - {""}
        if kind == "phone":
            words = {w[-9:] for w in words if len(w) >= 6}  # ignore country prefixes: match the last 9 digits
    else:
        words = {w for w in fold(value).split() if len(w) >= 2}
    key = _index_key()
    return {hmac.new(key, f"{kind}:{w}".encode(), hashlib.sha256).hexdigest()[:32] for w in words}


def key_id(key: bytes) -> str:
    """A key's fingerprint for manifests and messages: the first 64 bits of an HMAC of a constant under the
    key. It tells two keys apart and says which key a backup needs, and reveals nothing of the key (finding
    a key from it is as hard as breaking HMAC-SHA256)."""
    return hmac.new(key, b"refugiu key id v1", hashlib.sha256).hexdigest()[:16]
