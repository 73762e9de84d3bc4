"""`refugiu demo`: a working installation with the seed organisation's data, in one command.

Safe to run again: it migrates, loads demo data only into an empty database, keeps existing accounts
and their passwords, and prints the demo logins each time.
"""

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role

DEMO_ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, "Administrator (also Django admin)"),
    ("editor", Role.DIRECTORY_EDITOR, "Directory editor"),
    ("coordinator", Role.COORDINATOR, "Coordinator"),
    ("caseworker", Role.CASEWORKER, "Caseworker"),
    ("trainer", Role.PROGRAMME_STAFF, "Programme staff"),
    ("dpo", Role.DATA_PROTECTION_OFFICER, "Data protection officer"),
    ("researcher", Role.RESEARCHER, "Researcher"),
]


class Command(BaseCommand):
    help = "Prepare a demo installation (data folder, database, seed data, demo accounts) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the database.")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, bind, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        loaded = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded." if loaded else "Existing data kept."))
        passwords = demo_accounts_ensure()
        self.stdout.write("\nDemo accounts (username / password / role):")
        for username, _role, label in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {passwords[username]:<24} {label}")
        self.stdout.write(f"(kept in {settings.DATA_DIR / 'demo-accounts.txt'})\n")
        if not no_serve:
            self.stdout.write(f"Serving on http://{bind}/ — press Ctrl+C to stop.")
            call_command("serve", bind=bind, workers=2)


def demo_data_load() -> bool:
    """Load the seed organisation and its directory into an empty database; True when loaded."""
    from refugiu.directory.demo import directory_demo_load
    from refugiu.organisation.demo import organisation_demo_load
    from refugiu.organisation.models import Organisation

    if Organisation.objects.exists():
        return False
    with transaction.atomic():
        organisation_demo_load()
        directory_demo_load()
    return True


def demo_accounts_ensure() -> dict[str, str]:
    """Create the demo accounts once, with random passwords kept (0600) in the data folder."""
    path = settings.DATA_DIR / "demo-accounts.txt"
    known = {}
    if path.exists():
        for line in path.read_text().splitlines():
            username, _, password = line.partition(" ")
            known[username] = password
    for username, role, label in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None or username not in known:
            known[username] = secrets.token_urlsafe(12)
            user = user or User(username=username, display_name=f"Demo {label.lower()}")
            user.set_password(known[username])
            user.is_staff = role == Role.ADMINISTRATOR or role == Role.DIRECTORY_EDITOR
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=role, department=None)
    path.write_text("".join(f"{u} {p}\n" for u, p in known.items()))
    path.chmod(0o600)
    return known
