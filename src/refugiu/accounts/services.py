"""Every change to who may do what goes through a function here: roles, account flags, second factors.

Each takes the acting user (keyword-only; None for the operator at the command line, who already holds
the server; a visitor who is not signed in is refused like anyone without the permission), checks what
that user may do, acts in one transaction and writes its audit record in it ("accounts.*", the security
trail the DPO reads). A refusal is audited too, then raises `AccountError`
with a stable `code` and a message for the person at the screen. The admin (accounts.admin), the
`createadmin` and `demo` commands, the directory's invitation of an organisation's representative
(`representative_account_ensure`) and finance's invitation of a grant's auditor (`auditor_account_ensure`)
call these; nothing else writes roles.

The rule they keep: nobody opens a door for themselves. An account cannot give itself a role that sees
case data or manages accounts (roles.ROLES_NEEDING_SECOND_FACTOR), cannot make itself a superuser and
cannot reset its own second factor: another administrator does it, and the DPO sees who did it for whom.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from refugiu.accounts.models import RoleAssignment, User, user_has_permission
from refugiu.accounts.roles import ROLES_NEEDING_SECOND_FACTOR, Permission, Role
from refugiu.core.audit import audit_record

# What an administrator may change on a person's account, and the flags among them that open doors.
SECURITY_FLAGS = ("is_superuser", "is_staff", "is_active")


class AccountError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


def _about(user: User, **detail: Any) -> dict[str, Any]:
    return {"username": user.get_username(), **detail}


def _check(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None,
    action: str,
    user: User,
    detail: dict[str, Any],
    self_refusal: tuple[str, str] | None = None,
) -> None:
    """Only an administrator changes accounts (or the operator at the command line, `actor` None); and
    `self_refusal`, a (code, message) pair, refuses what is asked when the account is the actor's own."""
    refusal: tuple[str, str] | None = None
    if actor is not None and not user_has_permission(actor, Permission.ACCOUNTS_MANAGE):
        refusal = ("forbidden", _("Only administrators can change accounts."))
    elif self_refusal is not None and actor is not None and user.pk is not None and actor.pk == user.pk:
        refusal = self_refusal
    if refusal is not None:
        audit_record(actor=actor, action=action, target=user, request=request, detail=_about(user, **detail))
        raise AccountError(*refusal)


# Roles ------------------------------------------------------------------------------------------------


def role_grant_check(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, user: User, role: str
) -> None:
    """Raise AccountError, with the refusal audited ("accounts.role.grant_refused"), if `actor` may not
    give `user` the role. Forms call it to show the message next to the field; role_grant calls it too."""
    _check(
        actor=actor,
        request=request,
        action="accounts.role.grant_refused",
        user=user,
        detail={"role": role},
        self_refusal=(
            ("self_grant", _("You cannot give yourself this role: another administrator must grant it."))
            if role in ROLES_NEEDING_SECOND_FACTOR
            else None
        ),
    )


def role_grant(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
    user: User,
    role: str,
    department: models.Model | None = None,
) -> RoleAssignment:
    """Give `user` the role (in `department`, an organisation.Department, for the roles tied to one);
    audited "accounts.role.granted" naming who was given what. Giving a role already held changes nothing
    and records nothing."""
    role_grant_check(actor=actor, request=request, user=user, role=role)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            # The plugin wants an organisation.Department, which accounts (a layer below) does not name.
            user=user,
            role=role,
            department=department,  # type: ignore[misc]
        )
        if created:
            audit_record(
                actor=actor,
                action="accounts.role.granted",
                target=user,
                request=request,
                detail=_about(user, role=role, department=department.pk if department else None),
            )
    user.__dict__.pop("_role_cache", None)
    return assignment


def role_revoke(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, assignment: RoleAssignment
) -> None:
    """Take a role away; audited "accounts.role.revoked". Anyone an administrator may take a role from,
    themselves included: giving up a role opens nothing."""
    user = assignment.user
    detail = {"role": assignment.role, "department": assignment.department_id}
    _check(actor=actor, request=request, action="accounts.role.revoke_refused", user=user, detail=detail)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="accounts.role.revoked",
            target=user,
            request=request,
            detail=_about(user, **detail),
        )
        assignment.delete()
    user.__dict__.pop("_role_cache", None)


# Accounts ---------------------------------------------------------------------------------------------


def user_change_check(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
    user: User,
    changes: dict[str, bool],
) -> None:
    """Raise AccountError, audited ("accounts.user.change_refused"), if `actor` may not make `changes`
    ({flag: new value}, of SECURITY_FLAGS) to `user`: only an administrator changes accounts, and nobody
    makes themselves a superuser."""
    _check(
        actor=actor,
        request=request,
        action="accounts.user.change_refused",
        user=user,
        detail={"changes": changes},
        self_refusal=(
            ("self_superuser", _("You cannot make yourself a superuser: another administrator must do it."))
            if changes.get("is_superuser") and not user.is_superuser
            else None
        ),
    )


def user_save(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
    user: User,
    changed_fields: Iterable[str],
    adding: bool,
) -> User:
    """Save an account created or changed by an administrator (the admin's form has set its fields), with
    what changed audited: "accounts.user.created", ".deactivated", ".reactivated" and ".changed" naming
    the fields changed (the values of the security flags, never of the others)."""
    changed = sorted(set(changed_fields) - {"password", "password1", "password2", "usable_password"})
    flags = {name: getattr(user, name) for name in SECURITY_FLAGS if name in changed}
    if not adding:
        user_change_check(actor=actor, request=request, user=User.objects.get(pk=user.pk), changes=flags)
    else:
        _check(actor=actor, request=request, action="accounts.user.change_refused", user=user, detail={})
    with transaction.atomic():
        user.save()
        if adding:
            audit_record(
                actor=actor,
                action="accounts.user.created",
                target=user,
                request=request,
                detail=_about(user, **flags),
            )
            return user
        if "is_active" in flags:
            action = "accounts.user.reactivated" if user.is_active else "accounts.user.deactivated"
            audit_record(actor=actor, action=action, target=user, request=request, detail=_about(user))
        others = [name for name in changed if name != "is_active"]
        if others:
            detail = _about(user, fields=others, **{k: v for k, v in flags.items() if k != "is_active"})
            audit_record(
                actor=actor, action="accounts.user.changed", target=user, request=request, detail=detail
            )
    return user


def user_delete(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, user: User
) -> None:
    """Delete an account with its roles; audited "accounts.user.deleted", naming the roles it held. (The
    admin refuses it for anyone the audit log names as actor: the log keeps its people; deactivate them.)"""
    _check(actor=actor, request=request, action="accounts.user.change_refused", user=user, detail={})
    roles = sorted(user.role_assignments.values_list("role", flat=True))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="accounts.user.deleted",
            target=user,
            request=request,
            detail=_about(user, roles=roles),
        )
        user.delete()


def password_set_by_administrator(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, user: User
) -> None:
    """Audit a password an administrator set for someone ("accounts.password.changed", the administrator
    as actor, the person as record); Django's admin form has already saved it."""
    audit_record(
        actor=actor,
        action="accounts.password.changed",
        target=user,
        request=request,
        detail=_about(user, by_administrator=True),
    )


# Second factors ---------------------------------------------------------------------------------------


def second_factor_reset(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, user: User
) -> list[str]:
    """For someone who lost their phone: remove their authenticator app, security keys and recovery codes
    and end all their sessions; at their next sign-in, with their password, they enrol a new one. Audited
    "accounts.mfa.reset". Only an administrator does it, and never for themselves (their recovery codes
    are for that, or another administrator). Returns the kinds of authenticator removed."""
    from allauth.mfa.models import Authenticator

    _check(
        actor=actor,
        request=request,
        action="accounts.mfa.reset_refused",
        user=user,
        detail={},
        self_refusal=(
            "self_reset",
            _("You cannot reset your own second factor: use a recovery code, or ask another administrator."),
        ),
    )
    with transaction.atomic():
        authenticators = Authenticator.objects.filter(user_id=user.pk)
        removed = sorted(authenticators.values_list("type", flat=True))
        for authenticator in authenticators:  # one by one, so deletion signals fire for each
            authenticator.delete()
        user.end_all_sessions()
        audit_record(
            actor=actor,
            action="accounts.mfa.reset",
            target=user,
            request=request,
            detail=_about(user, removed=removed),
        )
    return removed


def authenticator_app_ensure(*, actor: User | AnonymousUser | None, user: User) -> tuple[str, str]:
    """The user's authenticator-app (TOTP) secret and its otpauth:// URL, enrolling one (and recovery
    codes) the way allauth's own activation page does if they have none: for the commands that make
    accounts (`createadmin`, `demo`), which print them. A new enrolment is audited
    ("accounts.mfa.enrolled")."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        secret = generate_totp_secret()
        with transaction.atomic():
            TOTP.activate(user, secret)
            RecoveryCodes.activate(user)
            audit_record(
                actor=actor,
                action="accounts.mfa.enrolled",
                target=user,
                detail=_about(user, type="totp", by_command=True),
            )
    else:
        secret = decrypt(authenticator.data["secret"])
    url: str = get_adapter().build_totp_url(user, secret)
    return secret, url


def administrator_create(
    *, actor: User | AnonymousUser | None, username: str, display_name: str = ""
) -> User:
    """A new administrator with no usable password yet (they choose it with `refugiu changepassword`):
    staff, holding the Administrator role. The caller enrols their second factor."""
    with transaction.atomic():
        user = User(username=username, display_name=display_name, is_staff=True)
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor, action="accounts.user.created", target=user, detail=_about(user, by_command=True)
        )
        role_grant(actor=actor, user=user, role=Role.ADMINISTRATOR)
    return user


# Accounts of outsiders invited to one role (representatives of listed organisations, auditors of a grant) --


def _holds_only(user: User, role: Role) -> bool:
    """An account that holds `role` and nothing else: active, not staff, no other role."""
    return user.is_active and not user.is_staff and not user.is_superuser and user.roles <= {role}


def _invited_account_check(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None,
    email: str,
    role: Role,
    inviters: tuple[Permission, ...],
    forbidden: str,
    taken: tuple[str, str],
) -> User | None:
    """The account `email` names, if any, when `actor` (holding one of `inviters`, or a command: None) may
    make it an account of `role` alone; otherwise raise AccountError — `forbidden` for an actor without the
    permission, `taken` (code, message) for an address of an account holding more, several accounts or a
    deactivated one — the refusal audited ("accounts.user.change_refused")."""
    email = email.strip().lower()
    allowed = actor is None or any(user_has_permission(actor, permission) for permission in inviters)
    existing = list(
        User.objects.filter(models.Q(username__iexact=email) | models.Q(email__iexact=email)).order_by("pk")
    )
    refusal: tuple[str, str] | None = None
    if not allowed:
        refusal = ("forbidden", forbidden)
    elif len(existing) > 1 or (existing and not _holds_only(existing[0], role)):
        refusal = taken
    if refusal is not None:
        audit_record(
            actor=actor,
            action="accounts.user.change_refused",
            target=existing[0] if existing else None,
            request=request,
            detail={"role": role, "refused": refusal[0]},
        )
        raise AccountError(*refusal)
    return existing[0] if existing else None


def _invited_account_ensure(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None,
    email: str,
    display_name: str,
    role: Role,
    existing: User | None,
) -> tuple[User, bool]:
    """Make (or complete) the account of `role` alone that `email` names, once `_invited_account_check`
    has allowed it and found `existing`: username and e-mail the address (lower case), not staff, no usable
    password (the person chooses one through the link of their invitation, allauth's password reset), the
    role given. Audited "accounts.user.created" and "accounts.role.granted", naming the account by its
    record only: its username is an e-mail address. Returns it and whether it was made."""
    email = email.strip().lower()
    if existing is not None and role in existing.roles:
        return existing, False
    with transaction.atomic():
        if existing is not None:
            user = existing
        else:
            user = User(username=email, email=email, display_name=display_name.strip())
            user.set_unusable_password()
            user.save()
            audit_record(
                actor=actor,
                action="accounts.user.created",
                target=user,
                request=request,
                detail={"role": role, "invited": True},
            )
        RoleAssignment.objects.create(user=user, role=role)
        audit_record(
            actor=actor,
            action="accounts.role.granted",
            target=user,
            request=request,
            detail={"role": role, "department": None},
        )
    user.__dict__.pop("_role_cache", None)
    return user, existing is None


def representative_account_check(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, email: str
) -> User | None:
    """The account `email` names, if any, when `actor` may make it a representative's; otherwise raise
    AccountError, the refusal audited ("accounts.user.change_refused"). Called by
    representative_account_ensure, and before it outside a transaction by whoever wants the refusal kept
    in the audit log when their transaction rolls back."""
    return _invited_account_check(
        actor=actor,
        request=request,
        email=email,
        role=Role.ORGANIZATION_REPRESENTATIVE,
        inviters=(Permission.DIRECTORY_REPRESENTATIVES_MANAGE, Permission.ACCOUNTS_MANAGE),
        forbidden=_("Only directory editors and administrators can invite representatives."),
        taken=(
            "not_a_representative",
            _(
                "This address belongs to an account that is not only a representative's, or to a "
                "deactivated one: ask an administrator."
            ),
        ),
    )


def representative_account_ensure(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
    email: str,
    display_name: str = "",
) -> tuple[User, bool]:
    """The account of a listed organisation's representative who signs in with `email`, made if there is
    none; returns it and whether it was made.

    It holds the representative's role only, which sees no case data: so a directory editor
    (Permission.DIRECTORY_REPRESENTATIVES_MANAGE) may make it, as an administrator may. Neither may touch
    any other account through here: an address that names an account holding anything more (a staff
    role, the staff or superuser flag) or a deactivated one is refused (representative_account_check). An
    existing account without a role is given the role (`_invited_account_ensure`)."""
    existing = representative_account_check(actor=actor, request=request, email=email)
    return _invited_account_ensure(
        actor=actor,
        request=request,
        email=email,
        display_name=display_name,
        role=Role.ORGANIZATION_REPRESENTATIVE,
        existing=existing,
    )


def auditor_account_check(
    *, actor: User | AnonymousUser | None, request: HttpRequest | None = None, email: str
) -> User | None:
    """The account `email` names, if any, when `actor` may make it an auditor's; otherwise raise
    AccountError, the refusal audited ("accounts.user.change_refused"). Like representative_account_check:
    a financial manager (who gives auditors access to a grant) or an administrator may make an account
    that holds the auditor's role only, never touch another kind of account."""
    return _invited_account_check(
        actor=actor,
        request=request,
        email=email,
        role=Role.AUDITOR,
        inviters=(Permission.FINANCE_MANAGE, Permission.ACCOUNTS_MANAGE),
        forbidden=_("Only financial managers and administrators can invite auditors."),
        taken=(
            "not_an_auditor",
            _(
                "This address belongs to an account that is not only an auditor's, or to a deactivated "
                "one: ask an administrator."
            ),
        ),
    )


def auditor_account_ensure(
    *,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
    email: str,
    display_name: str = "",
) -> tuple[User, bool]:
    """The account of an auditor who signs in with `email`, made if there is none; returns it and whether it
    was made: the auditor's role only (`_invited_account_ensure`). The role needs a second factor: the
    middleware has them enrol one at their first sign-in. What they may read is finance's `AuditorAccess`
    (one grant, until a date), not the account."""
    existing = auditor_account_check(actor=actor, request=request, email=email)
    return _invited_account_ensure(
        actor=actor,
        request=request,
        email=email,
        display_name=display_name,
        role=Role.AUDITOR,
        existing=existing,
    )
