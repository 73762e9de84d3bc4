"""Documents: a type allow-list judged on content, a size limit, encryption on disk, and downloads only
through the permission-checked view, as attachments."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from refugiu.cases import vocabularies as v
from refugiu.cases.documents import document_kind, document_path, document_store
from refugiu.cases.models import Case, Document
from refugiu.cases.services import CaseError
from refugiu.core.crypto import decrypt_bytes
from refugiu.core.limits import LimitExceeded
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator
from tests.zipbombs import STORED, Member, gigabyte_of, zip_write

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TEXT = "Letter from the landlord — ăîșț\nSecond line.\n".encode()
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
HTML_LATER = b"Dear colleague,\nsee <script src=https://evil.example/x.js></script>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docm() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", WINDOWS_EXE)
    return buffer.getvalue()


@pytest.fixture
def world(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    department, elsewhere = DepartmentFactory(), DepartmentFactory()
    lawyer, outsider = caseworker(department), caseworker(department)
    boss, other_boss = coordinator(department), coordinator(elsewhere)
    case = case_new(department=department, by=boss, team=[(lawyer, v.TeamFunction.LAWYER)])
    other_case = case_new(department=elsewhere, by=other_boss)
    return locals()


def _upload(client, case, name, data, content_type="application/pdf", title="Scan of the passport"):
    url = reverse("documents:upload", args=[case.pk])
    return client.post(
        url, {"title": title, "file": SimpleUploadedFile(name, data, content_type=content_type)}
    )


@pytest.mark.parametrize(
    ("data", "extension"),
    [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (TEXT, "txt"), (docx(), "docx"), (odt(), "odt")],
)
def test_allowed_kinds_are_recognised_by_content(data, extension):
    assert document_kind(data).extension == extension


@pytest.mark.parametrize(
    "data", [ELF, WINDOWS_EXE, HTML, HTML_LATER, SVG, docm(), plain_zip(), b"\x00\x01\x02binary", b"   "]
)
def test_other_content_is_refused(data):
    assert document_kind(data) is None


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [
        ("scan.pdf", PDF, "pdf"),
        ("photo.JPG", JPEG, "jpg"),
        ("x.png", PNG, "png"),
        ("letter.docx", docx(), "docx"),
    ],
)
def test_upload_stores_an_allowed_file_encrypted(client, world, name, data, extension):
    lawyer, case = world["lawyer"], world["case"]
    force_login_with_mfa(client, lawyer)
    response = _upload(client, case, name, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    document = Document.objects.get(case=case)
    assert (document.extension, document.size, document.title) == (
        extension,
        len(data),
        "Scan of the passport",
    )
    stored = document_path(document).read_bytes()
    assert data not in stored and b"passport" not in stored
    assert decrypt_bytes(stored) == data
    assert name not in document.stored_name and len(document.stored_name) >= 32
    assert document_path(document).parent == world["tmp_path"] / "case-files"
    assert AuditEntry.objects.filter(action="cases.document.uploaded", case_id=case.pk).exists()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("scan.pdf", ELF, "application/pdf"),
        ("scan.pdf", WINDOWS_EXE, "application/pdf"),
        ("scan.pdf", HTML, "application/pdf"),
        ("notes.txt", HTML_LATER, "text/plain"),
        ("image.png", SVG, "image/png"),
        ("letter.docx", docm(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_renamed_executable_or_markup_is_refused(client, world, name, data, content_type):
    force_login_with_mfa(client, world["lawyer"])
    response = _upload(client, world["case"], name, data, content_type=content_type)
    assert response.status_code == 200
    assert "This kind of file cannot be uploaded" in response.content.decode()
    assert not Document.objects.exists()
    assert not any((world["tmp_path"] / "case-files").glob("*"))


def test_too_big_is_refused_with_a_clear_message(client, world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "UPLOAD_MAX_BYTES": 2048}
    force_login_with_mfa(client, world["lawyer"])
    response = _upload(client, world["case"], "scan.pdf", PDF + b"%" * 4096)
    assert response.status_code == 200
    assert "The file is too large: the limit is 2.0\xa0KB." in response.content.decode()
    assert not Document.objects.exists()
    # Just under the limit is fine.
    assert _upload(client, world["case"], "scan.pdf", PDF + b"%" * 1000).status_code == 302
    with pytest.raises(CaseError) as error:
        document_store(user=world["lawyer"], case=world["case"], title="t", data=PDF + b"%" * 4096)
    assert error.value.code == "too_big"


ODT_MIMETYPE = Member("mimetype", b"application/vnd.oasis.opendocument.text", method=STORED)


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("letter.docx", [gigabyte_of(b" ", name="word/document.xml")]),
        ("letter.odt", [ODT_MIMETYPE, gigabyte_of(b" ", name="content.xml")]),
        # 100,000 empty members in under 10 MB, past the limit of 1,000.
        (
            "letter.docx",
            [Member("word/document.xml", b"<w:document/>")]
            + [Member(f"{i}", method=STORED) for i in range(100_000)],
        ),
    ],
    ids=["docx-of-1-GiB", "odt-of-1-GiB", "docx-of-100000-files"],
)
def test_a_zip_bomb_dressed_as_a_document_is_refused(client, world, tmp_path, name, members):
    data = zip_write(tmp_path / name, members).read_bytes()
    assert len(data) < 10 * 1024 * 1024  # within the upload limit: only the zip limits stop it
    with pytest.raises(LimitExceeded):
        document_kind(data)
    force_login_with_mfa(client, world["lawyer"])
    response = _upload(client, world["case"], name, data, content_type="application/octet-stream")
    assert response.status_code == 200
    assert (
        "This document cannot be uploaded: unpacked, it would be far larger than its file, or it holds too "
        "many parts." in response.content.decode()
    )
    assert not Document.objects.exists()


def test_only_people_who_can_edit_upload(client, world):
    case = world["case"]
    with pytest.raises(CaseError) as error:
        document_store(user=world["outsider"], case=case, title="t", data=PDF)
    assert error.value.code == "forbidden"
    force_login_with_mfa(client, world["outsider"])
    assert _upload(client, case, "scan.pdf", PDF).status_code == 404
    Case.objects.filter(pk=case.pk).update(status=v.CaseStatus.CLOSED)
    case.refresh_from_db()
    with pytest.raises(CaseError) as error:
        document_store(user=world["lawyer"], case=case, title="t", data=PDF)
    assert error.value.code == "closed"
    client.logout()
    force_login_with_mfa(client, world["lawyer"])
    page = client.get(reverse("documents:upload", args=[case.pk]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.content.decode()
    assert not Document.objects.exists()


def test_upload_page_is_a_multipart_form(client, world):
    force_login_with_mfa(client, world["lawyer"])
    response = client.get(reverse("documents:upload", args=[world["case"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and 'name="title"' in html and 'type="file"' in html
    assert response["Cache-Control"] == "no-store"


def test_download_is_an_attachment_with_safe_headers(client, world):
    lawyer, case = world["lawyer"], world["case"]
    document = document_store(user=lawyer, case=case, title="Medical report", data=PDF, filename="Maria.pdf")
    force_login_with_mfa(client, lawyer)
    response = client.get(reverse("documents:download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.filter(action="cases.document.downloaded").get()
    assert (entry.case_id, entry.object_id, entry.actor_id) == (case.pk, str(document.pk), lawyer.pk)


def test_download_answers_404_for_another_team_and_a_missing_id(client, world):
    case, other_case = world["case"], world["other_case"]
    document = document_store(user=world["lawyer"], case=case, title="Scan", data=PDF)
    elsewhere = document_store(user=world["other_boss"], case=other_case, title="Other scan", data=PNG)
    url = reverse("documents:download", args=[case.pk, document.pk])

    force_login_with_mfa(client, world["outsider"])  # same department, not on the team
    assert client.get(url).status_code == 404
    client.logout()
    force_login_with_mfa(client, world["other_boss"])  # another department's coordinator
    assert client.get(url).status_code == 404
    client.logout()
    force_login_with_mfa(client, world["lawyer"])
    assert client.get(reverse("documents:download", args=[case.pk, document.pk + 1000])).status_code == 404
    # A document of another case, asked for through a case the user may see.
    assert client.get(reverse("documents:download", args=[case.pk, elsewhere.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="cases.document.downloaded").exists()


def test_coordinator_can_download_and_see_the_list(client, world):
    case = world["case"]
    document = document_store(user=world["lawyer"], case=case, title="Police statement", data=TEXT)
    force_login_with_mfa(client, world["boss"])
    page = client.get(reverse("documents:upload", args=[case.pk]))
    assert "Police statement" in page.content.decode()
    response = client.get(reverse("documents:download", args=[case.pk, document.pk]))
    assert response.content == TEXT and response["Content-Type"] == "text/plain; charset=utf-8"


def test_upload_still_checks_csrf(world):
    client = force_login_with_mfa(Client(enforce_csrf_checks=True), world["lawyer"])
    response = _upload(client, world["case"], "scan.pdf", PDF)
    assert response.status_code == 403
    assert not Document.objects.exists()
    page = client.get(reverse("documents:upload", args=[world["case"].pk]))
    token = page.context["csrf_token"]
    url = reverse("documents:upload", args=[world["case"].pk])
    data = {"csrfmiddlewaretoken": str(token), "title": "Scan", "file": SimpleUploadedFile("scan.pdf", PDF)}
    assert client.post(url, data).status_code == 302
    assert Document.objects.count() == 1
