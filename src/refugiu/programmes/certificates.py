"""Certificates of attendance: what one says, for the public verification page and for the PDF.

A certificate exists only for a confirmed participant who was checked in on at least one day and was given
a code by `services.certificates_issue`. The code is what proves it: anyone holding the PDF can check it at
the URL printed on it. Both the page and the PDF are rendered in the language of the current request.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from refugiu.core.pdf import html_to_pdf
from refugiu.organisation.models import NGO
from refugiu.programmes import selectors, services
from refugiu.programmes.models import EventDay, Participant


def certificate_context(participant: Participant) -> dict:
    """Everything a certificate states about `participant` (who must have a certificate code)."""
    event = participant.event
    organisation = NGO.objects.order_by("pk").first()
    attended = list(
        EventDay.objects.filter(attendances__participant=participant)
        .order_by("date")
        .values_list("date", flat=True)
    )
    place = ", ".join(part for part in (event.city, selectors.country_name(event.country.code)) if part)
    return {
        "organisation_name": organisation.name if organisation else "",
        "participant": participant,
        "participant_name": participant.name,
        "name_erased": bool(participant.anonymised_at) or not participant.name,
        "event": event,
        "event_title": str(event),
        "event_type": event.get_type_display(),
        "dates": selectors.event_dates_display(event),
        "place": place,
        "days_attended": attended,
        "days_total": EventDay.objects.filter(event=event).count(),
        "issued_on": participant.certificate_issued_at,
        "code": participant.certificate_code,
        "verification_url": services.site_url(
            reverse("programmes:certificate", args=[participant.certificate_code])
        ),
    }


def render_certificate_pdf(participant: Participant) -> bytes:
    """The certificate as an A4 landscape PDF."""
    html = render_to_string("programmes/certificate_pdf.html", certificate_context(participant))
    return html_to_pdf(html)
