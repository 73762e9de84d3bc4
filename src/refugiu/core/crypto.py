"""Encryption at rest for identity fields, free text and uploaded files.

The keys never live in the database: they come from `REFUGIU_ENCRYPTION_KEYS` (comma-separated Fernet
keys, newest first) or, when that is unset, from `encryption.keys` in the data folder (one key per line,
newest first, created with mode 0600 on first use). A dump of the database, or a copy of the upload
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
    pass


def key_file() -> Path:
    return Path(settings.DATA_DIR) / "encryption.keys"


def keys_load() -> list[bytes]:
    """The configured keys, newest first; a key file is created on first use when none is configured."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return [k.strip().encode() for k in configured.split(",") if k.strip()]
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    keys = [line.strip().encode() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise KeyUnavailable(f"{path} holds no key")
    return keys


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
