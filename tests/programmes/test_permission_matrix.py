"""Every URL of the programmes module, for every role and an anonymous visitor.

URLs are read from the URL configuration: a view added later without an entry in EXPECTED fails
`test_every_url_has_expectations`. Programme staff's pages are for programme staff only (anyone else
signed in gets 404, an anonymous visitor the sign-in page); the public pages answer everyone alike, and
those reached through a signed link or a certificate code are never cached. Programme staff in turn see
no case page (the cases module's own matrix holds a programme staff member too).
"""

import pytest
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.programmes import services
from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    Event,
    EventPhoto,
    Participant,
    Publication,
)
from tests.cases.factories import DepartmentFactory, caseworker, coordinator, staff
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, staff_actor
from tests.url_patterns import get_to_end, named_urls, sign_in_as

pytestmark = pytest.mark.django_db

NAMESPACES = ("programmes", "programmes_staff", "programmes_statistics")

EVERYONE = (
    "programme_staff",
    "caseworker",
    "coordinator",
    "dpo",
    "administrator",
    "directory_editor",
    "researcher",
    "representative",
)

# "public": the same for everyone, signed in or not. "programme_staff": programme staff only.
EXPECTED = {
    "programmes:projects": "public",
    "programmes:project": "public",
    "programmes:events": "public",
    "programmes:event": "public",
    "programmes:event_calendar": "public",
    "programmes:publications": "public",
    "programmes:publication_file": "public",
    "programmes:partners": "public",
    "programmes:campaigns": "public",
    "programmes:campaign_image": "public",
    "programmes:event_photo": "public",
    "programmes:register": "public",
    "programmes:registration_cancel": "public",
    "programmes:evaluation": "public",
    "programmes:certificate_lookup": "public",
    "programmes:certificate": "public",
    "programmes:certificate_pdf": "public",
    "programmes_staff:events": "programme_staff",
    "programmes_staff:event_create": "programme_staff",
    "programmes_staff:event": "programme_staff",
    "programmes_staff:event_edit": "programme_staff",
    "programmes_staff:participants": "programme_staff",
    "programmes_staff:participant_cancel": "programme_staff",
    "programmes_staff:participant_confirm": "programme_staff",
    "programmes_staff:check_in": "programme_staff",
    "programmes_staff:check_in_set": "programme_staff",
    "programmes_staff:check_in_scan": "programme_staff",
    "programmes_staff:sign_in_sheet": "programme_staff",
    "programmes_staff:sign_in_sheet_pdf": "programme_staff",
    "programmes_staff:certificates": "programme_staff",
    "programmes_staff:certificate_pdf": "programme_staff",
    "programmes_staff:evaluation": "programme_staff",
    "programmes_statistics:index": "programme_staff",
    "programmes_statistics:export": "programme_staff",
}

# Public pages about one person: no shared cache may keep them.
PERSONAL = {
    "programmes:registration_cancel",
    "programmes:evaluation",
    "programmes:certificate",
    "programmes:certificate_pdf",
}


def module_urls() -> dict[str, frozenset]:
    return named_urls(NAMESPACES)


def test_every_url_has_expectations():
    names = set(module_urls())
    assert names, "the programmes module has no URLs"
    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED (and think about who may use them)"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist: remove them from EXPECTED"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    department = DepartmentFactory()
    people = {
        "programme_staff": staff(Role.PROGRAMME_STAFF),
        "caseworker": caseworker(department),
        "coordinator": coordinator(department),
        "dpo": staff(Role.DATA_PROTECTION_OFFICER),
        "administrator": UserFactory(is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR]),
        "directory_editor": staff(Role.DIRECTORY_EDITOR),
        "researcher": staff(Role.RESEARCHER),
        # A listed organisation's representative: their role reaches nothing here.
        "representative": staff(Role.ORGANIZATION_REPRESENTATIVE),
    }
    event = EventFactory(capacity=1)
    day = event.days.first()
    attendee = services.participant_register(
        event=event, name="Fake Person", email="fake.person@example.org", profession="judge", consent=True
    )
    waiting = services.participant_register(
        event=event, name="Other Fake", email="other.fake@example.org", profession="lawyer", consent=True
    )
    services.attendance_check_in(actor=staff_actor(), participant=attendee, day=day)
    services.certificates_issue(actor=staff_actor(), event=event)
    attendee.refresh_from_db()
    publication = Publication.objects.create(title="A guide")
    publication.file.save("guide.pdf", _content(b"%PDF-1.4\n%fake\n"))
    campaign = Campaign.objects.create(title="A campaign")
    message = CampaignMessage.objects.create(campaign=campaign, text="Know your rights")
    message.image.save("poster.png", _content(_PNG))
    photo = EventPhoto(event=event, caption="A room")
    photo.image.save("room.png", _content(_PNG))
    project_id = Event.objects.filter(project__isnull=False).values_list("project", flat=True).first()
    kwargs = {
        "event_id": event.pk,
        "day_id": day.pk,
        "participant_id": attendee.pk,
        "project_id": project_id,
        "publication_id": publication.pk,
        "message_id": message.pk,
        "photo_id": photo.pk,
        "token": services.cancel_token(waiting),
        "code": attendee.certificate_code,
    }
    return {"people": people, "kwargs": kwargs, "event": event, "attendee": attendee}


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def _url(name: str, needed: frozenset, kwargs: dict) -> str:
    if name == "programmes:project":
        kwargs = {**kwargs, "project_id": kwargs["project_id"] or 1}
    if name == "programmes:evaluation":
        attendee = Participant.objects.filter(attendances__isnull=False).first()
        kwargs = {**kwargs, "token": services.evaluation_token(attendee)}
    return reverse(name, kwargs={k: kwargs[k] for k in needed})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(client, world, name):
    needed = module_urls()[name]
    url = _url(name, needed, world["kwargs"])
    event = world["event"]
    state = _state(event)

    anonymous = get_to_end(client, url)
    if EXPECTED[name] == "public":
        assert anonymous.status_code in (200, 302, 404), (name, "anonymous", anonymous.status_code)
        if name in PERSONAL:
            assert anonymous["Cache-Control"] == "no-store", name
        for who in EVERYONE:
            sign_in_as(client, world["people"][who])
            response = get_to_end(client, url)
            # The same answer whoever asks (404 only where the record is not public, e.g. no project).
            assert response.status_code == anonymous.status_code, (name, who, response.status_code)
        return

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (name, "anonymous")
    assert client.post(url, {}).status_code == 302, (name, "anonymous POST")
    for who in EVERYONE:
        sign_in_as(client, world["people"][who])
        response = get_to_end(client, url)
        if who == "programme_staff":
            assert response.status_code in (200, 302, 405), (name, who, response.status_code)
        else:
            assert response.status_code == 404, (name, who, response.status_code)
            # Sending a form is refused the same way, and changes nothing.
            assert client.post(url, {}).status_code == 404, (name, who, "POST")
            assert _state(event) == state, (name, who)
        assert response["Cache-Control"] == "no-store", (name, who)


def _state(event):
    return (
        list(Event.objects.filter(pk=event.pk).values_list("places_taken", "capacity", "registration_open")),
        list(Participant.objects.values_list("pk", "status", "certificate_code").order_by("pk")),
        sorted(Participant.objects.filter(attendances__isnull=False).values_list("pk", flat=True)),
    )


def test_programme_staff_reach_no_case_page(client, world):
    """Trainee data and case data stay apart: the other direction (caseworkers in programme pages) is in
    the matrix above."""
    sign_in_as(client, world["people"]["programme_staff"])
    for name, needed in named_urls(("cases", "documents", "dpo", "tokens")).items():
        url = reverse(name, kwargs={key: 1 for key in needed})
        assert get_to_end(client, url).status_code == 404, name
