"""An organisation's public page: its contacts, places and hours, and each of its services."""

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from refugiu.directory import details, schedules
from refugiu.directory.models import Location, Organization, Service
from refugiu.directory.selectors import TermName, organization_public_get, terms_for
from refugiu.directory.views.shared import status_badge


def organization_detail(request, organization_id):
    organization = organization_public_get(organization_id=organization_id)
    return render(request, "directory/organization.html", organization_context(organization))


def organization_context(organization: Organization) -> dict:
    at = schedules.now()
    today = timezone.localtime(at).date()
    services = list(organization.services.all())
    locations = list(organization.locations.all())
    terms = terms_for([organization.id, *[s.id for s in services]])
    rules: dict[schedules.Owner, list[schedules.Rule]] = {}
    for location in locations:
        _add_rules(rules, ("location", location.id), location.schedules.all())
    for service in services:
        _add_rules(rules, ("service", service.id), service.schedules.all())
        for sal in service.service_at_locations.all():
            _add_rules(rules, ("service_at_location", sal.id), sal.schedules.all())
            _add_rules(rules, ("location", sal.location_id), sal.location.schedules.all())
    organization_groups = schedules.organization_groups(
        rules, locations=[(location.id, location.is_confidential) for location in locations]
    )
    return {
        "organization": organization,
        "country_name": details.country_name(organization.country),
        "phones": details.phone_views(organization.phones.all()),
        "status": status_badge(organization_groups, at),
        "organization_terms": [t.name for t in terms.get(organization.id, [])],
        "services": [
            _service_item(service, terms.get(service.id, []), rules, at, today) for service in services
        ],
        "locations": [details.location_place(location, today) for location in locations],
        "stale_after_days": settings.REFUGIU["STALE_AFTER_DAYS"],
    }


def _add_rules(rules: dict, owner: schedules.Owner, found) -> None:
    if owner not in rules:
        read = [schedules.rule_from(schedules.schedule_row(schedule)) for schedule in found]
        if read:
            rules[owner] = read


def _service_item(
    service: Service, terms: list[TermName], rules: dict, at: dt.datetime, today: dt.date
) -> dict:
    sals = list(service.service_at_locations.all())
    places = [(sal.id, sal.location_id, sal.location.is_confidential) for sal in sals]
    groups = schedules.service_groups(rules, service_id=service.id, places=places)
    return {
        "service": service,
        "terms": [t.name for t in terms if t.taxonomy not in (details.ACCESS_MODE, details.TARGET_GROUP)],
        "target_groups": [t.name for t in terms if t.taxonomy == details.TARGET_GROUP],
        "access": details.access_words(
            [(t.code, t.name) for t in terms if t.taxonomy == details.ACCESS_MODE],
            virtual=any(sal.location.location_type == Location.Type.VIRTUAL for sal in sals),
        ),
        "status": status_badge(groups, at),
        "hours": schedules.hours_lines(map(schedules.schedule_row, service.schedules.all()), today),
        "hours_known": bool(groups),
        "phones": details.phone_views(service.phones.all()),
        "languages": details.language_names((lang.code, lang.name) for lang in service.languages.all()),
        "ages": details.age_words(service.minimum_age, service.maximum_age),
        "costs": details.cost_words(service.hsds_extra),
        # Each place with the hours of the service there, where they are its own.
        "places": [
            {
                **details.location_place(sal.location, today, hours=not sal.schedules.all()),
                "service_hours": schedules.hours_lines(
                    map(schedules.schedule_row, sal.schedules.all()), today
                ),
            }
            for sal in sals
        ],
    }
