import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

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
