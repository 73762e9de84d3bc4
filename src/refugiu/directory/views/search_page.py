"""The search page: a query, facets, a place to search near (a town, county, postcode or the visitor's
position) and "open now"; the list of hits, their map and the facets' values."""

import math
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.core.middleware import content_security_policy, permissions_policy
from refugiu.directory import details, schedules, search
from refugiu.directory.forms import DEFAULT_RADIUS_KM, RADIUS_KM, SearchForm, position
from refugiu.directory.places.counties import BY_CODE
from refugiu.directory.places.near import HitPlace, Near, Place, PlaceUnknown, place_named, position_place
from refugiu.directory.selectors import facet_labels
from refugiu.directory.views.results import result_hits

PAGE_SIZE = 20


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
    hits = result_hits(result.hits, at=moment)
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
