"""/api/hsds/services: services, summaries in a list (full=true: in full), each in full on its own."""

from typing import Any

from django.http import HttpRequest, HttpResponse

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
    RecordId,
    Search,
    TaxonomyId,
    TermId,
)
from refugiu.directory.api.responses import documented, listing, loader, one, record_or_404
from refugiu.directory.api.selections import selection
from refugiu.directory.hsds.serialise.attributes import AttributeSlots
from refugiu.directory.hsds.serialise.fields import HsdsRecord
from refugiu.directory.hsds.serialise.querysets import service_full_list
from refugiu.directory.hsds.serialise.services import service_serialise
from refugiu.directory.hsds.serialise.summaries import service_summaries
from refugiu.directory.selectors import service_public_list


def _service_in_full(service: Any, attributes: AttributeSlots) -> HsdsRecord:
    return service_serialise(service=service, attributes=attributes)


@router.get(
    "/services",
    summary="Services (service_list.json; full=true: service.json)",
    openapi_extra=documented("service_list", page=True, languages=True, full="service"),
    operation_id=operation_id("services_list"),
)
def services_list(
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
    open_now: OpenNow = False,
):
    localised = Localised.of(request, lang, response)
    selected = selection(
        service_public_list,
        kind="service",
        search=search,
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        modified_after=modified_after,
        organization_id=organization_id,
        open_at=schedules.now() if open_now else None,
    )
    records = loader(service_full_list(), _service_in_full) if full else service_summaries
    return localised.answer(
        listing(selected, page=page, per_page=per_page, format=format, records=localised.records(records))
    )


@router.get(
    "/services/{id}",
    summary="A service in full (service.json)",
    openapi_extra=documented("service", page=False, languages=True),
    operation_id=operation_id("service_detail"),
)
def service_detail(request: HttpRequest, response: HttpResponse, id: RecordId, lang: Lang = None):
    localised = Localised.of(request, lang, response)
    record = one(record_or_404(service_full_list(), id), _service_in_full)
    return localised.answer(localised.record(record))
