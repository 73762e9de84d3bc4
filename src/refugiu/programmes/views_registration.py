"""Public registration, cancellation, evaluation and certificate pages (being written)."""

from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404


register = cancel = evaluation = certificate_lookup = certificate = certificate_pdf = _not_yet
