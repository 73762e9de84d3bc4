from refugiu.organisation.models import NGO


def organisation_current() -> NGO | None:
    """The organisation this installation belongs to (the first one recorded), with its structure."""
    return (
        NGO.objects.prefetch_related("values", "objectives", "committee", "departments__staffing")
        .order_by("pk")
        .first()
    )
