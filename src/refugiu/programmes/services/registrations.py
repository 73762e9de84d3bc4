"""Registrations: by the public (the form, the signed cancel link) and by programme staff (adding someone,
cancelling, confirming from the waiting list).

The public's writes need no account: the form is open while `access.registration_closed_reason` says so,
and the cancel link is signed. Staff writes take the acting user, are refused to anyone but programme staff
(`access.require_programme_staff`) and are audited ("programmes.participant.*") in their transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.core.audit import audit_record
from refugiu.programmes import access
from refugiu.programmes.models import Event, Participant
from refugiu.programmes.services.errors import RegistrationError
from refugiu.programmes.services.mail import send_after_commit
from refugiu.programmes.services.places import give_back_place, promote, take_place
from refugiu.programmes.vocabularies import ParticipantSource, ParticipantStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User


class ParticipantDetails(TypedDict):
    """What a person gives about themselves when registered (the forms' `participant_details()`)."""

    name: str
    email: str
    profession: str
    institution: str
    country: str
    gender: str


def consent_text(event: Event) -> str:
    """What a person agrees to when registering; the text is kept with their registration."""
    from refugiu.organisation.models import NGO

    organisation = NGO.objects.order_by("pk").first()
    months = settings.REFUGIU["PARTICIPANT_RETENTION_MONTHS"]
    return _(
        "I agree that %(organisation)s keeps my name, e-mail address, institution, profession, country and "
        "gender in order to organise this event, write to me about it and issue my certificate of "
        "attendance, and that it reports the number of participants by profession, country and gender "
        "to the event's funders without names. My name, e-mail address and institution are erased "
        "%(period)s after the event. I can cancel my registration at any time through the link in "
        "the confirmation e-mail."
    ) % {
        "organisation": organisation.name if organisation else _("the organiser"),
        # Its own plural: Romanian says "1 lună", "2 luni", but "24 de luni".
        "period": ngettext("%(months)d month", "%(months)d months", months) % {"months": months},
    }


def _duplicate_exists(event: Event, email: str) -> bool:
    return (
        Participant.objects.filter(event=event, email__iexact=email)
        .exclude(status=ParticipantStatus.CANCELLED)
        .exists()
    )


def _register(
    *,
    event: Event,
    name: str,
    email: str,
    profession: str,
    institution: str,
    country: str,
    gender: str,
    language: str,
    source: ParticipantSource,
) -> Participant:
    """Confirmed if a place is left, else on the waiting list (or refused when the event keeps none).
    Raises RegistrationError("duplicate" | "full")."""
    email = email.strip()
    duplicate = RegistrationError(
        "duplicate",
        _(
            "This e-mail address is already registered for this event. The confirmation e-mail has a "
            "link to cancel; to change your details, cancel and register again."
        ),
    )
    if email and _duplicate_exists(event, email):  # a walk-in added by staff may have no address
        raise duplicate
    by_form = source == ParticipantSource.FORM
    try:
        with transaction.atomic():
            if take_place(event):
                status = ParticipantStatus.CONFIRMED
            elif event.waiting_list:
                status = ParticipantStatus.WAITING
            else:
                raise RegistrationError("full", _("Sorry, this event is full."))
            participant = Participant.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                profession=profession,
                institution=institution.strip(),
                country=country,
                gender=gender,
                status=status,
                source=source,
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                consent_text=consent_text(event) if by_form else "",
                consented_at=timezone.now() if by_form else None,
            )
            send_after_commit(participant, "registered")
    except IntegrityError:
        # The same address registered at the same moment by another request: its place is given back
        # with this transaction's rollback.
        raise duplicate from None
    event.refresh_from_db(fields=["places_taken"])
    return participant


def _cancel(participant: Participant) -> tuple[bool, Participant | None]:
    """Cancel (in the caller's transaction): (whether it was cancelled now, who got the place)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == ParticipantStatus.CANCELLED:
        return False, None
    was_confirmed = participant.status == ParticipantStatus.CONFIRMED
    participant.status = ParticipantStatus.CANCELLED
    participant.cancelled_at = timezone.now()
    participant.save(update_fields=["status", "cancelled_at"])
    if not was_confirmed:
        return True, None
    give_back_place(participant.event)
    promoted = promote(participant.event)
    return True, promoted[0] if promoted else None


# --- The public ---------------------------------------------------------------------------------------------


def participant_register(
    *,
    event: Event,
    name: str,
    email: str,
    profession: str,
    institution: str = "",
    country: str = "",
    gender: str = "",
    consent: bool,
    language: str = "",
    source: Literal[ParticipantSource.FORM] = ParticipantSource.FORM,
) -> Participant:
    """Someone registers through the public form: confirmed if a place is left, else on the waiting list
    (or refused when the event keeps none); the consent text they agreed to is kept. Raises
    RegistrationError("closed" | "consent" | "duplicate" | "full").

    Staff adding someone use `participant_add`; `source` can only be the form (the demo names it)."""
    reason = access.registration_closed_reason(event)
    if reason:
        raise RegistrationError("closed", reason)
    if not consent:
        raise RegistrationError("consent", _("Please read the consent text and tick the box to agree."))
    return _register(
        event=event,
        name=name,
        email=email,
        profession=profession,
        institution=institution,
        country=country,
        gender=gender,
        language=language,
        source=ParticipantSource.FORM,
    )


def participant_cancel_by_link(*, participant: Participant) -> Participant | None:
    """The person cancels their registration through the signed link of their e-mail. A confirmed person's
    place goes to the first on the waiting list, who is returned (and told by e-mail). Cancelling twice is
    harmless; once they were checked in or the event is over it is refused (RegistrationError
    "too_late")."""
    if access.too_late_to_cancel(participant):
        raise RegistrationError(
            "too_late",
            _(
                "This event has already taken place (or you have been checked in), so the registration can "
                "no longer be cancelled."
            ),
        )
    with transaction.atomic():
        _cancelled, promoted = _cancel(participant)
    return promoted


# --- Programme staff ------------------------------------------------------------------------------------


def participant_add(
    *,
    actor: User,
    event: Event,
    name: str,
    email: str,
    profession: str,
    institution: str = "",
    country: str = "",
    gender: str = "",
    language: str = "",
    request: HttpRequest | None = None,
) -> Participant:
    """Staff register someone themselves (a phone call, a walk-in), whether or not registration is open: no
    consent box, the source says so. Audited "programmes.participant.added". Raises RegistrationError
    ("duplicate" | "full")."""
    access.require_programme_staff(actor)
    with transaction.atomic():
        participant = _register(
            event=event,
            name=name,
            email=email,
            profession=profession,
            institution=institution,
            country=country,
            gender=gender,
            language=language,
            source=ParticipantSource.STAFF,
        )
        audit_record(
            actor=actor,
            action="programmes.participant.added",
            target=participant,
            request=request,
            detail={"event": event.pk, "status": participant.status},
        )
    return participant


def participant_cancel(
    *, actor: User, participant: Participant, request: HttpRequest | None = None
) -> Participant | None:
    """Staff cancel a registration; a confirmed person's place goes to the first on the waiting list, who
    is returned (and told by e-mail). Audited "programmes.participant.cancelled", naming who got the place;
    cancelling twice is harmless and records nothing."""
    access.require_programme_staff(actor)
    with transaction.atomic():
        cancelled, promoted = _cancel(participant)
        if cancelled:
            audit_record(
                actor=actor,
                action="programmes.participant.cancelled",
                target=participant,
                request=request,
                detail={"event": participant.event_id, "promoted": promoted.pk if promoted else None},
            )
    return promoted


def participant_confirm(*, actor: User, participant: Participant, request: HttpRequest | None = None) -> None:
    """Staff confirm someone from the waiting list, if a place is free, and tell them. Audited
    "programmes.participant.confirmed"; someone not waiting is left as they are. Raises
    RegistrationError("full")."""
    access.require_programme_staff(actor)
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.WAITING:
            return
        if not take_place(participant.event):
            raise RegistrationError("full", _("There is no free place; raise the capacity first."))
        participant.status = ParticipantStatus.CONFIRMED
        participant.save(update_fields=["status"])
        send_after_commit(participant, "promoted")
        audit_record(
            actor=actor,
            action="programmes.participant.confirmed",
            target=participant,
            request=request,
            detail={"event": participant.event_id},
        )
