"""The pages where a person manages their own API tokens: list, create (the token is shown once), revoke.

Only people with "cases.access" have tokens; for everyone else these pages do not exist (404). A token is
created only in a session signed in with a second factor: the token then carries that sign-in to API
calls, which have no session of their own (see `cases.api.auth`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.accounts.security import session_used_second_factor
from refugiu.cases.models import ApiToken
from refugiu.cases.tokens import api_token_create, api_token_revoke, longest_token_days, token_lifetimes
from refugiu.core.audit import refused_access_record


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the program or computer that uses it."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        # Callables: labelled in the language of the page, not of the process at import, and read from the
        # settings when the form is made, never longer than REFUGIU["API_TOKEN_DAYS"].
        choices=lambda: [
            (days, ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
            for days in token_lifetimes()
        ],
        initial=longest_token_days,
    )


# Signed-in people with "cases.access"; for everyone else the page does not exist (404, whatever the
# method: checked before the method, so a GET of a POST-only page does not tell them it is there).
case_staff_only = permission_required_404(Permission.CASES_ACCESS)


def _tokens_page(request: SignedInRequest, form: TokenForm, *, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(
        request,
        "cases/tokens/list.html",
        {"tokens": tokens, "form": form, "now": timezone.now()},
        status=status,
    )


@case_staff_only
def token_list(request: SignedInRequest) -> HttpResponse:
    return _tokens_page(request, TokenForm())


@case_staff_only
@require_POST
def token_create(request: SignedInRequest) -> HttpResponse:
    # The second-factor middleware already keeps case staff out without one; checked again here because a
    # token carries this sign-in into every API call it makes.
    if not session_used_second_factor(request):
        raise PermissionDenied
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=400)
    token, secret = api_token_create(
        user=request.user, request=request, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
    )
    # Rendered, not redirected: the token is in this response only, which no-store keeps out of caches.
    return render(request, "cases/tokens/created.html", {"token": token, "secret": secret})


@case_staff_only
@require_POST
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:  # another person's token is refused like a missing one, and the refusal audited
        refused_access_record(
            actor=request.user, request=request, queryset=ApiToken.objects.all(), pk=token_id
        )
        raise Http404
    api_token_revoke(user=request.user, request=request, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("tokens:list")
