"""Programme staff's pages about events: the list, an event's page, and the form that creates or changes
an event with its days.

Only programme staff see them (`access.programme_staff_required`): anyone else signed in gets 404, as if
they did not exist. The form's checks are the forms'; saving, with the capacity held against the places
confirmed and the waiting list moved into new places, is `services.event_create` / `event_update`.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from refugiu.accounts.decorators import SignedInRequest
from refugiu.programmes import access, selectors, services
from refugiu.programmes.access import programme_staff_required
from refugiu.programmes.models import Event, Participant
from refugiu.programmes.staff_forms import BaseEventDayFormSet, EventDayFormSet, EventForm
from refugiu.programmes.views.shown import EventShown
from refugiu.programmes.views.staff_common import TEMPLATES, event_or_404


@programme_staff_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    upcoming: list[EventShown] = []
    past: list[EventShown] = []
    undated: list[EventShown] = []
    for event in selectors.events_for_staff():
        shown = EventShown(event, selectors.event_dates_display(event))
        if event.first_date is None:
            undated.append(shown)
        elif event.first_date >= today:
            upcoming.append(shown)
        else:
            past.append(shown)
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
    request: SignedInRequest, form: EventForm, formset: BaseEventDayFormSet, event: Event
) -> tuple[Event, list[Participant]] | None:
    """Create or change the event through the services: the event and the people its new places went
    to, or None (with the refusal on the form)."""
    try:
        if event.pk is None:
            created = services.event_create(
                actor=request.user,
                request=request,
                details=form.event_details(),
                days=formset.day_plans(),
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
def event_edit(request: SignedInRequest, event_id: int | None = None) -> HttpResponse:
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


@programme_staff_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_or_404(event_id)
    days = event.days.annotate(present=Count("attendances")).order_by("date")
    context = {
        "event": event,
        "dates_display": selectors.event_dates_display(event),
        "days": days,
        "counts": selectors.participant_counts(event),
        "closed_reason": access.registration_closed_reason(event),
        "full": services.is_full(event),
        # The address to hand out: the public site's, whichever host staff use.
        "register_url": services.site_url(reverse("programmes:register", args=[event.pk])),
    }
    return render(request, TEMPLATES + "event_detail.html", context)
