"""Public pages of the programme: projects, events and publications (published records only, `access`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from refugiu.programmes import access, selectors
from refugiu.programmes.calendar import event_ics
from refugiu.programmes.models import Event
from refugiu.programmes.views.registration import registration_status
from refugiu.programmes.views.shown import EventShown, ProjectPartnerShown, ProjectShown


def _with_dates(events: Iterable[Event]) -> list[EventShown]:
    return [EventShown(event, selectors.event_dates_display(event)) for event in events]


def project_list(request: HttpRequest) -> HttpResponse:
    projects = [
        ProjectShown(project, selectors.project_period_display(project))
        for project in selectors.projects_published()
    ]
    return render(request, "programmes/project_list.html", {"projects": projects})


def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_published_get(project_id)
    period = selectors.project_period_display(project)
    partners = [
        ProjectPartnerShown(partner, selectors.country_name(partner.partner_country))
        for partner in project.partners.all()
    ]
    context = {
        "project": project,
        "period": period,
        "partners": partners,
        "events": _with_dates(project.events.all()),
        "publications": project.publications.all(),
    }
    return render(request, "programmes/project_detail.html", context)


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) == 4 else None


def event_list(request: HttpRequest) -> HttpResponse:
    years = selectors.event_years()
    types = selectors.event_types()
    year = _year(request.GET.get("year", ""))
    type_ = request.GET.get("type", "")
    if type_ not in {value for value, _label in types}:
        type_ = ""
    context = {
        "events": _with_dates(selectors.events_published(year=year, type=type_)),
        "years": years,
        "types": types,
        "year": year,
        "type": type_,
    }
    return render(request, "programmes/event_list.html", context)


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_published_get(event_id)
    dates_display = selectors.event_dates_display(event)
    days = list(event.days.all())
    context = {
        "event": event,
        "dates_display": dates_display,
        "days": days,
        "country_name": selectors.country_name(event.country.code) if event.country else "",
        "project_public": bool(event.project_id and access.is_public(event.project)),
        # Only events that take registrations say anything about it (not the past events of the record).
        "registration": registration_status(event) if event.registration_open else None,
    }
    return render(request, "programmes/event_detail.html", context)


def event_calendar(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's days as a calendar file to download ("Add to calendar"); 404 for an event without days."""
    event = selectors.event_published_get(event_id)
    if not event.days.all():
        raise Http404
    response = HttpResponse(event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def publication_list(request: HttpRequest) -> HttpResponse:
    publications = list(selectors.publications_published())
    return render(request, "programmes/publication_list.html", {"publications": publications})
