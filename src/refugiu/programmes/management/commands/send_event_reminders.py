"""`refugiu send_event_reminders`: remind confirmed participants of the events that start soon.

Meant to run once a day (cron or a systemd timer). Each participant is reminded once, however often the
command runs: `services.reminders_send` marks them as it queues the e-mail.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from refugiu.programmes import services


class Command(BaseCommand):
    help = (
        "E-mail a reminder, in their language, to every confirmed participant of an event that starts "
        "within REFUGIU['REMINDER_DAYS_BEFORE'] days and has not been reminded yet."
    )

    def handle(self, *args, **options):
        sent = services.reminders_send()
        days = settings.REFUGIU["REMINDER_DAYS_BEFORE"]
        self.stdout.write(f"Reminders sent: {sent} (events starting within {days} days).")
