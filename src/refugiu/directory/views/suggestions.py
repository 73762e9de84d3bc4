"""The public's corrections to an entry: the form, limited per address and per contact e-mail."""

from http import HTTPStatus

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from refugiu.core import ratelimit
from refugiu.directory.forms import SuggestionForm
from refugiu.directory.selectors import organization_public_get
from refugiu.directory.services import suggestion_create


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
