from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.core.exceptions import PermissionDenied

from refugiu.accounts.security import client_address, client_address_hash
from refugiu.accounts.security_audit import signin_locked


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator; nobody can sign themselves up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's limits (sign-in, password reset) count by the address our own limits count by.
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed sign-ins per username ("key" in ACCOUNT_RATE_LIMITS). Counting them per
        # username *and* address means someone guessing from one place locks the account only there: the
        # person can still sign in from the office. client_address() cuts IPv6 to its network, so rotating
        # addresses within it does not help; only a keyed hash of it is kept, never the address.
        username_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{username_key}:{client_address_hash(client_address(request))}"

    def pre_authenticate(self, request, **credentials):
        # allauth refuses a sign-in here, before checking the password, once the failures counted for that
        # username (and address) or that address reach the limit: the lockout goes into the security trail.
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            signin_locked(request=request, username=credentials.get("username", ""), step="password")
            raise
