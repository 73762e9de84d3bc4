"""A grant's auditors: who may read it until when, the form giving access and the button withdrawing it
(financial managers only)."""

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.accounts.services import AccountError
from refugiu.finance import access
from refugiu.finance.models import AuditorAccess
from refugiu.finance.services.auditors import auditor_access_grant, auditor_access_withdraw
from refugiu.finance.services.errors import FinanceError


class AuditorAccessForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Auditor's e-mail address"),
        max_length=150,  # it becomes the username
        help_text=gettext_lazy("They sign in with it; the invitation goes there."),
    )
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    until = forms.DateField(
        label=gettext_lazy("Until (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("After this day the auditor sees nothing of the grant."),
    )


@permission_required_404(Permission.FINANCE_MANAGE)
def auditors(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    if request.method == "POST":
        form = AuditorAccessForm(request.POST)
        if form.is_valid():
            try:
                _access, created = auditor_access_grant(
                    actor=request.user,
                    request=request,
                    grant=grant,
                    email=form.cleaned_data["email"],
                    display_name=form.cleaned_data["display_name"],
                    until=form.cleaned_data["until"],
                )
            except AccountError as error:
                form.add_error("email", error.message)
            except FinanceError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The auditor was given access; the invitation was sent.")
                    if created
                    else _("The auditor's access was changed; the e-mail was sent again."),
                )
                return HttpResponseRedirect(request.path)
    else:
        form = AuditorAccessForm(initial={"until": timezone.localdate() + datetime.timedelta(days=90)})
    today = timezone.localdate()
    accesses = grant.auditor_accesses.select_related("auditor", "granted_by").order_by("-until")
    return render(
        request,
        "finance/auditors.html",
        {"grant": grant, "accesses": accesses, "form": form, "today": today},
    )


@permission_required_404(Permission.FINANCE_MANAGE)
@require_POST
def auditor_withdraw(request: SignedInRequest, grant_id: int, access_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    record = get_object_or_404(AuditorAccess, pk=access_id, grant=grant)
    auditor_access_withdraw(actor=request.user, request=request, access=record)
    messages.success(request, _("The auditor's access was withdrawn."))
    return HttpResponseRedirect(reverse("finance:auditors", args=[grant.pk]))
