"""Issue 17's check-in at the door, in a real browser at 360 px: the trainer finds someone by typing part of
their name (with JavaScript the list filters as they type; without it the search form is sent) and checks
them in; then scans another person's QR code with the phone's camera. The camera is Chromium's fake capture
device playing a video of the QR code the person's e-mail carries (`--use-file-for-fake-video-capture`), so
the page's own scanner (check-in.js with the vendored jsQR) reads it as it would a real camera. The public
event page shows "Register" within the first screen of the phone. Everyone is a Faker invention."""

import datetime
import re

import pytest
import segno
from django.utils import timezone
from faker import Faker
from playwright.sync_api import expect

from refugiu.accounts.roles import Role
from refugiu.programmes import services
from refugiu.programmes.check_in_codes import check_in_payload
from refugiu.programmes.models import Attendance, EventDay
from refugiu.programmes.vocabularies import Profession
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.browser.conftest import CHROMIUM
from tests.browser.phone import PHONE, fits
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, staff_actor

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = (640, 480)


@pytest.fixture
def training(settings):
    """A training today, open for registration, with two confirmed people whose names share nothing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = EventFactory(days=0, title="Training for interpreters", venue="Hotel Fictiv", city="Iași")
    day = EventDay.objects.create(
        event=event, date=timezone.localdate(), starts_at=datetime.time(9), ends_at=datetime.time(17)
    )
    faker = Faker()
    people = [
        services.participant_add(
            actor=staff_actor(),
            event=event,
            name=name,
            email=faker.unique.email(),
            profession=Profession.LAWYER,
        )
        for name in ("Ștefania Vasilescu", "Radu Ionescu")
    ]
    trainer = UserFactory(roles=[Role.PROGRAMME_STAFF])
    return {"event": event, "day": day, "people": people, "trainer": trainer}


def sign_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def check_in_url(base, training) -> str:
    return f"{base}/staff/programmes/events/{training['event'].pk}/days/{training['day'].pk}/check-in/"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_trainer_finds_someone_by_typing_part_of_a_name(live_server, browser, training, javascript):
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, training["trainer"])
        page.goto(check_in_url(live_server.url, training))
        stefania, radu = training["people"]
        page.get_by_label("Find by name").fill("stef")  # no accent, lower case
        if not javascript:
            with page.expect_navigation():
                page.get_by_role("button", name="Search", exact=True).click()
            expect(page.get_by_text("1 person found.")).to_be_visible()
        expect(page.locator(f"#p{radu.pk}")).to_be_hidden()
        row = page.locator(f"#p{stefania.pk}")
        expect(row).to_be_visible()
        fits(page)
        with page.expect_navigation():
            row.get_by_role("button", name=re.compile("^Check in")).click()
        expect(page.locator(".tally")).to_have_text("1 of 2 present")
        expect(page.locator(f"#p{stefania.pk}")).to_have_class("present")
        assert list(Attendance.objects.values_list("participant", flat=True)) == [stefania.pk]
    finally:
        context.close()


def qr_video(path: str, text: str) -> None:
    """A few frames of `text`'s QR code, black on white in the middle of a 640×480 picture, as a Y4M video
    (4:2:0: grey is the Y plane alone, both colour planes at 128) for Chromium's fake camera."""
    width, height = VIDEO
    rows = list(segno.make(text, error="m").matrix_iter(scale=1, border=4))
    scale = (min(width, height) - 40) // len(rows)
    size = scale * len(rows)
    top, left = (height - size) // 2, (width - size) // 2
    picture = bytearray(b"\xeb" * (width * height))  # white (235)
    for y, row in enumerate(rows):
        line = bytes(16 if dark else 235 for dark in row for _i in range(scale))
        for repeat in range(scale):
            start = (top + y * scale + repeat) * width + left
            picture[start : start + size] = line
    frame = b"FRAME\n" + bytes(picture) + b"\x80" * (width * height // 2)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        video.write(frame * 5)


def test_the_trainer_checks_someone_in_by_scanning_their_qr_code(live_server, browser, training, tmp_path):
    radu = training["people"][1]
    video = str(tmp_path / "qr.y4m")
    qr_video(video, check_in_payload(radu))
    # A Chromium of its own, whose camera plays the video (the session's browser has no camera).
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True)
        context.set_default_timeout(15_000)
        context.grant_permissions(["camera"])
        page = context.new_page()
        sign_in(page, live_server.url, training["trainer"])
        page.goto(check_in_url(live_server.url, training))
        expect(page.locator(".tally")).to_have_text("0 of 2 present")
        fits(page)
        page.get_by_role("button", name="Scan a QR code").click()
        # The scanner reads the code, sends it, and the page says whom it checked in.
        expect(page.locator(".messages")).to_contain_text(f"{radu.name} is checked in for")
        expect(page.locator(".tally")).to_have_text("1 of 2 present")
        expect(page.locator(f"#p{radu.pk}")).to_have_class("present")
        # Nothing personal, and not the code, in the address the page came back to.
        assert radu.check_in_token not in page.url and "Radu" not in page.url
        assert page.url.endswith(f"?scan=1#p{radu.pk}")
        # The scanner is on again, the same code still in front of it: it is not sent a second time.
        expect(page.get_by_role("button", name="Stop the camera")).to_be_visible()
        page.wait_for_timeout(2_000)
        expect(page.locator(".messages")).to_contain_text(f"{radu.name} is checked in for")
        assert page.url.endswith(f"?scan=1#p{radu.pk}")
        assert list(Attendance.objects.values_list("participant", flat=True)) == [radu.pk]
    finally:
        camera_browser.close()


def test_register_is_within_the_first_screen_of_a_phone(live_server, page, training):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/events/{training['event'].pk}/")
    register = page.get_by_role("link", name="Register", exact=True)
    expect(register).to_be_visible()
    box = register.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    fits(page)
