"""The public pages, the event registration and its e-mails in Ukrainian, Russian and Arabic: every message
they show is translated.

Each page is asked for in the language tested while every message looked up in a catalogue is noted (the
gettext functions are wrapped): each of the project's messages among them must be translated, not fuzzy,
in that language's catalogue. Messages of Django and allauth come with their own catalogues. A page's data
(the directory's entries, the seed's programme) is not a message and stays as written. Every template of
the package that a public page renders must be listed in tests/test_i18n.py's PUBLIC_SOURCES, whose every
message that test checks is translated.
"""

from pathlib import Path

import polib
import pytest
from django.core import mail
from django.db import OperationalError
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from faker import Faker

import refugiu
from refugiu.core import errors
from refugiu.demo.directory import directory_demo_load
from refugiu.demo.organisation import organisation_demo_load
from refugiu.demo.programmes import example_training_load, programmes_demo_load
from refugiu.directory.models import Organization
from refugiu.programmes import services
from refugiu.programmes.models import Event, Project
from refugiu.programmes.services import mail as programmes_mail
from refugiu.programmes.vocabularies import Profession
from tests.programmes.factories import EventFactory, staff_actor
from tests.test_i18n import PUBLIC_LANGUAGES, PUBLIC_SOURCES

pytestmark = pytest.mark.django_db

PACKAGE_DIR = Path(refugiu.__file__).resolve().parent
Key = tuple[str | None, str]
fake = Faker()


def _catalogue(language: str) -> dict[Key, polib.POEntry]:
    path = PACKAGE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    return {(entry.msgctxt, entry.msgid): entry for entry in polib.pofile(str(path)) if not entry.obsolete}


PROJECT_MESSAGES = set(_catalogue("ro"))


def untranslated(language: str, keys: set[Key]) -> set[Key]:
    """The project's messages among `keys` that `language` has no translation of (or only a fuzzy one)."""
    entries = _catalogue(language)

    def translated(entry: polib.POEntry) -> bool:
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        return "fuzzy" not in entry.flags and all(text.strip() for text in texts)

    return {key for key in keys & PROJECT_MESSAGES if not translated(entries[key])}


@pytest.fixture
def looked_up(monkeypatch):
    """The (context, message) pairs looked up in the catalogues since the set was last emptied."""
    keys: set[Key] = set()
    functions = translation._trans  # the functions django.utils.translation's own call, lazy ones too

    def gettext(message):
        keys.add((None, str(message)))
        return trans_real.gettext(message)

    def ngettext(singular, plural, number):
        keys.add((None, str(singular)))
        return trans_real.ngettext(singular, plural, number)

    def pgettext(context, message):
        keys.add((str(context), str(message)))
        return trans_real.pgettext(context, message)

    def npgettext(context, singular, plural, number):
        keys.add((str(context), str(singular)))
        return trans_real.npgettext(context, singular, plural, number)

    for function in (gettext, ngettext, pgettext, npgettext):
        monkeypatch.setattr(functions, function.__name__, function, raising=False)
    return keys


def _describe(keys: set[Key]) -> str:
    return "; ".join(sorted(repr(msgid) + (f" ({ctxt})" if ctxt else "") for ctxt, msgid in keys))


@pytest.fixture
def world(settings, tmp_path):
    """The seed's organisation, directory, programme and example training, with an attendee who has a
    certificate, and events full with and without a waiting list."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation_demo_load()
    directory_demo_load()
    programmes_demo_load()
    example_training_load()
    training = Event.objects.get(registration_open=True)
    attendee = services.participant_register(
        event=training, name=fake.name(), email=fake.unique.email(), profession=Profession.JUDGE, consent=True
    )
    services.attendance_check_in(actor=staff_actor(), participant=attendee, day=training.days.first())
    services.certificates_issue(actor=staff_actor(), event=training)
    attendee.refresh_from_db()
    waiting = EventFactory(capacity=1, waiting_list=True)
    refusing = EventFactory(capacity=1, waiting_list=False)
    for event in (waiting, refusing):
        services.participant_register(
            event=event,
            name=fake.name(),
            email=fake.unique.email(),
            profession=Profession.LAWYER,
            consent=True,
        )
    organization = Organization.objects.filter(services__isnull=False).distinct().first()
    return {
        "training": training,
        "attendee": attendee,
        "waiting": waiting,
        "refusing": refusing,
        "organization": organization,
        "project": Project.objects.filter(is_published=True).first(),
    }


def _registrant(event):
    return services.participant_register(
        event=event, name=fake.name(), email=fake.unique.email(), profession=Profession.LAWYER, consent=True
    )


def _person() -> dict:
    return {
        "name": fake.name(),
        "email": fake.unique.email(),
        "profession": Profession.SOCIAL_WORKER,
        "gender": "prefer_not_to_say",
        "consent": "on",
    }


def _visits(world) -> list[tuple[str, object]]:
    """(what, how): `how(client)` makes the requests of one visit and returns the last response."""
    training, attendee = world["training"], world["attendee"]
    organization = world["organization"]
    evaluation = reverse("programmes:evaluation", args=[services.evaluation_token(attendee)])
    certificate = reverse("programmes:certificate", args=[attendee.certificate_code])

    def cancel_flow(client):
        url = reverse("programmes:registration_cancel", args=[services.cancel_token(_registrant(training))])
        assert client.get(url).status_code == 200
        return client.post(url, follow=True)

    def cancel_form(client):
        return client.get(
            reverse("programmes:registration_cancel", args=[services.cancel_token(_registrant(training))])
        )

    return [
        ("the directory's search page", lambda c: c.get("/")),
        ("a search with results and filters", lambda c: c.get("/?q=victim")),
        ("a search with a filter chosen", lambda c: c.get("/?country=RO")),
        ("a search finding nothing", lambda c: c.get("/?q=zzzqqqxxx")),
        (
            "an organisation's page",
            lambda c: c.get(reverse("directory:organization", args=[organization.id])),
        ),
        ("its referral sheet", lambda c: c.get(reverse("directory:referral_sheet", args=[organization.id]))),
        ("the suggestion form", lambda c: c.get(reverse("directory:suggest", args=[organization.id]))),
        (
            "the suggestion form sent empty",
            lambda c: c.post(reverse("directory:suggest", args=[organization.id]), {}),
        ),
        (
            "a suggestion sent",
            lambda c: c.post(
                reverse("directory:suggest", args=[organization.id]),
                {"text": "The phone number has changed."},
                follow=True,
            ),
        ),
        ("the about page", lambda c: c.get(reverse("organisation:about"))),
        ("the staff sign-in page", lambda c: c.get(reverse("account_login"))),
        ("the projects", lambda c: c.get(reverse("programmes:projects"))),
        ("a project", lambda c: c.get(reverse("programmes:project", args=[world["project"].pk]))),
        ("the events", lambda c: c.get(reverse("programmes:events"))),
        ("the events of no year", lambda c: c.get(reverse("programmes:events") + "?year=1990")),
        ("the publications", lambda c: c.get(reverse("programmes:publications"))),
        ("the partners", lambda c: c.get(reverse("programmes:partners"))),
        ("the campaigns", lambda c: c.get(reverse("programmes:campaigns"))),
        ("an event open for registration", lambda c: c.get(reverse("programmes:event", args=[training.pk]))),
        ("its registration form", lambda c: c.get(reverse("programmes:register", args=[training.pk]))),
        (
            "the registration form sent empty",
            lambda c: c.post(reverse("programmes:register", args=[training.pk]), {}),
        ),
        (
            "a registration",
            lambda c: c.post(reverse("programmes:register", args=[training.pk]), _person(), follow=True),
        ),
        (
            "a registration by a program",
            lambda c: c.post(
                reverse("programmes:register", args=[training.pk]), {**_person(), "website": "x"}
            ),
        ),
        (
            "a full event's form, with a waiting list",
            lambda c: c.get(reverse("programmes:register", args=[world["waiting"].pk])),
        ),
        (
            "a registration to the waiting list",
            lambda c: c.post(
                reverse("programmes:register", args=[world["waiting"].pk]), _person(), follow=True
            ),
        ),
        (
            "a full event without a waiting list",
            lambda c: c.get(reverse("programmes:event", args=[world["refusing"].pk])),
        ),
        ("the cancellation page", cancel_form),
        ("a cancellation", cancel_flow),
        ("a link that is not valid", lambda c: c.get("/registration/cancel/not-a-token/")),
        ("the questionnaire", lambda c: c.get(evaluation)),
        ("the questionnaire sent empty", lambda c: c.post(evaluation, {})),
        ("the certificate check", lambda c: c.get(reverse("programmes:certificate_lookup"))),
        (
            "a code that matches no certificate",
            lambda c: c.get(reverse("programmes:certificate_lookup") + "?code=ABCD-EFGH-JKLM"),
        ),
        ("a certificate", lambda c: c.get(certificate)),
        ("no such certificate", lambda c: c.get("/certificates/ABCD-EFGH-JKLM/")),
        ("a page that does not exist", lambda c: c.get("/no-such-page/")),
    ]


def _client(language: str, address: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address, raise_request_exception=False)


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_public_pages_show_no_untranslated_message(world, looked_up, language):
    client = _client(language, "192.0.2.1")
    problems, templates, used = [], set(), set()
    for what, visit in _visits(world):
        looked_up.clear()
        response = visit(client)
        assert response.status_code < 500, (what, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            assert f'<html lang="{language}"' in response.content.decode(), what
        used |= looked_up & PROJECT_MESSAGES
        if missing := untranslated(language, looked_up):
            problems.append(f"{what}: {_describe(missing)}")
        templates.update(template.origin.name for template in response.templates if template.origin.name)
    assert len(used) > 200, len(used)  # the pages were really looked at in the catalogues
    assert not problems, f"untranslated in {language}:\n" + "\n".join(problems)

    unlisted = {
        str(Path(name).relative_to(PACKAGE_DIR))
        for name in templates
        if Path(name).is_relative_to(PACKAGE_DIR / "templates")
    } - set(PUBLIC_SOURCES)
    assert not unlisted, f"public pages render templates missing from PUBLIC_SOURCES: {sorted(unlisted)}"


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_error_pages_show_no_untranslated_message(monkeypatch, looked_up, language):
    problems = []
    for status in (400, 403, 404, 429, 500, 503):
        looked_up.clear()
        request = RequestFactory().get("/about/", HTTP_ACCEPT_LANGUAGE=language)
        request.META["CSRF_COOKIE"] = "x" * 32
        if status == 429:
            with translation.override(language):
                content = render(request, "429.html", status=429).content.decode()
        else:
            content = errors.error_page(request, status=status, template=f"{status}.html").content.decode()
        assert f'<html lang="{language}"' in content, status
        if missing := untranslated(language, looked_up):
            problems.append(f"{status}: {_describe(missing)}")

    looked_up.clear()
    refusing = _client(language, "192.0.2.9")
    refusing.handler.enforce_csrf_checks = True
    assert refusing.post("/i18n/setlang/", {"language": "ro"}).status_code == 403
    if missing := untranslated(language, looked_up):
        problems.append(f"a form that could not be checked: {_describe(missing)}")

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr("refugiu.organisation.views.organisation_current", unreachable)
    looked_up.clear()
    assert _client(language, "192.0.2.10").get("/about/").status_code == 503
    if missing := untranslated(language, looked_up):
        problems.append(f"a database out of reach: {_describe(missing)}")
    assert not problems, f"untranslated in {language}:\n" + "\n".join(problems)


EMAILS = ("registered", "promoted", "reminder", "certificate", "evaluation")


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_registration_e_mails_show_no_untranslated_message(world, looked_up, language):
    attendee = world["attendee"]
    texts = {}
    for code in ("en", language):
        attendee.language = code
        mail.outbox = []
        looked_up.clear()
        for kind in EMAILS:
            programmes_mail.send(attendee, kind)
        texts[code] = [f"{message.subject}\n{message.body}" for message in mail.outbox]
    assert len(looked_up & PROJECT_MESSAGES) >= 15
    assert not untranslated(language, looked_up), _describe(untranslated(language, looked_up))
    for kind, english, translated in zip(EMAILS, texts["en"], texts[language], strict=True):
        assert english.splitlines()[0] != translated.splitlines()[0], kind  # the subject
        assert "Dear " not in translated and "If you cannot come" not in translated, kind


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_registering_in_a_language_writes_the_e_mail_in_it(language, django_capture_on_commit_callbacks):
    event = EventFactory()
    client = _client(language, "192.0.2.20")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:register", args=[event.pk]), _person())
    assert response.status_code == 302
    [message] = mail.outbox
    with translation.override(language):
        expected = translation.gettext("Registration confirmed: %(event)s") % {"event": event}
    assert message.subject == expected and "Registration confirmed" not in message.subject


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_the_reset_e_mail_to_an_unknown_address_is_in_the_visitors_language(looked_up, language):
    _client(language, "192.0.2.30").post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert not untranslated(language, looked_up), _describe(untranslated(language, looked_up))
    with translation.override(language):
        assert message.subject.endswith(translation.gettext("No account uses this e-mail address"))
    assert "No account uses" not in message.subject
