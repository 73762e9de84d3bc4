"""`refugiu upgrade`: everything a newly installed version needs before it serves, safe to run at every
deploy (each step does nothing when there is nothing to do)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from refugiu.core.startup import start_check_command
from refugiu.core.staticfiles import static_prepare


class Command(BaseCommand):
    help = (
        "Prepare this installation for the installed version: migrate the database, make the cache table, "
        "check the encryption keys against the database (an empty installation is given its key file) and "
        "prepare the static files. Safe to run again; run it once per deploy, on one machine, before the "
        "servers start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--static-again",
            action="store_true",
            help="Prepare the static files even if this version prepared them already.",
        )

    def handle(self, *args: Any, static_again: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        call_command("createcachetable", verbosity=0)
        # After migrating: the check reads the database.
        start_check_command(self, make_key=True)
        self.stdout.write("The encryption keys open this database.")
        if static_prepare(force=static_again):
            self.stdout.write("Prepared the static files for this version.")
        else:
            self.stdout.write("The static files were already prepared for this version.")
        self.stdout.write(self.style.SUCCESS("Ready to serve."))
