"""E-mails to participants: sent after the transaction commits, in the participant's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from refugiu.programmes.models import Participant
from refugiu.programmes.services.links import cancel_token, evaluation_token, site_url


def send_after_commit(participant: Participant, kind: str) -> None:
    """Send the `kind` e-mail to `participant` once the current transaction has committed (none if it
    rolls back)."""
    transaction.on_commit(lambda: send(participant, kind))


def send(participant: Participant, kind: str) -> None:
    """Render programmes/email/<kind>.txt in the participant's language and send it."""
    if not participant.email:
        return
    event = participant.event
    with translation.override(participant.language or settings.LANGUAGE_CODE):
        from refugiu.programmes.selectors import event_dates_display

        context: dict[str, Any] = {
            "participant": participant,
            "event": event,
            "dates": event_dates_display(event),
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
    send_mail(subject, body, None, [participant.email])
