"""Public registration, cancellation, evaluation and certificate pages. Nobody signs in.

People reach the cancel and evaluation pages through the signed links of their e-mails; a link that does not
verify answers 404 with a page saying so, the same whether it was mistyped, forged or points to a
registration that no longer qualifies. Every write goes through `programmes.services`; no URL we build holds
a name or an address (registrations redirect to the public event page, certificates are named by code).
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from refugiu.programmes import certificates, selectors, services
from refugiu.programmes.forms import CertificateLookupForm, EvaluationForm, RegistrationForm
from refugiu.programmes.models import Event, Participant
from refugiu.programmes.vocabularies import ParticipantStatus

TEMPLATES = "programmes/registration/"


def registration_status(event: Event) -> dict:
    """What the public may know about registering for `event` now: for its page and the form."""
    closed_reason = services.registration_closed_reason(event)
    full = services.is_full(event)
    return {
        "open": not closed_reason,
        "closed_reason": closed_reason,
        "closes_on": event.registration_closes_on,
        "full": full,
        # Full with a waiting list: people may still register and are queued.
        "waiting_list": full and event.waiting_list,
        # Full without one: nobody more is accepted, so no form is offered.
        "refused": full and not event.waiting_list,
        "places_left": None if event.capacity is None else max(event.capacity - event.places_taken, 0),
    }


def _event_with_dates(event: Event) -> Event:
    event.dates_display = selectors.event_dates_display(event)
    event.country_name = selectors.country_name(event.country.code) if event.country else ""
    return event


def _invalid_link(request):
    return render(request, TEMPLATES + "invalid_link.html", status=404)


# --- Registration -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request, event_id: int):
    event = _event_with_dates(selectors.event_published_get(event_id))
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("website"):
            # The hidden field was filled: software, not a person. Say as little as possible; store nothing.
            return render(request, TEMPLATES + "refused.html", {"event": event}, status=400)
        if form.is_valid():
            try:
                participant = services.participant_register(
                    event=event, language=translation.get_language(), **form.registration_data()
                )
            except services.RegistrationError as error:
                # "closed" is explained by the page itself, which then shows no form.
                if error.code != "closed":
                    form.add_error(None, error.message)
            else:
                messages.success(request, _registered_message(participant))
                return HttpResponseRedirect(reverse("programmes:event", args=[event.pk]))
    # Read after any attempt: the last place may have gone meanwhile.
    status = registration_status(event)
    context = {
        "event": event,
        "form": form,
        "registration": status,
        "show_form": status["open"] and not status["refused"],
        "consent_text": services.consent_text(event),
    }
    return render(request, TEMPLATES + "register.html", context, status=400 if form.errors else 200)


def _registered_message(participant: Participant) -> str:
    if participant.status == ParticipantStatus.CONFIRMED:
        return _(
            "Thank you: your place is confirmed. We have sent you an e-mail with the details and a link to "
            "cancel if you cannot come."
        )
    return _(
        "The event is full, so you are on the waiting list. We have sent you an e-mail about it and will "
        "write again as soon as a place is free for you."
    )


# --- Cancellation ---------------------------------------------------------------------------------------


def _too_late_to_cancel(participant: Participant) -> bool:
    """Once someone has been checked in, or the event is over, their registration is part of the record
    (attendance, certificate) and is no longer cancelled from the e-mail link."""
    last_day = participant.event.last_day
    return participant.attendances.exists() or (last_day is not None and last_day < timezone.localdate())


@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    participant = services.participant_from_cancel_token(token)
    if participant is None:
        return _invalid_link(request)
    event = _event_with_dates(participant.event)
    cancelled = participant.status == ParticipantStatus.CANCELLED
    too_late = not cancelled and _too_late_to_cancel(participant)
    if request.method == "POST" and not cancelled and not too_late:
        services.participant_cancel(participant=participant)
        messages.success(request, _("Your registration has been cancelled. Thank you for letting us know."))
        # Back to the same link: reloading the page then cannot send the form again.
        return HttpResponseRedirect(request.path)
    context = {"event": event, "cancelled": cancelled, "too_late": too_late}
    return render(request, TEMPLATES + "cancel.html", context)


# --- Evaluation -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation(request, token: str):
    participant = services.participant_from_evaluation_token(token)
    if (
        participant is None
        or participant.status != ParticipantStatus.CONFIRMED
        or not participant.attendances.exists()
    ):
        return _invalid_link(request)
    event = _event_with_dates(participant.event)
    if participant.evaluation_answered:
        return render(request, TEMPLATES + "evaluation_done.html", {"event": event})
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(participant=participant, answers=form.answers())
        except services.RegistrationError:
            pass  # answered meanwhile in another tab: the page below says it is done
        else:
            messages.success(request, _("Thank you for your answers."))
        return HttpResponseRedirect(request.path)
    return render(
        request,
        TEMPLATES + "evaluation.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


# --- Certificates ---------------------------------------------------------------------------------------


@require_GET
def certificate_lookup(request):
    form = CertificateLookupForm(request.GET if "code" in request.GET else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            participant = services.certificate_get(form.cleaned_data["code"])
            if participant is not None:
                return redirect("programmes:certificate", participant.certificate_code)
            form.add_error("code", _("No certificate has this code. Please check it and try again."))
            status = 404
        else:
            status = 400
    return render(request, TEMPLATES + "certificate_lookup.html", {"form": form}, status=status)


def _not_a_certificate(request):
    return render(request, TEMPLATES + "certificate_not_found.html", status=404)


@require_GET
def certificate(request, code: str):
    participant = services.certificate_get(code)
    if participant is None:
        return _not_a_certificate(request)
    if code != participant.certificate_code:
        # "abcd efgh jklm" and the like: one address per certificate.
        return redirect("programmes:certificate", participant.certificate_code)
    response = render(request, TEMPLATES + "certificate.html", certificates.certificate_context(participant))
    # The page names a person: search engines are asked to leave it out.
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_pdf(request, code: str):
    participant = services.certificate_get(code)
    if participant is None:
        return _not_a_certificate(request)
    response = HttpResponse(certificates.render_certificate_pdf(participant), content_type="application/pdf")
    # Named by the code, never by the person.
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.certificate_code}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return response
