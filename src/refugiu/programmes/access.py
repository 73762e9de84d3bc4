"""Who may use programme staff's pages: holders of "programmes.edit" (programme staff), nobody else."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from refugiu.accounts.models import user_has_permission

PERMISSION = "programmes.edit"


def programme_staff_required(view):
    """Outermost decorator of every programme staff view: an anonymous visitor is sent to sign in, and
    anyone signed in without the permission gets 404 for any method, before the view (or a method check
    that would answer 405) reveals that the page exists."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not user_has_permission(request.user, PERMISSION):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(guarded)
