"""Revoking a person's API tokens when their account changes under them.

A token stands in for its holder's password and second factor on API calls (`cases.tokens`), so it must
not outlive them: every token of a person is revoked, and the revocation audited with its reason, when

- their password is set or disabled, by any path: allauth's change and reset pages, the admin's password
  form, `changepassword`, a shell ("password_changed"; `accounts.models.credentials_changed`);
- an authenticator (app, security key, recovery codes) is added or removed, which also covers recovery
  codes being regenerated (allauth deletes and re-creates them) and an administrator removing someone's
  authenticators ("second_factor_added" / "second_factor_removed");
- the account is saved inactive ("account_deactivated");
- they no longer hold a role with "cases.access" ("case_role_removed"; a role kept but moved to another
  department changes nothing here).

The receivers listen to the rows themselves (User.save's signal, Authenticator's and RoleAssignment's
post_save / post_delete) rather than to allauth's password_changed, password_reset and authenticator_*
signals: those are sent only by allauth's own views, some after the transaction commits, and not at all
when the admin or another program makes the same change. Each change is caught once, in the transaction
that makes it.

Signing out does not revoke tokens, by decision. Tokens are for programs that run without a browser
(a nightly export, a script on an office computer); sign-out ends the person's browser sessions on every
device, and idle sessions end after minutes, so revoking on sign-out would make a token last a working
day at most and push people to keep a browser signed in for their scripts instead. What made "survives
sign-out" a risk is covered otherwise: a token lasts 30 days unless configured otherwise (and never
longer than REFUGIU["API_TOKEN_DAYS"]), is listed with its last use on /staff/api-tokens/ where it is
revoked with one click, and dies with any change of the credentials that created it.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from refugiu.accounts.models import RoleAssignment, User, credentials_changed
from refugiu.accounts.roles import Permission, permissions_of
from refugiu.cases.tokens import api_token_revoke_all

CREDENTIAL_CHANGES = {"password": "password_changed", "deactivated": "account_deactivated"}


@receiver(credentials_changed, dispatch_uid="refugiu.cases.tokens_revoked_on_credentials_change")
def _credentials_changed(sender: type[User], user: User, change: str, **kwargs: Any) -> None:
    api_token_revoke_all(user_id=user.pk, reason=CREDENTIAL_CHANGES[change])


@receiver(post_save, sender=Authenticator, dispatch_uid="refugiu.cases.tokens_revoked_on_authenticator_added")
def _authenticator_added(
    sender: type[Authenticator], instance: Authenticator, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # Only a new row: saving an existing one records its use (a code accepted, a recovery code spent).
    if created and not raw:
        api_token_revoke_all(
            user_id=instance.user_id, reason="second_factor_added", detail={"authenticator": instance.type}
        )


@receiver(
    post_delete, sender=Authenticator, dispatch_uid="refugiu.cases.tokens_revoked_on_authenticator_removed"
)
def _authenticator_removed(sender: type[Authenticator], instance: Authenticator, **kwargs: Any) -> None:
    api_token_revoke_all(
        user_id=instance.user_id, reason="second_factor_removed", detail={"authenticator": instance.type}
    )


@receiver(post_save, sender=RoleAssignment, dispatch_uid="refugiu.cases.tokens_revoked_on_role_changed")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="refugiu.cases.tokens_revoked_on_role_removed")
def _role_changed(
    sender: type[RoleAssignment],
    instance: RoleAssignment,
    raw: bool = False,
    created: bool = False,
    **kwargs: Any,
) -> None:
    if raw or created:  # a new role only ever adds to what a person may do
        return
    roles = RoleAssignment.objects.filter(user_id=instance.user_id).values_list("role", flat=True)
    if Permission.CASES_ACCESS not in permissions_of(roles):
        api_token_revoke_all(user_id=instance.user_id, reason="case_role_removed")
