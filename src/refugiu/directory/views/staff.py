"""Editors' pages: entries due for re-verification, suggested corrections, the changes organisations'
representatives propose, and the representatives themselves. Editing itself happens in the admin
(ModelAdmin keeps the search index in step through `organization_saved`)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.accounts.services import AccountError
from refugiu.directory.change_forms import InviteForm, OrganizationFinderForm, ReviewForm
from refugiu.directory.changes import change_diff, live_values
from refugiu.directory.models import Organization, OrganizationRepresentative, ProposedChange, Suggestion
from refugiu.directory.services import organization_verify, suggestion_review
from refugiu.directory.services.changes import ChangeError, change_approve, change_reject
from refugiu.directory.services.representatives import representative_invite, representative_remove


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


# Changes proposed by organisations' representatives ------------------------------------------------------


@permission_required_404(Permission.DIRECTORY_REVIEW_CHANGES)
def change_list(request: SignedInRequest) -> HttpResponse:
    """Every change waiting for review, oldest first, each with its field-by-field diff and the fields
    changed by someone else since it was proposed."""
    pending = ProposedChange.objects.filter(status=ProposedChange.Status.PENDING).select_related(
        "organization", "service", "proposed_by"
    )
    changes = []
    for change in pending:
        live = live_values(change)
        diff = change_diff(change, live)
        changes.append(
            {
                "change": change,
                "diff": diff,
                "gone": live is None,
                "stale": any(row.stale for row in diff),
                "form": ReviewForm(prefix=f"change-{change.pk}"),
            }
        )
    return render(request, "directory/staff/changes.html", {"changes": changes})


@permission_required_404(Permission.DIRECTORY_REVIEW_CHANGES)
@require_POST
def change_review(request: SignedInRequest, change_id: int) -> HttpResponse:
    change = get_object_or_404(ProposedChange, pk=change_id)
    form = ReviewForm(request.POST, prefix=f"change-{change.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return HttpResponseRedirect(reverse("directory:staff_changes"))
    try:
        if form.cleaned_data["decision"] == "approve":
            change_approve(
                actor=request.user,
                request=request,
                change=change,
                overwrite_stale=form.cleaned_data["overwrite_stale"],
            )
            messages.success(request, _("The change was applied, and the entry marked as verified today."))
        else:
            change_reject(
                actor=request.user, request=request, change=change, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The change was rejected; the representative sees your reason."))
    except ChangeError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("directory:staff_changes"))


# Organisations' representatives ----------------------------------------------------------------------------

FINDER_LIMIT = 20


@permission_required_404(Permission.DIRECTORY_REPRESENTATIVES_MANAGE)
def representative_list(request: SignedInRequest) -> HttpResponse:
    """Everyone who keeps an organisation's entry, and a search for the organisation to invite someone to."""
    finder = OrganizationFinderForm(request.GET or None)
    found = None
    if finder.is_valid() and finder.cleaned_data["q"]:
        query = finder.cleaned_data["q"]
        found = Organization.objects.filter(
            Q(name__icontains=query) | Q(alternate_name__icontains=query)
        ).order_by("name")[:FINDER_LIMIT]
    links = OrganizationRepresentative.objects.select_related("organization", "user").order_by(
        "organization__name", "added_at"
    )
    return render(
        request, "directory/staff/representatives.html", {"finder": finder, "found": found, "links": links}
    )


@permission_required_404(Permission.DIRECTORY_REPRESENTATIVES_MANAGE)
def organization_representatives(request: SignedInRequest, organization_id: uuid.UUID) -> HttpResponse:
    """An organisation's representatives, and the form inviting one (or inviting someone again)."""
    organization = get_object_or_404(Organization, pk=organization_id)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                _link, added = representative_invite(
                    actor=request.user,
                    request=request,
                    organization=organization,
                    email=form.cleaned_data["email"],
                    display_name=form.cleaned_data["display_name"],
                )
            except AccountError as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request,
                    _("The invitation was sent.")
                    if added
                    else _("They already keep this entry: the e-mail was sent again."),
                )
                return HttpResponseRedirect(request.path)
    else:
        form = InviteForm()
    links = organization.representatives.select_related("user", "added_by")
    return render(
        request,
        "directory/staff/organization_representatives.html",
        {"organization": organization, "links": links, "form": form},
    )


@permission_required_404(Permission.DIRECTORY_REPRESENTATIVES_MANAGE)
@require_POST
def representative_remove_view(request: SignedInRequest, representative_id: int) -> HttpResponse:
    link = get_object_or_404(OrganizationRepresentative, pk=representative_id)
    organization_id = link.organization_id
    representative_remove(actor=request.user, request=request, link=link)
    messages.success(request, _("They no longer keep this entry."))
    return HttpResponseRedirect(
        reverse("directory:staff_organization_representatives", args=[organization_id])
    )
