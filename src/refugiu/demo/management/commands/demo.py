"""`refugiu demo`: a working installation with the seed organisation's data, in one command.

Safe to run again: it migrates, loads demo data only into an empty database, keeps existing accounts,
their passwords and their authenticator secrets, and prints the demo logins each time.

Accounts that can see case files or grant finance, or manage accounts (the administrator), must sign in
with a second factor, so the demo enrols an authenticator app for each of them (allauth's own TOTP
activation, with recovery codes) and prints its secret: add it to any authenticator app to sign in.
"""

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import ROLES_NEEDING_SECOND_FACTOR, Role
from refugiu.accounts.services import authenticator_app_ensure, role_grant
from refugiu.core.startup import start_check_command
from refugiu.demo.cases_stories import ASYLUM, TRAFFICKING
from refugiu.demo.finance import auditor_access_keep_ahead, finance_demo_load
from refugiu.demo.programmes import example_training_keep_ahead

# username, role, the assistance departments the role is tied to, what the account is for.
DEMO_ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, (), "Administrator (also Django admin)"),
    ("editor", Role.DIRECTORY_EDITOR, (), "Directory editor"),
    ("coordinator", Role.COORDINATOR, (TRAFFICKING,), "Coordinator, department for victims of trafficking"),
    ("coordinator2", Role.COORDINATOR, (ASYLUM,), "Coordinator, department for asylum seekers and refugees"),
    ("psychologist", Role.CASEWORKER, (TRAFFICKING, ASYLUM), "Caseworker: psychologist"),
    ("lawyer", Role.CASEWORKER, (TRAFFICKING, ASYLUM), "Caseworker: lawyer"),
    ("socialworker", Role.CASEWORKER, (TRAFFICKING,), "Caseworker: social worker"),
    ("mediator", Role.CASEWORKER, (ASYLUM,), "Caseworker: cultural mediator and interpreter"),
    ("caseworker", Role.CASEWORKER, (ASYLUM,), "Caseworker: social worker, asylum department"),
    ("trainer", Role.PROGRAMME_STAFF, (), "Programme staff"),
    ("dpo", Role.DATA_PROTECTION_OFFICER, (), "Data protection officer"),
    ("researcher", Role.RESEARCHER, (), "Researcher"),
    # Grant finance, on the example grants of the seed's projects (demo.finance).
    ("finance", Role.FINANCIAL_MANAGER, (), "Financial manager (grant finance, and its admin)"),
    (
        "projectlead",
        Role.PROJECT_COORDINATOR,
        (),
        "Project coordinator (finance): the example grants, approves the team's timesheets",
    ),
    ("timesheet", Role.TIMESHEET_STAFF, (), "Staff keeping a timesheet (full time)"),
    ("timesheet2", Role.TIMESHEET_STAFF, (), "Staff keeping a timesheet (half time)"),
    # Signs in with an e-mail address, as every auditor and every representative of a listed organisation do.
    ("auditor@example.org", Role.AUDITOR, (), "Auditor of one example grant (read only, until a date)"),
    (
        "betania@example.org",
        Role.ORGANIZATION_REPRESENTATIVE,
        (),
        "Representative of Betania Association: keeps its directory entry",
    ),
]
# The directory organisation each representative among the demo accounts keeps the entry of.
REPRESENTED = {"betania@example.org": "Betania Association"}
DISPLAY_NAMES = {
    "psychologist": "Demo psychologist",
    "lawyer": "Demo lawyer",
    "socialworker": "Demo social worker",
    "mediator": "Demo cultural mediator",
    "caseworker": "Demo social worker (asylum)",
    "coordinator2": "Demo coordinator (asylum)",
    "betania@example.org": "Demo representative of Betania Association",
    "projectlead": "Demo project coordinator",
    "timesheet": "Demo staff member (timesheet)",
    "timesheet2": "Demo staff member, half time (timesheet)",
    "auditor@example.org": "Demo auditor",
}
# Staff, so that the Django admin opens to them (each sees there what their role allows).
ADMIN_ROLES = (Role.ADMINISTRATOR, Role.DIRECTORY_EDITOR, Role.PROGRAMME_STAFF, Role.FINANCIAL_MANAGER)


class Command(BaseCommand):
    help = "Prepare a demo installation (data folder, database, seed data, demo accounts) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the database.")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--task-workers",
            type=int,
            default=None,
            help="Workers that make reports in the background (default: 1 on SQLite, 2 on PostgreSQL).",
        )

    def handle(self, *args, no_serve, bind, task_workers, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        # After migrating (the check reads the database), before anything is encrypted: a first demo gets
        # its key file here, a demo whose key file went missing stops here.
        start_check_command(self, make_key=True)
        demo_database_check()
        loaded = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded." if loaded else "Existing data kept."))
        if example_training_keep_ahead():
            self.stdout.write("The example training, whose registration had closed, was moved weeks ahead.")
        logins = demo_accounts_ensure()
        if finance_demo_load():
            self.stdout.write("Example grant finance loaded (illustrative figures, not real finances).")
        elif auditor_access_keep_ahead():
            self.stdout.write("The demo auditor's access was moved ahead.")
        self.stdout.write("\nDemo accounts (username / password / role):")
        for username, _role, _departments, label in DEMO_ACCOUNTS:
            password, secret, url = logins[username]
            self.stdout.write(f"  {username:<12} {password:<24} {label}")
            if secret:
                self.stdout.write(f"  {'':<12} authenticator secret {secret}")
                self.stdout.write(f"  {'':<12} {url}")
        self.stdout.write(
            "\nAccounts with an authenticator secret see case files or grant finance, or manage accounts,\n"
            "so they sign in with a second factor: add the secret (or the otpauth:// link, as a QR code)\n"
            "to any authenticator app and enter the code it shows after the password.\n"
            "Recovery codes: /accounts/2fa/recovery-codes/."
        )
        self.stdout.write(f"(kept in {settings.DATA_DIR / 'demo-accounts.txt'})\n")
        if not no_serve:
            # `serve` says "Serving on" once it answers (a first start prepares the static files before).
            # The task workers start with the server, so reports asked for in the demo are made by themselves.
            call_command("serve", bind=bind, workers=2, task_workers=task_workers)


def demo_database_check() -> None:
    """Refuse to turn a real installation into a demo: the demo adds accounts (an administrator, case roles)
    whose passwords it prints and keeps in a file, and resets the password of an account with a demo
    username. It works on an empty database, or on one it prepared itself (its accounts file is there)."""
    from refugiu.organisation.models import NGO

    accounts_file = settings.DATA_DIR / "demo-accounts.txt"
    if accounts_file.exists():
        return
    if NGO.objects.exists() or User.objects.exists():
        raise CommandError(
            "This database already holds an organisation or accounts that `refugiu demo` did not make, so "
            "no demo accounts (with printed passwords) will be added to it. To run this installation use "
            "`refugiu serve`; for a demo, point REFUGIU_DATA_DIR (and DATABASE_URL) at an empty database."
        )


def demo_data_load() -> bool:
    """Load the seed organisation, its directory, its 2019 programme, an example training open for
    registration, the demo accounts and the demo cases into an empty database; True when loaded."""
    from refugiu.demo.cases import cases_demo_load
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.organisation import organisation_demo_load
    from refugiu.demo.programmes import example_training_load, programmes_demo_load
    from refugiu.organisation.models import NGO

    if NGO.objects.exists():
        return False
    with transaction.atomic():
        organisation_demo_load()
        directory_demo_load()
        programmes_demo_load()
        example_training_load()
        demo_accounts_ensure()  # the cases are written by the demo accounts
        cases_demo_load()
    return True


def demo_accounts_ensure() -> dict[str, tuple[str, str, str]]:
    """Create the demo accounts once, with random passwords kept (0600) in the data folder, and an
    authenticator app enrolled for each account that needs a second factor.

    Returns username → (password, authenticator secret or "", otpauth:// URL or "").
    """
    from refugiu.demo.cases import assistance_departments

    path = settings.DATA_DIR / "demo-accounts.txt"
    known = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if len(line.split()) >= 2:  # "username password [authenticator secret]"
                username, password = line.split()[:2]
                known[username] = password
    departments = assistance_departments()
    logins = {}
    for username, role, department_keys, label in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None or username not in known:
            known[username] = secrets.token_urlsafe(12)
            user = user or User(
                username=username,
                display_name=DISPLAY_NAMES.get(username, f"Demo {label.lower()}"),
                email=username if "@" in username else "",
            )
            user.set_password(known[username])
            user.is_staff = role in ADMIN_ROLES
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        tied = [departments.get(key) for key in department_keys if departments.get(key) is not None]
        for department in tied or [None]:
            role_grant(actor=None, user=user, role=role, department=department)
        if tied:
            # An account made by an older demo held the role without a department.
            RoleAssignment.objects.filter(user=user, role=role, department=None).delete()
        if username in REPRESENTED:
            representation_ensure(user, REPRESENTED[username])
        secret, url = ("", "")
        if role in ROLES_NEEDING_SECOND_FACTOR:
            secret, url = authenticator_app_ensure(actor=None, user=user)
        logins[username] = (known[username], secret, url)
    path.write_text("".join(f"{u} {p} {s}".rstrip() + "\n" for u, (p, s, _url) in logins.items()))
    path.chmod(0o600)
    return logins


def representation_ensure(user: User, organization_name: str) -> None:
    """Make `user` a representative of the demo's directory organisation of that name."""
    from refugiu.directory.models import Organization, OrganizationRepresentative

    organization = Organization.objects.filter(name=organization_name).first()
    if organization is not None:
        OrganizationRepresentative.objects.get_or_create(organization=organization, user=user)
