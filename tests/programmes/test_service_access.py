"""Every staff write of the programmes services checks who asks and is audited, whatever calls it.

The staff pages and the admin refuse other people before any service runs (test_permission_matrix.py,
test_staff.py); here each service is called directly, as a view that forgot its guard or a future API would,
by people who are not programme staff: each refuses (`access.ProgrammesAccessDenied`) and changes and
records nothing. Called by programme staff, each writes its audit record naming who did what to which
record. The public's writes (registering, the signed links) take no actor and are not audited: their
tests are in test_registration.py.
"""

import dataclasses
import datetime
import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.programmes import access, services
from refugiu.programmes.models import Attendance, Event, EventDay, EventPhoto, Participant, Publication
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, staff_actor
from tests.programmes.test_uploads import admin_post, png
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An event with two days and one place: one person confirmed and checked in on the first day, one on
    the waiting list; then a second place opened without filling it. A publication for the admin's writes."""
    event = EventFactory(capacity=1)
    first_day, second_day = event.days.order_by("date")
    attendee, waiting = (
        services.participant_register(
            event=event, name=f"Fake Person {n}", email=f"fake{n}@example.org", profession=Profession.JUDGE,
            consent=True,
        )
        for n in (1, 2)
    )  # fmt: skip
    Attendance.objects.create(participant=attendee, day=first_day)
    Event.objects.filter(pk=event.pk).update(capacity=2)
    event.refresh_from_db()
    publication = Publication.objects.create(title="A guide")
    return {
        "event": event,
        "first_day": first_day,
        "second_day": second_day,
        "attendee": attendee,
        "waiting": waiting,
        "publication": publication,
        "publication_id": publication.pk,
    }


def _details(event: Event, **changes) -> services.EventDetails:
    return dataclasses.replace(services.EventDetails.of(event), **changes)


# name: (the write, the action it records, the record it names)
WRITES = {
    "event_create": (
        lambda actor, w: services.event_create(
            actor=actor,
            details=_details(w["event"], title="Another training"),
            days=[services.DayPlan(date=timezone.localdate() + datetime.timedelta(days=40))],
        ),
        "programmes.event.created",
        lambda w: Event.objects.get(title="Another training"),
    ),
    "event_update": (
        lambda actor, w: services.event_update(
            actor=actor,
            event=w["event"],
            details=_details(w["event"], title="Renamed training"),
            days_removed=[w["second_day"]],
        ),
        "programmes.event.changed",
        lambda w: w["event"],
    ),
    "participant_add": (
        lambda actor, w: services.participant_add(
            actor=actor, event=w["event"], name="Fake Walk-in", email="", profession=Profession.LAWYER
        ),
        "programmes.participant.added",
        lambda w: Participant.objects.get(name="Fake Walk-in"),
    ),
    "participant_cancel": (
        lambda actor, w: services.participant_cancel(actor=actor, participant=w["attendee"]),
        "programmes.participant.cancelled",
        lambda w: w["attendee"],
    ),
    "participant_confirm": (
        lambda actor, w: services.participant_confirm(actor=actor, participant=w["waiting"]),
        "programmes.participant.confirmed",
        lambda w: w["waiting"],
    ),
    "attendance_check_in": (
        lambda actor, w: services.attendance_check_in(
            actor=actor, participant=w["attendee"], day=w["second_day"]
        ),
        "programmes.attendance.checked_in",
        lambda w: Attendance.objects.get(day=w["second_day"]),
    ),
    "attendance_check_in_by_code": (
        lambda actor, w: services.attendance_check_in_by_code(
            actor=actor, day=w["second_day"], token=w["attendee"].check_in_token
        ),
        "programmes.attendance.checked_in",
        lambda w: Attendance.objects.get(day=w["second_day"]),
    ),
    "attendance_undo": (
        lambda actor, w: services.attendance_undo(actor=actor, participant=w["attendee"], day=w["first_day"]),
        "programmes.attendance.undone",
        None,  # the attendance is gone: the record names it by its number
    ),
    "certificates_issue": (
        lambda actor, w: services.certificates_issue(actor=actor, event=w["event"]),
        "programmes.event.certificates_issued",
        lambda w: w["event"],
    ),
    "evaluation_invite": (
        lambda actor, w: services.evaluation_invite(actor=actor, event=w["event"]),
        "programmes.event.evaluation_invited",
        lambda w: w["event"],
    ),
    "record_save": (
        lambda actor, w: services.record_save(
            actor=actor, record=Publication(title="Another guide"), adding=True
        ),
        "programmes.publication.created",
        lambda w: Publication.objects.get(title="Another guide"),
    ),
    "record_delete": (
        lambda actor, w: services.record_delete(actor=actor, record=w["publication"]),
        "programmes.publication.deleted",
        lambda w: Publication(pk=w["publication_id"]),  # deleted: by the number it had
    ),
}


def test_every_staff_write_is_listed():
    """A service taking an actor is a staff write: a new one fails here until it is in WRITES."""
    taking_an_actor = {
        name
        for name in services.__all__
        if inspect.isfunction(getattr(services, name))
        and "actor" in inspect.signature(getattr(services, name)).parameters
    }
    assert taking_an_actor == set(WRITES)


def _state():
    """Everything a staff write could change, and the audit log's length."""
    return (
        list(Event.objects.order_by("pk").values_list("pk", "title", "capacity", "places_taken")),
        list(EventDay.objects.order_by("pk").values_list("pk", "date")),
        list(
            Participant.objects.order_by("pk").values_list(
                "pk", "status", "certificate_code", "evaluation_invited_at"
            )
        ),
        list(Attendance.objects.order_by("pk").values_list("pk", "participant", "day")),
        list(Publication.objects.order_by("pk").values_list("pk", "title")),
        AuditEntry.objects.count(),
    )


def _not_programme_staff(kind: str):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "deactivated programme staff":
        return UserFactory(roles=[Role.PROGRAMME_STAFF], is_active=False)
    if kind == "superuser":
        return UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True)
    return UserFactory(roles=[kind])


@pytest.mark.parametrize(
    "kind",
    [
        "anonymous",
        Role.CASEWORKER,
        Role.COORDINATOR,
        Role.RESEARCHER,
        "superuser",
        "deactivated programme staff",
    ],
)
@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_staff_write_is_refused_by_the_service_to_anyone_else(world, name, kind):
    write, _action, _target = WRITES[name]
    actor = _not_programme_staff(kind)
    before = _state()
    with pytest.raises(access.ProgrammesAccessDenied):
        write(actor, world)
    assert _state() == before, "a refused write changed something or recorded something"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_staff_write_is_audited(world, name):
    write, action, target = WRITES[name]
    actor = staff_actor()
    already = set(AuditEntry.objects.values_list("pk", flat=True))
    write(actor, world)
    entries = list(AuditEntry.objects.exclude(pk__in=already))
    assert [entry.action for entry in entries] == [action]
    entry = entries[0]
    assert entry.actor == actor and entry.actor_name == actor.get_username()
    assert entry.object_type == action.rsplit(".", 1)[0]
    if target is not None:
        assert entry.object_id == str(target(world).pk)
    else:
        assert entry.object_id
    # Numbers and field names, never what a person is called or how to reach them.
    text = str(entry.detail)
    assert "Fake" not in text and "@" not in text


def test_the_audit_record_says_what_changed(world):
    event = world["event"]
    staff = staff_actor()
    promoted = services.event_update(
        actor=staff, event=event, details=_details(event, title="Renamed training", capacity=None)
    )
    assert [person.pk for person in promoted] == [world["waiting"].pk]
    entry = AuditEntry.objects.get(action="programmes.event.changed")
    assert entry.detail == {
        "fields": ["title", "capacity"],
        "days_added": 0,
        "days_changed": 0,
        "days_removed": 0,
        "promoted": 1,
    }
    services.participant_cancel(actor=staff, participant=world["waiting"])
    cancelled = AuditEntry.objects.get(action="programmes.participant.cancelled")
    assert cancelled.detail == {"event": event.pk, "promoted": None}


def test_doing_nothing_records_nothing(world):
    """Checking in twice, undoing nothing, cancelling twice, issuing or inviting when nobody is left: no
    change, no record."""
    staff = staff_actor()
    attendee, waiting = world["attendee"], world["waiting"]
    services.attendance_check_in(actor=staff, participant=attendee, day=world["first_day"])
    services.attendance_undo(actor=staff, participant=waiting, day=world["first_day"])
    services.participant_confirm(actor=staff, participant=attendee)  # not waiting
    services.certificates_issue(actor=staff, event=world["event"])
    services.evaluation_invite(actor=staff, event=world["event"])
    counted = AuditEntry.objects.count()
    services.certificates_issue(actor=staff, event=world["event"])
    services.evaluation_invite(actor=staff, event=world["event"])
    services.participant_cancel(actor=staff, participant=waiting)
    services.participant_cancel(actor=staff, participant=waiting)
    assert AuditEntry.objects.count() == counted + 1


def test_a_refusal_by_a_service_is_404_on_the_staff_pages_and_403_elsewhere():
    """A staff page answers 404 to whoever may not use it, the services' refusals included; elsewhere (the
    admin) a refusal is Django's PermissionDenied, 403."""

    @access.programme_staff_required
    def page(request):
        services.participant_cancel(actor=AnonymousUser(), participant=Participant(pk=1))
        return HttpResponse("never")

    request = RequestFactory().post("/")
    request.user = staff_actor()
    with pytest.raises(Http404):
        page(request)
    assert issubclass(access.ProgrammesAccessDenied, PermissionDenied)


def test_participants_attendance_and_evaluations_are_never_written_as_admin_records(world):
    with pytest.raises(ValueError, match="not written through"):
        services.record_save(actor=staff_actor(), record=world["attendee"], adding=False)
    assert world["attendee"].status == ParticipantStatus.CONFIRMED


# --- The admin, through HTTP -------------------------------------------------------------------------------


@pytest.fixture
def editor(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    user = UserFactory(roles=[Role.PROGRAMME_STAFF], is_staff=True)
    sign_in_as(client, user)
    client.user = user
    return client


def test_the_admin_s_saves_and_deletes_are_audited(editor):
    # A field with a callable default ("languages") is sent back with its hidden initial value.
    unchanged = {"languages": "[]", "initial-languages": "[]"}
    add = reverse("admin:programmes_publication_add")
    response = admin_post(editor, add, title="A guide", **unchanged)
    assert response.status_code == 302
    publication = Publication.objects.get()
    url = reverse("admin:programmes_publication_change", args=[publication.pk])
    changes = {"title": "A better guide", "summary": "What to do", **unchanged}
    assert admin_post(editor, url, **changes).status_code == 302
    delete = reverse("admin:programmes_publication_delete", args=[publication.pk])
    response = editor.post(delete, {"post": "yes"})
    assert response.status_code == 302 and not Publication.objects.exists()
    entries = AuditEntry.objects.filter(object_type="programmes.publication").order_by("pk")
    assert [(entry.action, entry.detail) for entry in entries] == [
        ("programmes.publication.created", {}),
        ("programmes.publication.changed", {"fields": ["summary", "title"]}),
        ("programmes.publication.deleted", {}),
    ]
    assert {entry.actor for entry in entries} == {editor.user}
    assert {entry.object_id for entry in entries} == {str(publication.pk)}


def test_an_inline_s_records_are_audited_with_their_parent_s(editor):
    event = EventFactory()
    url = reverse("admin:programmes_event_change", args=[event.pk])
    changes = {
        "photos-TOTAL_FORMS": "1",
        "photos-0-image": SimpleUploadedFile("photo.png", png(), content_type="image/png"),
        "photos-0-order": "0",
        "photos-0-caption": "The room",
    }
    assert admin_post(editor, url, **changes).status_code == 302
    photo = EventPhoto.objects.get()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "object_id"))
    assert ("programmes.eventphoto.created", str(photo.pk)) in actions
    assert ("programmes.event.changed", str(event.pk)) in actions


def test_an_event_saved_in_the_admin_keeps_the_places_taken_meanwhile(world):
    """The admin's copy of an event was read when its page was loaded; a registration since then has taken
    a place. Saving the copy changes what the admin's form changed, never the count of places."""
    as_loaded = Event.objects.get(pk=world["event"].pk)
    services.participant_add(
        actor=staff_actor(), event=world["event"], name="Fake Late", email="", profession=Profession.LAWYER
    )
    as_loaded.title = "Renamed in the admin"
    services.record_save(actor=staff_actor(), record=as_loaded, adding=False, changed=["title"])
    saved = Event.objects.get(pk=as_loaded.pk)
    assert saved.title == "Renamed in the admin"
    assert saved.places_taken == 2 == Participant.objects.filter(event=saved, status="confirmed").count()
