"""Programme staff's pages after an event: certificates of attendance (issuing them, one person's PDF) and
the evaluation questionnaire (inviting those who came, the answers put together).

Only programme staff see them (`access.programme_staff_required`). Issuing and inviting are POSTs that go
through `programmes.services` and redirect back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from refugiu.accounts.decorators import SignedInRequest
from refugiu.programmes import selectors, services
from refugiu.programmes.access import programme_staff_required
from refugiu.programmes.views.staff_common import TEMPLATES, event_or_404

# --- Certificates -----------------------------------------------------------------------------------------


@programme_staff_required
@require_http_methods(["GET", "POST"])
def certificates(request: SignedInRequest, event_id: int) -> HttpResponse:
    event = event_or_404(event_id)
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
    attendees = list(selectors.by_name(selectors.attendees(event)))
    context = {
        "event": event,
        "attendees": attendees,
        "days_total": event.days.count(),
        "without_code": sum(1 for person in attendees if not person.certificate_code),
    }
    return render(request, TEMPLATES + "certificates.html", context)


@programme_staff_required
@require_GET
def certificate_pdf(request: HttpRequest, event_id: int, participant_id: int) -> HttpResponse:
    event = event_or_404(event_id)
    participant = get_object_or_404(
        selectors.attendees(event).filter(certificate_code__isnull=False), pk=participant_id
    )
    # Imported here: the certificate module pulls in the PDF machinery, which most staff pages never need.
    from refugiu.programmes.certificates import render_certificate_pdf

    response = HttpResponse(render_certificate_pdf(participant), content_type="application/pdf")
    # Named by the code, never by the person.
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.certificate_code}.pdf"'
    return response


# --- Evaluation -------------------------------------------------------------------------------------------


@programme_staff_required
@require_http_methods(["GET", "POST"])
def evaluation(request: SignedInRequest, event_id: int) -> HttpResponse:
    event = event_or_404(event_id)
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
    attendees = selectors.attendees(event)
    context = {
        "event": event,
        "summary": selectors.evaluation_summary(event),
        "attendees": attendees.count(),
        "invited": attendees.filter(evaluation_invited_at__isnull=False).count(),
    }
    return render(request, TEMPLATES + "evaluation.html", context)
