"""Programme staff's pages: events and their days, registrations, check-in, sign-in sheets, certificates
and evaluations.

Only people with "programmes.edit" see them; anyone else signed in gets 404, as if they did not exist.
Every change is a POST that goes through `programmes.services` and redirects back with a message. No URL
here holds a name or an address: participants are named by their number only.
"""

import secrets
import unicodedata
from collections import Counter

from django.contrib import messages
from django.db.models import Count, Min, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refugiu.core.pdf import html_to_pdf
from refugiu.programmes import selectors, services
from refugiu.programmes.access import programme_staff_required
from refugiu.programmes.models import Evaluation, Event, EventDay, Participant
from refugiu.programmes.staff_forms import (
    BaseEventDayFormSet,
    EventDayFormSet,
    EventForm,
    ParticipantAddForm,
)
from refugiu.programmes.vocabularies import EvaluationScore, ParticipantStatus

TEMPLATES = "programmes/staff/"
# Blank rows at the end of a sign-in sheet, for people who come without having registered.
SIGN_IN_BLANK_ROWS = 10


def _event(event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("project", "organiser"), pk=event_id)
    event.dates_display = selectors.event_dates_display(event)
    return event


def _day(event: Event, day_id: int) -> EventDay:
    return get_object_or_404(EventDay, pk=day_id, event=event)


def _participant(event: Event, participant_id: int) -> Participant:
    return get_object_or_404(Participant, pk=participant_id, event=event)


def _by_name(queryset):
    """Participants in alphabetical order, whatever the case of their names."""
    return queryset.order_by(Lower("name"), "pk")


def _sort_key(name: str) -> str:
    """A name without its accents and case, so that "Ștefan" is filed with "Stan" on every database."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _initial(name: str) -> str:
    """The letter a name is filed under on the check-in screen: "Ștefan" under S, "Émile" under E."""
    letter = _sort_key(name)[:1].upper()
    return letter if letter.isalpha() else "#"


# --- Events -----------------------------------------------------------------------------------------------


@programme_staff_required
@require_GET
def event_list(request):
    confirmed = Q(participants__status=ParticipantStatus.CONFIRMED)
    waiting = Q(participants__status=ParticipantStatus.WAITING)
    events = (
        Event.objects.prefetch_related("days")
        .annotate(
            first_date=Min("days__date"),
            confirmed=Count("participants", filter=confirmed, distinct=True),
            waiting=Count("participants", filter=waiting, distinct=True),
        )
        .order_by("first_date", "pk")
    )
    today = timezone.localdate()
    upcoming, past, undated = [], [], []
    for event in events:
        event.dates_display = selectors.event_dates_display(event)
        if event.first_date is None:
            undated.append(event)
        elif event.first_date >= today:
            upcoming.append(event)
        else:
            past.append(event)
    past.reverse()  # the most recent first
    context = {"upcoming": upcoming, "past": past, "undated": undated}
    return render(request, TEMPLATES + "event_list.html", context)


def _event_form_valid(form: EventForm, formset: BaseEventDayFormSet) -> bool:
    # Both are validated, so that every error is shown at once.
    form_valid, days_valid = form.is_valid(), formset.is_valid()
    if form_valid and days_valid:
        formset.check_registration_deadline(form)
    return form_valid and days_valid and not form.errors


def _event_save(
    request: HttpRequest, form: EventForm, formset: BaseEventDayFormSet, event: Event
) -> tuple[Event, list[Participant]] | None:
    """Create or change the event through the services: the event and the people its new places went
    to, or None (with the refusal on the form)."""
    try:
        if event.pk is None:
            created = services.event_create(
                actor=request.user, request=request, details=form.event_details(), days=formset.day_plans()
            )
            return created, []
        moved = services.event_update(
            actor=request.user,
            request=request,
            event=event,
            details=form.event_details(),
            days=formset.day_plans(),
            days_removed=formset.days_removed(),
        )
    except services.EventError as error:
        form.add_error("capacity" if error.code == "capacity" else None, error.message)
        return None
    return event, moved


@programme_staff_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int | None = None) -> HttpResponse:
    creating = event_id is None
    event = Event() if creating else get_object_or_404(Event, pk=event_id)
    if request.method == "POST":
        form = EventForm(request.POST, instance=event)
        formset = EventDayFormSet(request.POST, instance=event, prefix="days")
        saved = _event_save(request, form, formset, event) if _event_form_valid(form, formset) else None
        if saved is not None:
            event, moved = saved
            messages.success(request, _("The event has been saved."))
            if moved:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d person was moved from the waiting list to a confirmed place.",
                        "%(count)d people were moved from the waiting list to a confirmed place.",
                        len(moved),
                    )
                    % {"count": len(moved)},
                )
            return HttpResponseRedirect(reverse("programmes_staff:event", args=[event.pk]))
    else:
        form = EventForm(instance=event)
        formset = EventDayFormSet(instance=event, prefix="days")
    # The headings show the event as saved, not as the refused form changed it in memory.
    shown = None if creating else Event.objects.get(pk=event.pk)
    context = {"event": shown, "form": form, "formset": formset}
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "event_form.html", context, status=status)


def _counts(event: Event) -> dict:
    # order_by(): without it the model's ordering would split the groups.
    by_status = Counter(
        dict(Participant.objects.filter(event=event).order_by().values_list("status").annotate(n=Count("pk")))
    )
    return {
        "confirmed": by_status[ParticipantStatus.CONFIRMED],
        "waiting": by_status[ParticipantStatus.WAITING],
        "cancelled": by_status[ParticipantStatus.CANCELLED],
        "places_left": None if event.capacity is None else max(event.capacity - event.places_taken, 0),
    }


@programme_staff_required
@require_GET
def event_detail(request, event_id: int):
    event = _event(event_id)
    days = event.days.annotate(present=Count("attendances")).order_by("date")
    context = {
        "event": event,
        "days": days,
        "counts": _counts(event),
        "closed_reason": services.registration_closed_reason(event),
        "full": services.is_full(event),
        # The address to hand out: the public site's, whichever host staff use.
        "register_url": services.site_url(reverse("programmes:register", args=[event.pk])),
    }
    return render(request, TEMPLATES + "event_detail.html", context)


# --- Participants ---------------------------------------------------------------------------------------


@programme_staff_required
@require_http_methods(["GET", "POST"])
def participants(request, event_id: int):
    """The event's registrations, and the form to add someone (POST)."""
    event = _event(event_id)
    form = ParticipantAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(
                actor=request.user, request=request, event=event, **form.participant_details()
            )
        except services.RegistrationError as error:
            form.add_error(None, error.message)
        else:
            if participant.status == ParticipantStatus.CONFIRMED:
                messages.success(request, _("The participant has been added and confirmed."))
            else:
                messages.success(request, _("The event is full: the participant is on the waiting list."))
            return HttpResponseRedirect(reverse("programmes_staff:participants", args=[event.pk]))
    everyone = Participant.objects.filter(event=event).annotate(days=Count("attendances"))
    context = {
        "event": event,
        "form": form,
        "counts": _counts(event),
        "confirmed": _by_name(everyone.filter(status=ParticipantStatus.CONFIRMED)),
        # The waiting list in the order places will be offered.
        "waiting": everyone.filter(status=ParticipantStatus.WAITING).order_by("registered_at", "pk"),
        "cancelled": _by_name(everyone.filter(status=ParticipantStatus.CANCELLED)),
    }
    return render(request, TEMPLATES + "participants.html", context, status=400 if form.errors else 200)


@programme_staff_required
@require_POST
def participant_cancel(request, event_id: int, participant_id: int):
    event = _event(event_id)
    participant = _participant(event, participant_id)
    promoted = services.participant_cancel(actor=request.user, request=request, participant=participant)
    messages.success(request, _("The registration has been cancelled."))
    if promoted is not None:
        messages.info(request, _("The first person on the waiting list now has the place and has been told."))
    return HttpResponseRedirect(reverse("programmes_staff:participants", args=[event.pk]))


@programme_staff_required
@require_POST
def participant_confirm(request, event_id: int, participant_id: int):
    event = _event(event_id)
    participant = _participant(event, participant_id)
    try:
        services.participant_confirm(actor=request.user, request=request, participant=participant)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The participant is confirmed and has been told."))
    return HttpResponseRedirect(reverse("programmes_staff:participants", args=[event.pk]))


# --- Check-in ---------------------------------------------------------------------------------------------


@programme_staff_required
@require_GET
def check_in(request, event_id: int, day_id: int):
    """One day's check-in, made for a phone. Everyone confirmed is listed, by name, with a letter index to
    jump; there is no search box, so no name ever travels in a URL."""
    event = _event(event_id)
    day = _day(event, day_id)
    present_ids = set(day.attendances.values_list("participant_id", flat=True))
    people = sorted(
        Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED),
        key=lambda person: (_sort_key(person.name), person.pk),
    )
    groups: list[dict] = []
    for person in people:
        person.present = person.pk in present_ids
        initial = _initial(person.name)
        if not groups or groups[-1]["letter"] != initial:
            groups.append({"letter": initial, "anchor": initial if initial != "#" else "other", "people": []})
        groups[-1]["people"].append(person)
    context = {
        "event": event,
        "day": day,
        "days": event.days.order_by("date"),
        "groups": groups,
        "present": sum(person.present for person in people),
        "total": len(people),
    }
    return render(request, TEMPLATES + "check_in.html", context)


@programme_staff_required
@require_POST
def check_in_set(request, event_id: int, day_id: int, participant_id: int):
    """Mark one person present or absent (the button says which; pressing it twice does no harm)."""
    event = _event(event_id)
    day = _day(event, day_id)
    participant = _participant(event, participant_id)
    if request.POST.get("present") == "yes":
        try:
            services.attendance_check_in(
                actor=request.user, request=request, participant=participant, day=day
            )
        except services.RegistrationError as error:
            messages.error(request, error.message)
    else:
        services.attendance_undo(actor=request.user, request=request, participant=participant, day=day)
    url = reverse("programmes_staff:check_in", args=[event.pk, day.pk])
    return HttpResponseRedirect(f"{url}#p{participant.pk}")


# --- Sign-in sheets ---------------------------------------------------------------------------------------


def _sign_in_sheet(request, event_id: int, day_id: int, *, pdf: bool) -> str:
    event = _event(event_id)
    day = _day(event, day_id)
    people = _by_name(Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED))
    people = list(people)
    context = {
        "event": event,
        "day": day,
        "people": people,
        "blank_rows": range(len(people) + 1, len(people) + 1 + SIGN_IN_BLANK_ROWS),
        "pdf": pdf,
    }
    return render_to_string(TEMPLATES + "sign_in_sheet.html", context, request=None if pdf else request)


@programme_staff_required
@require_GET
def sign_in_sheet(request, event_id: int, day_id: int):
    return HttpResponse(_sign_in_sheet(request, event_id, day_id, pdf=False))


@programme_staff_required
@require_GET
def sign_in_sheet_pdf(request, event_id: int, day_id: int):
    pdf = html_to_pdf(_sign_in_sheet(request, event_id, day_id, pdf=True))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sign-in-sheet-{event_id}-{day_id}.pdf"'
    return response


# --- Certificates -----------------------------------------------------------------------------------------


def _attendees(event: Event):
    """Confirmed participants who were there on at least one day: those a certificate is for."""
    return (
        Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED)
        .annotate(days_attended=Count("attendances"))
        .filter(days_attended__gte=1)
    )


@programme_staff_required
@require_http_methods(["GET", "POST"])
def certificates(request, event_id: int):
    event = _event(event_id)
    if request.method == "POST":
        issued = services.certificates_issue(actor=request.user, request=request, event=event)
        if issued:
            messages.success(
                request,
                ngettext(
                    "%(count)d certificate was issued and sent by e-mail.",
                    "%(count)d certificates were issued and sent by e-mail.",
                    len(issued),
                )
                % {"count": len(issued)},
            )
        else:
            messages.info(request, _("Everyone who attended already has a certificate."))
        return HttpResponseRedirect(reverse("programmes_staff:certificates", args=[event.pk]))
    attendees = list(_by_name(_attendees(event)))
    context = {
        "event": event,
        "attendees": attendees,
        "days_total": event.days.count(),
        "without_code": sum(1 for person in attendees if not person.certificate_code),
    }
    return render(request, TEMPLATES + "certificates.html", context)


@programme_staff_required
@require_GET
def certificate_pdf(request, event_id: int, participant_id: int):
    event = _event(event_id)
    participant = get_object_or_404(
        _attendees(event).filter(certificate_code__isnull=False), pk=participant_id
    )
    # Imported here: the certificate module pulls in the PDF machinery, which most staff pages never need.
    from refugiu.programmes.certificates import render_certificate_pdf

    response = HttpResponse(render_certificate_pdf(participant), content_type="application/pdf")
    # Named by the code, never by the person.
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.certificate_code}.pdf"'
    return response


# --- Evaluation -------------------------------------------------------------------------------------------


def evaluation_summary(event: Event) -> dict:
    """The answers to the event's questionnaire put together: per score the mean and how many gave each
    score, and the free texts in no particular order (never with a date: that could tell who wrote it)."""
    answers = list(Evaluation.objects.filter(event=event))
    scores = []
    for name in Evaluation.SCORE_FIELDS:
        values = [getattr(answer, name) for answer in answers]
        counted = Counter(values)
        scores.append(
            {
                "label": Evaluation._meta.get_field(name).verbose_name,
                "mean": sum(values) / len(values) if values else None,
                "distribution": [
                    {
                        "score": score.value,
                        "label": score.label,
                        "count": counted[score.value],
                        "percent": round(100 * counted[score.value] / len(values)) if values else 0,
                    }
                    for score in EvaluationScore
                ],
            }
        )
    liked = [answer.liked for answer in answers if answer.liked.strip()]
    improve = [answer.improve for answer in answers if answer.improve.strip()]
    # Shuffled so that the order of the texts cannot be matched with the order people answered in.
    shuffler = secrets.SystemRandom()
    shuffler.shuffle(liked)
    shuffler.shuffle(improve)
    return {"count": len(answers), "scores": scores, "liked": liked, "improve": improve}


@programme_staff_required
@require_http_methods(["GET", "POST"])
def evaluation(request, event_id: int):
    event = _event(event_id)
    if request.method == "POST":
        invited = services.evaluation_invite(actor=request.user, request=request, event=event)
        if invited:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation to the questionnaire was sent.",
                    "%(count)d invitations to the questionnaire were sent.",
                    len(invited),
                )
                % {"count": len(invited)},
            )
        else:
            messages.info(request, _("Everyone who attended has already been invited."))
        return HttpResponseRedirect(reverse("programmes_staff:evaluation", args=[event.pk]))
    attendees = _attendees(event)
    context = {
        "event": event,
        "summary": evaluation_summary(event),
        "attendees": attendees.count(),
        "invited": attendees.filter(evaluation_invited_at__isnull=False).count(),
    }
    return render(request, TEMPLATES + "evaluation.html", context)
