"""Sessions at rest: the session table, read as a thief with a copy of the database would read it, opens
nothing; the cookie keeps working (refugiu.accounts.sessions)."""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.accounts.sessions import SessionStore, stored_key
from refugiu.core import crypto
from tests.accounts.mfa import DEFAULT_PASSWORD, login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASE_LIST = "/staff/cases/"
CASES_API = "/api/cases/cases"


def raw_session_rows() -> list[tuple[str, str, str]]:
    """Every row of the session table as the database holds it, by SQL (no model, no decoding)."""
    table = connection.ops.quote_name(Session._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT session_key, session_data, expire_date FROM {table}")  # noqa: S608
        return [tuple(str(value) for value in row) for row in cursor.fetchall()]


def client_with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    return client


def refused(client: Client) -> bool:
    page = client.get(CASE_LIST)
    api = client.get(CASES_API)
    return (
        page.status_code == 302
        and page["Location"].startswith(reverse("account_login"))
        and api.status_code == 401
    )


def test_no_stored_value_replays_a_session_signed_in_with_a_second_factor(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(CASE_LIST).status_code == 200
    assert client.get(CASES_API).status_code == 200

    rows = raw_session_rows()
    assert rows, "the sign-in left no session row"
    stored = [value for row in rows for value in row]
    assert cookie not in "\n".join(stored)
    for row in rows:
        assert len(row[0]) == 40  # fits Django's own django_session.session_key
        assert row[1].startswith(crypto.PREFIX)  # the data is ciphertext, not Django's readable signed JSON
    for value in stored:
        assert refused(client_with_cookie(value)), value
    # Nor does anything of the row open it when cut to the length of a real key.
    for value in stored:
        assert refused(client_with_cookie(value[:32])), value

    # The real cookie still works, from another browser too.
    assert client_with_cookie(cookie).get(CASE_LIST).status_code == 200
    assert client.get(CASES_API).status_code == 200


def test_the_authenticator_secret_offered_during_enrolment_is_not_in_the_session_table(client):
    """allauth keeps the secret of an authenticator being set up in the session until its first code."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    client.post(reverse("account_login"), {"login": caseworker.username, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    dump = "\n".join(value for row in raw_session_rows() for value in row)
    assert secret not in dump


def test_store_saves_loads_and_deletes_by_the_hash_only():
    store = SessionStore()
    store["colour"] = "green"
    store.save()
    key = store.session_key
    assert not Session.objects.filter(session_key=key).exists()
    assert Session.objects.filter(session_key=stored_key(key)).exists()
    assert store.exists(key) and not store.exists(stored_key(key))

    again = SessionStore(key)
    assert again["colour"] == "green"
    again["colour"] = "blue"
    again.save()
    assert SessionStore(key)["colour"] == "blue"
    assert Session.objects.count() == 1

    assert SessionStore(stored_key(key)).load() == {}  # the stored value is not a key

    again.delete()
    assert not Session.objects.exists() and SessionStore(key).load() == {}


def test_cycle_key_moves_the_data_to_a_new_key():
    store = SessionStore()
    store["colour"] = "green"
    store.save()
    old = store.session_key
    store.cycle_key()
    store.save()
    assert store.session_key != old
    assert list(Session.objects.values_list("session_key", flat=True)) == [stored_key(store.session_key)]
    assert SessionStore(store.session_key)["colour"] == "green"
    assert SessionStore(old).load() == {}


def test_clear_expired_removes_only_expired_rows():
    live, gone = SessionStore(), SessionStore()
    live["n"], gone["n"] = 1, 2
    live.save()
    gone.set_expiry(1)
    gone.save()
    Session.objects.filter(session_key=stored_key(gone.session_key)).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    SessionStore.clear_expired()
    assert list(Session.objects.values_list("session_key", flat=True)) == [stored_key(live.session_key)]


def test_the_async_methods_store_by_the_hash_too():
    @async_to_sync
    async def run():
        store = SessionStore()
        await store.aset("colour", "green")
        await store.asave()
        key = store.session_key
        assert await Session.objects.filter(session_key=stored_key(key)).aexists()
        assert await store.aexists(key) and not await store.aexists(stored_key(key))
        assert await SessionStore(key).aget("colour") == "green"
        assert await SessionStore(stored_key(key)).aload() == {}

        await store.acycle_key()
        await store.asave()
        assert store.session_key != key and await SessionStore(key).aload() == {}
        assert await SessionStore(store.session_key).aget("colour") == "green"

        expired = SessionStore()
        await expired.aset("n", 1)
        await expired.acreate()
        await Session.objects.filter(session_key=stored_key(expired.session_key)).aupdate(
            expire_date=timezone.now() - dt.timedelta(minutes=1)
        )
        await SessionStore.aclear_expired()
        assert not await Session.objects.filter(session_key=stored_key(expired.session_key)).aexists()

        await store.adelete()
        assert not await Session.objects.aexists()

    run()


def test_sessions_outlive_a_secret_key_rotation_while_the_old_key_is_a_fallback(client, settings):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    old_secret = settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-for-this-test-only", [old_secret]
    assert client.get(CASE_LIST).status_code == 200
    # Moved under the new key at once (Django also gave it a new key, its authentication hash being from
    # the old secret), so it no longer needs the fallback.
    assert not Session.objects.filter(session_key=stored_key(cookie, secret=old_secret)).exists()
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(CASE_LIST).status_code == 200


def test_without_the_old_secret_key_the_sessions_end(client, settings):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker)
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only"
    assert refused(client)
