"""What the forms read: the querysets of public records (`*_full_list`, `*_summary_list`), built on the
public selectors, prefetching everything the forms read, so a batch of records costs the same number of
queries whatever its size; and `prefetched`, the one way a form reads a related record. Rows tied to a
confidential location are left out here (`_away_from_confidential`), not by the forms."""

from django.db.models import Model, Prefetch, QuerySet

from refugiu.directory import models as d
from refugiu.directory.selectors import (
    organization_public_list,
    service_at_location_public_list,
    service_public_list,
)


def prefetched(record: Model, relation: str) -> list:
    """The rows of `relation` that this module's querysets prefetched. Nothing else is read: a row
    they leave out (a confidential location's phone) cannot be reached by a lazy query, and a
    queryset that forgot a prefetch fails here instead of running one query per record."""
    try:
        return getattr(record, "public_" + relation)
    except AttributeError:
        raise RuntimeError(
            f"{type(record).__name__}.{relation} was not prefetched (see *_full_list)"
        ) from None


def _public(lookup: str, queryset: QuerySet) -> Prefetch:
    """Prefetch into a plain list, `public_<relation>`, which is all `prefetched` reads.

    A list rather than the related manager's cache: Django would otherwise build a queryset per
    record prefetched, which costs more than the queries themselves in an export.
    """
    return Prefetch(lookup, queryset=queryset, to_attr="public_" + lookup.rsplit("__", 1)[-1])


def _away_from_confidential(queryset: QuerySet, *paths: str) -> QuerySet:
    """Leave out every row linked, through any of these paths, to a confidential location."""
    for path in paths:
        queryset = queryset.exclude(**{f"{path}__is_confidential": True})
    return queryset


def _language_rows() -> QuerySet[d.Language]:
    return _away_from_confidential(d.Language.objects.all(), "location", "phone__location").order_by("id")


def _phone_rows() -> QuerySet[d.Phone]:
    return (
        _away_from_confidential(
            d.Phone.objects.all(),
            "location",
            "service_at_location__location",
            "contact__location",
            "contact__service_at_location__location",
        )
        .prefetch_related(_public("languages", _language_rows()))
        .order_by("id")
    )


def _contact_rows() -> QuerySet[d.Contact]:
    return (
        _away_from_confidential(d.Contact.objects.all(), "location", "service_at_location__location")
        .prefetch_related(_public("phones", _phone_rows()))
        .order_by("id")
    )


def _schedule_rows() -> QuerySet[d.Schedule]:
    return _away_from_confidential(
        d.Schedule.objects.all(), "location", "service_at_location__location"
    ).order_by("id")


def _location_prefetches(prefix: str) -> list[Prefetch]:
    return [
        _public(
            f"{prefix}addresses",
            d.Address.objects.filter(location__is_confidential=False).order_by("id"),
        ),
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}schedules", _schedule_rows()),
        _public(f"{prefix}languages", _language_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
    ]


def _location_rows() -> QuerySet[d.Location]:
    return (
        d.Location.objects.select_related("organization")
        .prefetch_related(*_location_prefetches(""))
        .order_by("name", "id")
    )


def _service_at_location_rows() -> QuerySet[d.ServiceAtLocation]:
    return (
        d.ServiceAtLocation.objects.select_related("location__organization")
        .prefetch_related(
            _public("phones", _phone_rows()),
            _public("schedules", _schedule_rows()),
            _public("contacts", _contact_rows()),
            *_location_prefetches("location__"),
        )
        .order_by("id")
    )


def _organization_prefetches(prefix: str, *, services: bool) -> list[Prefetch]:
    prefetches = [
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
        _public(f"{prefix}locations", _location_rows()),
    ]
    if services:
        services_queryset = (
            service_public_list()
            .prefetch_related(*_service_prefetches("", organization=False, service_at_locations=True))
            .order_by("name", "id")
        )
        prefetches.append(_public(f"{prefix}services", services_queryset))
    return prefetches


def _service_prefetches(prefix: str, *, organization: bool, service_at_locations: bool) -> list[Prefetch]:
    prefetches = [
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}schedules", _schedule_rows()),
        _public(f"{prefix}service_areas", d.ServiceArea.objects.order_by("id")),
        _public(f"{prefix}languages", _language_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
    ]
    if service_at_locations:
        prefetches.append(_public(f"{prefix}service_at_locations", _service_at_location_rows()))
    if organization:
        prefetches += _organization_prefetches(f"{prefix}organization__", services=False)
    return prefetches


def organization_full_list() -> QuerySet[d.Organization]:
    """Published organisations with everything `organization_serialise` reads."""
    return (
        organization_public_list()
        .select_related("parent_organization")
        .prefetch_related(*_organization_prefetches("", services=True))
    )


def organization_summary_list() -> QuerySet[d.Organization]:
    return organization_public_list().select_related("parent_organization")


def service_full_list() -> QuerySet[d.Service]:
    """Published services with everything `service_serialise` reads."""
    return (
        service_public_list()
        .select_related("organization__parent_organization")
        .prefetch_related(*_service_prefetches("", organization=True, service_at_locations=True))
    )


def service_summary_list() -> QuerySet[d.Service]:
    return service_public_list().select_related("organization__parent_organization")


def service_at_location_full_list() -> QuerySet[d.ServiceAtLocation]:
    """Public services at locations with everything `service_at_location_serialise` reads."""
    return (
        service_at_location_public_list()
        .select_related("location__organization", "service__organization__parent_organization")
        .prefetch_related(
            _public("phones", _phone_rows()),
            _public("schedules", _schedule_rows()),
            _public("contacts", _contact_rows()),
            *_location_prefetches("location__"),
            *_service_prefetches("service__", organization=True, service_at_locations=False),
        )
    )


def service_at_location_summary_list() -> QuerySet[d.ServiceAtLocation]:
    return service_at_location_public_list().select_related(
        "location__organization", "service__organization__parent_organization"
    )


def taxonomy_term_list() -> QuerySet[d.TaxonomyTerm]:
    return d.TaxonomyTerm.objects.select_related("taxonomy_ref")
