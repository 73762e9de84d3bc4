"""Event photographs: on the event's public page while published, and embedded in the annual report's HTML,
PDF and DOCX (the files stand on their own)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from refugiu.programmes.models import EventPhoto
from refugiu.reports.annual import annual_report, render_docx, render_html, render_pdf
from tests.programmes.factories import EventFactory

pytestmark = pytest.mark.django_db

# A 2×2 PNG made for these tests.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c63f8cfc0f09f81e13f03c37f0606000025e804fd7b2bc5d80000000049454e44ae426082"
)


@pytest.fixture
def event_with_photos(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory(days__start=datetime.date(2032, 5, 6), headcount=20, registration_open=False)
    shown = EventPhoto(event=event, caption="Participants in a working group")
    shown.image.save("group.png", ContentFile(PNG))
    hidden = EventPhoto(event=event, caption="Not for publication", is_published=False)
    hidden.image.save("hidden.png", ContentFile(PNG))
    return event, shown, hidden


def test_the_public_page_shows_published_photographs_only(client, event_with_photos):
    event, shown, hidden = event_with_photos
    page = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert reverse("programmes:event_photo", args=[shown.pk]) in page
    assert 'alt="Participants in a working group"' in page
    assert "Not for publication" not in page
    image = client.get(reverse("programmes:event_photo", args=[shown.pk]))
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == PNG
    assert client.get(reverse("programmes:event_photo", args=[hidden.pk])).status_code == 404
    event.is_published = False
    event.save(update_fields=["is_published"])
    assert client.get(reverse("programmes:event_photo", args=[shown.pk])).status_code == 404


def test_the_annual_report_embeds_the_published_photographs(event_with_photos):
    report = annual_report(2032)
    html = render_html(report)
    assert html.count('src="data:image/png;base64,') == 1
    assert "Participants in a working group" in html and "Not for publication" not in html
    assert render_pdf(report).count(b"/Subtype /Image") >= 1
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as docx:
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
        assert len(media) == 1
        assert "Participants in a working group" in docx.read("word/document.xml").decode()


def test_a_photograph_whose_file_is_gone_is_left_out(event_with_photos):
    _event, shown, _hidden = event_with_photos
    shown.image.storage.delete(shown.image.name)
    assert "data:image/png" not in render_html(annual_report(2032))
