"""Our versions of allauth's forms (settings.ACCOUNT_FORMS and MFA_FORMS).

Every box for a second-factor code opens a phone's digits keypad and takes only digits (`code_box`).

The password-reset request is recorded in the security trail. The second-factor forms count wrong codes
per person *and* address, and record a lockout in the security trail:

allauth counts wrong authenticator codes and refused security keys under its "login_failed" limit with a
key that names the person only (allauth.mfa.base.internal.flows.check_rate_limit): five wrong codes sent
from anywhere lock the real person out everywhere, so whoever has learnt a password can keep its owner out
of their cases. Passwords are counted per username and address (StaffOnlyAccountAdapter); these forms
count codes and security keys the same way, under the same ACCOUNT_RATE_LIMITS["login_failed"] rates.
Everything else is allauth's: which authenticators a code is tried against, the failure signals, what is
recorded in the session once a code is accepted (save()).

MFA_FORMS is allauth's supported way to swap these forms; its check_rate_limit has no hook for the key,
so the two clean methods below are allauth's own with only that key changed (compare them with
allauth/mfa/base/forms.py and allauth/mfa/webauthn/forms.py when upgrading allauth).
"""

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.core import context, ratelimit
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as base_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from refugiu.accounts.models import User
from refugiu.accounts.security_audit import email_hash, security_event, signin_locked
from refugiu.core.addresses import client_address, client_address_hash


class ResetPasswordForm(AllauthResetPasswordForm):  # type: ignore[misc]  # allauth ships no types
    """allauth's "forgot your password" form, with each request in the security trail
    ("accounts.password.reset_requested"): naming the account when the address is one of ours, and
    otherwise keeping only a keyed hash of the address typed, never the address."""

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        email: str = super().save(request, **kwargs)
        if self.users:
            for user in self.users:
                security_event(action="accounts.password.reset_requested", user=user, request=request)
        else:
            security_event(
                action="accounts.password.reset_requested",
                request=request,
                known=False,
                email_hash=email_hash(email),
            )
        return email


def second_factor_attempt(user: User) -> Callable[[], None]:
    """Count one try of `user`'s second factor from this address; raise the form error "too many failed
    login attempts" once the limit is reached, and record that lockout in the security trail. Returns what
    to call when the try succeeded (it forgets this person's failures from this address, as allauth does)."""
    request = context.request
    key = f"mfa-auth-user-{user.pk}:{client_address_hash(client_address(request))}"
    if not ratelimit.consume(request, action="login_failed", key=key):
        signin_locked(request=request, username=user.get_username(), step="code")
        raise get_account_adapter().validation_error("too_many_login_attempts")
    return lambda: ratelimit.clear(request, action="login_failed", key=key)


def code_box(field: forms.Field, *, digits: str) -> None:
    """A one-time code's box: a phone opens its digits keypad (`inputmode`), offers a code it received
    (`autocomplete`), and the browser refuses anything but `digits` digits (`pattern`, "6" or "6,8")."""
    field.widget.attrs.update(
        {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "pattern": f"[0-9]{{{digits}}}",
            "spellcheck": "false",
            "autocapitalize": "off",
        }
    )


class _CodeCountedPerAddress:
    """clean_code of allauth's BaseAuthenticateForm, counting by second_factor_attempt."""

    # What allauth's form, which this is mixed into, has (allauth ships no types).
    user: User
    cleaned_data: dict[str, Any]
    authenticator: Authenticator
    _emit_authentication_failed: Callable[[Authenticator], None]

    def clean_code(self) -> str:
        succeeded = second_factor_attempt(self.user)
        code: str = self.cleaned_data["code"]
        main_authenticator = None
        # A security key cannot check a typed code; the authenticator app is the one told of a failure.
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN
        ):
            if not main_authenticator or authenticator.type == Authenticator.Type.TOTP:
                main_authenticator = authenticator
            if authenticator.wrap().validate_code(code):
                authenticator.user = self.user
                self.authenticator = authenticator
                succeeded()
                return code
        if main_authenticator:
            self._emit_authentication_failed(main_authenticator)
        raise get_adapter().validation_error("incorrect_code")


class _CodeOrRecoveryCodeBox:
    """The box takes the app's code (6 digits) or a recovery code (8 digits)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code_box(self.fields["code"], digits="6,8")
        self.fields["code"].widget.attrs["title"] = _(
            "The 6 digits your authenticator app shows, or one of your 8-digit recovery codes."
        )


class AuthenticateForm(
    _CodeOrRecoveryCodeBox,
    _CodeCountedPerAddress,
    base_forms.AuthenticateForm,  # type: ignore[misc]  # allauth ships no types
):
    """The code asked for at sign-in, after the password."""


class ReauthenticateForm(
    _CodeOrRecoveryCodeBox,
    _CodeCountedPerAddress,
    base_forms.ReauthenticateForm,  # type: ignore[misc]  # allauth ships no types
):
    """The code asked for again before a sensitive change."""


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):  # type: ignore[misc]  # allauth ships no types
    """The first code of a new authenticator app, which proves it is set up: 6 digits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code_box(self.fields["code"], digits="6")
        self.fields["code"].widget.attrs["title"] = _("The 6 digits your authenticator app shows.")


class _KeyCountedPerAddress:
    """clean_credential of allauth's AuthenticateWebAuthnForm for a known person, counting by
    second_factor_attempt (a forged security-key answer is as cheap to send as a wrong code)."""

    # What allauth's form, which this is mixed into, has (allauth ships no types).
    user: User | None
    cleaned_data: dict[str, Any]
    passwordless: bool

    def clean_credential(self) -> Authenticator:
        if self.user is None:
            # Passwordless sign-in: the person is named by the answer itself, so allauth counts nothing.
            return super().clean_credential()  # type: ignore[misc]  # allauth's form, mixed in after this
        credential = self.cleaned_data["credential"]
        response = webauthn_auth.parse_authentication_response(credential)
        succeeded = second_factor_attempt(self.user)
        authenticator = webauthn_auth.complete_authentication(self.user, credential)
        if self.passwordless and not response.response.authenticator_data.is_user_verified():
            raise get_adapter().validation_error("incorrect_code")
        succeeded()
        return authenticator


class AuthenticateWebAuthnForm(
    _KeyCountedPerAddress,
    webauthn_forms.AuthenticateWebAuthnForm,  # type: ignore[misc]  # allauth ships no types
):
    """The security key asked for at sign-in, after the password."""


class ReauthenticateWebAuthnForm(
    _KeyCountedPerAddress,
    webauthn_forms.ReauthenticateWebAuthnForm,  # type: ignore[misc]  # allauth ships no types
):
    """The security key asked for again before a sensitive change."""
