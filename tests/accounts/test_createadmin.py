"""`refugiu createadmin`: the first administrator, with an authenticator app enrolled and shown once."""

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import login_with_mfa, totp_secret

pytestmark = pytest.mark.django_db


def createadmin(*args) -> str:
    output = io.StringIO()
    call_command("createadmin", *args, stdout=output)
    return output.getvalue()


def test_the_first_administrator_is_made_with_a_second_factor_and_can_sign_in():
    output = createadmin("first-admin", "--display-name", "Fake Administrator")
    admin = User.objects.get(username="first-admin")
    assert admin.is_staff and not admin.is_superuser and admin.roles == {Role.ADMINISTRATOR}
    assert admin.display_name == "Fake Administrator"
    assert not admin.has_usable_password()  # chosen by the person, never printed
    secret = re.search(r"authenticator secret (\S+)", output).group(1)
    assert secret == totp_secret(admin)
    url = re.search(r"otpauth://totp/\S+", output).group(0)
    assert f"secret={secret}" in url
    assert "refugiu changepassword first-admin" in output
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.RECOVERY_CODES).exists()
    # In the audit log, done by nobody signed in: the operator at the command line.
    trail = AuditEntry.objects.filter(object_id=str(admin.pk)).order_by("id")
    assert [(e.actor_id, e.action) for e in trail] == [
        (None, "accounts.user.created"),
        (None, "accounts.role.granted"),
        (None, "accounts.mfa.enrolled"),
    ]
    assert secret not in str(list(trail.values("detail")))

    # Once the password is chosen, the administrator signs in with it and the app's code, and reaches
    # the accounts admin.
    admin.set_password("the administrator's own passphrase")
    admin.save()
    client = login_with_mfa(Client(), admin, password="the administrator's own passphrase")
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_a_second_administrator_is_made_by_the_first_unless_told_otherwise():
    createadmin("first-admin")
    with pytest.raises(CommandError, match="An administrator exists already"):
        createadmin("second-admin")
    assert not User.objects.filter(username="second-admin").exists()
    assert "authenticator secret" in createadmin("second-admin", "--additional")
    with pytest.raises(CommandError, match="exists already"):
        createadmin("FIRST-ADMIN", "--additional")
    with pytest.raises(CommandError):
        createadmin("not a valid name!", "--additional")
