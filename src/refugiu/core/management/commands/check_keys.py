"""`refugiu check_keys`: check the encryption keys against the database, as every start does, and give
an empty installation its key file.

For an installation served by gunicorn (or another WSGI server) directly: the WSGI application checks the
keys too but never makes one, so run this once after `refugiu migrate` on a new installation.
"""

from typing import Any

from refugiu.core import crypto
from refugiu.core.startup import StartCheckedCommand


class Command(StartCheckedCommand):
    help = (
        "Check that the encryption keys are there, well-formed and the ones this database was encrypted "
        "with; make the key file of an empty installation."
    )
    make_key = True

    def handle(self, *args: Any, **options: Any) -> None:
        count = len(crypto.keys_load())
        self.stdout.write(
            self.style.SUCCESS(f"Encryption keys are right: {count} from {crypto.keys_source()}.")
        )
