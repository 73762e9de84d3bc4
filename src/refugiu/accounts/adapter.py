from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from refugiu.accounts.security_audit import signin_locked
from refugiu.core import crypto
from refugiu.core.addresses import client_address, client_address_hash


class StaffOnlyAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Accounts are made by an administrator; nobody can sign themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's limits (sign-in, password reset) count by the address our own limits count by.
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins per username ("key" in ACCOUNT_RATE_LIMITS). Counting them per
        # username *and* address means someone guessing from one place locks the account only there: the
        # person can still sign in from the office. client_address() cuts IPv6 to its network, so rotating
        # addresses within it does not help; only a keyed hash of it is kept, never the address.
        username_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{username_key}:{client_address_hash(client_address(request))}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth refuses a sign-in here, before checking the password, once the failures counted for that
        # username (and address) or that address reach the limit: the lockout goes into the security trail.
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            signin_locked(request=request, username=credentials.get("username", ""), step="password")
            raise


class EncryptedSecretsMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    """allauth's second-factor adapter, with what allauth passes through its encrypt() hook encrypted with
    the application key (core.crypto), so a copy of the database holds no usable second factor.

    allauth (65.x) passes through it exactly the secrets that open a second factor: the authenticator
    app's base32 "secret" (TOTP), the recovery codes' "seed" (the codes are derived from it), and each of
    "migrated_codes" (recovery codes imported from django-allauth's older storage). A security key's
    record (WebAuthn) holds only its public key, which opens nothing, and is not passed through it.

    Existing secrets were encrypted by accounts migration 0004; `rotate_keys` re-encrypts them
    (authenticator_secrets_convert). decrypt() refuses a value that is not our ciphertext rather than
    using it as it is: a plaintext secret would mean the migration did not run.
    """

    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(encrypted_text)


# The Authenticator.data entries allauth encrypts (above): single values, and lists of values.
ENCRYPTED_DATA_VALUES = ("secret", "seed")
ENCRYPTED_DATA_LISTS = ("migrated_codes",)


def authenticator_secret_sample() -> str | None:
    """One second-factor secret as stored (ciphertext), or None: what a start checks the keys against when
    no encrypted field holds anything yet (core.startup)."""
    from allauth.mfa.models import Authenticator

    secrets = Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).values_list("data", flat=True)
    for data in secrets[:1]:
        for value in (data.get(name) or "" for name in ENCRYPTED_DATA_VALUES):
            if value.startswith(crypto.PREFIX):
                return value
    return None


def authenticator_secrets_convert(data: dict[str, Any], convert: Callable[[str], str]) -> dict[str, Any]:
    """A copy of an Authenticator's data with `convert` applied to each encrypted entry (rotation)."""
    data = dict(data)
    for name in ENCRYPTED_DATA_VALUES:
        if data.get(name):
            data[name] = convert(data[name])
    for name in ENCRYPTED_DATA_LISTS:
        if data.get(name):
            data[name] = [convert(value) for value in data[name]]
    return data
