import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.directory.models import Suggestion
from refugiu.directory.search import search_reindex_organizations
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
    attach_term,
)

pytestmark = pytest.mark.django_db

SECRET_STREET = "Strada Ascunsă 13"


@pytest.fixture
def shelter():
    """An organisation running a shelter at a confidential address, plus a public office."""
    organization = OrganizationFactory(name="Casa Speranței Crângași", country="RO")
    attach_term(organization, "institution_type", "shelter")
    office = LocationFactory(organization=organization, name="Office")
    AddressFactory(location=office, address_1="Bulevardul Public 1", city="București", country="RO")
    hidden = LocationFactory(
        organization=organization,
        name="Safe house",
        is_confidential=True,
        front_door_area="Bucharest",
        front_door_phone="+40 700 000 000",
        transportation="Bus 41 to the end",
    )
    AddressFactory(
        location=hidden, address_1=SECRET_STREET, city="Voluntari", postal_code="077190", country="RO"
    )
    service = ServiceFactory(organization=organization, name="Shelter for women victims of violence")
    attach_term(service, "service_type", "shelter")
    ServiceAtLocationFactory(service=service, location=hidden)
    search_reindex_organizations()
    return organization


def assert_no_secret(content: str):
    for secret in (SECRET_STREET, "Ascunsă", "Ascunsa", "Voluntari", "077190", "Bus 41"):
        assert secret not in content


def test_search_page_finds_without_diacritics(client, shelter):
    response = client.get(reverse("directory:search"), {"q": "crangasi"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Casa Speranței Crângași" in content
    # The organisation by its name, then its service, which carries the organisation's name as other text.
    assert "2 results" in content
    assert content.index("Casa Speranței Crângași</a>") < content.index(
        "Shelter for women victims of violence</a>"
    )
    assert_no_secret(content)


def test_search_page_filters_with_counts(client, shelter):
    OrganizationFactory(name="Another body", country="BG")
    search_reindex_organizations()
    response = client.get(reverse("directory:search"), {"country": "BG"})
    content = response.content.decode()
    assert "Another body" in content and "Casa Speranței" not in content
    response = client.get(reverse("directory:search"))
    content = response.content.decode()
    assert re.search(r"Bulgaria</a> \(1\)", content)
    assert re.search(r"Shelter</a> \((\d+)\)", content)


def test_search_page_paginates(client):
    for i in range(45):
        OrganizationFactory(name=f"Victim support {i:02d}")
    search_reindex_organizations()
    first = client.get(reverse("directory:search"), {"q": "victim"}).content.decode()
    third = client.get(reverse("directory:search"), {"q": "victim", "page": 3}).content.decode()
    assert "Victim support 00" in first and "Victim support 44" not in first
    assert "Page 3 of 3" in third and "Victim support 44" in third


def test_search_page_shows_records_and_terms_in_the_visitors_language(client):
    organization = OrganizationFactory(
        name="Asociația Sprijin",
        description="Ajutăm victimele.",
        language="ro",
        translations={"en": {"name": "Support Association", "description": "We help victims."}},
    )
    attach_term(organization, "institution_type", "ngo")
    service = ServiceFactory(organization=organization, name="Consiliere juridică", language="ro")
    attach_term(service, "service_type", "legal_counselling")
    search_reindex_organizations()
    english = client.get(reverse("directory:search"), {"q": "sprijin"}).content.decode()
    assert "Support Association</a>" in english and "We help victims." in english
    assert "Service of Support Association" in english and "Consiliere juridică</a>" in english
    assert "· Non-governmental organisation" in english and "· Legal counselling" in english
    assert f'href="/organisations/{organization.id}/#service-{service.id}"' in english
    romanian = client.get(
        reverse("directory:search"), {"q": "sprijin"}, HTTP_ACCEPT_LANGUAGE="ro"
    ).content.decode()
    assert "Asociația Sprijin</a>" in romanian and "Ajutăm victimele." in romanian
    assert "· Organizație neguvernamentală" in romanian and "· Consiliere juridică" in romanian
    assert re.search(r"Organizație neguvernamentală</a> \(2\)", romanian)


def test_the_search_page_sends_as_many_queries_for_20_hits_as_for_2(client, django_assert_max_num_queries):
    """Names, descriptions and terms of every hit, and the labels of every facet, are read in one go."""
    for number in range(25):
        organization = OrganizationFactory(
            name=f"Victim support {number:02}", country="BG" if number % 2 else "RO"
        )
        attach_term(organization, "institution_type", "ngo")
        service = ServiceFactory(organization=organization, name=f"Victim counselling {number:02}")
        attach_term(service, "service_type", "shelter")
    search_reindex_organizations()
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("directory:search"), {"q": "victim support 01"}).content.decode()
    assert page.count('class="hit"') == 2  # the organisation, and its service by its organisation's name
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("directory:search"), {"q": "victim"}).content.decode()
    assert page.count('class="hit"') == 20


def test_bad_search_input_is_harmless(client, shelter):
    for params in (
        {"page": "abc"},
        {"page": "-3"},
        {"q": '"*) OR 1=1 --'},
        {"q": "x" * 500},
        {"country": "ZZZ"},
    ):
        assert client.get(reverse("directory:search"), params).status_code == 200


def test_organization_page_hides_confidential_address(client, shelter):
    response = client.get(reverse("directory:organization", args=[shelter.id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bulevardul Public 1" in content
    assert "Confidential address" in content and "+40 700 000 000" in content
    assert_no_secret(content)
    sheet = client.get(reverse("directory:referral_sheet", args=[shelter.id])).content.decode()
    assert "Casa Speranței Crângași" in sheet and "Bulevardul Public 1" in sheet
    assert_no_secret(sheet)


def test_unpublished_and_missing_organizations_answer_404(client):
    hidden = OrganizationFactory(is_published=False)
    assert client.get(reverse("directory:organization", args=[hidden.id])).status_code == 404
    assert client.get("/organisations/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/organisations/not-a-uuid/").status_code == 404


def test_every_public_page_has_quick_exit_and_no_foreign_assets(client, shelter):
    pages = [
        reverse("directory:search"),
        reverse("directory:organization", args=[shelter.id]),
        reverse("directory:suggest", args=[shelter.id]),
        reverse("organisation:about"),
        reverse("account_login"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert 'id="quick-exit"' in content, url
        for src in re.findall(r'(?:src|href)="([^"]+)"', content):
            if src.startswith(("http://", "https://", "//")):
                # Only plain links may point elsewhere; nothing is loaded from another host.
                assert not re.search(rf'<(?:script|link|img)[^>]+"{re.escape(src)}"', content), (url, src)
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_suggestion_is_stored_for_review(client, shelter):
    url = reverse("directory:suggest", args=[shelter.id])
    response = client.post(url, {"text": "The phone number changed.", "contact_email": ""})
    assert response.status_code == 302
    assert Suggestion.objects.get().text == "The phone number changed."


def test_suggestion_bad_input_keeps_text_and_explains(client, shelter):
    url = reverse("directory:suggest", args=[shelter.id])
    response = client.post(url, {"text": "Opening hours are wrong", "contact_email": "not-an-email"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid email address." in content and "Opening hours are wrong" in content
    assert not Suggestion.objects.exists()


def test_suggestion_honeypot_and_rate_limit(client, shelter, settings):
    url = reverse("directory:suggest", args=[shelter.id])
    assert client.post(url, {"text": "spam", "website": "http://spam.example"}).status_code == 400
    settings.REFUGIU = {**settings.REFUGIU, "SUGGESTIONS_PER_HOUR": 2}
    assert client.post(url, {"text": "one"}).status_code == 302
    assert client.post(url, {"text": "two"}).status_code == 302
    response = client.post(url, {"text": "three"})
    assert response.status_code == 429 and "Too many suggestions" in response.content.decode()
    assert Suggestion.objects.count() == 2


STAFF_URLS = [
    ("get", "directory:staff_stale", False),
    ("post", "directory:staff_verify", True),
    ("get", "directory:staff_suggestions", False),
]


@pytest.mark.parametrize("role", [None, *[r for r in Role if r != Role.DIRECTORY_EDITOR]])
def test_staff_directory_pages_refuse_other_roles(client, shelter, role):
    suggestion = Suggestion.objects.create(organization=shelter, text="x")
    if role is not None:
        force_login_with_mfa(client, UserFactory(roles=[role]))
    for method, name, needs_org in STAFF_URLS:
        url = reverse(name, args=[shelter.id] if needs_org else [])
        response = getattr(client, method)(url)
        assert response.status_code == (302 if role is None else 404), (role, name)
    review = reverse("directory:staff_suggestion_review", args=[suggestion.id])
    assert client.post(review, {"decision": "accept"}).status_code == (302 if role is None else 404)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING


def test_editor_verifies_and_reviews(client, shelter):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    client.force_login(editor)
    stale = client.get(reverse("directory:staff_stale"))
    assert stale.status_code == 200 and "Casa Speranței" in stale.content.decode()
    assert stale["Cache-Control"] == "no-store"
    assert client.post(reverse("directory:staff_verify", args=[shelter.id])).status_code == 302
    shelter.refresh_from_db()
    assert shelter.last_verified_by == editor and shelter.last_verified_on is not None
    assert "Casa Speranței" not in client.get(reverse("directory:staff_stale")).content.decode()
    suggestion = Suggestion.objects.create(organization=shelter, text="Closed on Fridays")
    assert "Closed on Fridays" in client.get(reverse("directory:staff_suggestions")).content.decode()
    client.post(reverse("directory:staff_suggestion_review", args=[suggestion.id]), {"decision": "reject"})
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED and suggestion.reviewed_by == editor


def test_admin_is_open_to_editors_only(client, shelter):
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER], is_staff=True))
    assert client.get("/admin/directory/organization/").status_code == 403
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True)
    client.force_login(editor)
    assert client.get("/admin/directory/organization/").status_code == 200


def test_admin_edit_refreshes_search(client, shelter, django_capture_on_commit_callbacks):
    from refugiu.directory.search import directory_search

    client.force_login(UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True))
    url = f"/admin/directory/organization/{shelter.id}/change/"
    data = {
        "name": "Casa Luminii",
        "alternate_name": "",
        "description": "",
        "email": "",
        "website": "",
        "tax_status": "",
        "tax_id": "",
        "year_incorporated": "",
        "legal_status": "",
        "logo": "",
        "uri": "",
        "parent_organization": "",
        "country": "RO",
        "is_published": "on",
        "last_verified_on": "",
        "language": "ro",
        "translations": "{}",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert directory_search(query="luminii").hits[0] == ("organization", str(shelter.id))
    assert directory_search(query="sperantei").hits == []


def test_search_queries_are_neither_stored_nor_logged(client, shelter, caplog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caplog.set_level("DEBUG")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("directory:search"), {"q": "violenta domestica ilfov"})
        client.get("/api/hsds/services", {"search": "violenta domestica ilfov"})
    writes = [
        q["sql"]
        for q in queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []
    assert "violenta" not in caplog.text
