from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render

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
