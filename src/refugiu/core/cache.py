"""The cache's key function (settings.CACHES): what is stored is a keyed hash of the key, never the key.

The cache is a table of our database, so it is in every copy of the database. allauth names the client's
address in its sign-in and password-reset counters ("…:login_failed:10/60/ip:203.0.113.7") and the user
in others; expired rows stay until the table is culled. Hashed, a copied table says nothing of who tried
what from where. Keys stay stable while SECRET_KEY does (a new key only restarts the counters).
"""

from django.utils.crypto import salted_hmac


def hashed_key(key: str, key_prefix: str, version: int) -> str:
    digest = salted_hmac("refugiu.core.cache", key, algorithm="sha256").hexdigest()
    return f"{key_prefix}:{version}:{digest}"
