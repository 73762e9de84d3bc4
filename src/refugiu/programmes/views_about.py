"""Public partners, networks and campaigns pages, and published files (being written)."""

from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404


partner_list = campaign_list = publication_file = campaign_image = _not_yet
