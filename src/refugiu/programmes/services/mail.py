"""E-mails to participants: sent after the transaction commits, in the participant's language.

Those that tell someone they have a place (registered and confirmed, promoted from the waiting list, the
reminder) give every day with its times and the place, and carry the event as a calendar file
(`programmes.calendar`) and the person's check-in QR code (`programmes.check_in_codes`) as attachments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from refugiu.programmes.models import Participant
from refugiu.programmes.services.links import cancel_token, evaluation_token, site_url
from refugiu.programmes.vocabularies import ParticipantStatus

# The e-mails of someone who has a place, and the names of their attachments.
PLACE_KINDS = frozenset({"registered", "promoted", "reminder"})
CALENDAR_FILE = "event.ics"
CHECK_IN_FILE = "check-in-code.png"


def send_after_commit(participant: Participant, kind: str) -> None:
    """Send the `kind` e-mail to `participant` once the current transaction has committed (none if it
    rolls back)."""
    transaction.on_commit(lambda: send(participant, kind))


def _has_place(participant: Participant, kind: str) -> bool:
    return kind in PLACE_KINDS and participant.status == ParticipantStatus.CONFIRMED


def send(participant: Participant, kind: str) -> None:
    """Render programmes/email/<kind>.txt in the participant's language and send it, with the calendar
    file and the check-in code to someone who has a place."""
    if not participant.email:
        return
    from refugiu.programmes.calendar import event_days, event_ics, event_place_display, event_time_zone
    from refugiu.programmes.check_in_codes import check_in_png
    from refugiu.programmes.selectors import event_dates_display

    event = participant.event
    has_place = _has_place(participant, kind)
    days = event_days(event)
    with translation.override(participant.language or settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "participant": participant,
            "event": event,
            "dates": event_dates_display(event),
            "days": days,
            "has_times": any(day.starts_at for day in days),
            "time_zone": event_time_zone(event).key,
            "place": event_place_display(event),
            "has_place": has_place,
            "calendar_file": CALENDAR_FILE if has_place and days else "",
            "check_in_file": CHECK_IN_FILE if has_place and participant.check_in_token else "",
            "event_url": site_url(reverse("programmes:event", args=[event.pk])),
            "cancel_url": site_url(
                reverse("programmes:registration_cancel", args=[cancel_token(participant)])
            ),
        }
        if kind == "certificate":
            context["certificate_url"] = site_url(
                reverse("programmes:certificate", args=[participant.certificate_code])
            )
        if kind == "evaluation":
            context["evaluation_url"] = site_url(
                reverse("programmes:evaluation", args=[evaluation_token(participant)])
            )
        subject = render_to_string(f"programmes/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"programmes/email/{kind}.txt", context)
    message = EmailMessage(subject, body, None, [participant.email])
    if context["calendar_file"]:
        message.attach(CALENDAR_FILE, event_ics(event).decode(), "text/calendar")
    if context["check_in_file"]:
        message.attach(CHECK_IN_FILE, check_in_png(participant), "image/png")
    message.send()
