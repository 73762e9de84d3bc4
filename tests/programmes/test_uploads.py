"""Files uploaded in the programme admin are bounded: a publication's file by size, an event photograph or
a campaign image by size and by pixels (a 100-byte PNG may claim 900 million of them), an upload past the
largest size any form takes is not written to disk beyond it, and a request with too many files answers a
page that says why. Everything through HTTP, as a programme editor signed in to the admin."""

import io
import struct
import warnings
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from refugiu.accounts.roles import Role
from refugiu.core.uploads import LimitedTemporaryFileUploadHandler
from refugiu.programmes.models import Campaign, CampaignMessage, EventPhoto, Publication
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = "The image is too large: the limit is 64 megapixels."


def png(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a hundred bytes whose header claims width × height pixels: what Pillow checks at opening."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def editor(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    sign_in_as(client, UserFactory(roles=[Role.PROGRAMME_STAFF], is_staff=True))
    return client


def admin_form_data(response) -> dict:
    """What the admin page's form would send as it stands: its fields, and each inline's management form
    and forms (files left out)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or getattr(field.field.widget, "input_type", "") == "file":
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def admin_post(client, url: str, **changes):
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def message_on(url_name: str, editor, **changes) -> str:
    response = admin_post(editor, reverse(url_name), **changes)
    assert response.status_code == 200, "refused, the form is shown again"
    return response.content.decode()


@pytest.mark.parametrize("sent", [4096, 200_000], ids=["kept-in-memory", "sent-to-a-temporary-file"])
def test_a_publication_file_past_the_limit_is_refused_with_a_clear_message(editor, settings, sent):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE an upload goes to a temporary file, cut at the largest size any form
    # takes (the handler's own test is below).
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024
    settings.REFUGIU = {**settings.REFUGIU, "MEDIA_MAX_BYTES": 2048, "UPLOAD_MAX_BYTES": 2048}
    page = message_on(
        "admin:programmes_publication_add", editor,
        title="Annual report", file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"%" * sent),
    )  # fmt: skip
    assert "The file is too large: the limit is 2.0\xa0KB." in page
    assert not Publication.objects.exists()
    url = reverse("admin:programmes_publication_add")
    small = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"%" * 1000)
    assert admin_post(editor, url, title="Annual report", file=small).status_code == 302
    assert Publication.objects.get().file.size == 1009


def campaign_message(image) -> dict:
    return {
        "title": "Know your rights",
        "messages-TOTAL_FORMS": "1",
        "messages-0-text": "You have the right to an interpreter.",
        "messages-0-order": "0",
        "messages-0-image": image,
    }


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (30_000, 30_000),  # 900 megapixels: Pillow refuses it at opening (past twice its limit)
        (9_000, 9_000),  # 81 megapixels: Pillow warns (an error under the tests' filters)
    ],
)
def test_a_campaign_image_with_too_many_pixels_is_refused(editor, width, height):
    bomb = SimpleUploadedFile("poster.png", png_claiming(width, height), content_type="image/png")
    page = message_on("admin:programmes_campaign_add", editor, **campaign_message(bomb))
    assert TOO_MANY_PIXELS in page
    assert not Campaign.objects.exists() and not CampaignMessage.objects.exists()


def test_past_the_pixel_limit_is_refused_where_pillow_only_warns(editor):
    """In production Pillow's warning is only a warning: the field's own check refuses the image."""
    bomb = SimpleUploadedFile("poster.png", png_claiming(9_000, 9_000), content_type="image/png")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        page = message_on("admin:programmes_campaign_add", editor, **campaign_message(bomb))
    assert TOO_MANY_PIXELS in page
    assert not CampaignMessage.objects.exists()


def test_a_campaign_image_within_the_limits_is_kept(editor):
    image = SimpleUploadedFile("poster.png", png(), content_type="image/png")
    response = admin_post(editor, reverse("admin:programmes_campaign_add"), **campaign_message(image))
    assert response.status_code == 302
    assert CampaignMessage.objects.get().image.width == 8


def test_an_event_photograph_is_bounded_too(editor, settings):
    url = reverse("admin:programmes_event_change", args=[EventFactory().pk])

    def add_photograph(data: bytes) -> str:
        image = SimpleUploadedFile("photo.png", data, content_type="image/png")
        changes = {"photos-TOTAL_FORMS": "1", "photos-0-image": image, "photos-0-order": "0"}
        return admin_post(editor, url, **changes).content.decode()

    assert TOO_MANY_PIXELS in add_photograph(png_claiming(30_000, 30_000))
    limit = len(png()) - 1
    settings.REFUGIU = {**settings.REFUGIU, "MEDIA_MAX_BYTES": limit}
    assert f"The file is too large: the limit is {limit}\xa0bytes." in add_photograph(png())
    assert not EventPhoto.objects.exists()


def test_the_upload_handler_drops_what_passes_the_limit(settings):
    settings.REFUGIU = {**settings.REFUGIU, "MEDIA_MAX_BYTES": 2048, "UPLOAD_MAX_BYTES": 1024}
    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "report.pdf", "application/pdf", None)
    temporary = handler.file.temporary_file_path()
    for start in range(0, 10 * 1024, 1024):
        handler.receive_data_chunk(b"%" * 1024, start)
    assert handler.dropped and handler.file.closed
    with pytest.raises(FileNotFoundError):
        open(temporary, "rb").close()  # noqa: SIM115 - it is gone
    uploaded = handler.file_complete(10 * 1024)
    assert uploaded.size == 10 * 1024 and uploaded.read() == b""


def test_too_many_files_in_one_request_answer_a_page_that_says_why(editor, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n") for i in range(4)]
    response = editor.post(reverse("admin:programmes_publication_add"), {"title": "Report", "file": files})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The request could not be read" in page and "too many files or fields" in page
    assert not Publication.objects.exists()
