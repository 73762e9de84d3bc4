"""/api/hsds/service_at_locations: where services are given, summaries in a list (full=true: in full),
each in full on its own; ranked, in a search, by their service."""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja.errors import ValidationError

from refugiu.directory import schedules
from refugiu.directory.api.common import DEFAULT_PER_PAGE, operation_id, router
from refugiu.directory.api.languages import Localised
from refugiu.directory.api.parameters import (
    Format,
    Full,
    Lang,
    ModifiedAfter,
    OpenNow,
    OrganizationId,
    Page,
    PerPage,
    Postcode,
    Proximity,
    RecordId,
    Search,
    TaxonomyId,
    TermId,
)
from refugiu.directory.api.responses import (
    Serialise,
    documented,
    listing,
    loader,
    one,
    record_or_404,
)
from refugiu.directory.api.selections import Nearest, Ordered, Ranked, Selection, tagged
from refugiu.directory.hsds.serialise.querysets import service_at_location_full_list
from refugiu.directory.hsds.serialise.services import service_at_location_serialise
from refugiu.directory.hsds.serialise.summaries import service_at_location_summaries
from refugiu.directory.open_now import open_records
from refugiu.directory.places.near import Near, PlaceUnknown, postcode_place
from refugiu.directory.selectors import service_at_location_public_list


def _service_at_location_item(full: bool) -> Serialise:
    return lambda sal, attributes: service_at_location_serialise(
        service_at_location=sal, attributes=attributes, summary=not full
    )


@router.get(
    "/service_at_locations",
    summary="Services at locations (service_at_location_list.json; full=true: service_at_location.json)",
    openapi_extra=documented(
        "service_at_location_list", page=True, languages=True, full="service_at_location"
    ),
    operation_id=operation_id("service_at_locations_list"),
)
def service_at_locations_list(
    request: HttpRequest,
    response: HttpResponse,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    organization_id: OrganizationId = None,
    modified_after: ModifiedAfter = None,
    full: Full = False,
    lang: Lang = None,
    postcode: Postcode = None,
    proximity: Proximity = None,
    open_now: OpenNow = False,
):
    localised = Localised.of(request, lang, response)
    near = _near(postcode, proximity)
    narrowed = bool(taxonomy_term_id or taxonomy_id or modified_after or organization_id or open_now)
    selected: Selection
    if near is not None and not narrowed:
        # Nothing but the distance: no queryset to build (its filters cost about 0.2 ms).
        selected = Nearest(None, near, search)
    else:
        queryset = _filtered(
            taxonomy_term_id=taxonomy_term_id,
            taxonomy_id=taxonomy_id,
            modified_after=modified_after,
            organization_id=organization_id,
            open_now=open_now,
        )
        if near is not None:
            selected = Nearest(queryset, near, search)
        elif search and search.strip():
            selected = Ranked(
                queryset,
                kind="service",
                query=search,
                organization_id=organization_id,
                narrowed=True,
                key="service_id",
            )
        else:
            selected = Ordered(queryset.order_by("service__name", "service_id", "location__name", "id"))
    # Summaries from plain rows (hsds.serialise.summaries), as the services' pages: building model
    # instances for them cost more than their SQL.
    records = (
        loader(service_at_location_full_list(), _service_at_location_item(True))
        if full
        else service_at_location_summaries
    )
    return localised.answer(
        listing(selected, page=page, per_page=per_page, format=format, records=localised.records(records))
    )


@router.get(
    "/service_at_locations/{id}",
    summary="A service at a location in full (service_at_location.json)",
    openapi_extra=documented("service_at_location", page=False, languages=True),
    operation_id=operation_id("service_at_location_detail"),
)
def service_at_location_detail(request: HttpRequest, response: HttpResponse, id: RecordId, lang: Lang = None):
    localised = Localised.of(request, lang, response)
    record = one(record_or_404(service_at_location_full_list(), id), _service_at_location_item(True))
    return localised.answer(localised.record(record))


def _filtered(*, taxonomy_term_id, taxonomy_id, modified_after, organization_id, open_now) -> QuerySet:
    """The public services at locations these filters keep."""
    queryset = tagged(
        service_at_location_public_list(),
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        keys=("id", "service_id"),
    )
    if modified_after:
        queryset = queryset.filter(
            Q(last_modified__gte=modified_after) | Q(service__last_modified__gte=modified_after)
        )
    if organization_id:
        queryset = queryset.filter(service__organization_id=organization_id)
    if open_now:  # each place by its own schedules, else its service's, else its location's
        queryset = queryset.filter(id__in=open_records(schedules.now()))
    return queryset


def _near(postcode: str | None, proximity: float | None) -> Near | None:
    """HSDS's postcode and proximity as a place to measure from; a postcode this directory cannot place,
    or a proximity without a postcode, answer 400 naming the parameter."""
    if postcode is None:
        if proximity is not None:
            raise ValidationError(
                [{"loc": ("query", "proximity"), "msg": "needs a postcode to measure from"}]
            )
        return None
    try:
        place = postcode_place(postcode, home_country=settings.REFUGIU["HOME_COUNTRY"])
    except PlaceUnknown:
        raise ValidationError(
            [
                {
                    "loc": ("query", "postcode"),
                    "msg": (
                        "postcode not known: no public address in this directory has this postal code and "
                        "coordinates, and no other postcode data is used"
                    ),
                }
            ]
        ) from None
    return Near(place.point, proximity)
