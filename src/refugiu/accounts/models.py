import time
from typing import Any

from allauth.core import context
from allauth.mfa.models import Authenticator
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from refugiu.accounts.roles import Permission, Role, permissions_of
from refugiu.accounts.security import SIGNED_IN_AT_SESSION_KEY

# Sent by User.save, inside the save's transaction, after a person's password was set (by any path: allauth's
# change and reset pages, the admin's password form, `changepassword`, a shell) or taken away
# (set_unusable_password), and after an account was saved inactive. Arguments: user, change ("password" or
# "deactivated"). Credentials that stand apart from the password, such as API tokens, listen to it.
credentials_changed = Signal()


class User(AbstractUser):
    """A member of staff or a collaborator. The public never has an account."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Part of every session's check value: raising it signs the person out everywhere at once.
    session_generation = models.PositiveIntegerField(_("session generation"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        existing = not self._state.adding
        # Django keeps the new raw password in `_password` from set_password() until the save that stores
        # it (and clears it for a hash upgrade at sign-in, which is no change of password).
        password_disabled = self.__dict__.pop("_password_disabled", False)
        password_changed = existing and (getattr(self, "_password", None) is not None or password_disabled)
        saves_active = update_fields is None or "is_active" in update_fields
        deactivated = existing and not self.is_active and saves_active
        if not (password_changed or deactivated):
            super().save(*args, **kwargs)
            return
        # The change and what depends on it (credentials_changed's receivers) land together or not at all.
        with transaction.atomic():
            if deactivated:
                # An inactive account already has no working session (the backends refuse it), but its
                # sessions would come back if it were reactivated: saving it inactive moves the generation
                # on for good.
                self.session_generation = models.F("session_generation") + 1
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "session_generation"}
                super().save(*args, **kwargs)
                self.refresh_from_db(fields=["session_generation"])
            else:
                super().save(*args, **kwargs)
            if password_changed:
                credentials_changed.send(sender=type(self), user=self, change="password")
            if deactivated:
                credentials_changed.send(sender=type(self), user=self, change="deactivated")

    def set_unusable_password(self) -> None:
        # The admin's "disable password-based authentication": as much a change of password as a new one.
        super().set_unusable_password()
        self._password_disabled = True

    def _get_session_auth_hash(self, secret: str | bytes | None = None) -> str:
        # Django compares this with the value stored at login on every request (and also with the
        # SECRET_KEY_FALLBACKS variants, which go through here too), so mixing the generation in makes
        # older sessions fail verification without keeping a list of sessions per user.
        return salted_hmac(
            "refugiu.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Invalidate every session of this person, on every device, including the current one."""
        # F() so two logouts at once both count; the loaded instance keeps its old value on purpose.
        type(self).objects.filter(pk=self.pk).update(session_generation=models.F("session_generation") + 1)

    def end_other_sessions(self, request: HttpRequest) -> None:
        """Invalidate every session of this person but the one `request` belongs to, which must be theirs
        (as Django's update_session_auth_hash keeps it after a change of password): that session gets a new
        key and the new check value, every other one fails its check at its next request."""
        self.end_all_sessions()
        self.refresh_from_db(fields=["session_generation"])
        if isinstance(request.user, User):  # it is this person, perhaps as another instance
            request.user.session_generation = self.session_generation
        update_session_auth_hash(request, self)

    @property
    def roles(self) -> frozenset[str]:
        if not hasattr(self, "_role_cache"):
            self._role_cache = frozenset(self.role_assignments.values_list("role", flat=True))
        return self._role_cache

    def has_role_permission(self, permission: Permission) -> bool:
        permission = Permission(permission)  # a name that is no permission is an error, not a refusal
        if not self.is_active:
            return False
        return permission in permissions_of(self.roles)


class RoleAssignment(models.Model):
    """A role held by a user; coordinators' and caseworkers' roles are tied to a department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department"], name="unique_role_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


def user_has_permission(user: User | AnonymousUser | None, permission: Permission) -> bool:
    """True only for an active, signed-in user holding a role that grants `permission`."""
    permission = Permission(permission)  # a misspelt name fails here, whoever asks
    return bool(user and user.is_authenticated and user.has_role_permission(permission))


# Connected when Django loads the models, so it runs whichever view signs the person out (allauth's
# sign-out, the admin's, a test client's logout()). Sessions ended by the middleware (idle, no second
# factor) do not go through logout(), so they end only that browser's session.
@receiver(user_logged_out, dispatch_uid="refugiu.accounts.end_all_sessions_on_logout")
def _end_all_sessions_on_logout(
    sender: type[User], request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None and user.pk is not None:
        user.end_all_sessions()


# Every sign-in (allauth's, the admin's through it, a test client's login()) notes its time in the session,
# which then ends settings.SESSION_COOKIE_AGE later however busy (accounts.middleware.IdleTimeoutMiddleware).
# login() keeps the session's data when the same person signs in again: the time starts again too.
@receiver(user_logged_in, dispatch_uid="refugiu.accounts.note_the_sign_in_time")
def _note_the_sign_in_time(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT_SESSION_KEY] = time.time()


# A change of second factor made by the person (an authenticator app or a security key added or removed,
# new recovery codes: every Authenticator row made or deleted) ends their other sessions and keeps the one
# that made it, so that a session opened with the old factor, perhaps by whoever had it, does not outlive the
# change (ASVS 7.4.3); a change of password does the same through Django's session check, which the password
# is part of. Caught on the rows, in the transaction that changes them (as cases.token_revocation does), not
# on allauth's authenticator_* signals, some of which are sent after the commit. The request is the one
# allauth's middleware is answering, and only the person's own counts: an administrator's reset
# (accounts.services.second_factor_reset) ends every session itself, and commands have no request.
def _second_factor_changed(instance: Authenticator) -> None:
    request: HttpRequest | None = context.request
    signed_in: User | AnonymousUser | None = getattr(request, "user", None)
    if (
        request is not None  # as it is when someone is signed in
        and signed_in is not None
        and signed_in.is_authenticated
        and signed_in.pk == instance.user_id
    ):
        signed_in.end_other_sessions(request)


@receiver(post_save, sender=Authenticator, dispatch_uid="refugiu.accounts.end_other_sessions_on_added")
def _authenticator_added(
    sender: type[Authenticator], instance: Authenticator, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # Only a new row: saving an existing one records its use (a code accepted, a recovery code spent).
    if created and not raw:
        _second_factor_changed(instance)


@receiver(post_delete, sender=Authenticator, dispatch_uid="refugiu.accounts.end_other_sessions_on_removed")
def _authenticator_removed(sender: type[Authenticator], instance: Authenticator, **kwargs: Any) -> None:
    _second_factor_changed(instance)
