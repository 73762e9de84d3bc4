"""Administrators: a second factor to sign in, nobody opens a door for themselves, every change audited.

Tried as the attacker of issue 12 tried it: an administrator signed in (password and second factor, through
the real pages) goes to /admin/ and gives itself a coordinator role. That is refused and audited; another
administrator can grant it, and the DPO reads who granted what to whom.
"""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role
from refugiu.cases.gdpr.audit_words import action_label
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import DEFAULT_PASSWORD, enrol_totp, force_login_with_mfa, login_with_mfa
from tests.cases.factories import DepartmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFIX = "role_assignments"


def administrator(**kwargs) -> User:
    return UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, **kwargs)


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def change_form(user, *, add=(), delete=(), **fields) -> dict:
    """What the admin's change page of `user` sends: the account's fields as they are (or `fields`), its
    roles (those in `delete` ticked for deletion) and the roles in `add`, as (role, department) pairs."""
    user.refresh_from_db()
    data = {
        name: getattr(user, name) or ""
        for name in ("username", "display_name", "first_name", "last_name", "email")
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if fields.pop(flag, getattr(user, flag)):
            data[flag] = "on"
    data.update(fields)
    assignments = list(user.role_assignments.order_by("pk"))
    rows = [
        {
            "id": a.pk,
            "role": a.role,
            "department": a.department_id or "",
            **({"DELETE": "on"} if a in delete else {}),
        }
        for a in assignments
    ] + [
        {"id": "", "role": role, "department": department.pk if department else ""}
        for role, department in add
    ]
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": len(rows),
            f"{PREFIX}-INITIAL_FORMS": len(assignments),
            f"{PREFIX}-MIN_NUM_FORMS": 0,
            f"{PREFIX}-MAX_NUM_FORMS": 1000,
        }
    )
    for index, row in enumerate(rows):
        data.update({f"{PREFIX}-{index}-{key}": value for key, value in row.items()})
        data[f"{PREFIX}-{index}-user"] = user.pk
    return data


def roles_of(user) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def entries(action: str):
    return AuditEntry.objects.filter(action=action).order_by("id")


# Signing in


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(client):
    admin = administrator()
    response = client.post(reverse("account_login"), {"login": admin.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    for path in ("/admin/", change_url(admin), reverse("staff:home")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), path


def test_a_superuser_needs_a_second_factor_whatever_their_roles(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_password_alone_does_not_open_the_admin_once_an_authenticator_exists(client):
    admin = administrator()
    enrol_totp(admin)
    response = client.post(reverse("account_login"), {"login": admin.username, "password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302
    # Nor does Django's own admin sign-in form, which has no second factor and no rate limit: it sends
    # everyone to our sign-in pages.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post("/admin/login/", {"username": admin.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_only_administrators_reach_the_accounts_admin(client):
    """Django's model permissions and the superuser flag open nothing here: the role table does."""
    url = reverse("admin:accounts_user_changelist")
    staff_with_permissions = UserFactory(is_staff=True, roles=[Role.DIRECTORY_EDITOR])
    staff_with_permissions.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["accounts", "auth", "mfa", "account"])
    )
    for person in (
        staff_with_permissions,
        UserFactory(is_staff=True, is_superuser=True),
        UserFactory(is_staff=True, roles=[Role.PROGRAMME_STAFF]),
    ):
        force_login_with_mfa(client, person)
        assert client.get(url).status_code == 403, person
        assert client.get(change_url(person)).status_code == 403, person
    force_login_with_mfa(client, administrator())
    assert client.get(url).status_code == 200
    # Groups, per-user permissions and raw authenticator records (which hold secrets) are not offered.
    page = client.get(change_url(staff_with_permissions)).content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    assert client.get("/admin/auth/group/").status_code == 404
    assert client.get("/admin/mfa/authenticator/").status_code == 404


# The escalation of issue 12


def test_an_administrator_cannot_give_itself_a_case_role_another_grants_it_and_the_dpo_sees_it():
    department = DepartmentFactory()
    mallory, alice = administrator(), administrator()
    dpo = UserFactory(roles=[Role.DATA_PROTECTION_OFFICER])
    own, other = Client(REMOTE_ADDR="203.0.113.66"), Client()
    login_with_mfa(own, mallory)
    assert own.get(change_url(mallory)).status_code == 200

    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.DATA_PROTECTION_OFFICER):
        response = own.post(
            change_url(mallory), change_form(mallory, add=[(role, department if role != "dpo" else None)])
        )
        assert response.status_code == 200, role
        assert (
            "You cannot give yourself this role: another administrator must grant it."
            in response.content.decode()
        )
        assert roles_of(mallory) == {Role.ADMINISTRATOR}
    refused = list(entries("accounts.role.grant_refused"))
    assert [(e.actor, e.detail["username"], e.detail["role"]) for e in refused] == [
        (mallory, mallory.username, role) for role in ("coordinator", "caseworker", "dpo")
    ]
    assert refused[0].address == "203.0.113.66"
    # Nor a superuser.
    response = own.post(change_url(mallory), change_form(mallory, is_superuser=True))
    assert response.status_code == 200
    assert "You cannot make yourself a superuser" in response.content.decode()
    mallory.refresh_from_db()
    assert not mallory.is_superuser
    assert entries("accounts.user.change_refused").get().detail["changes"] == {"is_superuser": True}

    # Another administrator grants it: allowed, and the log says who granted what to whom.
    login_with_mfa(other, alice)
    response = other.post(change_url(mallory), change_form(mallory, add=[(Role.COORDINATOR, department)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert roles_of(mallory) == {Role.ADMINISTRATOR, Role.COORDINATOR}
    granted = entries("accounts.role.granted").get()
    assert granted.actor == alice
    assert (granted.object_type, granted.object_id) == ("accounts.user", str(mallory.pk))
    assert granted.detail == {
        "username": mallory.username,
        "role": "coordinator",
        "department": department.pk,
    }

    reader = force_login_with_mfa(Client(), dpo)
    page = reader.get(reverse("dpo:audit") + "?kind=security").content.decode()
    row = next(r for r in page.split("<tr>") if f"<td>{action_label('accounts.role.granted')}</td>" in r)
    assert f"<td>{alice.username}</td>" in row and mallory.username in row and "coordinator" in row
    assert f"<td>{action_label('accounts.role.grant_refused')}</td>" in page  # in words (audit_words)


def test_roles_taken_away_and_changed_are_audited():
    department, elsewhere = DepartmentFactory(), DepartmentFactory()
    admin, person = administrator(), UserFactory(roles=[Role.RESEARCHER])
    worker = RoleAssignment.objects.create(user=person, role=Role.CASEWORKER, department=department)
    client = force_login_with_mfa(Client(), admin)
    data = change_form(person, delete=[person.role_assignments.get(role=Role.RESEARCHER)])
    index = next(i for i in range(2) if data[f"{PREFIX}-{i}-id"] == worker.pk)
    data[f"{PREFIX}-{index}-department"] = elsewhere.pk  # the caseworker moves department
    assert client.post(change_url(person), data).status_code == 302
    assert list(person.role_assignments.values_list("role", "department")) == [("caseworker", elsewhere.pk)]
    revoked = sorted((e.detail["role"], e.detail["department"]) for e in entries("accounts.role.revoked"))
    assert revoked == [("caseworker", department.pk), ("researcher", None)]
    assert [e.detail["department"] for e in entries("accounts.role.granted")] == [elsewhere.pk]
    assert {e.actor for e in AuditEntry.objects.filter(action__startswith="accounts.role.")} == {admin}


def test_an_administrator_may_give_itself_a_role_that_sees_no_case():
    admin = administrator()
    client = force_login_with_mfa(Client(), admin)
    assert (
        client.post(change_url(admin), change_form(admin, add=[(Role.PROGRAMME_STAFF, None)])).status_code
        == 302
    )
    assert roles_of(admin) == {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF}


# Accounts


def test_accounts_made_changed_and_deactivated_in_the_admin_are_audited():
    admin = administrator()
    client = force_login_with_mfa(Client(), admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new-colleague",
            "usable_password": "true",
            "password1": "a long enough passphrase 7",
            "password2": "a long enough passphrase 7",
            f"{PREFIX}-TOTAL_FORMS": 1,
            f"{PREFIX}-INITIAL_FORMS": 0,
            f"{PREFIX}-0-role": Role.RESEARCHER,
            f"{PREFIX}-0-department": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    colleague = User.objects.get(username="new-colleague")
    created = entries("accounts.user.created").get()
    assert (created.actor, created.detail["username"]) == (admin, "new-colleague")
    assert entries("accounts.role.granted").get().detail["role"] == "researcher"
    assert "a long enough passphrase" not in json.dumps(
        list(AuditEntry.objects.values("detail")), default=str
    )

    assert (
        client.post(
            change_url(colleague), change_form(colleague, is_staff=True, first_name="Fake")
        ).status_code
        == 302
    )
    changed = entries("accounts.user.changed").get()
    assert changed.detail == {
        "username": "new-colleague",
        "fields": ["first_name", "is_staff"],
        "is_staff": True,
    }
    assert client.post(change_url(colleague), change_form(colleague, is_active=False)).status_code == 302
    assert entries("accounts.user.deactivated").get().actor == admin

    response = client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"usable_password": "true", "password1": "another passphrase 8", "password2": "another passphrase 8"},
    )
    assert response.status_code == 302
    password = entries("accounts.password.changed").get()
    assert (password.actor, password.object_id) == (admin, str(colleague.pk))

    leaving = UserFactory(roles=[Role.RESEARCHER])
    response = client.post(reverse("admin:accounts_user_delete", args=[leaving.pk]), {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=leaving.pk).exists()
    deleted = entries("accounts.user.deleted").get()
    assert (deleted.actor, deleted.detail) == (admin, {"username": leaving.username, "roles": ["researcher"]})


# Resetting someone's second factor


def test_an_administrator_resets_someone_elses_second_factor_never_their_own():
    admin, caseworker = administrator(), UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    phone = force_login_with_mfa(Client(), caseworker)
    assert phone.get(reverse("staff:home")).status_code == 200
    client = force_login_with_mfa(Client(), admin)
    changelist = reverse("admin:accounts_user_changelist")

    response = client.post(
        changelist, {"action": "second_factor_reset", "_selected_action": [caseworker.pk]}, follow=True
    )
    assert "sets up a new one at their next sign-in" in response.content.decode()
    assert not Authenticator.objects.filter(user=caseworker).exists()
    assert phone.get(reverse("staff:home")).status_code == 302  # their sessions ended
    reset = entries("accounts.mfa.reset").get()
    assert reset.actor == admin and reset.detail == {
        "username": caseworker.username,
        "removed": ["recovery_codes", "totp"],
    }

    response = client.post(
        changelist, {"action": "second_factor_reset", "_selected_action": [admin.pk]}, follow=True
    )
    assert "You cannot reset your own second factor" in response.content.decode()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert entries("accounts.mfa.reset_refused").get().actor == admin
    assert client.get(reverse("staff:home")).status_code == 200  # and they are still signed in
