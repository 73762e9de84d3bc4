"""The signed links of participants' e-mails (cancel, evaluation) and the public address they point to.
They name a registration by number only, never by name or address."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing

from refugiu.programmes.models import Participant

CANCEL_SALT = "refugiu.programmes.cancel"
EVALUATION_SALT = "refugiu.programmes.evaluation"
EVALUATION_MAX_AGE = datetime.timedelta(days=90)


def cancel_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "e": participant.event_id}, salt=CANCEL_SALT)


def participant_from_cancel_token(token: str) -> Participant | None:
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    return (
        Participant.objects.filter(pk=data.get("p"), event_id=data.get("e")).select_related("event").first()
    )


def evaluation_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "e": participant.event_id}, salt=EVALUATION_SALT)


def participant_from_evaluation_token(token: str) -> Participant | None:
    try:
        data = signing.loads(token, salt=EVALUATION_SALT, max_age=EVALUATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    return (
        Participant.objects.filter(pk=data.get("p"), event_id=data.get("e")).select_related("event").first()
    )


def site_url(path: str) -> str:
    return settings.REFUGIU["SITE_URL"].rstrip("/") + path
