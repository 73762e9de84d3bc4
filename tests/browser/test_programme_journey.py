"""Issue 4's journey in a real browser, on a phone-sized screen, with and without JavaScript: a trainer
creates a two-day training and opens registration; a lawyer registers on the public form (and is told what
is missing first, without losing what she typed); the trainer checks her in from the phone check-in screen
and issues the certificates; the lawyer's certificate is checked by its code on the public page and opens
as a PDF. Everyone is a Faker invention."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from faker import Faker
from playwright.sync_api import expect

from refugiu.accounts.roles import Role
from refugiu.organisation.models import NGO
from refugiu.programmes.models import Event, Participant
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.browser.phone import fits
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(request, browser):
    """`phone()`: a new phone-sized browser of its own (no shared cookies)."""
    contexts = []

    def open_phone():
        context = browser.new_context(
            locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=request.param
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def labelled(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_registration_check_in_and_certificate_on_a_phone(live_server, phone, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    NGO.objects.create(name="Fictional Support Association")
    faker = Faker()
    trainer = UserFactory(roles=[Role.PROGRAMME_STAFF], display_name=faker.name())
    lawyer = {"name": faker.name(), "email": "lawyer.trainee@example.org", "institution": faker.company()}
    base = live_server.url

    # The trainer signs in and creates a two-day training.
    staff = phone()
    staff.goto(base + "/accounts/login/")
    staff.get_by_label("Username").fill(trainer.username)
    staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
    staff.get_by_role("button", name="Sign in", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Staff area")
    staff.get_by_role("link", name="New event").first.click()
    first = timezone.localdate() + datetime.timedelta(days=7)
    labelled(staff, "Type").select_option(label="training")
    labelled(staff, "Title").fill("Training on the rights of victims of trafficking")
    labelled(staff, "City").fill("Cluj-Napoca")
    labelled(staff, "Capacity").fill("20")
    labelled(staff, "Registration open").check()
    labelled(staff, "Published").check()
    days = staff.locator("fieldset", has_text="Days")
    days.get_by_label("Date").nth(0).fill(first.isoformat())
    days.get_by_label("Date").nth(1).fill((first + datetime.timedelta(days=1)).isoformat())
    with staff.expect_navigation():
        staff.get_by_role("button", name=re.compile("^(Save|Create)")).click()
    event = Event.objects.get()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Training on the rights of victims")

    # The lawyer finds it among the public events and registers, forgetting to agree the first time.
    visitor = phone()
    visitor.goto(base + "/events/")
    visitor.get_by_role("link", name="Training on the rights of victims of trafficking").click()
    visitor.get_by_role("link", name=re.compile("Register")).first.click()
    labelled(visitor, "Full name").fill(lawyer["name"])
    labelled(visitor, "E-mail address").fill(lawyer["email"])
    labelled(visitor, "Profession").select_option(label="lawyer")
    labelled(visitor, "Institution (optional)").fill(lawyer["institution"])
    visitor.get_by_role("group", name="Gender (optional)").get_by_label("prefer not to say").check()
    visitor.get_by_role("button", name="Register").click()
    expect(visitor.get_by_role("alert").first).to_be_visible()
    expect(labelled(visitor, "Full name")).to_have_value(lawyer["name"])
    visitor.get_by_label("I have read the text above and I agree.").check()
    visitor.get_by_role("button", name="Register").click()
    expect(visitor.get_by_text(re.compile("confirmed", re.IGNORECASE)).first).to_be_visible()
    participant = Participant.objects.get(event=event)
    assert participant.status == "confirmed" and participant.gender == "prefer_not_to_say"
    assert all(lawyer["email"] not in url and "lawyer" not in url for url in [visitor.url])
    assert [message.to for message in mail.outbox] == [[lawyer["email"]]]

    # On the first day the trainer checks her in from the phone.
    day_one = event.days.order_by("date").first()
    staff.goto(f"{base}/staff/programmes/events/{event.pk}/days/{day_one.pk}/check-in/")
    expect(staff.get_by_role("status")).to_have_text("0 of 1 present")
    staff.get_by_role("button", name=re.compile(rf"^Check in\s*:\s*{re.escape(lawyer['name'])}")).click()
    expect(staff.get_by_role("status")).to_have_text("1 of 1 present")
    expect(staff.locator(f"#p{participant.pk}")).to_have_class("present")
    # The screen fits the phone: nothing wider than the screen.
    fits(staff, PHONE["width"])

    # After the event: certificates for those who came.
    staff.goto(f"{base}/staff/programmes/events/{event.pk}/certificates/")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Issue 1 certificate").click()
    participant.refresh_from_db()
    assert participant.certificate_code
    assert mail.outbox[-1].to == [lawyer["email"]]

    # Anyone shown the certificate can check its code on the public page, and open the PDF.
    checker = phone()
    checker.goto(base + "/certificates/")
    labelled(checker, "Certificate code").fill(participant.certificate_code.lower().replace("-", " "))
    checker.get_by_role("button", name="Check").click()
    expect(checker.get_by_role("main")).to_contain_text(lawyer["name"])
    expect(checker.get_by_role("main")).to_contain_text("Training on the rights of victims of trafficking")
    pdf = checker.request.get(f"{base}/certificates/{participant.certificate_code}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
