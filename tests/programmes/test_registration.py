"""The public registration pages, through real HTTP requests: registering, cancelling with the e-mailed
link, the anonymous questionnaire and certificates of attendance with their verification page and PDF.
(The parallel-requests proof of capacity is in test_parallel_registration.py.)"""

import datetime
import re
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from faker import Faker

from refugiu.organisation.models import NGO
from refugiu.programmes import services
from refugiu.programmes.models import Evaluation, Event, Participant
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.programmes.factories import EventFactory, staff_actor

pytestmark = pytest.mark.django_db

fake = Faker()


@pytest.fixture
def organisation():
    return NGO.objects.create(name="Fictional Refugee Support Association")


def person(**extra) -> dict:
    """The fields of the public form for one fake person."""
    data = {
        "name": fake.name(),
        "email": fake.unique.email(),
        "profession": Profession.SOCIAL_WORKER,
        "institution": fake.company(),
        "country": "MD",
        "gender": "prefer_not_to_say",
        "consent": "on",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def register_url(event) -> str:
    return reverse("programmes:register", args=[event.pk])


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def assert_no_personal_data(urls, *people):
    for url in urls:
        for data in people:
            for value in (data["name"], data["email"], data["email"].split("@")[0]):
                assert value.lower() not in url.lower(), url


def register_through_the_form(client, event, sent, data):
    """Post the form like a browser (e-mails sent on commit); the response is the redirect."""
    return sent(client.post, register_url(event), data)


# --- The form ----------------------------------------------------------------------------------------


def test_the_form_shows_the_event_the_places_left_and_the_whole_consent_text(client, organisation):
    event = EventFactory(capacity=5, places_taken=2)
    html = client.get(register_url(event)).content.decode()
    assert escape(event.title) in html
    assert "Registration is open: 3 places left." in html
    assert escape(services.consent_text(event)) in html
    assert organisation.name in services.consent_text(event)
    assert 'type="checkbox" name="consent"' in html and 'aria-describedby="consent-text' in html
    # Gender is optional and offers "prefer not to say"; the honeypot is there but hidden from people.
    assert 'value="prefer_not_to_say"' in html and "Gender (optional)" in html
    assert re.search(r'class="hp" aria-hidden="true">.*name="website"', html)


def test_registering_confirms_redirects_to_the_event_and_e_mails(client, sent):
    event = EventFactory(capacity=5)
    data = person()
    response = register_through_the_form(client, event, sent, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:event", args=[event.pk])
    participant = Participant.objects.get(event=event)
    assert participant.status == ParticipantStatus.CONFIRMED
    assert (participant.name, participant.email, participant.profession) == (
        data["name"],
        data["email"],
        Profession.SOCIAL_WORKER,
    )
    assert (participant.country.code, participant.gender, participant.language) == (
        "MD",
        "prefer_not_to_say",
        "en",
    )
    assert participant.consent_text == services.consent_text(event) and participant.consented_at
    event.refresh_from_db()
    assert event.places_taken == 1
    # The event page carries the message once, then shows one place fewer.
    html = client.get(response["Location"]).content.decode()
    assert "your place is confirmed" in html and "sent you an e-mail" in html
    assert "Registration is open: 4 places left." in html
    assert "your place is confirmed" not in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == [data["email"]]
    assert "confirmed" in message.subject.lower()
    assert_no_personal_data([response["Location"], *links_in(message)], data)


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_registering_from_the_romanian_pages_keeps_romanian_for_the_e_mails(client, sent, how):
    event = EventFactory()
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ro"
        headers = {}
    else:
        headers = {"HTTP_ACCEPT_LANGUAGE": "ro"}
    response = sent(client.post, register_url(event), person(), **headers)
    assert response.status_code == 302
    participant = Participant.objects.get(event=event)
    assert participant.language == "ro"
    # (The Romanian wording comes with the translations of this module's new strings.)
    assert len(mail.outbox) == 1


def test_gender_and_country_may_be_left_unanswered(client, sent):
    event = EventFactory()
    response = register_through_the_form(client, event, sent, person(gender=None, country="", institution=""))
    assert response.status_code == 302
    participant = Participant.objects.get(event=event)
    assert (participant.gender, participant.country.code, participant.institution) == ("", "", "")


def test_the_same_address_cannot_register_twice_whatever_its_case(client, sent):
    event = EventFactory()
    first = person()
    register_through_the_form(client, event, sent, first)
    again = person(email=first["email"].upper())
    response = client.post(register_url(event), again)
    assert response.status_code == 400
    html = response.content.decode()
    assert "already registered for this event" in html
    # What was typed is still there.
    assert f'value="{escape(again["name"])}"' in html and f'value="{escape(again["email"])}"' in html
    assert Participant.objects.filter(event=event).count() == 1


def test_a_full_event_without_a_waiting_list_says_so_and_takes_nobody(client):
    event = EventFactory(capacity=2, places_taken=2, waiting_list=False)
    html = client.get(register_url(event)).content.decode()
    assert "Sorry, this event is full." in html
    assert 'name="email"' not in html
    response = client.post(register_url(event), person())
    assert "Sorry, this event is full." in response.content.decode()
    assert not Participant.objects.filter(event=event).exists()
    event_page = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert "Sorry, this event is full." in event_page
    assert register_url(event) not in event_page


def test_a_full_event_with_a_waiting_list_queues_and_says_so(client, sent):
    event = EventFactory(capacity=1, places_taken=1, waiting_list=True)
    html = client.get(register_url(event)).content.decode()
    assert "you will be put on the waiting list" in html
    event_page = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert "Join the waiting list" in event_page and register_url(event) in event_page
    data = person()
    response = register_through_the_form(client, event, sent, data)
    assert response.status_code == 302
    assert Participant.objects.get(event=event).status == ParticipantStatus.WAITING
    html = client.get(response["Location"]).content.decode()
    assert "you are on the waiting list" in html and "sent you an e-mail" in html
    assert mail.outbox[0].subject.startswith("Waiting list")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"registration_open": False}, "Registration for this event is not open."),
        (
            {"registration_closes_on": timezone.localdate() - datetime.timedelta(days=1)},
            "Registration for this event closed on",
        ),
        ({"started": True}, "This event has already started."),
    ],
)
def test_closed_registration_says_why_and_shows_no_form(client, change, reason):
    if change == {"started": True}:
        event = EventFactory(days__start=timezone.localdate() - datetime.timedelta(days=1))
    else:
        event = EventFactory()
        Event.objects.filter(pk=event.pk).update(**change)
    response = client.get(register_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html
    assert 'name="email"' not in html
    response = client.post(register_url(event), person())
    assert reason in response.content.decode()
    assert not Participant.objects.filter(event=event).exists()


def test_an_unpublished_event_has_no_form(client):
    event = EventFactory(is_published=False)
    assert client.get(register_url(event)).status_code == 404
    assert client.post(register_url(event), person()).status_code == 404
    assert not Participant.objects.exists()


def test_the_event_page_says_nothing_of_registration_for_events_that_take_none(client):
    event = EventFactory(registration_open=False)
    html = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert 'id="registration-heading"' not in html
    open_event = EventFactory(capacity=None)
    html = client.get(reverse("programmes:event", args=[open_event.pk])).content.decode()
    assert "Registration is open." in html and register_url(open_event) in html


def test_consent_is_required(client):
    event = EventFactory()
    data = person(consent=None)
    response = client.post(register_url(event), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please read the consent text and tick the box to agree." in html
    assert f'value="{escape(data["institution"])}"' in html
    assert not Participant.objects.exists()
    assert not mail.outbox


def test_an_invalid_address_is_a_field_error_and_keeps_what_was_typed(client):
    event = EventFactory()
    data = person(email="not-an-address", name=fake.name())
    response = client.post(register_url(event), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html and "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html
    assert f'value="{escape(data["name"])}"' in html
    assert 'value="not-an-address"' in html
    assert f'<option value="{Profession.SOCIAL_WORKER}" selected>' in html
    assert 'value="prefer_not_to_say" id="id_gender_3" checked' in html
    # Consent given once is not silently dropped either.
    assert 'name="consent" id="id_consent" checked' in html
    assert not Participant.objects.exists()


def test_a_missing_name_and_profession_are_field_errors(client):
    event = EventFactory()
    response = client.post(register_url(event), person(name="", profession=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html and 'id="id_profession_error"' in html
    assert not Participant.objects.exists()


def test_a_bot_filling_the_hidden_field_is_refused_and_nothing_is_kept(client):
    event = EventFactory()
    response = client.post(register_url(event), person(website="http://spam.example"))
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert not Participant.objects.exists()
    assert not mail.outbox


# --- Cancelling --------------------------------------------------------------------------------------


def cancel_path(message) -> str:
    (link,) = [link for link in links_in(message) if "/registration/cancel/" in link]
    return urlsplit(link).path


def test_the_cancel_link_cancels_and_hands_the_place_to_the_first_waiting(client, sent):
    event = EventFactory(capacity=1)
    first, second, third = person(), person(), person()
    for data in (first, second, third):
        register_through_the_form(client, event, sent, data)
    assert list(Participant.objects.filter(event=event).values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
        "waiting",
    ]
    path = cancel_path(mail.outbox[0])
    assert_no_personal_data([path], first, second, third)
    mail.outbox.clear()

    html = client.get(path).content.decode()
    assert escape(event.title) in html and "Cancel my registration" in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert first["name"] not in html and first["email"] not in html

    response = sent(client.post, path)
    assert response.status_code == 302 and response["Location"] == path
    html = client.get(path).content.decode()
    assert "Your registration has been cancelled." in html
    assert "Cancel my registration" not in html

    statuses = dict(Participant.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {first["email"]: "cancelled", second["email"]: "confirmed", third["email"]: "waiting"}
    event.refresh_from_db()
    assert event.places_taken == 1
    (promoted,) = mail.outbox
    assert promoted.to == [second["email"]]


def test_an_already_cancelled_registration_says_so(client, sent):
    event = EventFactory()
    register_through_the_form(client, event, sent, person())
    path = cancel_path(mail.outbox[0])
    sent(client.post, path)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 200
        assert "This registration is cancelled." in response.content.decode()
    event.refresh_from_db()
    assert event.places_taken == 0


def test_after_the_event_the_link_no_longer_cancels(client, sent):
    event = EventFactory()
    register_through_the_form(client, event, sent, person())
    participant = Participant.objects.get(event=event)
    services.attendance_check_in(actor=staff_actor(), participant=participant, day=event.days.first())
    path = cancel_path(mail.outbox[0])
    assert "can no longer be cancelled" in client.get(path).content.decode()
    client.post(path)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED


def test_a_forged_or_mistaken_link_is_not_valid(client, sent):
    event = EventFactory()
    register_through_the_form(client, event, sent, person())
    participant = Participant.objects.get(event=event)
    good = services.cancel_token(participant)
    for token in (
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        "nothing",
        services.evaluation_token(participant),
    ):
        for method in (client.get, client.post):
            response = method(reverse("programmes:registration_cancel", args=[token]))
            assert response.status_code == 404
            assert "This link is not valid" in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED


# --- The questionnaire -------------------------------------------------------------------------------

ANSWERS = {
    "overall": "5",
    "content": "4",
    "usefulness": "4",
    "organisation": "3",
    "liked": "The case studies.",
    "improve": "",
}


def attendee(event, checked_in=True) -> Participant:
    participant = services.participant_register(
        event=event, name=fake.name(), email=fake.unique.email(), profession=Profession.JUDGE, consent=True
    )
    if checked_in:
        services.attendance_check_in(actor=staff_actor(), participant=participant, day=event.days.first())
    return participant


def evaluation_url(participant) -> str:
    return reverse("programmes:evaluation", args=[services.evaluation_token(participant)])


def test_the_questionnaire_is_anonymous_and_answered_once(client):
    event = EventFactory()
    participant = attendee(event)
    url = evaluation_url(participant)
    html = client.get(url).content.decode()
    assert "Your answers are anonymous." in html
    assert participant.name not in html and participant.email not in html
    assert 'type="radio" name="overall" value="5"' in html

    response = client.post(url, ANSWERS)
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert "Thank you for your answers." in html and "already been answered" in html

    (answer,) = Evaluation.objects.filter(event=event)
    assert (answer.overall, answer.content, answer.usefulness, answer.organisation) == (5, 4, 4, 3)
    assert answer.liked == "The case studies."
    # Nothing in an answer points back to a person.
    assert not [f for f in Evaluation._meta.get_fields() if f.is_relation and f.related_model is Participant]
    participant.refresh_from_db()
    assert participant.evaluation_answered

    second = client.post(url, {**ANSWERS, "overall": "1"})
    assert "already been answered" in second.content.decode()
    assert Evaluation.objects.filter(event=event).count() == 1


def test_a_questionnaire_with_a_missing_score_is_sent_back(client):
    participant = attendee(EventFactory())
    response = client.post(evaluation_url(participant), {**ANSWERS, "overall": "", "content": "6"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_overall_error"' in html and 'id="id_content_error"' in html
    assert "The case studies." in html
    assert not Evaluation.objects.exists()


def test_only_those_who_attended_can_answer(client):
    event = EventFactory()
    absent = attendee(event, checked_in=False)
    for method in (client.get, client.post):
        response = method(evaluation_url(absent), ANSWERS)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    cancel_token = services.cancel_token(attendee(event))
    assert client.get(reverse("programmes:evaluation", args=[cancel_token])).status_code == 404
    assert not Evaluation.objects.exists()


def test_the_evaluation_link_stops_working_after_its_maximum_age(client, monkeypatch):
    """The e-mailed link is signed with the time it was made; after EVALUATION_MAX_AGE (90 days) it opens
    nothing, whatever the participant did (ASVS 9.2.1)."""
    participant = attendee(EventFactory())
    now = time.time()

    def link_made(ago: datetime.timedelta) -> str:
        with monkeypatch.context() as patched:
            patched.setattr(signing, "time", SimpleNamespace(time=lambda: now - ago.total_seconds()))
            return evaluation_url(participant)

    assert services.EVALUATION_MAX_AGE.days == 90
    expired = link_made(services.EVALUATION_MAX_AGE + datetime.timedelta(minutes=5))
    for method in (client.get, client.post):
        response = method(expired, ANSWERS)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert not Evaluation.objects.exists()

    almost = link_made(services.EVALUATION_MAX_AGE - datetime.timedelta(minutes=5))
    assert client.get(almost).status_code == 200
    assert client.post(almost, ANSWERS).status_code == 302
    assert Evaluation.objects.count() == 1


# --- Certificates ------------------------------------------------------------------------------------


@pytest.fixture
def certified(organisation, sent):
    """An event of two days: one person came on the first day and got a certificate, another did not come."""
    event = EventFactory(days=2, city="Chișinău", country="MD")
    came, stayed_away = attendee(event, checked_in=False), attendee(event, checked_in=False)
    first_day = event.days.order_by("date").first()
    services.attendance_check_in(actor=staff_actor(), participant=came, day=first_day)
    mail.outbox.clear()
    sent(services.certificates_issue, actor=staff_actor(), event=event)
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    return event, came, stayed_away, first_day


def test_certificates_only_for_those_who_came(certified):
    _event, came, stayed_away, _day = certified
    assert came.certificate_code and stayed_away.certificate_code is None
    assert [message.to for message in mail.outbox] == [[came.email]]


def test_the_verification_page_states_what_the_certificate_says(client, certified, organisation):
    event, came, _stayed_away, first_day = certified
    url = reverse("programmes:certificate", args=[came.certificate_code])
    assert url in mail.outbox[0].body
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert f"valid certificate of attendance issued by {organisation.name}" in html
    assert escape(came.name) in html and escape(event.title) in html
    assert "Chișinău, Moldova" in html
    assert first_day.date.strftime("%Y-%m-%d") in html and "1 of 2 days" in html
    assert came.certificate_code in html
    assert reverse("programmes:certificate_pdf", args=[came.certificate_code]) in html
    assert came.email not in html


def test_the_pdf_is_named_by_the_code(client, certified):
    _event, came, _stayed_away, _day = certified
    response = client.get(reverse("programmes:certificate_pdf", args=[came.certificate_code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="certificate-{came.certificate_code}.pdf"'
    for part in came.name.split():
        assert part.lower() not in disposition.lower()


def test_the_lookup_form_finds_a_certificate_however_the_code_is_typed(client, certified):
    _event, came, _stayed_away, _day = certified
    assert "Certificate code" in client.get(reverse("programmes:certificate_lookup")).content.decode()
    typed = came.certificate_code.lower().replace("-", " ")
    response = client.get(reverse("programmes:certificate_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:certificate", args=[came.certificate_code])
    # A code in another spelling in the address goes to the one address of the certificate.
    response = client.get(reverse("programmes:certificate", args=[came.certificate_code.lower()]))
    assert response["Location"] == reverse("programmes:certificate", args=[came.certificate_code])


def test_an_unknown_code_is_a_clear_404(client, certified):
    response = client.get(reverse("programmes:certificate_lookup"), {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "No certificate has this code." in html and 'value="AAAA-BBBB-CCCC"' in html
    for name in ("certificate", "certificate_pdf"):
        response = client.get(reverse(f"programmes:{name}", args=["AAAA-BBBB-CCCC"]))
        assert response.status_code == 404
        assert "No certificate has this code." in response.content.decode()


def test_a_cancelled_or_never_issued_registration_has_no_certificate(client, certified):
    _event, came, stayed_away, _day = certified
    assert client.get(reverse("programmes:certificate", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404
    Participant.objects.filter(pk=came.pk).update(status=ParticipantStatus.CANCELLED)
    assert client.get(reverse("programmes:certificate", args=[came.certificate_code])).status_code == 404
    assert stayed_away.certificate_code is None
