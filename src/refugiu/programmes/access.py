"""Who may see and do what in programmes: the one home of these rules, for views, the admin and services.

- Programme staff (`Permission.PROGRAMMES_EDIT`) do every staff write: events and their days,
  registrations, check-in, certificates and evaluations on the staff pages; projects, publications,
  partners, campaigns and photographs in the admin. Each service checks it again (`require_programme_staff`)
  and refuses anyone else with `ProgrammesAccessDenied`. On the staff pages anyone else signed in gets
  404, as if the pages did not exist (`programme_staff_required`); in the admin, 403 like any model one may
  not use.
- The public, signed in or not, sees published records only: projects, events, publications and campaigns
  with `is_published`; a photograph when it and its event are published; a campaign message's image while
  its campaign is published. Partnerships, networks and protocols are all public: they are organisations,
  not people.
- The public registers while an event's registration is open (`registration_closed_reason`); staff add
  people whatever it says.
- A person reaches their own registration only through the signed links of their e-mails: they may cancel
  until they are checked in or the event is over (`too_late_to_cancel`), and answer the questionnaire once,
  when they were confirmed and attended (`may_answer_evaluation`).
"""

from __future__ import annotations

import datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from refugiu.accounts.decorators import View, permission_required_404
from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.programmes.models import EventDay
from refugiu.programmes.vocabularies import ParticipantStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User
    from refugiu.programmes.models import Event, Participant

PERMISSION = Permission.PROGRAMMES_EDIT


# --- Programme staff ----------------------------------------------------------------------------------------


class ProgrammesAccessDenied(PermissionDenied):
    """A service was asked for a staff write by someone who may not make it. The staff pages answer 404
    (`programme_staff_required`); anywhere else it is Django's PermissionDenied (403, as the admin does)."""


def may_edit_programmes(user: User | AnonymousUser | None) -> bool:
    return user_has_permission(user, PERMISSION)


def require_programme_staff(actor: User | AnonymousUser | None) -> None:
    """Raise ProgrammesAccessDenied unless `actor` is programme staff: the first line of every staff write."""
    if not may_edit_programmes(actor):
        raise ProgrammesAccessDenied("only programme staff may change programmes")


_guard = permission_required_404(PERMISSION)


def programme_staff_required(view: View) -> View:
    """Outermost decorator of every programme staff view: an anonymous visitor is sent to sign in, anyone
    else signed in gets 404 whatever the method, and so does a refusal by a service the view calls."""

    @wraps(view)
    def refusals_as_404(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ProgrammesAccessDenied:
            raise Http404 from None

    return _guard(refusals_as_404)


# --- What the public sees --------------------------------------------------------------------------------


def published(prefix: str = "") -> Q:
    """A filter keeping the records the public may see: the published ones. `prefix` reaches them through
    a relation ("event__" keeps the days of published events)."""
    return Q(**{f"{prefix}is_published": True})


def public_photos() -> Q:
    """Photographs the public may see: published, of a published event."""
    return published() & published("event__")


def public_campaign_messages() -> Q:
    """Campaign messages (and their images) the public may see: those of a published campaign."""
    return published("campaign__")


class Publishable(Protocol):
    is_published: bool


def is_public(record: Publishable | None) -> bool:
    """Whether the public may see `record` (a project, event, publication or campaign), e.g. to link to it."""
    return bool(record is not None and record.is_published)


# --- Registration by the public ---------------------------------------------------------------------------


def registration_closed_reason(event: Event, today: datetime.date | None = None) -> str:
    """Why the public may not register for `event` now, or "" when they may."""
    today = today or timezone.localdate()
    if not event.registration_open or not is_public(event):
        return _("Registration for this event is not open.")
    if event.registration_closes_on and today > event.registration_closes_on:
        return _("Registration for this event closed on %(date)s.") % {
            "date": formats.date_format(event.registration_closes_on, "DATE_FORMAT")
        }
    first_day = EventDay.objects.filter(event=event).order_by("date").values_list("date", flat=True).first()
    if first_day and today > first_day:
        return _("This event has already started.")
    return ""


# --- A person's own registration, through the signed links ------------------------------------------------


def too_late_to_cancel(participant: Participant) -> bool:
    """Once someone has been checked in, or the event is over, their registration is part of the record
    (attendance, certificate) and is no longer cancelled from the e-mail link."""
    last_day = participant.event.last_day
    return participant.attendances.exists() or (last_day is not None and last_day < timezone.localdate())


def may_answer_evaluation(participant: Participant) -> bool:
    """The questionnaire is for those who were confirmed and came (whether they answered is another
    matter: the page then says so)."""
    return participant.status == ParticipantStatus.CONFIRMED and participant.attendances.exists()
