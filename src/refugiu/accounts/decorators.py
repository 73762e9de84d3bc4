"""The one guard of staff views: who lacks the permission learns nothing, not even that the page exists."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from refugiu.accounts.models import User, user_has_permission
from refugiu.accounts.roles import Permission

# A view function, as the decorator takes and gives it.
View = Callable[..., HttpResponseBase]


def permission_required_404(
    permission: Permission | tuple[Permission, ...],
    *,
    on_refused: Callable[[HttpRequest, dict[str, Any]], None] | None = None,
) -> Callable[[View], View]:
    """Outermost decorator of a staff view: an anonymous visitor is sent to sign in; anyone signed in without
    `permission` (or, given a tuple, without any of them) gets 404 for any method, before the view (or a
    method check answering 405) says more.

    `on_refused(request, kwargs)`, if given, runs before that 404 (to audit the refusal of a record the
    URL names)."""

    # A misspelt name fails when the module loads, not at a request.
    wanted = tuple(Permission(p) for p in (permission if isinstance(permission, tuple) else (permission,)))

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(user_has_permission(request.user, p) for p in wanted):
                if on_refused is not None:
                    on_refused(request, kwargs)
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorator


class SignedInRequest(HttpRequest):
    """The request a view gets past `permission_required_404` (or another guard that sends anonymous visitors
    to sign in): its user is signed in, so a User, never an AnonymousUser. For the type checker only: Django
    hands every view a plain HttpRequest."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request whose type cannot say so (the admin's methods take any HttpRequest;
    the admin lets only signed-in staff in). Anywhere else an anonymous visitor is refused (403)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
