"""Public registration, cancellation, evaluation and certificate pages. Nobody signs in.

People reach the cancel and evaluation pages through the signed links of their e-mails; a link that does not
verify answers 404 with a page saying so, the same whether it was mistyped, forged or points to a
registration that no longer qualifies. Every write goes through `programmes.services`; no URL we build holds
a name or an address (registrations redirect to the public event page, certificates are named by code).
Each write, and each certificate code that matches nothing, counts against the abuse limits of
`core.ratelimit`; past them the page answers 429, saving and sending nothing.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from refugiu.core import ratelimit
from refugiu.programmes import access, certificates, selectors, services
from refugiu.programmes.forms import CertificateLookupForm, EvaluationForm, RegistrationForm
from refugiu.programmes.models import Event, Participant
from refugiu.programmes.vocabularies import ParticipantStatus

TEMPLATES = "programmes/registration/"


def registration_status(event: Event) -> dict[str, Any]:
    """What the public may know about registering for `event` now: for its page and the form."""
    closed_reason = access.registration_closed_reason(event)
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


def _event_summary(event: Event) -> dict[str, str]:
    """What the pages' summary of the event (registration/_event_summary.html) writes out besides the
    event's own fields."""
    return {
        "dates_display": selectors.event_dates_display(event),
        "country_name": selectors.country_name(event.country.code) if event.country else "",
    }


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATES + "invalid_link.html", status=404)


# --- Registration -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_published_get(event_id)
    summary = _event_summary(event)
    form = RegistrationForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # The hidden field was filled: software, not a person. Say as little as possible; store nothing.
            return render(request, TEMPLATES + "refused.html", {"event": event}, status=400)
        if form.is_valid():
            # Each registration sends an e-mail to the address typed: without a limit, the form would send
            # any number of them to anyone. Past it nothing is saved or sent; what was typed stays.
            email = form.cleaned_data["email"]
            if not ratelimit.within_limits(request, "event_registration", email=email):
                form.add_error(None, _too_many_registrations())
                status_code = HTTPStatus.TOO_MANY_REQUESTS
            else:
                try:
                    participant = services.participant_register(
                        event=event,
                        language=translation.get_language(),
                        consent=form.cleaned_data["consent"],
                        **form.participant_details(),
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
        **summary,
        "form": form,
        "registration": status,
        "show_form": status["open"] and not status["refused"],
        "consent_text": services.consent_text(event),
    }
    if form.errors and status_code == 200:
        status_code = 400
    return render(request, TEMPLATES + "register.html", context, status=status_code)


def _too_many_registrations() -> str:
    return _(
        "We have received too many registrations from your connection or for this e-mail address. "
        "Nothing was saved. Please try again later."
    )


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


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    participant = services.participant_from_cancel_token(token)
    if participant is None:
        return _invalid_link(request)
    event = participant.event
    summary = _event_summary(event)
    cancelled = participant.status == ParticipantStatus.CANCELLED
    too_late = not cancelled and access.too_late_to_cancel(participant)
    context: dict[str, Any] = {"event": event, **summary, "cancelled": cancelled, "too_late": too_late}
    if request.method == "POST" and not cancelled and not too_late:
        if not ratelimit.within_limits(request, "signed_link_form"):
            context["limited"] = _too_many_link_forms()
            return render(request, TEMPLATES + "cancel.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
        services.participant_cancel_by_link(participant=participant)
        messages.success(request, _("Your registration has been cancelled. Thank you for letting us know."))
        # Back to the same link: reloading the page then cannot send the form again.
        return HttpResponseRedirect(request.path)
    return render(request, TEMPLATES + "cancel.html", context)


def _too_many_link_forms() -> str:
    return _("Too many requests have come from your connection. Nothing was changed. Please try again later.")


# --- Evaluation -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    participant = services.participant_from_evaluation_token(token)
    if participant is None or not access.may_answer_evaluation(participant):
        return _invalid_link(request)
    event = participant.event
    summary = _event_summary(event)
    if participant.evaluation_answered:
        return render(request, TEMPLATES + "evaluation_done.html", {"event": event, **summary})
    form = EvaluationForm(request.POST or None)
    status_code = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.within_limits(request, "signed_link_form"):
            try:
                services.evaluation_submit(participant=participant, answers=form.answers())
            except services.RegistrationError:
                pass  # answered meanwhile in another tab: the page below says it is done
            else:
                messages.success(request, _("Thank you for your answers."))
            return HttpResponseRedirect(request.path)
        form.add_error(None, _too_many_link_forms())  # the answers stay in the form
        status_code = HTTPStatus.TOO_MANY_REQUESTS
    if form.errors and status_code == 200:
        status_code = 400
    context = {"event": event, **summary, "form": form}
    return render(request, TEMPLATES + "evaluation.html", context, status=status_code)


# --- Certificates ---------------------------------------------------------------------------------------


def _certificate_get(request: HttpRequest, code: str) -> Participant | None:
    """The certificate with this code, counting codes that match none against the asker's address: the
    lookup form and the certificate's own addresses are places to guess codes at."""
    participant = services.certificate_get(code)
    if participant is None:
        ratelimit.within_limits(request, "certificate_miss")
    return participant


def _too_many_certificate_misses() -> str:
    return _(
        "Too many codes that match no certificate have been tried from your connection. "
        "Please try again later."
    )


@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = CertificateLookupForm(request.GET if "code" in request.GET else None)
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif ratelimit.limit_reached(request, "certificate_miss"):
            form.add_error("code", _too_many_certificate_misses())
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            participant = _certificate_get(request, form.cleaned_data["code"])
            if participant is not None:
                return redirect("programmes:certificate", participant.certificate_code)
            form.add_error("code", _("No certificate has this code. Please check it and try again."))
            status = 404
    return render(request, TEMPLATES + "certificate_lookup.html", {"form": form}, status=status)


def _not_a_certificate(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATES + "certificate_not_found.html", status=404)


def _certificate_refused(request: HttpRequest) -> HttpResponse:
    context = {"message": _too_many_certificate_misses()}
    return render(request, "429.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)


@require_GET
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    if ratelimit.limit_reached(request, "certificate_miss"):
        return _certificate_refused(request)
    participant = _certificate_get(request, code)
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
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    if ratelimit.limit_reached(request, "certificate_miss"):
        return _certificate_refused(request)
    participant = _certificate_get(request, code)
    if participant is None:
        return _not_a_certificate(request)
    response = HttpResponse(certificates.render_certificate_pdf(participant), content_type="application/pdf")
    # Named by the code, never by the person.
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.certificate_code}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return response
