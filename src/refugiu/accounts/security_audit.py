"""The security trail of sign-ins, second factors and passwords, written from allauth's and Django's signals.

Signals, not service calls, because these events happen inside django-allauth's and Django's own views:
the signals are the hooks those libraries give, and this is infrastructure (recording what happened for
the DPO), not a business rule; nothing here decides anything. Role and account changes are made by our
own code and audited there (accounts.services). Another module may listen to the same signals (API
tokens are revoked when a password or second factor changes): each keeps its own receivers.

Connected once, from AccountsConfig.ready(). Every entry is "accounts.<what>.<verb>" in the audit log,
with the account as its record (the DPO searches by username), and never a password, a code, a secret or
an e-mail address typed into a form:

- accounts.signin.succeeded: a completed sign-in (Django's user_logged_in: after the second factor, if
  any), with the ways the person proved who they are (detail "methods": password, mfa…);
- accounts.signin.failed: a wrong username or password (Django's user_login_failed), with the username
  as typed. For a username that matches no account there is no actor, only what was typed;
- accounts.signin.locked: a sign-in refused by the rate limit, at the password or the code step (the
  account adapter and accounts.forms report it);
- accounts.mfa.enrolled / .removed / .recovery_codes_regenerated / .code_refused: allauth.mfa's signals;
- accounts.password.changed / .set / .reset: allauth's; accounts.password.reset_requested: the reset form
  (accounts.forms), with a keyed hash of the address typed when it matches no account;
- accounts.email.added / .removed / .primary_changed: allauth's, with a keyed hash of the address (reset
  links go to these addresses, so a change of them is a security event; the address itself is not kept).

For events before sign-in ("failed", "locked", "reset_requested") the actor is the account the attempt
named, which is not proof that its holder made it: it is how the DPO finds every event about an account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User

MAX_TYPED = 150  # a typed username longer than any real one is cut (the log is not a storage space)


def security_event(
    *, action: str, user: User | None = None, request: HttpRequest | None = None, **detail: Any
) -> None:
    """One entry of the security trail about `user`'s account (None: the attempt named no account)."""
    if user is not None:
        detail = {"username": user.get_username(), **detail}
    audit_record(actor=user, action=action, target=user, request=request, detail=detail)


def account_named(username: str) -> User | None:
    """The account a typed username signs in to, by allauth's own lookup (the same case rules)."""
    from allauth.account.utils import filter_users_by_username

    user: User | None = filter_users_by_username(username).first() if username else None
    return user


def signin_locked(*, request: HttpRequest | None, username: str, step: str = "password") -> None:
    """A sign-in refused because too many failed (allauth's rate limit), at the password `step` (the
    account adapter reports it) or the second-factor "code" step (accounts.forms)."""
    typed = (username or "")[:MAX_TYPED]
    security_event(
        action="accounts.signin.locked", user=account_named(typed), request=request, typed=typed, step=step
    )


def email_hash(address: str) -> str:
    """A keyed hash of an e-mail address typed into a form: repeated tries for one address can be told
    apart from many addresses, without the log holding any address."""
    return salted_hmac(
        "refugiu.accounts.typed_email", address.strip().lower(), algorithm="sha256"
    ).hexdigest()[:32]


def _methods(request: HttpRequest, user: User) -> list[str]:
    from allauth.account.authentication import get_authentication_records

    if getattr(request, "session", None) is None:
        return []
    records = get_authentication_records(request, user)
    return sorted({record.get("method", "") for record in records} - {""})


def _on_logged_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    security_event(
        action="accounts.signin.succeeded", user=user, request=request, methods=_methods(request, user)
    )


def _on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials` with stars; only the username is kept.
    typed = str(credentials.get("username") or credentials.get("login") or "")[:MAX_TYPED]
    security_event(action="accounts.signin.failed", user=account_named(typed), request=request, typed=typed)


def _on_authenticator_added(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    security_event(action="accounts.mfa.enrolled", user=user, request=request, type=authenticator.type)


def _on_authenticator_removed(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    security_event(action="accounts.mfa.removed", user=user, request=request, type=authenticator.type)


def _on_authenticator_reset(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    security_event(
        action="accounts.mfa.recovery_codes_regenerated", user=user, request=request, type=authenticator.type
    )


def _on_authentication_failed(
    sender: object,
    request: HttpRequest,
    user: User,
    authenticator: Any,
    reauthentication: bool = False,
    **kwargs: Any,
) -> None:
    security_event(
        action="accounts.mfa.code_refused",
        user=user,
        request=request,
        type=authenticator.type,
        reauthentication=bool(reauthentication),
    )


def _password_event(action: str) -> Callable[..., None]:
    def receiver(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
        security_event(action=action, user=user, request=request)

    return receiver


def _email_event(action: str) -> Callable[..., None]:
    def receiver(
        sender: object,
        request: HttpRequest,
        user: User,
        email_address: Any = None,
        to_email_address: Any = None,
        **kwargs: Any,
    ) -> None:
        address = to_email_address or email_address
        security_event(
            action=action, user=user, request=request, email_hash=email_hash(address.email) if address else ""
        )

    return receiver


_on_email_added = _email_event("accounts.email.added")
_on_email_removed = _email_event("accounts.email.removed")
_on_email_changed = _email_event("accounts.email.primary_changed")
_on_password_changed = _password_event("accounts.password.changed")
_on_password_set = _password_event("accounts.password.set")
_on_password_reset = _password_event("accounts.password.reset")


def connect() -> None:
    uid = "refugiu.accounts.security_audit."
    auth_signals.user_logged_in.connect(_on_logged_in, dispatch_uid=uid + "logged_in")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid=uid + "login_failed")
    mfa_signals.authenticator_added.connect(_on_authenticator_added, dispatch_uid=uid + "mfa_added")
    mfa_signals.authenticator_removed.connect(_on_authenticator_removed, dispatch_uid=uid + "mfa_removed")
    mfa_signals.authenticator_reset.connect(_on_authenticator_reset, dispatch_uid=uid + "mfa_reset")
    mfa_signals.authentication_failed.connect(_on_authentication_failed, dispatch_uid=uid + "mfa_failed")
    account_signals.password_changed.connect(_on_password_changed, dispatch_uid=uid + "password_changed")
    account_signals.password_set.connect(_on_password_set, dispatch_uid=uid + "password_set")
    account_signals.password_reset.connect(_on_password_reset, dispatch_uid=uid + "password_reset")
    account_signals.email_added.connect(_on_email_added, dispatch_uid=uid + "email_added")
    account_signals.email_removed.connect(_on_email_removed, dispatch_uid=uid + "email_removed")
    account_signals.email_changed.connect(_on_email_changed, dispatch_uid=uid + "email_changed")
