"""Public pages of the referral directory: search, an organisation's page, its referral sheet and the
correction form. Confidential addresses are kept out by the templates' single `location_public` include
and by the search index, which never holds them."""

import datetime as dt
import math
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.core import ratelimit
from refugiu.core.middleware import content_security_policy, permissions_policy
from refugiu.directory import details, schedules, search
from refugiu.directory.forms import DEFAULT_RADIUS_KM, RADIUS_KM, SearchForm, SuggestionForm, position
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
from refugiu.directory.places.counties import BY_CODE
from refugiu.directory.places.near import (
    HitPlace,
    Near,
    Place,
    PlaceUnknown,
    place_named,
    position_place,
)
from refugiu.directory.selectors import (
    TermName,
    facet_labels,
    organization_public_get,
    public_schedules,
    terms_for,
)
from refugiu.directory.services import suggestion_create

PAGE_SIZE = 20
HOURS_ON_A_RESULT = 3


def search_page(request):
    """The search page. It is the directory's busiest page, so the view hands the template plain strings
    and tuples: per hit its link, name, description, term names and what people decide by; per facet value
    its label, count and link. Django's template engine spent most of the page's time resolving
    `hit.record.display_name` and the like, 20 hits and up to 175 facet values a page (BENCHMARKS.md, "The
    search page against the API's search")."""
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = data.get("page") or 1
    filters: dict[str, str] = {name: data[name] for name in search.FACETS if data.get(name)}
    moment = schedules.now()  # what "open now" means on this page
    radius_km = data.get("radius") or DEFAULT_RADIUS_KM
    place, place_problem, at = _place(data)
    if at and request.GET.get("at") != at:
        # A position finer than about 1 km (our script never sends one) is not carried on by this page's
        # links and forms: the same search, with the position rounded.
        rounded = request.GET.copy()
        rounded["at"] = at
        return HttpResponseRedirect(f"{reverse('directory:search')}?{rounded.urlencode()}")
    near = None
    if place is not None:
        county = place.county.code if place.county else ""
        if place.kind == "county":
            # "Near Olt county": its records, nearest to its seat first, then those placed by county alone.
            filters["county"] = county
            near = Near(place.point, None, county=county)
        else:
            near = Near(place.point, radius_km * 1000, county=county)
    result = (
        search.directory_search(
            query=data.get("q") or "",
            filters=filters,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            with_facets=True,
            near=near,
            open_at=moment if data.get("open_now") else None,
        )
        if not place_problem  # a place we cannot find: no list that would look like an answer
        else search.SearchResult(total=0, total_is_capped=False, hits=[])
    )
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    params = request.GET.copy()
    params.pop("page", None)
    base_query = params.urlencode()
    hits = _hits(result.hits, at=moment)
    for hit in hits:
        hit["position"] = result.places.get((hit["kind"], str(hit["id"])))
        hit["place"] = _place_text(hit["position"])
    tiles = settings.REFUGIU["MAP_TILES_URL"]
    response = render(
        request,
        "directory/search.html",
        {
            "form": form,
            "query": data.get("q") or "",
            "near_text": "" if at else (data.get("near") or ""),
            "at": at,
            "place": place,
            "place_said": _place_said(place, radius_km),
            "place_problem": place_problem,
            "radius_km": radius_km,
            "radius_choices": RADIUS_KM,
            "counties": BY_CODE.values(),
            "open_now": bool(data.get("open_now")),
            "result": result,
            "hits": hits,
            "facets": _facets(result.facet_counts, filters, base_query),
            "filters": filters,
            "hidden_filters": {name: value for name, value in filters.items() if name != "county"},
            "county": filters.get("county", ""),
            "page": page,
            "pages": pages,
            "base_query": base_query,
            "map": _map(tiles, place, hits) if tiles and place is not None else None,
        },
    )
    # The position button works on this page only (everywhere else the browser refuses without asking).
    response["Permissions-Policy"] = permissions_policy(allowed=("geolocation",))
    if tiles:
        response["Content-Security-Policy"] = content_security_policy(images_from=(_origin(tiles),))
    return response


def _place(data: dict) -> tuple[Place | None, str, str]:
    """The place the visitor asked about (a town, county or postcode typed; else their position, rounded),
    what went wrong resolving it, and the position as the page's links carry it."""
    home = settings.REFUGIU["HOME_COUNTRY"]
    text = (data.get("near") or "").strip()
    if text:
        try:
            return place_named(text, home_country=home), "", ""
        except PlaceUnknown as unknown:
            if unknown.postcode:
                problem = _(
                    "Postcode not known: no address in the directory has the postcode “%(postcode)s” with a "
                    "position, and this site has no list of postcodes. Try the town's name."
                ) % {"postcode": text}
            else:
                problem = _(
                    "We do not know a place called “%(place)s”. Try the name of a town, a county of Romania, "
                    "or a postcode."
                ) % {"place": text}
            return None, problem, ""
    at = position(data.get("at") or "")
    if at is None:
        return None, "", ""
    latitude, longitude = at
    return position_place(latitude, longitude, home_country=home), "", f"{latitude:.2f},{longitude:.2f}"


def _place_said(place: Place | None, radius_km: int) -> str:
    if place is None:
        return ""
    county = place.county.name if place.county else ""
    if place.kind == "county":
        return _("In %(county)s county, nearest to %(seat)s first.") % {
            "county": county,
            "seat": place.county.seat if place.county else "",
        }
    if place.kind == "position":
        return _("Within %(km)s km of your position (rounded to about 1 km), nearest first.") % {
            "km": radius_km
        }
    if place.kind == "postcode":
        return _("Within %(km)s km of postcode %(postcode)s, nearest first.") % {
            "km": radius_km,
            "postcode": place.name,
        }
    where = ", ".join(
        part
        for part in (place.name, county, details.country_name(place.country) if place.country else "")
        if part
    )
    return _("Within %(km)s km of %(place)s, nearest first.") % {"km": radius_km, "place": where}


def _distance(metres: float) -> str:
    """ "3.2 km", "12 km", "0.4 km", in the visitor's language's numbers."""
    km = metres / 1000
    return f"{number_format(km, 1 if km < 10 else 0)} km"


def _place_text(place: HitPlace | None) -> str:
    """What a hit says of its distance: "3.2 km"; "in Iași, about 3 km" for a town's centre standing in
    for an address without coordinates; its county when it has no position at all."""
    if place is None:
        return ""
    if place.distance_m is None:
        county = BY_CODE.get(place.county)
        return _("%(county)s county; no address to measure from") % {"county": county.name} if county else ""
    if place.approximate:
        km = round(place.distance_m / 1000)
        if km < 1:
            return _("in %(town)s") % {"town": place.town}
        return _("in %(town)s, about %(km)s km") % {"town": place.town, "km": number_format(km, 0)}
    return _distance(place.distance_m)


def _origin(url: str) -> str:
    """A tile URL template's origin, for the page's Content-Security-Policy."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}" if scheme in ("https", "http") and host else "'none'"


def _map(tiles: str, place: Place, hits: list[dict]) -> dict:
    """What the page's map script draws: the tiles, the centre, and the page's hits that have a position
    (a town's centre for those placed approximately), as JSON the template puts in a data block."""
    points = [
        {
            "name": hit["name"],
            "url": hit["url"],
            "latitude": hit["position"].latitude,
            "longitude": hit["position"].longitude,
            "approximate": hit["position"].approximate,
            "label": hit["place"],
        }
        for hit in hits
        if hit["position"] is not None and hit["position"].latitude is not None
    ]
    return {
        "tiles": tiles,
        "attribution": settings.REFUGIU["MAP_TILES_ATTRIBUTION"],
        "data": {"centre": [place.point.latitude, place.point.longitude], "points": points},
    }


def _hits(ranked: list[tuple[str, str]], *, at: dt.datetime) -> list[dict]:
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
        hit["status"] = _status(groups, at)
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


def _status(groups: list[schedules.Group], at: dt.datetime) -> dict:
    """A record's state at `at` for a badge: its words ("Open now", "Closed · opens Tuesday 09:00"; none
    when its schedules cannot tell) and whether open (the words say it; the class only styles it)."""
    answer = schedules.status(groups, at)
    return {"words": schedules.status_words(answer, at=at), "open": answer.open}


FACET_VALUES_SHOWN = 25


def _facets(facet_counts: dict, filters: dict, base_query: str) -> list[dict]:
    """Each facet with values: its name, title, and up to FACET_VALUES_SHOWN values as (label, count,
    link, selected), most frequent first."""
    labels = facet_labels()
    facets = []
    for name in search.FACETS:
        # Every county (42 at most), not only the first FACET_VALUES_SHOWN.
        values = facet_counts.get(name, [])[: None if name == "county" else FACET_VALUES_SHOWN]
        if not values:
            continue
        names = labels.get(name, {})
        selected = filters.get(name, "")
        facets.append(
            {
                "name": name,
                "label": FACET_TITLES[name],
                "values": [
                    (
                        names[value] if value in names else _value_label(name, value),
                        count,
                        f"?{base_query}&{name}={quote(value)}",
                        value == selected,
                    )
                    for value, count in values
                ],
            }
        )
    return facets


FACET_TITLES = {
    "country": gettext_lazy("Country"),
    "county": gettext_lazy("County (Romania)"),
    "city": gettext_lazy("City or region"),
    "institution_type": gettext_lazy("Institution type"),
    "service_type": gettext_lazy("Service type"),
    "target_group": gettext_lazy("Who it helps"),
    "crime_type": gettext_lazy("Crime type"),
    "language": gettext_lazy("Language"),
}


def _value_label(facet: str, value: str) -> str:
    """The label of a facet value that is no taxonomy term: a country's name, else the value itself."""
    if facet == "county":
        return BY_CODE[value].name if value in BY_CODE else value
    return details.country_name(value) if facet == "country" else value


def organization_detail(request, organization_id):
    organization = organization_public_get(organization_id=organization_id)
    return render(request, "directory/organization.html", _organization_context(organization))


def referral_sheet(request, organization_id):
    """A one-page printable summary of an organisation's public contact data, to hand to a person: its
    phones and hours, and a QR code of its page, drawn here (no request leaves for another site)."""
    organization = organization_public_get(organization_id=organization_id)
    context = _organization_context(organization)
    url = public_url(reverse("directory:organization", args=[organization.id]))
    context |= {
        "public_url": url,
        "qr_code": qr_svg(url, title=_("QR code of this entry's page: %s") % url),
        "printed": True,  # read later: its hours, not whether open at the moment it was printed
    }
    return render(request, "directory/referral_sheet.html", context)


def public_url(path: str) -> str:
    """The address of a page as people reach it from outside (settings.REFUGIU["SITE_URL"])."""
    return settings.REFUGIU["SITE_URL"].rstrip("/") + path


def qr_svg(text: str, *, title: str) -> SafeString:
    """A QR code of `text` as inline SVG (segno), with its title for screen readers."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=3, border=2, title=title, svgclass="qr-code", lineclass=None, omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's SVG; the title is escaped by segno


def _organization_context(organization: Organization) -> dict:
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
        "status": _status(organization_groups, at),
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
        "status": _status(groups, at),
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


def suggest_correction(request, organization_id):
    organization = organization_public_get(organization_id=organization_id)
    form = SuggestionForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        # Limited per address and per contact e-mail typed (core.ratelimit); what was typed stays.
        if not ratelimit.within_limits(request, "suggestion", email=form.cleaned_data["contact_email"]):
            form.add_error(
                None,
                _(
                    "Too many suggestions have been sent from your connection or with this e-mail address. "
                    "Nothing was saved. Please try again later."
                ),
            )
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            suggestion_create(
                organization=organization,
                text=form.cleaned_data["text"],
                contact_email=form.cleaned_data["contact_email"],
            )
            messages.success(request, _("Thank you. An editor will review your suggestion."))
            return HttpResponseRedirect(reverse("directory:organization", args=[organization.id]))
    return render(
        request, "directory/suggest.html", {"organization": organization, "form": form}, status=status
    )
