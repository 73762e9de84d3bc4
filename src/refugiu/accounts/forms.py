"""Our versions of allauth's forms (settings.ACCOUNT_FORMS and MFA_FORMS): each records a security event."""

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from refugiu.accounts.security_audit import email_hash, security_event, signin_locked


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's "forgot your password" form, with each request in the security trail
    ("accounts.password.reset_requested"): naming the account when the address is one of ours, and
    otherwise keeping only a keyed hash of the address typed, never the address."""

    def save(self, request, **kwargs) -> str:
        email = super().save(request, **kwargs)
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


class _CodeLockoutAudited:
    """allauth refuses the second-factor code step once too many codes failed (its rate limit), before
    checking the code: that lockout goes into the security trail, like the password step's."""

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code == "too_many_login_attempts":
                signin_locked(request=context.request, username=self.user.get_username(), step="code")
            raise


class MfaAuthenticateForm(_CodeLockoutAudited, AuthenticateForm):
    pass


class MfaReauthenticateForm(_CodeLockoutAudited, ReauthenticateForm):
    pass
