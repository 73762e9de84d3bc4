from django.shortcuts import render

from refugiu.organisation.selectors import organisation_current


def about(request):
    """Public page: who we are, our structure and how to reach us."""
    return render(request, "organisation/about.html", {"organisation": organisation_current()})
