"""Sessions kept in the database so that a copy of the database opens none of them.

Django's database backend stores each session under the key the browser's cookie carries: whoever reads
`django_session` (a backup, a copied SQLite file, a `pg_dump`) can replay every live session by setting
that cookie. This backend (settings.SESSION_ENGINE) stores only a keyed hash of the key, and encrypts the
session's data:

- the cookie keeps the real key; the row's `session_key` is HMAC-SHA256(key) under a key derived from
  SECRET_KEY, cut to 30 bytes and written in URL-safe base64, i.e. exactly the 40 characters of Django's
  own `django_session.session_key`. Django's Session model and table are kept (and `clearsessions`, which
  never needs the key, works unchanged): a model of our own would only add a table, and 240 bits of a keyed
  hash are as unguessable as the key itself (32 characters of 36, about 165 bits). A stored value presented
  as a cookie is hashed again and matches nothing.
- the data (allauth's sign-in records, the authenticator secret offered while someone enrols, messages)
  is Fernet-encrypted with the application key (core.crypto), on top of Django's signature.

Why SECRET_KEY, not the encryption keys, keys the hash: the hash only has to be something a copy of the
database cannot compute, and both live outside it. Every application server sharing one PostgreSQL must
already share SECRET_KEY (Django signs the CSRF cookie, password-reset links and each session's
authentication hash with it), so a session made by one server is found by the others. SECRET_KEY is also
the key Django rotates *for sessions*: with SECRET_KEY_FALLBACKS, a session whose key was hashed under a
previous SECRET_KEY is still found (each fallback is tried after the current key) and is moved under the
current one the moment it is used, so rotating SECRET_KEY signs nobody out while the old key is listed as a
fallback, and the old key can be dropped after a session's lifetime (SESSION_COOKIE_AGE). The encryption
keys rotate differently: `rotate_keys` re-encrypts every stored value, which a hash cannot be (the real key
is not known), so keying the hash with them would sign everyone out at each rotation for no gain. The data,
unlike the key, can be decrypted and so is encrypted with them; after a rotation that drops the old key,
sessions from before it read as empty, i.e. those people sign in again (the application is stopped while
rotating anyway).

Ours, on Django's own backend, because no maintained library does this for Django 5.2: the session
packages that encrypt anything (django-encrypted-cookie-session, last released in 2016) move the data
into the browser's cookie instead, and the database-backed ones (django-user-sessions, django-qsessions)
store the key as it is.

At the upgrade that introduced this backend every existing session stops working (its row is stored under
the raw key, which no cookie's hash equals; accounts migration 0003 deletes those rows): everyone signs in
once more. Signing out everywhere (User.end_all_sessions) and the idle timeout work as before: they rely on
the session's data and Django's authentication hash, not on how the row is keyed.
"""

import base64
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import salted_hmac

from refugiu.core.crypto import decrypt_text, encrypt_text

KEY_SALT = "refugiu.accounts.sessions.stored_key"
STORED_KEY_BYTES = 30  # base64 of 30 bytes is 40 characters: django_session.session_key's max_length


def stored_key(session_key: str, *, secret: str | None = None) -> str:
    """What the database holds for `session_key`: a keyed hash of it (under SECRET_KEY, or `secret`)."""
    digest = salted_hmac(KEY_SALT, session_key, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:STORED_KEY_BYTES]).decode("ascii")


def stored_keys(session_key: str) -> list[str]:
    """The hash under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS: where the session may be."""
    return [
        stored_key(session_key),
        *(stored_key(session_key, secret=old) for old in getattr(settings, "SECRET_KEY_FALLBACKS", [])),
    ]


class SessionStore(db.SessionStore[Session]):
    """Django's database session store, with the key hashed and the data encrypted (see the module)."""

    def _get_session_from_db(self) -> Session | None:
        if self.session_key is None:
            return None
        keys = stored_keys(self.session_key)
        row = self.model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).first()
        if row is None:
            self._session_key = None
        elif row.session_key != keys[0]:
            # Found under a previous SECRET_KEY: move it under the current one, so that saving it (an UPDATE
            # by key) finds it, and it outlives the fallback.
            self.model.objects.filter(session_key=row.session_key).update(session_key=keys[0])
            row.session_key = keys[0]
        return row

    async def _aget_session_from_db(self) -> Session | None:
        if self.session_key is None:
            return None
        keys = stored_keys(self.session_key)
        row = await self.model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).afirst()
        if row is None:
            self._session_key = None
        elif row.session_key != keys[0]:
            await self.model.objects.filter(session_key=row.session_key).aupdate(session_key=keys[0])
            row.session_key = keys[0]
        return row

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key__in=stored_keys(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await self.model.objects.filter(session_key__in=stored_keys(session_key)).aexists()

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        return self.model(
            # Django's own helper, private and so not in django-stubs.
            session_key=stored_key(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    async def acreate_model_instance(self, data: dict[str, Any]) -> Session:
        return self.model(
            session_key=stored_key(await self._aget_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=await self.aget_expiry_date(),
        )

    def delete(self, session_key: str | None = None) -> None:
        session_key = self.session_key if session_key is None else session_key
        if session_key is None:
            return
        self.model.objects.filter(session_key__in=stored_keys(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        session_key = self.session_key if session_key is None else session_key
        if session_key is None:
            return
        await self.model.objects.filter(session_key__in=stored_keys(session_key)).adelete()

    # save()/asave() go through (a)create_model_instance; (a)create and (a)cycle_key through (a)save and
    # (a)delete; clear_expired()/aclear_expired() need no key: all are Django's own.

    def encode(self, session_dict: dict[str, Any]) -> str:
        return encrypt_text(super().encode(session_dict))

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        try:
            # Text from the session table (django-stubs also allows bytes, which Django never passes).
            text = session_data.decode() if isinstance(session_data, bytes) else session_data
            signed = decrypt_text(text)
        except InvalidToken:
            # Not ours, or under a key no longer configured: an empty session, as Django treats a bad
            # signature (the person signs in again).
            return {}
        return super().decode(signed)
