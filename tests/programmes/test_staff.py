"""Programme staff's pages, through real HTTP requests: who may open them, the event form and its checks,
participants, check-in, sign-in sheets, certificates and the evaluation summary."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from refugiu.accounts.roles import Role
from refugiu.organisation.models import NGO
from refugiu.programmes import services
from refugiu.programmes.models import Attendance, Evaluation, Event, EventDay, Participant
from refugiu.programmes.vocabularies import EventType, ParticipantSource, ParticipantStatus, Profession
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import OrganizationFactory, UserFactory
from tests.programmes.factories import EventFactory, ParticipantFactory, staff_actor

pytestmark = pytest.mark.django_db

fake = Faker()


@pytest.fixture
def organisation():
    return NGO.objects.create(name="Fictional Refugee Support Association")


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF]))
    return client


@pytest.fixture
def event():
    return EventFactory(days=2, capacity=3)


def confirmed(event, count=1, **extra):
    """Participants who took a place through the services (so that places_taken is right)."""
    people = []
    for _i in range(count):
        people.append(
            services.participant_add(
                actor=staff_actor(),
                event=event,
                name=fake.name(),
                email=fake.unique.email(),
                profession=Profession.LAWYER,
                **extra,
            )
        )
    return people


def every_url(event, day, participant) -> list[tuple[str, str]]:
    """(method, URL) of every staff page of the module."""
    e, d, p = event.pk, day.pk, participant.pk
    name = "programmes_staff:"
    return [
        ("get", reverse(name + "events")),
        ("get", reverse(name + "event_create")),
        ("post", reverse(name + "event_create")),
        ("get", reverse(name + "event", args=[e])),
        ("get", reverse(name + "event_edit", args=[e])),
        ("post", reverse(name + "event_edit", args=[e])),
        ("get", reverse(name + "participants", args=[e])),
        ("post", reverse(name + "participants", args=[e])),
        ("post", reverse(name + "participant_cancel", args=[e, p])),
        ("post", reverse(name + "participant_confirm", args=[e, p])),
        ("get", reverse(name + "check_in", args=[e, d])),
        ("post", reverse(name + "check_in", args=[e, d])),
        ("post", reverse(name + "check_in_scan", args=[e, d])),
        ("post", reverse(name + "check_in_set", args=[e, d, p])),
        ("get", reverse(name + "sign_in_sheet", args=[e, d])),
        ("get", reverse(name + "sign_in_sheet_pdf", args=[e, d])),
        ("get", reverse(name + "certificates", args=[e])),
        ("post", reverse(name + "certificates", args=[e])),
        ("get", reverse(name + "certificate_pdf", args=[e, p])),
        ("get", reverse(name + "evaluation", args=[e])),
        ("post", reverse(name + "evaluation", args=[e])),
    ]


def test_every_url_is_listed():
    from tests.url_patterns import named_urls

    event = Event(pk=1)
    urls = every_url(event, EventDay(pk=1), Participant(pk=1))
    listed = {url for _method, url in urls}
    assert len(listed) == len(named_urls(("programmes_staff",)))


@pytest.mark.parametrize(
    "role",
    [Role.CASEWORKER, Role.COORDINATOR, Role.DIRECTORY_EDITOR, Role.RESEARCHER, Role.ADMINISTRATOR, None],
)
def test_other_roles_get_404_everywhere(client, event, role):
    participant = ParticipantFactory(event=event)
    user = UserFactory(roles=[role] if role else [])
    force_login_with_mfa(client, user)
    for _method, url in every_url(event, event.days.first(), participant):
        # Either method: a 405 would tell that the page exists.
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)
    # Nothing was changed by the refused requests.
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED
    assert not Attendance.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, event):
    participant = ParticipantFactory(event=event)
    for method, url in every_url(event, event.days.first(), participant):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login")), url


def test_staff_home_links_programme_pages_only_for_programme_staff(client, staff):
    response = staff.get(reverse("staff:home"))
    assert reverse("programmes_staff:events") in response.content.decode()
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    assert reverse("programmes_staff:events") not in client.get(reverse("staff:home")).content.decode()


def test_pages_are_not_cached_and_have_no_personal_data_in_urls(staff, event):
    confirmed(event, 2)
    response = staff.get(reverse("programmes_staff:participants", args=[event.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


# --- events list and staff page -----------------------------------------------------------------------------


def test_event_list_splits_upcoming_and_past_with_counts(staff):
    today = timezone.localdate()
    upcoming = EventFactory(days=1, capacity=2, title="Upcoming training")
    past = EventFactory(days=1, days__start=today - datetime.timedelta(days=30), title="Past seminar")
    past.registration_open = False
    past.save()
    confirmed(upcoming, 3)  # 2 confirmed, 1 waiting
    response = staff.get(reverse("programmes_staff:events"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Upcoming training") < page.index('id="past"') < page.index("Past seminar")
    assert reverse("programmes_staff:event_create") in page
    row = page[page.index("Upcoming training") :].split("</tr>")[0]
    assert "<td>2</td>" in row and "<td>1</td>" in row and "open" in row


def test_event_page_shows_state_links_and_counts(staff, event):
    confirmed(event, 4)
    response = staff.get(reverse("programmes_staff:event", args=[event.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("programmes:register", args=[event.pk]) in page
    assert "3 confirmed, 1 waiting, 0 cancelled." in page
    for day in event.days.all():
        assert reverse("programmes_staff:check_in", args=[event.pk, day.pk]) in page
        assert reverse("programmes_staff:sign_in_sheet", args=[event.pk, day.pk]) in page
        assert reverse("programmes_staff:sign_in_sheet_pdf", args=[event.pk, day.pk]) in page
    assert reverse("programmes_staff:certificates", args=[event.pk]) in page
    assert reverse("programmes_staff:evaluation", args=[event.pk]) in page


# --- event form -------------------------------------------------------------------------------------------


def event_data(**extra) -> dict:
    """A full POST of the event form with two days."""
    first = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "type": EventType.TRAINING,
        "title": "Training on the rights of victims",
        "project": "",
        "organiser": "",
        "organiser_name": "",
        "our_role": "organiser",
        "city": "Chișinău",
        "country": "MD",
        "venue": "",
        "topics": "Victims' rights\n\n  Referral  \n",
        "description": "",
        "headcount": "",
        "capacity": "30",
        "registration_open": "on",
        "registration_closes_on": "",
        "waiting_list": "on",
        "is_published": "on",
        "days-TOTAL_FORMS": "3",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": first.isoformat(),
        "days-0-starts_at": "09:00",
        "days-0-ends_at": "17:00",
        "days-1-date": (first + datetime.timedelta(days=1)).isoformat(),
        "days-1-starts_at": "",
        "days-1-ends_at": "",
    }
    data.update(extra)
    return data


def edit_data(event: Event, **extra) -> dict:
    """The POST of the edit form as the page would send it back unchanged."""
    days = list(event.days.order_by("date"))
    data = event_data(
        title=event.title,
        capacity="" if event.capacity is None else str(event.capacity),
        **{"days-TOTAL_FORMS": str(len(days) + 3), "days-INITIAL_FORMS": str(len(days))},
    )
    for key in [key for key in data if key.startswith("days-") and key[5].isdigit()]:
        del data[key]
    for index, day in enumerate(days):
        data[f"days-{index}-id"] = str(day.pk)
        data[f"days-{index}-event"] = str(event.pk)
        data[f"days-{index}-date"] = day.date.isoformat()
    data.update(extra)
    return data


def test_create_event_with_two_days(staff):
    response = staff.get(reverse("programmes_staff:event_create"))
    assert response.status_code == 200
    response = staff.post(reverse("programmes_staff:event_create"), event_data())
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == reverse("programmes_staff:event", args=[event.pk])
    assert event.title == "Training on the rights of victims"
    assert event.topics == ["Victims' rights", "Referral"]
    assert event.capacity == 30 and event.registration_open and event.places_taken == 0
    days = list(event.days.order_by("date"))
    assert len(days) == 2
    assert days[0].starts_at == datetime.time(9) and days[1].starts_at is None
    assert "The event has been saved." in staff.get(response["Location"]).content.decode()


def test_edit_form_shows_topics_one_a_line(staff, event):
    event.topics = ["One", "Two"]
    event.save()
    page = staff.get(reverse("programmes_staff:event_edit", args=[event.pk])).content.decode()
    assert "One\nTwo</textarea>" in page


def test_organiser_from_the_directory_or_by_name_not_both(staff):
    organisation = OrganizationFactory()
    data = event_data(organiser=str(organisation.pk), organiser_name="Another body")
    response = staff.post(reverse("programmes_staff:event_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["organiser_name"] == [
        "Choose the organiser from the directory or write its name, not both."
    ]
    assert "Constraint" not in response.content.decode()
    assert 'value="Another body"' in response.content.decode()  # nothing typed is lost
    assert not Event.objects.exists()
    response = staff.post(
        reverse("programmes_staff:event_create"), event_data(organiser=str(organisation.pk))
    )
    assert response.status_code == 302
    assert Event.objects.get().organiser == organisation


def test_day_must_end_after_it_starts(staff):
    response = staff.post(
        reverse("programmes_staff:event_create"),
        event_data(**{"days-0-starts_at": "14:00", "days-0-ends_at": "10:00"}),
    )
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["ends_at"] == ["The day must end after it starts."]
    assert not Event.objects.exists()


def test_bad_and_repeated_dates_are_refused(staff):
    response = staff.post(
        reverse("programmes_staff:event_create"), event_data(**{"days-0-date": "31/02/2026"})
    )
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["date"]
    same = event_data()
    same["days-1-date"] = same["days-0-date"]
    response = staff.post(reverse("programmes_staff:event_create"), same)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    response = staff.post(
        reverse("programmes_staff:event_create"),
        event_data(**{"days-0-date": "", "days-0-starts_at": "", "days-0-ends_at": "", "days-1-date": ""}),
    )
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == ["Give at least one day of the event."]
    late = event_data()
    late["registration_closes_on"] = (
        datetime.date.fromisoformat(late["days-1-date"]) + datetime.timedelta(days=1)
    ).isoformat()
    response = staff.post(reverse("programmes_staff:event_create"), late)
    assert response.status_code == 400
    assert response.context["form"].errors["registration_closes_on"] == [
        "Registration cannot close after the event's last day."
    ]
    assert not Event.objects.exists()


def test_capacity_cannot_fall_below_places_taken(staff, event):
    confirmed(event, 3)
    response = staff.post(
        reverse("programmes_staff:event_edit", args=[event.pk]), edit_data(event, capacity="2")
    )
    assert response.status_code == 400
    assert "3 people are already confirmed" in response.context["form"].errors["capacity"][0]
    event.refresh_from_db()
    assert event.capacity == 3


def test_raising_capacity_moves_people_from_the_waiting_list(
    staff, event, django_capture_on_commit_callbacks
):
    confirmed(event, 5)  # 3 confirmed, 2 waiting
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("programmes_staff:event_edit", args=[event.pk]),
            edit_data(event, capacity="4"),
            follow=True,
        )
    assert response.status_code == 200
    assert "1 person was moved from the waiting list to a confirmed place." in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 4 and event.places_taken == 4
    assert Participant.objects.filter(event=event, status=ParticipantStatus.WAITING).count() == 1
    assert len(mail.outbox) == 1
    # No limit: everyone left is confirmed.
    response = staff.post(
        reverse("programmes_staff:event_edit", args=[event.pk]), edit_data(event, capacity=""), follow=True
    )
    assert "1 person was moved" in response.content.decode()
    assert not Participant.objects.filter(event=event, status=ParticipantStatus.WAITING).exists()


def test_editing_keeps_places_taken_and_can_remove_an_unused_day(staff, event):
    confirmed(event, 2)
    days = list(event.days.order_by("date"))
    data = edit_data(event, title="Renamed training", **{"days-1-DELETE": "on"})
    response = staff.post(reverse("programmes_staff:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed training" and event.places_taken == 2
    assert list(event.days.all()) == [days[0]]


def test_a_day_with_attendance_cannot_be_removed(staff, event):
    person = confirmed(event)[0]
    day = event.days.order_by("date").last()
    services.attendance_check_in(actor=staff_actor(), participant=person, day=day)
    data = edit_data(event, **{"days-1-DELETE": "on"})
    response = staff.post(reverse("programmes_staff:event_edit", args=[event.pk]), data)
    assert response.status_code == 400
    assert "cannot be removed" in str(response.context["formset"].non_form_errors())
    assert event.days.count() == 2


# --- participants ------------------------------------------------------------------------------------------


def participant_data(**extra) -> dict:
    data = {
        "name": fake.name(),
        "email": fake.unique.email(),
        "profession": Profession.PSYCHOLOGIST,
        "institution": fake.company(),
        "country": "RO",
        "gender": "",
    }
    data.update(extra)
    return data


def test_participants_page_lists_confirmed_waiting_and_cancelled(staff, event):
    people = confirmed(event, 5)
    services.participant_cancel(actor=staff_actor(), participant=people[0])  # people[3] takes the place
    response = staff.get(reverse("programmes_staff:participants", args=[event.pk]))
    assert response.status_code == 200
    assert [p.pk for p in response.context["confirmed"]] == sorted(
        [people[1].pk, people[2].pk, people[3].pk],
        key=lambda pk: (Participant.objects.get(pk=pk).name.lower(), pk),
    )
    assert [p.pk for p in response.context["waiting"]] == [people[4].pk]
    assert [p.pk for p in response.context["cancelled"]] == [people[0].pk]
    page = response.content.decode()
    assert people[4].name in page


def test_staff_add_a_participant_even_when_registration_is_closed(
    staff, event, django_capture_on_commit_callbacks
):
    event.registration_open = False
    event.save()
    data = participant_data()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("programmes_staff:participants", args=[event.pk]), data)
    assert response.status_code == 302
    person = Participant.objects.get(event=event)
    assert person.source == ParticipantSource.STAFF and person.status == ParticipantStatus.CONFIRMED
    assert person.name == data["name"] and person.consent_text == ""
    assert len(mail.outbox) == 1
    # The same address again: refused, with what was typed kept.
    response = staff.post(reverse("programmes_staff:participants", args=[event.pk]), data)
    assert response.status_code == 400
    assert "already registered" in str(response.context["form"].non_field_errors())
    assert data["name"] in response.content.decode()
    # A missing profession is an error on that field.
    response = staff.post(
        reverse("programmes_staff:participants", args=[event.pk]), participant_data(profession="")
    )
    assert response.status_code == 400 and response.context["form"].errors["profession"]


def test_cancel_and_confirm_from_the_waiting_list(staff, event):
    people = confirmed(event, 4)
    waiting = people[3]
    url = reverse("programmes_staff:participant_confirm", args=[event.pk, waiting.pk])
    response = staff.post(url, follow=True)
    assert "There is no free place; raise the capacity first." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ParticipantStatus.WAITING
    # A GET changes nothing.
    assert (
        staff.get(reverse("programmes_staff:participant_cancel", args=[event.pk, people[0].pk])).status_code
        == 405
    )
    response = staff.post(
        reverse("programmes_staff:participant_cancel", args=[event.pk, people[0].pk]), follow=True
    )
    assert "The registration has been cancelled." in response.content.decode()
    waiting.refresh_from_db()
    people[0].refresh_from_db()
    assert people[0].status == ParticipantStatus.CANCELLED
    assert waiting.status == ParticipantStatus.CONFIRMED  # promoted by the cancellation


def test_staff_confirm_someone_waiting_when_a_place_is_free(staff, event):
    people = confirmed(event, 4)
    Event.objects.filter(pk=event.pk).update(capacity=4)  # raised without filling the places
    response = staff.post(reverse("programmes_staff:participant_confirm", args=[event.pk, people[3].pk]))
    assert response.status_code == 302
    people[3].refresh_from_db()
    assert people[3].status == ParticipantStatus.CONFIRMED


def test_a_participant_of_another_event_is_404(staff, event):
    stranger = ParticipantFactory(event=EventFactory())
    url = reverse("programmes_staff:participant_cancel", args=[event.pk, stranger.pk])
    assert staff.post(url).status_code == 404


# --- check-in ---------------------------------------------------------------------------------------------


def test_check_in_lists_everyone_by_name_with_a_letter_index(staff, event):
    event.capacity = None
    event.save()
    for name in ["zoe Tănase", "Ștefan Pop", "Ana Ionescu", "Bogdan Marin"]:
        ParticipantFactory(event=event, name=name)
    ParticipantFactory(event=event, name="Someone Waiting", status=ParticipantStatus.WAITING)
    day = event.days.first()
    response = staff.get(reverse("programmes_staff:check_in", args=[event.pk, day.pk]))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group["letter"] for group in groups] == ["A", "B", "S", "Z"]
    page = response.content.decode()
    assert "Someone Waiting" not in page
    assert 'href="#letter-S"' in page and 'id="letter-S"' in page
    assert "0 of 4 present" in page
    # The name search is sent by POST: no name travels in a URL.
    assert "?q=" not in page and '<form method="post" class="inline-form name-search"' in page


def test_check_in_toggles_and_returns_to_the_row(staff, event):
    person = confirmed(event)[0]
    day, other_day = event.days.order_by("date")
    url = reverse("programmes_staff:check_in_set", args=[event.pk, day.pk, person.pk])
    response = staff.post(url, {"present": "yes"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("programmes_staff:check_in", args=[event.pk, day.pk]) + f"#p{person.pk}"
    )
    attendance = Attendance.objects.get()
    assert attendance.participant == person and attendance.day == day and attendance.checked_in_by is not None
    staff.post(url, {"present": "yes"})  # twice is harmless
    assert Attendance.objects.count() == 1
    page = staff.get(reverse("programmes_staff:check_in", args=[event.pk, day.pk])).content.decode()
    assert "1 of 1 present" in page and f'id="p{person.pk}" class="present"' in page
    other = staff.get(reverse("programmes_staff:check_in", args=[event.pk, other_day.pk])).content.decode()
    assert "0 of 1 present" in other
    staff.post(url, {"present": "no"})
    assert not Attendance.objects.exists()


def test_only_confirmed_people_can_be_checked_in(staff, event):
    people = confirmed(event, 4)
    day = event.days.first()
    url = reverse("programmes_staff:check_in_set", args=[event.pk, day.pk, people[3].pk])
    response = staff.post(url, {"present": "yes"}, follow=True)
    assert "Only confirmed participants can be checked in." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_day_of_another_event_is_404(staff, event):
    other_day = EventFactory().days.first()
    assert staff.get(reverse("programmes_staff:check_in", args=[event.pk, other_day.pk])).status_code == 404
    assert (
        staff.get(reverse("programmes_staff:sign_in_sheet", args=[event.pk, other_day.pk])).status_code == 404
    )


# --- sign-in sheets ---------------------------------------------------------------------------------------


def test_sign_in_sheet_html_and_pdf(staff, event):
    people = confirmed(event, 4)  # the fourth waits: not on the sheet
    day = event.days.first()
    response = staff.get(reverse("programmes_staff:sign_in_sheet", args=[event.pk, day.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for person in people[:3]:
        assert person.name in page
    assert people[3].name not in page
    assert "Signature" in page
    assert '<td class="number">13</td>' in page  # 3 people and 10 blank rows
    assert '<td class="number">14</td>' not in page
    response = staff.get(reverse("programmes_staff:sign_in_sheet_pdf", args=[event.pk, day.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert people[0].name not in response["Content-Disposition"]


# --- certificates -----------------------------------------------------------------------------------------


def test_certificates_only_for_those_who_attended(
    staff, event, organisation, django_capture_on_commit_callbacks
):
    came, absent, waiting = confirmed(event, 4)[1:]  # one more who came, then one absent, one waiting
    first = Participant.objects.filter(event=event).order_by("pk").first()
    day = event.days.first()
    for person in (first, came):
        services.attendance_check_in(actor=staff_actor(), participant=person, day=day)
    page = staff.get(reverse("programmes_staff:certificates", args=[event.pk])).content.decode()
    assert first.name in page and came.name in page and absent.name not in page
    assert "Issue 2 certificates" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("programmes_staff:certificates", args=[event.pk]), follow=True)
    assert "2 certificates were issued and sent by e-mail." in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, came.email])
    for person in (first, came, absent, waiting):
        person.refresh_from_db()
    assert first.certificate_code and came.certificate_code
    assert absent.certificate_code is None and waiting.certificate_code is None
    page = response.content.decode()
    assert first.certificate_code in page
    assert reverse("programmes_staff:certificate_pdf", args=[event.pk, first.pk]) in page
    assert reverse("programmes_staff:certificate_pdf", args=[event.pk, absent.pk]) not in page
    assert "certificates</button>" not in page and "certificate</button>" not in page  # nothing left to issue
    response = staff.get(reverse("programmes_staff:certificate_pdf", args=[event.pk, first.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert first.certificate_code in response["Content-Disposition"]
    assert (
        staff.get(reverse("programmes_staff:certificate_pdf", args=[event.pk, absent.pk])).status_code == 404
    )
    assert (
        staff.get(reverse("programmes_staff:certificate_pdf", args=[event.pk, waiting.pk])).status_code == 404
    )
    # Issuing again sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("programmes_staff:certificates", args=[event.pk]), follow=True)
    assert "Everyone who attended already has a certificate." in response.content.decode()
    assert mail.outbox == []


# --- evaluation -------------------------------------------------------------------------------------------


def test_evaluation_invitations_and_summary(staff, event, django_capture_on_commit_callbacks):
    people = confirmed(event, 3)
    day = event.days.first()
    for person in people[:2]:
        services.attendance_check_in(actor=staff_actor(), participant=person, day=day)
    page = staff.get(reverse("programmes_staff:evaluation", args=[event.pk])).content.decode()
    assert "0 of 2 attendees invited; 0 answers." in page and "No answers yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("programmes_staff:evaluation", args=[event.pk]), follow=True)
    assert "2 invitations to the questionnaire were sent." in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people[:2])
    for answer in [
        {
            "overall": 5,
            "content": 4,
            "usefulness": 5,
            "organisation": 3,
            "liked": "The case studies",
            "improve": "",
        },
        {
            "overall": 4,
            "content": 4,
            "usefulness": 2,
            "organisation": 3,
            "liked": "",
            "improve": "More breaks",
        },
    ]:
        Evaluation.objects.create(event=event, submitted_on=timezone.localdate(), **answer)
    response = staff.get(reverse("programmes_staff:evaluation", args=[event.pk]))
    summary = response.context["summary"]
    assert summary["count"] == 2
    overall = summary["scores"][0]
    assert overall["mean"] == 4.5
    assert [row["count"] for row in overall["distribution"]] == [0, 0, 0, 1, 1]
    assert summary["liked"] == ["The case studies"] and summary["improve"] == ["More breaks"]
    page = response.content.decode()
    assert "average 4.5 out of 5" in page and "More breaks" in page
    assert "Send the invitations" not in page  # everyone who came was invited


# --- the admin --------------------------------------------------------------------------------------------

ADMIN_MODELS = [
    "funder",
    "funderprogramme",
    "project",
    "publication",
    "network",
    "partnership",
    "collaborationprotocol",
    "campaign",
    "event",
]


def test_admin_is_for_programme_staff_only(client, event):
    editor = UserFactory(roles=[Role.PROGRAMME_STAFF], is_staff=True)
    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    for model in ADMIN_MODELS:
        assert client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:programmes_{model}_add")).status_code == 200, model
        assert reverse(f"admin:programmes_{model}_changelist") in index
    assert client.get(reverse("admin:programmes_event_change", args=[event.pk])).status_code == 200
    # Personal and anonymous records are not in the admin at all.
    assert "participant" not in index.lower() and "evaluation" not in index.lower()

    other = UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True)
    client.force_login(other)
    for model in ADMIN_MODELS:
        assert client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 403, model
