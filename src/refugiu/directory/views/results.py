"""What each hit of the search page shows: its link, name and description in the visitor's language, and
what people decide by (town, phones, hours, languages, who it is for, fees, how to get it, accessibility,
last verified), read for a page of hits in a fixed number of queries."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from refugiu.directory import details, schedules
from refugiu.directory.models import (
    Language,
    Location,
    Organization,
    Phone,
    SearchEntry,
    Service,
    ServiceAtLocation,
    display_language,
    translated_text,
)
from refugiu.directory.selectors import public_schedules, terms_for
from refugiu.directory.views.shared import status_badge

HOURS_ON_A_RESULT = 3


def result_hits(ranked: list[tuple[str, str]], *, at: dt.datetime) -> list[dict]:
    """The page's hits in rank order, each a dict of what the template shows: link, name, description,
    term names, and for a service its organisation's name, in the visitor's language; and what people
    decide by (`_decide_by`). Read as plain rows; records gone since the search are left out."""
    language = display_language()
    organization, service = SearchEntry.Kind.ORGANIZATION, SearchEntry.Kind.SERVICE
    records = {}
    ids = [i for kind, i in ranked if kind == organization]
    rows = Organization.objects.filter(id__in=ids).values_list(
        "id", "name", "description", "language", "translations", "email", "last_verified_on"
    )
    for record_id, name, description, record_language, translations, email, verified in rows:
        records[organization, str(record_id)] = {
            "kind": organization,
            "id": record_id,
            "organization_id": record_id,
            "url": reverse("directory:organization", args=[record_id]),
            "name": translated_text(name, record_language, translations, "name", language),
            "description": translated_text(
                description, record_language, translations, "description", language
            ),
            "email": email,
            "verified": verified,
        }
    ids = [i for kind, i in ranked if kind == service]
    service_rows = Service.objects.filter(id__in=ids).values_list(
        "id", "name", "description", "language", "translations",
        "organization_id", "organization__name", "organization__language", "organization__translations",
        "email", "organization__email", "last_verified_on", "organization__last_verified_on",
        "eligibility_description", "minimum_age", "maximum_age", "fees_description", "hsds_extra",
    )  # fmt: skip
    for row in service_rows:
        record_id, name, description, record_language, translations = row[:5]
        organization_id, organization_name, organization_language, organization_translations = row[5:9]
        email, organization_email, verified, organization_verified = row[9:13]
        eligibility, minimum_age, maximum_age, fees, extra = row[13:]
        records[service, str(record_id)] = {
            "kind": service,
            "id": record_id,
            "organization_id": organization_id,
            "url": f"{reverse('directory:organization', args=[organization_id])}#service-{record_id}",
            "name": translated_text(name, record_language, translations, "name", language),
            "description": translated_text(
                description, record_language, translations, "description", language
            ),
            "organization_name": translated_text(
                organization_name, organization_language, organization_translations, "name", language
            ),
            "email": email or organization_email,
            "verified": verified or organization_verified,
            "eligibility": translated_text(
                eligibility, record_language, translations, "eligibility_description", language
            ),
            "ages": details.age_words(minimum_age, maximum_age),
            "fees": [text for text in (fees, *details.cost_words(extra)) if text],
        }
    hits = [records[hit] for hit in ranked if hit in records]
    _decide_by(hits, at=at)
    return hits


def _decide_by(hits: list[dict], *, at: dt.datetime) -> None:
    """Adds to each hit its state at `at` ("status") and what people decide by ("facts": label and
    markup): town, phones, e-mail, hours, languages, who it is for, fees, how to get it, accessibility,
    last verified. A fixed number of queries whatever the number of hits, each by an index; the markup
    is made here, once, rather than by the template for every hit."""
    service_kind = SearchEntry.Kind.SERVICE
    service_ids = [hit["id"] for hit in hits if hit["kind"] == service_kind]
    organization_ids = [hit["id"] for hit in hits if hit["kind"] != service_kind]
    owners = {hit["organization_id"] for hit in hits}
    terms = terms_for([hit["id"] for hit in hits])
    places: dict[Any, list[tuple[Any, Any, bool]]] = {}  # service id -> (service at location, location, …)
    place_rows = ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "id", "location_id", "location__is_confidential"
    )
    for service_id, sal_id, location_id, confidential in place_rows:
        places.setdefault(service_id, []).append((sal_id, location_id, confidential))
    place_locations = [location_id for found in places.values() for _s, location_id, _c in found]
    locations: dict[Any, dict] = {}
    for location_id, organization_id, confidential, front_door, kind, extra, city in (
        Location.objects.filter(Q(organization_id__in=organization_ids) | Q(id__in=place_locations))
        .order_by("id")
        .values_list(
            "id", "organization_id", "is_confidential", "front_door_area", "location_type", "hsds_extra",
            "addresses__city",
        )
    ):  # fmt: skip
        location = locations.get(location_id)
        if location is None:
            location = locations[location_id] = {
                "organization_id": organization_id,
                "confidential": confidential,
                "towns": [front_door] if confidential and front_door else [],
                "virtual": kind == Location.Type.VIRTUAL,
                "accessibility": [] if confidential else details.accessibility_words(extra),
            }
        if city and not confidential and city not in location["towns"]:
            location["towns"].append(city)
    schedule_rows = public_schedules().filter(
        Q(service_id__in=service_ids)
        | Q(service_at_location_id__in=[sal for found in places.values() for sal, _l, _c in found])
        | Q(location_id__in=list(locations))
    )
    rules = schedules.rules_by_owner(
        schedule_rows.values(
            "service_id", "location_id", "service_at_location_id", *schedules.SCHEDULE_FIELDS
        )
    )
    phones: dict[Any, list[details.PhoneView]] = {}
    for owner_service, owner_organization, number, extension, kind, description in (
        Phone.objects.filter(Q(service_id__in=service_ids) | Q(organization_id__in=owners))
        .exclude(location__is_confidential=True)
        .exclude(service_at_location__location__is_confidential=True)
        .order_by("id")
        .values_list("service_id", "organization_id", "number", "extension", "type", "description")
    ):
        view = details.phone_view(number=number, extension=extension, type=kind, description=description)
        for owner in (owner_service, owner_organization):
            if owner is not None:
                phones.setdefault(owner, []).append(view)
    spoken: dict[Any, list[tuple[str, str]]] = {}
    for service_id, organization_id, code, name in Language.objects.filter(
        Q(service_id__in=service_ids) | Q(service__organization_id__in=organization_ids)
    ).values_list("service_id", "service__organization_id", "code", "name"):
        spoken.setdefault(service_id, []).append((code, name))
        spoken.setdefault(organization_id, []).append((code, name))
    today = timezone.localtime(at).date()
    labels = _fact_labels()
    for hit in hits:
        hit_terms = terms.get(hit["id"], [])
        hit["terms"] = [
            t.name for t in hit_terms if t.taxonomy not in (details.ACCESS_MODE, details.TARGET_GROUP)
        ]
        if hit["kind"] == service_kind:
            own_places = places.get(hit["id"], [])
            where = [
                locations[location_id] for _sal, location_id, _c in own_places if location_id in locations
            ]
            groups = schedules.service_groups(rules, service_id=hit["id"], places=own_places)
            hit_phones = phones.get(hit["id"]) or phones.get(hit["organization_id"], [])
        else:
            where = [place for place in locations.values() if place["organization_id"] == hit["id"]]
            groups = schedules.organization_groups(
                rules,
                locations=[(i, place["confidential"]) for i, place in locations.items()
                           if place["organization_id"] == hit["id"]],
            )  # fmt: skip
            hit_phones = phones.get(hit["id"], [])
        hit["status"] = status_badge(groups, at)
        hours = [line.words for group in groups for line in _group_lines(group, today) if line.words]
        facts: list[tuple[str, SafeString]] = []
        _fact(
            facts,
            labels["town"],
            ", ".join(dict.fromkeys(town for place in where for town in place["towns"])),
        )
        facts += [(phone.label, phone.html) for phone in hit_phones]
        if hit.get("email"):
            _fact(facts, labels["email"], format_html('<a href="mailto:{0}">{0}</a>', hit["email"]))
        if hours:
            lines = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in hours[:HOURS_ON_A_RESULT]))
            _fact(facts, labels["hours"], lines)
        elif not hit["status"]["words"]:
            _fact(facts, labels["hours"], labels["hours not known"])
        _fact(facts, labels["languages"], details.language_names(spoken.get(hit["id"], [])))
        _fact(facts, labels["for"], [t.name for t in hit_terms if t.taxonomy == details.TARGET_GROUP])
        eligibility = " ".join(
            text
            for text in (Truncator(hit.get("eligibility") or "").words(30), hit.get("ages") or "")
            if text
        )
        _fact(facts, labels["who"], eligibility)
        _fact(facts, labels["fees"], hit.get("fees") or [], joined="; ")
        access = details.access_words(
            [(t.code, t.name) for t in hit_terms if t.taxonomy == details.ACCESS_MODE],
            virtual=hit["kind"] == service_kind and any(place["virtual"] for place in where),
        )
        _fact(facts, labels["access"], access)
        accessibility = " ".join(text for place in where for text in place["accessibility"])
        _fact(facts, labels["accessibility"], Truncator(accessibility).words(30))
        verified = hit.get("verified")
        _fact(
            facts,
            labels["verified"],
            formats.date_format(verified, "j F Y") if verified else labels["not yet"],
        )
        hit["facts"] = facts


def _fact(facts: list[tuple[str, SafeString]], label: str, value: Any, *, joined: str = ", ") -> None:
    """Adds (label, markup) to `facts` when there is something to say: text is escaped, lists joined."""
    if isinstance(value, list):
        value = joined.join(str(item) for item in value)
    if value:
        facts.append((label, value if isinstance(value, SafeString) else escape(value)))


def _fact_labels() -> dict[str, str]:
    """The labels of a hit's facts in the visitor's language, translated once a page."""
    return {
        "town": _("Town"),
        "email": _("Email"),
        "hours": _("Hours"),
        "hours not known": _("Hours not known"),
        "languages": _("Languages"),
        "for": _("For"),
        "who": _("Who can use it"),
        "fees": _("Fees"),
        "access": _("How to get it"),
        "accessibility": _("Accessibility"),
        "verified": _("Last verified"),
        "not yet": _("not yet"),
    }


def _group_lines(group: schedules.Group, today: dt.date) -> list[schedules.HoursLine]:
    current = [rule for rule in group.rules if rule.kind is schedules.Kind.UNREADABLE or rule.last >= today]
    return [schedules.HoursLine(schedules.rule_words(rule, today), rule.description) for rule in current]
