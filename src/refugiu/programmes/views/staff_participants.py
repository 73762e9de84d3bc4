"""Programme staff's pages about an event's people: registrations (adding, cancelling, confirming from the
waiting list), the check-in of one day (by name or by the QR code of the confirmation e-mail), and the
sign-in sheets.

Only programme staff see them (`access.programme_staff_required`). Every change is a POST that goes through
`programmes.services` and redirects back with a message. No URL here holds a name, an address or a
check-in code: participants are named by their number only, and searches and codes are sent by POST.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refugiu.accounts.decorators import SignedInRequest
from refugiu.core.middleware import permissions_policy
from refugiu.core.pdf import html_to_pdf
from refugiu.programmes import selectors, services
from refugiu.programmes.access import programme_staff_required
from refugiu.programmes.check_in_codes import token_from_scan
from refugiu.programmes.models import Participant
from refugiu.programmes.staff_forms import ParticipantAddForm
from refugiu.programmes.views.staff_common import TEMPLATES, day_or_404, event_or_404, participant_or_404
from refugiu.programmes.vocabularies import ParticipantStatus

# Blank rows at the end of a sign-in sheet, for people who come without having registered.
SIGN_IN_BLANK_ROWS = 10


def _sort_key(name: str) -> str:
    """A name without its accents and case, so that "Ștefan" is filed with "Stan" on every database."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _initial(name: str) -> str:
    """The letter a name is filed under on the check-in screen: "Ștefan" under S, "Émile" under E."""
    letter = _sort_key(name)[:1].upper()
    return letter if letter.isalpha() else "#"


# --- Participants ---------------------------------------------------------------------------------------


@programme_staff_required
@require_http_methods(["GET", "POST"])
def participants(request: SignedInRequest, event_id: int) -> HttpResponse:
    """The event's registrations, and the form to add someone (POST)."""
    event = event_or_404(event_id)
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
        "counts": selectors.participant_counts(event),
        "confirmed": selectors.by_name(everyone.filter(status=ParticipantStatus.CONFIRMED)),
        # The waiting list in the order places will be offered.
        "waiting": everyone.filter(status=ParticipantStatus.WAITING).order_by("registered_at", "pk"),
        "cancelled": selectors.by_name(everyone.filter(status=ParticipantStatus.CANCELLED)),
    }
    return render(request, TEMPLATES + "participants.html", context, status=400 if form.errors else 200)


@programme_staff_required
@require_POST
def participant_cancel(request: SignedInRequest, event_id: int, participant_id: int) -> HttpResponse:
    event = event_or_404(event_id)
    participant = participant_or_404(event, participant_id)
    promoted = services.participant_cancel(actor=request.user, request=request, participant=participant)
    messages.success(request, _("The registration has been cancelled."))
    if promoted is not None:
        messages.info(request, _("The first person on the waiting list now has the place and has been told."))
    return HttpResponseRedirect(reverse("programmes_staff:participants", args=[event.pk]))


@programme_staff_required
@require_POST
def participant_confirm(request: SignedInRequest, event_id: int, participant_id: int) -> HttpResponse:
    event = event_or_404(event_id)
    participant = participant_or_404(event, participant_id)
    try:
        services.participant_confirm(actor=request.user, request=request, participant=participant)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The participant is confirmed and has been told."))
    return HttpResponseRedirect(reverse("programmes_staff:participants", args=[event.pk]))


# --- Check-in ---------------------------------------------------------------------------------------------


def _matches(person: Participant, words: list[str]) -> bool:
    """Every word typed is part of the name or the institution (accents and case aside)."""
    text = _sort_key(f"{person.name} {person.institution}")
    return all(word in text for word in words)


@programme_staff_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, event_id: int, day_id: int) -> HttpResponse:
    """One day's check-in, made for a phone. Everyone confirmed is listed, by name, with a letter index to
    jump; a search by part of a name (sent by POST, so that no name travels in a URL; with JavaScript the
    list is filtered as one types), and a QR code scanner (check-in-scan.js, with jsQR) or a code typed or
    read by a hand scanner, sent to `check_in_scan`. The page may use the camera (Permissions-Policy)."""
    event = event_or_404(event_id)
    day = day_or_404(event, day_id)
    present_ids = set(day.attendances.values_list("participant_id", flat=True))
    everyone = sorted(
        Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED),
        key=lambda person: (_sort_key(person.name), person.pk),
    )
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    words = _sort_key(query).split()
    people = [person for person in everyone if _matches(person, words)] if words else everyone
    groups: list[dict[str, Any]] = []
    for person in people:
        initial = _initial(person.name)
        if not groups or groups[-1]["letter"] != initial:
            groups.append({"letter": initial, "anchor": initial if initial != "#" else "other", "people": []})
        groups[-1]["people"].append(person)
    context = {
        "event": event,
        "day": day,
        "days": event.days.order_by("date"),
        "not_today": day.date != timezone.localdate(),
        "groups": groups,
        "query": query,
        "found": len(people),
        "present_ids": present_ids,
        "present": sum(person.pk in present_ids for person in everyone),
        "total": len(everyone),
        "scanning": request.GET.get("scan") == "1",
    }
    response = render(request, TEMPLATES + "check_in.html", context)
    response["Permissions-Policy"] = permissions_policy(allowed=("camera",))
    return response


@programme_staff_required
@require_POST
def check_in_scan(request: SignedInRequest, event_id: int, day_id: int) -> HttpResponse:
    """Check in whoever a scanned (or typed) check-in code names, and say what happened: checked in,
    already present, or why not (a code of another event, a cancelled registration, an unknown code)."""
    event = event_or_404(event_id)
    day = day_or_404(event, day_id)
    url = reverse("programmes_staff:check_in", args=[event.pk, day.pk])
    if request.POST.get("scanning") == "1":
        url += "?scan=1"  # the scanner starts again after the page reloads
    token = token_from_scan(request.POST.get("code", ""))
    try:
        if token is None:
            raise services.RegistrationError("unknown", _("This is not a check-in code."))
        result = services.attendance_check_in_by_code(
            actor=request.user, request=request, day=day, token=token
        )
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(url)
    day_text = formats.date_format(day.date, "l j E")
    if result.already_present:
        messages.warning(
            request,
            _("%(name)s was already checked in for %(day)s.") % {"name": result.participant, "day": day_text},
        )
    else:
        messages.success(
            request, _("%(name)s is checked in for %(day)s.") % {"name": result.participant, "day": day_text}
        )
    return HttpResponseRedirect(f"{url}#p{result.participant.pk}")


@programme_staff_required
@require_POST
def check_in_set(request: SignedInRequest, event_id: int, day_id: int, participant_id: int) -> HttpResponse:
    """Mark one person present or absent (the button says which; pressing it twice does no harm)."""
    event = event_or_404(event_id)
    day = day_or_404(event, day_id)
    participant = participant_or_404(event, participant_id)
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


def _sign_in_sheet(request: HttpRequest, event_id: int, day_id: int, *, pdf: bool) -> str:
    event = event_or_404(event_id)
    day = day_or_404(event, day_id)
    people = list(
        selectors.by_name(Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED))
    )
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
def sign_in_sheet(request: HttpRequest, event_id: int, day_id: int) -> HttpResponse:
    return HttpResponse(_sign_in_sheet(request, event_id, day_id, pdf=False))


@programme_staff_required
@require_GET
def sign_in_sheet_pdf(request: HttpRequest, event_id: int, day_id: int) -> HttpResponse:
    pdf = html_to_pdf(_sign_in_sheet(request, event_id, day_id, pdf=True))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sign-in-sheet-{event_id}-{day_id}.pdf"'
    return response
