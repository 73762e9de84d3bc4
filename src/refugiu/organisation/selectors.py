from refugiu.organisation.models import Organisation


def organisation_current() -> Organisation | None:
    """The organisation this installation belongs to (the first one recorded), with its structure."""
    return (
        Organisation.objects.prefetch_related("values", "objectives", "committee", "departments__staffing")
        .order_by("pk")
        .first()
    )
