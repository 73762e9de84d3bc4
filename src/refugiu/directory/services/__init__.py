"""Writes to the directory. Each is atomic and keeps the search index in step with what it changed."""

from django.db import transaction
from django.utils import timezone

from refugiu.directory.models import Organization, Suggestion
from refugiu.directory.search import search_reindex_organizations


def suggestion_create(*, organization: Organization, text: str, contact_email: str = "") -> Suggestion:
    return Suggestion.objects.create(
        organization=organization, text=text.strip(), contact_email=contact_email
    )


@transaction.atomic
def suggestion_review(*, suggestion: Suggestion, accepted: bool, user) -> Suggestion:
    """Record an editor's decision. Accepting does not edit the entry: the editor makes the change."""
    suggestion.status = Suggestion.Status.ACCEPTED if accepted else Suggestion.Status.REJECTED
    suggestion.reviewed_at = timezone.now()
    suggestion.reviewed_by = user
    suggestion.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return suggestion


@transaction.atomic
def organization_verify(*, organization: Organization, user) -> Organization:
    """Record that an editor checked the organisation and its services today."""
    today = timezone.localdate()
    organization.last_verified_on = today
    organization.last_verified_by = user
    organization.save(update_fields=["last_verified_on", "last_verified_by"])
    organization.services.update(last_verified_on=today, last_verified_by=user)
    return organization


def organization_saved(*, organization_ids) -> None:
    """Call after any edit of organisations or anything under them: refreshes their search entries."""
    ids = list(organization_ids)
    Organization.objects.filter(id__in=ids).update(last_modified=timezone.now())
    transaction.on_commit(lambda: search_reindex_organizations(ids))
