"""Test settings: the project's settings, with the data folder, secret key and mail kept out of the tree."""

import os
import tempfile

from cryptography.fernet import Fernet

os.environ.setdefault("REFUGIU_DATA_DIR", tempfile.mkdtemp(prefix="refugiu-tests-"))
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("REFUGIU_MANIFEST_STATIC", "0")
# One encryption key for the whole run, from the environment, so that a test moving the data folder keeps
# reading what the others wrote (and subprocesses started by tests read it too). Tests of the key file
# remove it (tests/test_keys.py, tests/cases/test_encryption.py).
os.environ.setdefault("REFUGIU_ENCRYPTION_KEYS", Fernet.generate_key().decode())
# A file, not SQLite's shared in-memory database: concurrent requests in tests (registration for the last
# places) then lock and wait as they do in production instead of failing at once on a table lock.
os.environ.setdefault(
    "REFUGIU_TEST_SQLITE_NAME", os.path.join(os.environ["REFUGIU_DATA_DIR"], "test-database.sqlite3")
)

from refugiu.settings import *  # noqa: E402, F403

# Hashing test passwords with PBKDF2's full work factor costs ~0.3 s per fake user; tests make hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The plain SQLite backend, except that the test runner's flush may empty the append-only audit table
    # (tests/sqlite_backend explains how); every other DELETE of an audit record is refused as in production.
    DATABASES["default"]["ENGINE"] = "tests.sqlite_backend"  # noqa: F405
