import pytest
from django.urls import reverse

from refugiu.accounts.roles import ROLE_PERMISSIONS, Permission, Role, permissions_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_in_the_permission_table():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert permissions_of([]) == frozenset()
    assert permissions_of(["unknown"]) == frozenset()


def test_inactive_user_has_no_permission():
    user = UserFactory(roles=[Role.DIRECTORY_EDITOR], is_active=False)
    assert not user.has_role_permission(Permission.DIRECTORY_EDIT)


def test_a_misspelt_permission_is_an_error_not_a_silent_refusal():
    from refugiu.accounts.decorators import permission_required_404
    from refugiu.accounts.models import user_has_permission

    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    assert user_has_permission(editor, "directory.edit")  # the value of Permission.DIRECTORY_EDIT
    for ask in (
        lambda: user_has_permission(editor, "directory.edits"),
        lambda: user_has_permission(None, "cases.acess"),  # even for nobody signed in
        lambda: editor.has_role_permission("cases.acess"),
        lambda: permission_required_404("reports.anual"),
    ):
        with pytest.raises(ValueError, match="is not a valid Permission"):
            ask()


def test_staff_area_needs_login(client):
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_login_logout_with_real_password(client):
    user = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    home = client.get(reverse("staff:home"))
    assert home.status_code == 200 and home["Cache-Control"] == "no-store"
    client.post(reverse("account_logout"))
    assert client.get(reverse("staff:home")).status_code == 302


def test_wrong_password_is_refused_in_the_visitors_language(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ro"
    )
    assert response.status_code == 200
    assert "parola" in response.content.decode().lower()


def test_nobody_can_sign_up(client):
    response = client.get("/accounts/signup/")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "closed" in response.content.decode().lower()


def test_language_switcher_sets_romanian(client):
    response = client.post(reverse("set_language"), {"language": "ro", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="ro">' in response.content.decode()


def test_about_page_shows_the_organisation(client):
    from refugiu.demo.organisation import organisation_demo_load

    organisation_demo_load()
    content = client.get(reverse("organisation:about")).content.decode()
    assert "Pro Refugiu Association" in content
    assert (
        "12 lawyers" in content
        and "2 cultural mediators" in content
        and "2 social workers, 1 medical mediator<" in content
    )
    assert "office@prorefugiu.org" in content and "56 Calea Crângași Street" in content


def test_static_files_are_served_by_us(client):
    for path in ("refugiu/site.css", "refugiu/quick-exit.js", "refugiu/favicon.svg"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)
        response.close()


def test_demo_prepares_once_and_keeps_data_and_passwords(settings, tmp_path):
    import io

    from django.core.management import call_command

    from refugiu.accounts.models import User
    from refugiu.directory.models import Organization
    from refugiu.organisation.models import NGO

    settings.DATA_DIR = tmp_path
    first = io.StringIO()
    call_command("demo", no_serve=True, stdout=first)
    assert "Demo data loaded." in first.getvalue()
    organizations = Organization.objects.count()
    assert organizations >= 30 and NGO.objects.count() == 1
    password = next(
        line.split()[1] for line in first.getvalue().splitlines() if line.strip().startswith("editor ")
    )
    second = io.StringIO()
    call_command("demo", no_serve=True, stdout=second)
    assert "Existing data kept." in second.getvalue()
    assert Organization.objects.count() == organizations and NGO.objects.count() == 1
    assert User.objects.get(username="editor").check_password(password)
    assert (tmp_path / "demo-accounts.txt").stat().st_mode & 0o077 == 0


def test_demo_refuses_a_database_it_did_not_prepare(settings, tmp_path):
    """`refugiu demo` on a real installation would add accounts with printed passwords (an administrator,
    case roles) and reset the password of any account named like a demo one: it refuses instead."""
    import io

    import pytest
    from django.core.management import CommandError, call_command

    from refugiu.accounts.models import User
    from tests.factories import UserFactory

    settings.DATA_DIR = tmp_path
    real = UserFactory(username="lawyer")  # an account of the real organisation, named like a demo one
    password_hash = real.password
    with pytest.raises(CommandError, match="did not make"):
        call_command("demo", no_serve=True, stdout=io.StringIO())
    assert list(User.objects.values_list("username", flat=True)) == ["lawyer"]
    assert User.objects.get(pk=real.pk).password == password_hash
    assert not (tmp_path / "demo-accounts.txt").exists()
