"""Attendance and what follows from it: check-in per day, certificates of attendance, and the anonymous
evaluation questionnaire.

Staff writes take the acting user, are refused to anyone but programme staff and are audited in their
transaction; the questionnaire's answer comes from the participant, through their signed link, and keeps
no link to them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.programmes import access
from refugiu.programmes.models import Attendance, Evaluation, Event, EventDay, Participant
from refugiu.programmes.services.errors import RegistrationError
from refugiu.programmes.services.mail import send_after_commit
from refugiu.programmes.vocabularies import ParticipantStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User

# Certificate codes: unambiguous capitals and digits (no 0/O, 1/I), 12 of them (about 60 bits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- Check-in ---------------------------------------------------------------------------------------------


def attendance_check_in(
    *, actor: User, participant: Participant, day: EventDay, request: HttpRequest | None = None
) -> Attendance:
    """Mark a confirmed participant present on one day of their event; audited
    "programmes.attendance.checked_in". Doing it twice is harmless and records nothing more. Raises
    RegistrationError("invalid") for another event's day or someone not confirmed."""
    access.require_programme_staff(actor)
    if day.event_id != participant.event_id:
        raise RegistrationError("invalid", _("This day belongs to another event."))
    if participant.status != ParticipantStatus.CONFIRMED:
        raise RegistrationError("invalid", _("Only confirmed participants can be checked in."))
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(
            participant=participant, day=day, defaults={"checked_in_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="programmes.attendance.checked_in",
                target=attendance,
                request=request,
                detail={"participant": participant.pk, "day": day.pk},
            )
    return attendance


@dataclass(frozen=True)
class CodeCheckIn:
    """What a scanned check-in code did: whom it checked in, and whether they were already present."""

    participant: Participant
    already_present: bool


def attendance_check_in_by_code(
    *, actor: User, day: EventDay, token: str, request: HttpRequest | None = None
) -> CodeCheckIn:
    """Check in the participant whose QR code holds `token` on `day` (audited as `attendance_check_in`).
    Refuses, with a message saying why, a code nobody has ("unknown"), another event's ("other_event"),
    a cancelled registration ("cancelled") or one on the waiting list ("waiting")."""
    access.require_programme_staff(actor)
    participant = (
        Participant.objects.filter(check_in_token=token).select_related("event").first() if token else None
    )
    if participant is None:
        raise RegistrationError("unknown", _("This code is not a check-in code of any registration."))
    if participant.event_id != day.event_id:
        raise RegistrationError(
            "other_event",
            _("This code is for another event: %(event)s. Nobody was checked in.")
            % {"event": participant.event},
        )
    if participant.status == ParticipantStatus.CANCELLED:
        raise RegistrationError(
            "cancelled",
            _("%(name)s cancelled their registration: they have no place. Nobody was checked in.")
            % {"name": participant},
        )
    if participant.status != ParticipantStatus.CONFIRMED:
        raise RegistrationError(
            "waiting",
            _("%(name)s is on the waiting list, not confirmed. Nobody was checked in.")
            % {"name": participant},
        )
    already = Attendance.objects.filter(participant=participant, day=day).exists()
    attendance_check_in(actor=actor, participant=participant, day=day, request=request)
    return CodeCheckIn(participant=participant, already_present=already)


def attendance_undo(
    *, actor: User, participant: Participant, day: EventDay, request: HttpRequest | None = None
) -> None:
    """Take back a check-in; audited "programmes.attendance.undone" (nothing to undo records nothing)."""
    access.require_programme_staff(actor)
    with transaction.atomic():
        for attendance in Attendance.objects.filter(participant=participant, day=day):
            audit_record(
                actor=actor,
                action="programmes.attendance.undone",
                target=attendance,
                request=request,
                detail={"participant": participant.pk, "day": day.pk},
            )
            attendance.delete()


# --- Certificates -----------------------------------------------------------------------------------------


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificates_issue(*, actor: User, event: Event, request: HttpRequest | None = None) -> list[Participant]:
    """Give a certificate code to every confirmed participant who attended at least one day and has none
    yet, and e-mail them the link; those who did not attend get nothing. Audited
    "programmes.event.certificates_issued", naming the participants (by number) when there were any."""
    access.require_programme_staff(actor)
    issued = []
    attendees = (
        Participant.objects.filter(
            event=event, status=ParticipantStatus.CONFIRMED, certificate_code__isnull=True
        )
        .filter(attendances__isnull=False)
        .distinct()
    )
    with transaction.atomic():
        for participant in attendees:
            participant.certificate_code = new_certificate_code()
            participant.certificate_issued_at = timezone.now()
            participant.save(update_fields=["certificate_code", "certificate_issued_at"])
            issued.append(participant)
            send_after_commit(participant, "certificate")
        if issued:
            audit_record(
                actor=actor,
                action="programmes.event.certificates_issued",
                target=event,
                request=request,
                detail={"participants": [participant.pk for participant in issued]},
            )
    return issued


def certificate_get(code: str) -> Participant | None:
    """The participant a certificate code belongs to (codes are case- and dash-insensitive)."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) != 12:
        return None
    normalised = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return (
        Participant.objects.filter(certificate_code=normalised, status=ParticipantStatus.CONFIRMED)
        .select_related("event")
        .first()
    )


# --- Evaluation ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationAnswers:
    """One person's answers to the questionnaire: four scores (1 to 5) and two optional texts."""

    overall: int
    content: int
    usefulness: int
    organisation: int
    liked: str = ""
    improve: str = ""


def evaluation_invite(*, actor: User, event: Event, request: HttpRequest | None = None) -> list[Participant]:
    """Invite those who attended and were not invited yet to answer the questionnaire. Audited
    "programmes.event.evaluation_invited", naming the participants (by number) when there were any."""
    access.require_programme_staff(actor)
    invited = []
    with transaction.atomic():
        attendees = (
            Participant.objects.filter(
                event=event, status=ParticipantStatus.CONFIRMED, evaluation_invited_at__isnull=True
            )
            .exclude(email="")
            .filter(attendances__isnull=False)
            .distinct()
        )
        for participant in attendees:
            participant.evaluation_invited_at = timezone.now()
            participant.save(update_fields=["evaluation_invited_at"])
            invited.append(participant)
            send_after_commit(participant, "evaluation")
        if invited:
            audit_record(
                actor=actor,
                action="programmes.event.evaluation_invited",
                target=event,
                request=request,
                detail={"participants": [participant.pk for participant in invited]},
            )
    return invited


def evaluation_submit(*, participant: Participant, answers: EvaluationAnswers) -> Evaluation:
    """Record one anonymous answer, from the participant's signed link. The participant is only marked as
    having answered; the answer keeps no link to them (and so is not audited: a record naming them would be
    that link). Raises RegistrationError("invalid") when they may not answer, ("already_answered")."""
    if not access.may_answer_evaluation(participant):
        raise RegistrationError("invalid", _("This link is not valid"))  # what the page says too
    with transaction.atomic():
        marked = Participant.objects.filter(pk=participant.pk, evaluation_answered=False).update(
            evaluation_answered=True
        )
        if not marked:
            raise RegistrationError(
                "already_answered", _("This questionnaire has already been answered. Thank you!")
            )
        return Evaluation.objects.create(
            event_id=participant.event_id,
            submitted_on=timezone.localdate(),
            overall=answers.overall,
            content=answers.content,
            usefulness=answers.usefulness,
            organisation=answers.organisation,
            liked=answers.liked,
            improve=answers.improve,
        )
