"""An organisation keeping its own entry, in a real browser: a directory editor invites its representative,
who chooses a password from the e-mailed link, signs in with their e-mail address (no second factor asked
for), changes the description; the editor sees the words removed and added and approves; the public page
then says it, verified today. No page breaks the content security policy. Everyone is a Faker invention."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.directory.models import Organization
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "keeper.of.the.entry@example.org"
PASSWORD = "a passphrase of our own 2031"


def labelled(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def sign_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff area")


def test_invite_propose_review_publish(browser, live_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organization = OrganizationFactory(name="Asociația Sprijin Iași", description="Legal advice for victims.")
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True)
    base = live_server.url
    violations = []

    def new_page():
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and violations.append(message),
        )
        return page

    # The editor finds the organisation and invites its representative.
    staff = new_page()
    sign_in(staff, base, editor.username, DEFAULT_PASSWORD)
    staff.get_by_role("link", name="Organisations' representatives").click()
    labelled(staff, "Organisation").fill("sprijin")
    staff.get_by_role("button", name="Find the organisation").click()
    staff.get_by_role("link", name="Asociația Sprijin Iași").click()
    labelled(staff, "E-mail address").fill(EMAIL)
    labelled(staff, "Name").fill("Ana Păstrăvan")
    staff.get_by_role("button", name="Send the invitation").click()
    expect(staff.get_by_role("status")).to_contain_text("The invitation was sent.")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)

    # The representative chooses a password and signs in with the address: no second factor is asked for.
    keeper = new_page()
    keeper.goto(link)
    keeper.locator("input[name=password1]").fill(PASSWORD)
    keeper.locator("input[name=password2]").fill(PASSWORD)
    keeper.locator("button[name=action]").click()
    expect(keeper.locator("main")).to_contain_text("password")
    assert User.objects.get(username=EMAIL).check_password(PASSWORD)
    sign_in(keeper, base, EMAIL, PASSWORD)
    keeper.get_by_role("link", name="My organisations: their directory entries").click()
    keeper.get_by_role("link", name="Asociația Sprijin Iași").click()
    keeper.get_by_role("link", name="Change the organisation's details").click()
    labelled(keeper, "Description").fill("Legal advice and company for victims, every weekday.")
    keeper.get_by_role("button", name="Send for review").click()
    expect(keeper.get_by_role("status")).to_contain_text("Your change was sent.")
    expect(keeper.get_by_role("heading", name="Waiting for review")).to_be_visible()
    assert Organization.objects.get().description == "Legal advice for victims."

    # The editor sees what goes and what comes, and approves.
    staff.goto(base + "/staff/")
    staff.get_by_role("link", name="Changes proposed by organisations").click()
    expect(staff.locator(".change-diff del")).to_contain_text("victims.")
    expect(staff.locator(".change-diff ins")).to_contain_text("victims, every weekday.")
    staff.get_by_role("button", name="Approve and publish").click()
    expect(staff.get_by_role("status")).to_contain_text("The change was applied")

    visitor = new_page()
    visitor.goto(f"{base}/organisations/{organization.id}/")
    expect(visitor.locator("main")).to_contain_text("Legal advice and company for victims, every weekday.")
    assert Organization.objects.get().last_verified_on == timezone.localdate()
    assert not violations, [message.text for message in violations]
