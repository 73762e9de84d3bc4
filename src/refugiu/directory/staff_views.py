"""Editors' pages: entries due for re-verification and suggested corrections. Editing itself happens in
the admin (ModelAdmin keeps the search index in step through `organization_saved`)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.directory.models import Organization, Suggestion
from refugiu.directory.services import organization_verify, suggestion_review


# Staff pages a person's roles do not allow answer 404 whatever the method, as if they did not exist
# (accounts.decorators.permission_required_404, outermost: before a method check could answer 405).
@permission_required_404(Permission.DIRECTORY_VERIFY)
def stale_list(request):
    cutoff = timezone.localdate() - timedelta(days=settings.REFUGIU["STALE_AFTER_DAYS"])
    organizations = Organization.objects.filter(
        Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=cutoff)
    ).order_by("last_verified_on", "name")
    return render(request, "directory/staff/stale.html", {"organizations": organizations, "cutoff": cutoff})


@permission_required_404(Permission.DIRECTORY_VERIFY)
@require_POST
def verify(request, organization_id):
    organization = get_object_or_404(Organization, id=organization_id)
    organization_verify(organization=organization, user=request.user)
    messages.success(request, _("Marked as verified today."))
    return HttpResponseRedirect(reverse("directory:staff_stale"))


@permission_required_404(Permission.DIRECTORY_REVIEW_SUGGESTIONS)
def suggestion_list(request):
    suggestions = Suggestion.objects.select_related("organization").filter(status=Suggestion.Status.PENDING)
    return render(request, "directory/staff/suggestions.html", {"suggestions": suggestions})


@permission_required_404(Permission.DIRECTORY_REVIEW_SUGGESTIONS)
@require_POST
def suggestion_review_view(request, suggestion_id):
    suggestion = get_object_or_404(Suggestion, id=suggestion_id, status=Suggestion.Status.PENDING)
    suggestion_review(
        suggestion=suggestion, accepted=request.POST.get("decision") == "accept", user=request.user
    )
    messages.success(request, _("Suggestion reviewed."))
    return HttpResponseRedirect(reverse("directory:staff_suggestions"))
