"""Every write to registrations, attendance, certificates and evaluations goes through here.

Capacity: `Event.places_taken` counts confirmed participants and only moves by conditional UPDATEs
("take a place if one is left"), which the database applies one at a time to the event's row, on SQLite
(one writer, IMMEDIATE transactions) and on PostgreSQL (row lock; the condition is checked again on the
locked row). However many people press "register" for the last place at once, one gets it; a check
constraint (`places_taken <= capacity`) stands behind that.

E-mails go out after the transaction commits, in the participant's language; their links are signed.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.programmes.models import Attendance, Evaluation, Event, EventDay, Participant
from refugiu.programmes.vocabularies import ParticipantSource, ParticipantStatus

CANCEL_SALT = "refugiu.programmes.cancel"
EVALUATION_SALT = "refugiu.programmes.evaluation"
EVALUATION_MAX_AGE = datetime.timedelta(days=90)
# Certificate codes: unambiguous capitals and digits (no 0/O, 1/I), 12 of them (about 60 bits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RegistrationError(Exception):
    """A request the rules refuse; `message` is for the person, in their language."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


# --- Registration ---------------------------------------------------------------------------------------


def registration_closed_reason(event: Event, today: datetime.date | None = None) -> str:
    """Why the public form does not accept registrations now, or "" when it does."""
    today = today or timezone.localdate()
    if not event.registration_open or not event.is_published:
        return _("Registration for this event is not open.")
    if event.registration_closes_on and today > event.registration_closes_on:
        return _("Registration for this event closed on %(date)s.") % {
            "date": formats.date_format(event.registration_closes_on, "DATE_FORMAT")
        }
    first_day = EventDay.objects.filter(event=event).order_by("date").values_list("date", flat=True).first()
    if first_day and today > first_day:
        return _("This event has already started.")
    return ""


def is_full(event: Event) -> bool:
    return event.capacity is not None and event.places_taken >= event.capacity


def consent_text(event: Event) -> str:
    """What a person agrees to when registering; the text is kept with their registration."""
    from refugiu.organisation.models import Organisation

    organisation = Organisation.objects.order_by("pk").first()
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


def _take_place(event: Event) -> bool:
    """Take one place if one is left; True when taken. Atomic on both engines."""
    taken = (
        Event.objects.filter(pk=event.pk)
        .filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
        .update(places_taken=F("places_taken") + 1)
    )
    return taken == 1


def _give_back_place(event: Event) -> None:
    Event.objects.filter(pk=event.pk, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def _duplicate_exists(event: Event, email: str) -> bool:
    return (
        Participant.objects.filter(event=event, email__iexact=email)
        .exclude(status=ParticipantStatus.CANCELLED)
        .exists()
    )


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
    source: str = ParticipantSource.FORM,
    check_open: bool = True,
) -> Participant:
    """Register one person: confirmed if a place is left, else on the waiting list (or refused when the
    event keeps none). Raises RegistrationError("closed" | "consent" | "duplicate" | "full")."""
    if check_open:
        reason = registration_closed_reason(event)
        if reason:
            raise RegistrationError("closed", reason)
    if not consent:
        raise RegistrationError("consent", _("Please read the consent text and tick the box to agree."))
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
    try:
        with transaction.atomic():
            if _take_place(event):
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
                consent_text=consent_text(event) if source == ParticipantSource.FORM else "",
                consented_at=timezone.now() if source == ParticipantSource.FORM else None,
            )
            transaction.on_commit(lambda: _send(participant, "registered"))
    except IntegrityError:
        # The same address registered at the same moment by another request: its place is given back
        # with this transaction's rollback.
        raise duplicate from None
    event.refresh_from_db(fields=["places_taken"])
    return participant


def participant_cancel(*, participant: Participant) -> Participant | None:
    """Cancel a registration; a confirmed person's place goes to the first on the waiting list, who is
    returned (and told by e-mail). Cancelling twice is harmless."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status == ParticipantStatus.CANCELLED:
            return None
        was_confirmed = participant.status == ParticipantStatus.CONFIRMED
        participant.status = ParticipantStatus.CANCELLED
        participant.cancelled_at = timezone.now()
        participant.save(update_fields=["status", "cancelled_at"])
        if not was_confirmed:
            return None
        _give_back_place(participant.event)
        promoted = _promote(participant.event)
    return promoted[0] if promoted else None


def _promote(event: Event) -> list[Participant]:
    """Move people from the waiting list into free places, first come first served (in a transaction)."""
    promoted = []
    waiting = Participant.objects.filter(event=event, status=ParticipantStatus.WAITING).order_by(
        "registered_at", "pk"
    )
    for candidate in waiting:
        if not _take_place(event):
            break
        Participant.objects.filter(pk=candidate.pk).update(status=ParticipantStatus.CONFIRMED)
        candidate.status = ParticipantStatus.CONFIRMED
        promoted.append(candidate)
        transaction.on_commit(lambda candidate=candidate: _send(candidate, "promoted"))
    return promoted


def event_places_fill(*, event: Event) -> list[Participant]:
    """After staff raise the capacity (or remove it), confirm people from the waiting list."""
    with transaction.atomic():
        return _promote(event)


def event_capacity_valid(event: Event, capacity: int | None) -> bool:
    """A capacity may not fall below the places already confirmed."""
    return capacity is None or capacity >= event.places_taken


def participant_confirm(*, participant: Participant) -> None:
    """Staff confirm someone from the waiting list, if a place is free. Raises RegistrationError("full")."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.WAITING:
            return
        if not _take_place(participant.event):
            raise RegistrationError("full", _("There is no free place; raise the capacity first."))
        participant.status = ParticipantStatus.CONFIRMED
        participant.save(update_fields=["status"])
        transaction.on_commit(lambda: _send(participant, "promoted"))


# --- Signed links -----------------------------------------------------------------------------------------


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


# --- Attendance -------------------------------------------------------------------------------------------


def attendance_check_in(*, participant: Participant, day: EventDay, user) -> Attendance:
    """Mark a confirmed participant present on one day of their event; doing it twice is harmless."""
    if day.event_id != participant.event_id:
        raise RegistrationError("invalid", _("This day belongs to another event."))
    if participant.status != ParticipantStatus.CONFIRMED:
        raise RegistrationError("invalid", _("Only confirmed participants can be checked in."))
    attendance, _created = Attendance.objects.get_or_create(
        participant=participant, day=day, defaults={"checked_in_by": user}
    )
    return attendance


def attendance_undo(*, participant: Participant, day: EventDay) -> None:
    Attendance.objects.filter(participant=participant, day=day).delete()


# --- Certificates -----------------------------------------------------------------------------------------


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificates_issue(*, event: Event) -> list[Participant]:
    """Give a certificate code to every confirmed participant who attended at least one day and has none
    yet, and e-mail them the link. Those who did not attend get nothing."""
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
            transaction.on_commit(lambda participant=participant: _send(participant, "certificate"))
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


def evaluation_invite(*, event: Event) -> list[Participant]:
    """Invite those who attended and were not invited yet to answer the questionnaire."""
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
            transaction.on_commit(lambda participant=participant: _send(participant, "evaluation"))
    return invited


def evaluation_submit(*, participant: Participant, answers: dict) -> Evaluation:
    """Record one anonymous answer. The participant is only marked as having answered; the answer keeps
    no link to them. Raises RegistrationError("already_answered")."""
    with transaction.atomic():
        marked = Participant.objects.filter(pk=participant.pk, evaluation_answered=False).update(
            evaluation_answered=True
        )
        if not marked:
            raise RegistrationError(
                "already_answered", _("This questionnaire has already been answered. Thank you!")
            )
        return Evaluation.objects.create(
            event_id=participant.event_id, submitted_on=timezone.localdate(), **answers
        )


# --- Reminders and retention ------------------------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind confirmed participants of events whose first day is within the configured days."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REFUGIU["REMINDER_DAYS_BEFORE"])
    upcoming = EventDay.objects.filter(date__gte=today, date__lte=horizon).values("event")
    started = EventDay.objects.filter(date__lt=today).values("event")
    due = (
        Participant.objects.filter(
            status=ParticipantStatus.CONFIRMED, reminder_sent_at__isnull=True, event__in=upcoming
        )
        .exclude(event__in=started)
        .exclude(email="")
        .select_related("event")
    )
    sent = 0
    for participant in due:
        with transaction.atomic():
            if Participant.objects.filter(pk=participant.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            ):
                transaction.on_commit(lambda participant=participant: _send(participant, "reminder"))
                sent += 1
    return sent


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


def participants_due_for_anonymisation(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.REFUGIU["PARTICIPANT_RETENTION_MONTHS"])
    recent = EventDay.objects.filter(date__gt=cutoff).values("event")
    has_days = EventDay.objects.values("event")
    # Events without days are judged by the registration date.
    return (
        Participant.objects.filter(anonymised_at__isnull=True)
        .exclude(event__in=recent)
        .filter(Q(event__in=has_days) | Q(registered_at__date__lte=cutoff))
    )


def participants_anonymise(*, today: datetime.date | None = None) -> int:
    """Blank the name, e-mail and institution of participants whose event ended longer ago than the
    retention period; profession, country, gender, attendance and certificates' existence stay."""
    with transaction.atomic():
        return participants_due_for_anonymisation(today=today).update(
            name="", email="", institution="", anonymised_at=timezone.now()
        )


# --- E-mail -------------------------------------------------------------------------------------------------


def _send(participant: Participant, kind: str) -> None:
    """Render programmes/email/<kind>.txt in the participant's language and send it."""
    if not participant.email:
        return
    event = participant.event
    with translation.override(participant.language or settings.LANGUAGE_CODE):
        from refugiu.programmes.selectors import event_dates_display

        context = {
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
