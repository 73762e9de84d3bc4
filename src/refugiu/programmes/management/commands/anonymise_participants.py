"""`refugiu anonymise_participants [--dry-run]`: erase the personal data of past events' participants.

Participants of events that ended more than REFUGIU['PARTICIPANT_RETENTION_MONTHS'] months ago lose their
name, e-mail address and institution; profession, country, gender and attendance stay, so the statistics
do not change. Meant to run regularly (e.g. monthly); running it again changes nothing until more are due.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from refugiu.programmes import services


class Command(BaseCommand):
    help = (
        "Blank the name, e-mail address and institution of participants whose event ended longer ago "
        "than the retention period. With --dry-run, only say how many are due."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the participants due, change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        months = settings.REFUGIU["PARTICIPANT_RETENTION_MONTHS"]
        due = services.participants_due_for_anonymisation().count()
        self.stdout.write(f"Participants due for anonymisation (events over {months} months ago): {due}.")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        done = services.participants_anonymise()
        self.stdout.write(f"Participants anonymised: {done}.")
