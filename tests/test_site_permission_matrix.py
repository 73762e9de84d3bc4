"""Every named URL of the site is walked by a permission matrix.

The cases', programmes' and reports' modules have their own (tests/*/test_permission_matrix.py); this one
walks the directory's pages (public, and the directory editors'), the organisation's public pages and the
staff home page. `test_every_namespace_has_a_matrix` reads the URL configuration: a URL in a namespace that
no matrix walks fails it, so a new module cannot ship pages outside the matrices. The namespaces walked by
other tests of their own (Django's admin, the APIs, allauth's sign-in pages) are listed with those tests.
"""

import importlib
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.demo.organisation import demo_logo_png
from refugiu.directory.models import OrganizationRepresentative, ProposedChange, Suggestion
from refugiu.organisation.models import NGO
from tests.factories import OrganizationFactory, ServiceFactory, UserFactory
from tests.url_patterns import get_to_end, named_urls, sign_in_as

pytestmark = pytest.mark.django_db

# Namespace → the matrix that walks every URL in it.
MATRICES = {
    "cases": "tests.cases.test_permission_matrix",
    "documents": "tests.cases.test_permission_matrix",
    "dpo": "tests.cases.test_permission_matrix",
    "tokens": "tests.cases.test_permission_matrix",
    "programmes": "tests.programmes.test_permission_matrix",
    "programmes_staff": "tests.programmes.test_permission_matrix",
    "programmes_statistics": "tests.programmes.test_permission_matrix",
    "reports": "tests.reports.test_permission_matrix",
    "finance": "tests.finance.test_permission_matrix",
    "directory": __name__,
    "organisation": __name__,
    "staff": __name__,
}
# Namespaces whose every URL is someone else's or tested as what it is.
ELSEWHERE = {
    "admin": "Django's admin: administrators with a second factor (tests/accounts/test_admin_security.py)",
    "api": "the APIs: the directory's is public (tests/directory/test_api.py), the cases' needs a token or a "
    "session with a case role (tests/cases/test_api.py, tests/cases/test_token_revocation.py)",
    None: "allauth's sign-in, password and second-factor pages and the language switch (tests/accounts/)",
}
NAMESPACES = ("directory", "organisation", "staff")

ROLES = {
    "directory_editor": Role.DIRECTORY_EDITOR,
    "administrator": Role.ADMINISTRATOR,
    "coordinator": Role.COORDINATOR,
    "caseworker": Role.CASEWORKER,
    "dpo": Role.DATA_PROTECTION_OFFICER,
    "programme_staff": Role.PROGRAMME_STAFF,
    "researcher": Role.RESEARCHER,
    # Keeps the entry of the world's organisation (and of no other).
    "representative": Role.ORGANIZATION_REPRESENTATIVE,
}
# Who may reach each URL: "public" (anyone, signed in or not), "signed_in" (anyone signed in), or the
# people named; everyone else signed in gets 404 whatever the method, an anonymous visitor is sent to sign
# in. POST-only pages answer 405 to a GET from someone allowed.
EXPECTED = {
    "directory:search": ("public", 200),
    "directory:organization": ("public", 200),
    "directory:referral_sheet": ("public", 200),
    "directory:suggest": ("public", 200),
    "directory:staff_stale": (("directory_editor",), 200),
    "directory:staff_verify": (("directory_editor",), 405),
    "directory:staff_suggestions": (("directory_editor",), 200),
    "directory:staff_suggestion_review": (("directory_editor",), 405),
    "directory:staff_changes": (("directory_editor",), 200),
    "directory:staff_change_review": (("directory_editor",), 405),
    "directory:staff_representatives": (("directory_editor",), 200),
    "directory:staff_organization_representatives": (("directory_editor",), 200),
    "directory:staff_representative_remove": (("directory_editor",), 405),
    # An organisation's own pages: its representatives only (another organisation's representative gets
    # 404 too: tests/directory/test_representatives.py).
    "directory:own_list": (("representative",), 200),
    "directory:own_organization": (("representative",), 200),
    "directory:own_organization_edit": (("representative",), 200),
    "directory:own_service_new": (("representative",), 200),
    "directory:own_service_edit": (("representative",), 200),
    "directory:own_organization_translate": (("representative",), 200),
    "directory:own_service_translate": (("representative",), 200),
    "directory:own_change_withdraw": (("representative",), 405),
    "organisation:about": ("public", 200),
    "organisation:security_txt": ("public", 200),
    "organisation:logo": ("public", 200),
    "organisation:cover_photo": ("public", 200),
    "organisation:images": (("administrator",), 200),
    "staff:home": ("signed_in", 200),
}


def test_every_namespace_has_a_matrix():
    every = _all_namespaces()
    assert every <= set(MATRICES) | set(ELSEWHERE), every - set(MATRICES) - set(ELSEWHERE)
    assert set(MATRICES) <= every  # no stale entry either
    for namespace, module_name in MATRICES.items():
        module = importlib.import_module(module_name)
        assert namespace in module.NAMESPACES, f"{module_name} does not walk {namespace}"


def test_every_url_has_expectations():
    assert set(named_urls(NAMESPACES)) == set(EXPECTED)


@pytest.fixture
def world():
    organization = OrganizationFactory()
    suggestion = Suggestion.objects.create(organization=organization, text="The phone number has changed.")
    # The organisation running the site, with the contact its security.txt gives.
    ngo = NGO.objects.create(name="Fictional Support Association", email="contact@example.org")
    # Its logo and cover photograph, served to anyone.
    ngo.logo.save("logo.png", ContentFile(demo_logo_png()), save=False)
    ngo.cover_photo.save("cover.png", ContentFile(demo_logo_png()), save=True)
    people = {name: UserFactory(roles=[role]) for name, role in ROLES.items()}
    representative = OrganizationRepresentative.objects.create(
        organization=organization, user=people["representative"]
    )
    service = ServiceFactory(organization=organization)
    change = ProposedChange.objects.create(
        organization=organization, kind=ProposedChange.Kind.ORGANIZATION, proposed={"name": "New name"}
    )
    return {
        "organization_id": organization.id,
        "suggestion_id": suggestion.id,
        "service_id": service.id,
        "change_id": change.id,
        "representative_id": representative.id,
        "people": people,
    }


def _url(name: str, world: dict) -> str:
    parameters = named_urls(NAMESPACES)[name]
    return reverse(name, kwargs={parameter: world[parameter] for parameter in parameters})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_who_reaches_what(client, world, name):
    who, allowed_status = EXPECTED[name]
    url = _url(name, world)

    anonymous = get_to_end(client, url)
    if who == "public":
        assert anonymous.status_code == allowed_status
    else:
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    for person, user in world["people"].items():
        sign_in_as(client, user)
        allowed = who in ("public", "signed_in") or person in who
        response = get_to_end(client, url)
        assert response.status_code == (allowed_status if allowed else 404), (person, response.status_code)
        if not allowed:
            # Whatever the method: a page someone may not use does not exist for them.
            assert client.post(url).status_code == 404, person
        if who != "public":
            assert "no-store" in response.get("Cache-Control", ""), (person, name)


def test_an_unknown_record_is_404_for_the_editor_too(client, world):
    sign_in_as(client, world["people"]["directory_editor"])
    url = reverse("directory:staff_verify", kwargs={"organization_id": uuid.uuid4()})
    assert client.post(url).status_code == 404


def _all_namespaces() -> set:
    from django.urls import URLPattern, URLResolver, get_resolver

    found = set()

    def walk(resolver, namespace=None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                found.add(namespace)

    walk(get_resolver())
    return found
