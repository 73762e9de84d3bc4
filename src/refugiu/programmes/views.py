"""Public pages of the programme: projects, events and publications (published records only)."""

from django.shortcuts import render

from refugiu.programmes import selectors
from refugiu.programmes.views_registration import registration_status


def _with_dates(events):
    events = list(events)
    for event in events:
        event.dates_display = selectors.event_dates_display(event)
    return events


def project_list(request):
    projects = list(selectors.projects_published())
    for project in projects:
        project.period = selectors.project_period_display(project)
    return render(request, "programmes/project_list.html", {"projects": projects})


def project_detail(request, project_id: int):
    project = selectors.project_published_get(project_id)
    project.period = selectors.project_period_display(project)
    partners = list(project.partners.all())
    for partner in partners:
        partner.country_name = selectors.country_name(partner.partner_country)
    context = {
        "project": project,
        "partners": partners,
        "events": _with_dates(project.events.all()),
        "publications": project.publications.all(),
    }
    return render(request, "programmes/project_detail.html", context)


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) == 4 else None


def event_list(request):
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


def event_detail(request, event_id: int):
    event = selectors.event_published_get(event_id)
    event.dates_display = selectors.event_dates_display(event)
    days = list(event.days.all())
    context = {
        "event": event,
        "days": days,
        "country_name": selectors.country_name(event.country.code) if event.country else "",
        "project_public": bool(event.project_id and event.project.is_published),
        # Only events that take registrations say anything about it (not the past events of the record).
        "registration": registration_status(event) if event.registration_open else None,
    }
    return render(request, "programmes/event_detail.html", context)


def publication_list(request):
    publications = list(selectors.publications_published())
    return render(request, "programmes/publication_list.html", {"publications": publications})
