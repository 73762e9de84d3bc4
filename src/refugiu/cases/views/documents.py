"""Documents of a case: the upload form and the one way a stored file is ever read back.

Both fetch the case through `access.case_get` (404 for a missing case and a forbidden one alike) and the
document with `case=case`, so a document id from another case answers 404 as well.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from refugiu.accounts.decorators import SignedInRequest
from refugiu.cases import access, read_audit, selectors
from refugiu.cases.documents import (
    BoundedUploadHandler,
    document_read,
    document_store,
    download_name,
    too_big_message,
    upload_limit,
)
from refugiu.cases.models import Case, Document
from refugiu.cases.services import CaseError


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    file = forms.FileField(label=gettext_lazy("File"))


def case_page_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


@login_required
@csrf_exempt
def upload(request: SignedInRequest, case_id: int) -> HttpResponse:
    # The upload handler must be in place before anything reads the body, and the CSRF middleware would
    # read it first: so CSRF is checked in `_upload`, after the handler is set (as Django's docs advise).
    request.upload_handlers = [BoundedUploadHandler(request)]
    return _upload(request, case_id)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _upload(request: SignedInRequest, case_id: int) -> HttpResponse:
    handler = cast(BoundedUploadHandler, request.upload_handlers[0])  # put there by `upload`
    if request.method == "POST":
        case = access.case_get(user=request.user, case_id=case_id, request=request)
        form = DocumentForm(request.POST, request.FILES)
        if handler.too_big:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", too_big_message())
        elif form.is_valid():
            try:
                document_store(
                    user=request.user,
                    request=request,
                    case=case,
                    title=form.cleaned_data["title"],
                    data=form.cleaned_data["file"].read(),
                    filename=form.cleaned_data["file"].name,
                )
            except CaseError as error:
                about_file = error.code in {"too_big", "type_refused", "empty"}
                form.add_error("file" if about_file else None, error.message)
            else:
                messages.success(request, _("The document was added."))
                return redirect(case_page_url(case))
    else:
        case = access.case_get(
            user=request.user, case_id=case_id, queryset=selectors.cases_for_reading(), request=request
        )
        read_audit.case_read(user=request.user, request=request, case=case)
        form = DocumentForm()
    documents = Document.objects.filter(case=case).select_related("uploaded_by").order_by("-uploaded_at")
    return render(
        request,
        "cases/documents/upload.html",
        {
            "case": case,
            "form": form,
            "can_upload": access.can_edit(request.user, case),
            "documents": documents,
            "limit": upload_limit(),
            "case_url": case_page_url(case),
        },
    )


@login_required
def download(request: SignedInRequest, case_id: int, document_id: int) -> HttpResponse:
    case = access.case_get(user=request.user, case_id=case_id, request=request)
    document = access.record_of_case(
        user=request.user, case=case, queryset=Document.objects.all(), record_id=document_id, request=request
    )
    if request.method not in ("GET", "HEAD"):  # after the access check: a stranger's case answers 404
        return HttpResponseNotAllowed(["GET"])
    try:
        data = document_read(user=request.user, request=request, document=document)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name(document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Should a browser still render it, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
