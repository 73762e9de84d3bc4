import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from refugiu.accounts.decorators import permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.core.audit import audited_save
from refugiu.organisation.forms import ImagesForm, image_type
from refugiu.organisation.models import StaffMember
from refugiu.organisation.selectors import organisation_current


def about(request):
    """Public page: who we are, our structure and how to reach us.

    The organisational chart names only the staff members and collaborators marked public; the others
    are counted in their department's staffing but never named here.
    """
    organisation = organisation_current()
    if organisation is not None:
        public_members = StaffMember.objects.filter(is_public=True).order_by("order", "name", "pk")
        prefetch_related_objects(
            [organisation],
            Prefetch("departments__members", queryset=public_members, to_attr="public_members"),
        )
    return render(request, "organisation/about.html", {"organisation": organisation})


SECURITY_TXT_PATH = "/.well-known/security.txt"
# RFC 9116 asks for an expiry less than a year ahead; the file is written afresh on each request, from the
# organisation's current details, so it is always that far ahead and never goes stale.
SECURITY_TXT_VALID_FOR = dt.timedelta(days=180)


@require_safe
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability in this installation.

    The contact is the organisation's own (its e-mail, and its website when that is served over HTTPS, as
    the RFC requires of web contacts), as recorded on the about page. Without one the file does not exist
    (404): an empty or contactless file would tell a finder nothing."""
    organisation = organisation_current()
    contacts = []
    if organisation is not None and organisation.email:
        contacts.append(f"mailto:{organisation.email}")
    if organisation is not None and organisation.website.lower().startswith("https://"):
        contacts.append(organisation.website)
    if not contacts:
        raise Http404
    expires = (timezone.now() + SECURITY_TXT_VALID_FOR).replace(microsecond=0).astimezone(dt.UTC)
    lines = [f"Contact: {contact}" for contact in contacts]
    lines.append(f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}")
    lines.append("Preferred-Languages: " + ", ".join(settings.STAFF_LANGUAGES))
    site = settings.REFUGIU["SITE_URL"].rstrip("/")
    if site.lower().startswith("https://"):  # the RFC's canonical address is an https one
        lines.append(f"Canonical: {site}{SECURITY_TXT_PATH}")
    return HttpResponse("".join(f"{line}\n" for line in lines), content_type="text/plain; charset=utf-8")


@permission_required_404(Permission.ORGANISATION_EDIT)
def images_edit(request: HttpRequest) -> HttpResponse:
    """The organisation's logo and cover photograph, for those who may edit the organisation (others: 404).

    Saved audited (core.audit: "organisation.ngo.changed", naming the fields, never the files)."""
    organisation = organisation_current()
    if organisation is None:
        raise Http404
    form = ImagesForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        audited_save(
            actor=request.user, record=form.instance, adding=False, changed=form.changed_data, request=request
        )
        messages.success(request, _("The organisation's images are saved."))
        return HttpResponseRedirect(reverse("organisation:images"))
    return render(request, "organisation/images.html", {"form": form, "organisation": organisation})


def _image_response(field: str) -> FileResponse:
    """One of the organisation's public images (`field`: logo or cover_photo); 404 when there is none or
    its file is gone."""
    organisation = organisation_current()
    file: FieldFile | None = getattr(organisation, field) if organisation is not None else None
    if file is None or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404 from None
    content_type = image_type(handle)
    if content_type is None:  # only ever what the form accepted; anything else is not served
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def logo(request: HttpRequest) -> FileResponse:
    """The organisation's logo (public: it is on its published reports)."""
    return _image_response("logo")


@require_safe
def cover_photo(request: HttpRequest) -> FileResponse:
    """The annual report's cover photograph (public, like the report)."""
    return _image_response("cover_photo")
