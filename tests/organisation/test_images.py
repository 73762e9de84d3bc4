"""The organisation's logo and cover photograph: uploaded by those who may edit the organisation (others get
404), PNG or JPEG judged from the content, audited, served by us, and on the annual report's cover."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.demo.organisation import demo_logo_png
from refugiu.organisation.models import NGO
from refugiu.reports.annual import annual_report, render_html
from tests.factories import UserFactory
from tests.url_patterns import sign_in_as

URL = "organisation:images"


def _image(format: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "#1f4a6b").save(output, format=format)
    return output.getvalue()


@pytest.fixture
def organisation(db):
    return NGO.objects.create(name="Fictional Support Association")


def _signed_in(client, role):
    user = UserFactory(roles=[role])
    sign_in_as(client, user)
    return user


def _send(client, **files):
    return client.post(reverse(URL), {"cover_photo_text": "", **files})


def test_an_administrator_uploads_the_logo_and_everyone_sees_it(client, organisation):
    user = _signed_in(client, Role.ADMINISTRATOR)
    assert client.get(reverse(URL)).status_code == 200
    png = _image()
    response = _send(client, logo=SimpleUploadedFile("logo.png", png, content_type="image/png"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name
    entry = AuditEntry.objects.get(action="organisation.ngo.changed")
    assert entry.actor_id == user.pk and entry.detail == {"fields": ["logo"]}
    client.logout()
    served = client.get(reverse("organisation:logo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png
    assert "sandbox" in served["Content-Security-Policy"]
    served.close()


def test_a_jpeg_cover_photograph_with_its_description_goes_on_the_report(client, organisation):
    _signed_in(client, Role.ADMINISTRATOR)
    organisation.logo.save("logo.png", SimpleUploadedFile("logo.png", _image()), save=True)
    response = client.post(
        reverse(URL),
        {
            "cover_photo": SimpleUploadedFile("photo.jpg", _image("JPEG"), content_type="image/jpeg"),
            "cover_photo_text": "Volunteers at the courthouse door",
        },
    )
    assert response.status_code == 302
    page = render_html(annual_report(2019))
    assert '<img class="cover-logo" src="data:image/png;base64,' in page
    assert 'alt="Logo of Fictional Support Association"' in page
    assert 'alt="Volunteers at the courthouse door"' in page
    # Last: closing a file's response ends the request, and the test database's connection with it.
    served = client.get(reverse("organisation:cover_photo"))
    assert served["Content-Type"] == "image/jpeg"
    served.close()


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/png"),
        ("logo.png", b"MZ\x90\x00 not an image at all", "image/png"),
        ("logo.gif", _image("GIF"), "image/gif"),  # an image, but not one we keep
    ],
)
def test_a_file_that_is_not_a_png_or_jpeg_is_refused_with_a_clear_error(
    client, organisation, name, content, declared
):
    _signed_in(client, Role.ADMINISTRATOR)
    response = _send(client, logo=SimpleUploadedFile(name, content, content_type=declared))
    assert response.status_code == 200
    errors = response.context["form"].errors["logo"]
    assert errors and ("PNG or JPEG" in errors[0] or "valid image" in errors[0])
    organisation.refresh_from_db()
    assert not organisation.logo
    assert not AuditEntry.objects.filter(action="organisation.ngo.changed").exists()
    assert client.get(reverse("organisation:logo")).status_code == 404


def test_a_gif_is_refused_in_the_users_language(client, organisation):
    _signed_in(client, Role.ADMINISTRATOR)
    response = _send(client, logo=SimpleUploadedFile("logo.gif", _image("GIF"), content_type="image/gif"))
    assert response.context["form"].errors["logo"] == [
        "This file is not a PNG or JPEG image. Save the image as PNG or JPEG and send it again."
    ]


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.CASEWORKER, Role.PROGRAMME_STAFF, Role.DIRECTORY_EDITOR]
)
def test_only_those_who_may_edit_the_organisation_reach_the_page(client, organisation, role):
    _signed_in(client, role)
    assert client.get(reverse(URL)).status_code == 404
    assert (
        _send(client, logo=SimpleUploadedFile("logo.png", _image(), content_type="image/png")).status_code
        == 404
    )
    organisation.refresh_from_db()
    assert not organisation.logo


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.post(reverse(URL), {"logo": SimpleUploadedFile("logo.png", _image())})
    assert response.status_code == 302 and "login" in response["Location"]


def test_without_a_logo_there_is_nothing_to_serve(client, organisation):
    assert client.get(reverse("organisation:logo")).status_code == 404
    assert client.get(reverse("organisation:cover_photo")).status_code == 404


def test_the_demo_logo_is_a_png_of_our_own():
    image = Image.open(io.BytesIO(demo_logo_png()))
    assert image.format == "PNG" and image.size == (360, 360)


def test_the_word_document_carries_the_logo_with_its_alternative_text(organisation):
    import zipfile

    from refugiu.reports.annual import render_docx

    organisation.logo.save("logo.png", SimpleUploadedFile("logo.png", _image()), save=True)
    with zipfile.ZipFile(io.BytesIO(render_docx(annual_report(2019)))) as docx:
        body = docx.read("word/document.xml").decode()
        assert any(name.startswith("word/media/") for name in docx.namelist())
    assert 'descr="Logo of Fictional Support Association"' in body
