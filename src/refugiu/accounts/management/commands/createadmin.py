"""`refugiu createadmin USERNAME`: the first administrator of an installation, second factor included.

Administrators sign in with a second factor, and nobody can give themselves a role, so the first one is
made here, by whoever runs the server: the account (staff, Administrator role, no password yet), an
authenticator app enrolled with recovery codes, and the instructions printed once (choose the password
with `refugiu changepassword`, add the secret to an app, sign in). Later administrators are made by an
administrator in /admin/; this command refuses while an active administrator exists, unless told
`--additional` (say the only one left). Everything it does is in the audit log, with no actor: the
operator at the command line.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from refugiu.accounts import services
from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role


class Command(BaseCommand):
    help = "Create an administrator with an authenticator app, and print how to sign in (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--display-name", default="", help="The name shown to colleagues.")
        parser.add_argument(
            "--additional",
            action="store_true",
            help="Create it even though an active administrator exists (who could do it in /admin/).",
        )

    def handle(self, *args: Any, username: str, display_name: str, additional: bool, **options: Any) -> None:
        username = username.strip()
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f'An account named "{username}" exists already.')
        administrators = RoleAssignment.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True)
        if administrators.exists() and not additional:
            raise CommandError(
                "An administrator exists already: they create the account in /admin/ and another "
                "administrator grants its roles. To create one here anyway (the only administrator left, "
                "say), add --additional."
            )
        user = services.administrator_create(actor=None, username=username, display_name=display_name)
        secret, url = services.authenticator_app_ensure(actor=None, user=user)
        site = settings.REFUGIU["SITE_URL"].rstrip("/")
        sign_in, codes = site + reverse("account_login"), site + reverse("mfa_view_recovery_codes")
        self.stdout.write(
            self.style.SUCCESS(f'Administrator "{username}" created, with an authenticator app enrolled.')
        )
        self.stdout.write(
            "This is shown once: add the secret to the app now.\n\n"
            f"  1. Choose the password:  refugiu changepassword {username}\n"
            "  2. Add this secret to an authenticator app (or the link, as a QR code):\n"
            f"       authenticator secret {secret}\n"
            f"       {url}\n"
            f"  3. Sign in at {sign_in} with the password, then the code the app shows,\n"
            f"     and keep your recovery codes: {codes}\n"
        )
