"""Test settings: the project's settings, with the data folder, secret key and mail kept out of the tree."""

import os
import tempfile

os.environ.setdefault("REFUGIU_DATA_DIR", tempfile.mkdtemp(prefix="refugiu-tests-"))
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("REFUGIU_MANIFEST_STATIC", "0")

from refugiu.settings import *  # noqa: E402, F403

# Hashing test passwords with PBKDF2's full work factor costs ~0.3 s per fake user; tests make hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
