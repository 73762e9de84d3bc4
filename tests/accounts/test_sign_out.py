"""Signing out: every staff page offers it, and its answer tells the browser to drop what it kept of the
signed-in pages (Clear-Site-Data), keeping the CSRF cookie the sign-in form needs. (That signing out ends
the person's sessions everywhere is tests/accounts/test_security.py's.)"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from tests.accounts.mfa import DEFAULT_PASSWORD, force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, coordinator, staff
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory

pytestmark = pytest.mark.django_db

CLEARED = '"cache", "storage"'
SIGN_OUT = re.compile(
    r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"'
    r' value="[^"]+">\s*<button type="submit"[^>]*>Sign out</button>\s*</form>'
)


def csrf_token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


# --- Clear-Site-Data --------------------------------------------------------------------------------------


def test_signing_out_clears_the_cache_and_storage_and_keeps_the_csrf_cookie():
    """ASVS 14.3.1: the answer to signing out clears what the browser kept; the CSRF cookie survives, so the
    sign-in form the person lands on works at once (the browser enforces CSRF here)."""
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    page = browser.get(reverse("staff:home"))
    assert page.status_code == 200 and "Clear-Site-Data" not in page
    csrf_cookie = browser.cookies[settings.CSRF_COOKIE_NAME].value

    signed_out = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": csrf_token(page)})
    assert signed_out.status_code == 302
    assert signed_out["Clear-Site-Data"] == CLEARED
    assert "cookies" not in signed_out["Clear-Site-Data"]
    assert settings.CSRF_COOKIE_NAME not in signed_out.cookies  # neither deleted nor replaced
    assert browser.cookies[settings.CSRF_COOKIE_NAME].value == csrf_cookie
    assert "_auth_user_id" not in browser.session

    form = browser.get(reverse("account_login"))
    assert "Clear-Site-Data" not in form
    credentials = {"login": editor.username, "password": DEFAULT_PASSWORD}
    signed_in = browser.post(
        reverse("account_login"), {**credentials, "csrfmiddlewaretoken": csrf_token(form)}
    )
    assert signed_in.status_code == 302 and "Clear-Site-Data" not in signed_in
    assert browser.get(reverse("staff:home")).status_code == 200


def test_signing_out_of_the_admin_clears_them_too():
    administrator = UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR])
    admin = force_login_with_mfa(Client(), administrator)
    assert admin.get("/admin/").status_code == 200
    signed_out = admin.post(reverse("admin:logout"))
    assert signed_out["Clear-Site-Data"] == CLEARED
    assert admin.get("/admin/").status_code == 302


def test_only_the_answer_that_ends_a_session_clears_anything(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    client.force_login(editor)
    # allauth's confirmation page (sign-out needs a POST) ends nothing.
    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200 and "Clear-Site-Data" not in confirm
    assert client.get(reverse("staff:home")).status_code == 200
    client.post(reverse("account_logout"))
    # Signed out, or never signed in: nothing to clear.
    for path in (reverse("directory:search"), reverse("account_login")):
        assert "Clear-Site-Data" not in client.get(path)
    assert "Clear-Site-Data" not in client.post(reverse("account_logout"))


# --- a visible sign-out on every staff page ---------------------------------------------------------------


@pytest.fixture
def people() -> dict:
    """One person of each staff role, with what their pages need (a case, an event)."""
    department = DepartmentFactory()
    boss = coordinator(department)
    case = case_new(department=department, by=boss, team=[(boss, v.TeamFunction.SOCIAL_WORKER)])
    return {
        "coordinator": (boss, {"case": case.pk}),
        "dpo": (staff(Role.DATA_PROTECTION_OFFICER), {}),
        "programme_staff": (staff(Role.PROGRAMME_STAFF), {"event": EventFactory().pk}),
        "directory_editor": (staff(Role.DIRECTORY_EDITOR), {}),
        "researcher": (staff(Role.RESEARCHER), {}),
    }


# A few pages of each staff area, by the role that works there; {case} and {event} from `people`.
STAFF_PAGES = {
    "coordinator": [
        ("staff:home", ()),
        ("cases:case_list", ()),
        ("cases:my_work", ()),
        ("cases:closures", ()),
        ("cases:beneficiary_intake", ()),
        ("cases:case_detail", ("case",)),
        ("cases:note_new", ("case",)),
        ("cases:team", ("case",)),
        ("tokens:list", ()),
        ("reports:dashboard", ()),
        ("mfa_index", ()),
        ("account_change_password", ()),
    ],
    "dpo": [("dpo:index", ()), ("dpo:subject", ()), ("dpo:audit", ()), ("dpo:retention", ())],
    "programme_staff": [
        ("programmes_staff:events", ()),
        ("programmes_staff:event", ("event",)),
        ("programmes_staff:participants", ("event",)),
        ("programmes_statistics:index", ()),
        ("reports:annual", ()),
        ("reports:funder", ()),
        ("reports:run_list", ()),
    ],
    "directory_editor": [("directory:staff_stale", ()), ("directory:staff_suggestions", ())],
    "researcher": [("staff:home", ()), ("reports:statistics", ())],
}


@pytest.mark.parametrize("role", STAFF_PAGES)
def test_every_staff_area_shows_a_sign_out_button(people, role):
    """ASVS 7.4.4: a sign-out control on every page, posting to allauth's sign-out (it needs a POST)."""
    user, ids = people[role]
    client = force_login_with_mfa(Client(), user)
    for name, arguments in STAFF_PAGES[role]:
        response = client.get(reverse(name, args=[ids[argument] for argument in arguments]))
        assert response.status_code == 200, (role, name, response.status_code)
        assert len(SIGN_OUT.findall(response.content.decode())) == 1, (role, name)


def test_the_admin_has_its_own_sign_out_button():
    administrator = UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR])
    admin = force_login_with_mfa(Client(), administrator)
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{administrator.pk}/change/"):
        page = admin.get(path).content.decode()
        assert re.search(r'<form id="logout-form" method="post" action="/admin/logout/">', page), path
