"""An auditor's read-only access to one grant until a date: given and withdrawn by a financial manager through
the pages, ended by the date itself, and never a way to write anything."""

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.finance.access import FinanceAccessDenied
from refugiu.finance.models import AuditorAccess
from refugiu.finance.services.auditors import auditor_access_grant, auditor_access_withdraw
from tests.cases.factories import caseworker, staff
from tests.finance.factories import grant_with_partners
from tests.url_patterns import get_to_end, named_urls, sign_in_as

pytestmark = pytest.mark.django_db

EMAIL = "auditor.one@example.org"


@pytest.fixture
def manager():
    return staff(Role.FINANCIAL_MANAGER)


@pytest.fixture
def as_manager(manager):
    """The manager's browser; the auditor's is another one (signing out ends all one's sessions)."""
    browser = Client()
    sign_in_as(browser, manager)
    return browser


@pytest.fixture
def grant():
    return grant_with_partners(partners=2)


def _give(client, grant, *, email=EMAIL, until=None, name="Example Auditor"):
    until = until or timezone.localdate() + dt.timedelta(days=30)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the invitation goes after the commit
        return client.post(
            reverse("finance:auditors", args=[grant.pk]),
            {"email": email, "display_name": name, "until": until.isoformat()},
        )


def test_a_manager_gives_an_auditor_access_to_one_grant(client, as_manager, manager, grant, mailoutbox):
    other = grant_with_partners()
    response = _give(as_manager, grant, email="Auditor.One@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:auditors", args=[grant.pk])
    auditor = User.objects.get(username=EMAIL)
    # An account of the auditor's role alone, not staff, with no password until they choose one.
    assert auditor.roles == {Role.AUDITOR} and not auditor.is_staff and not auditor.has_usable_password()
    access = AuditorAccess.objects.get()
    assert (access.grant, access.auditor, access.granted_by) == (grant, auditor, manager)
    entry = AuditEntry.objects.get(action="finance.auditor_access.granted")
    assert entry.actor_id == manager.pk and EMAIL not in str(entry.detail)
    assert AuditEntry.objects.filter(action="accounts.role.granted", object_id=str(auditor.pk)).exists()
    # The invitation: which grant until when, the link to choose a password, the second factor.
    (message,) = mailoutbox
    assert message.to == [EMAIL] and grant.agreement_number in message.subject
    assert access.until.isoformat() in message.body and "/accounts/password/reset/key/" in message.body
    assert "second factor" in message.body
    page = as_manager.get(reverse("finance:auditors", args=[grant.pk])).content.decode()
    assert EMAIL in page and "Example Auditor" in page

    # The auditor (with their second factor) reads that grant and nothing else.
    sign_in_as(client, auditor)
    index = client.get(reverse("finance:index")).content.decode()
    assert grant.agreement_number in index and other.agreement_number not in index
    assert client.get(reverse("finance:grant", args=[grant.pk])).status_code == 200
    assert client.get(reverse("finance:grant", args=[other.pk])).status_code == 404
    assert AuditEntry.objects.filter(
        action="finance.grant.access_refused", actor_id=auditor.pk, object_id=str(other.pk)
    ).exists()
    # Nor the auditors' page of their own grant: that is a manager's.
    assert client.get(reverse("finance:auditors", args=[grant.pk])).status_code == 404


def test_after_its_date_the_auditor_sees_nothing(client, as_manager, grant, monkeypatch):
    today = timezone.localdate()
    _give(as_manager, grant, until=today)
    auditor = User.objects.get(username=EMAIL)
    sign_in_as(client, auditor)
    url = reverse("finance:grant", args=[grant.pk])
    assert client.get(url).status_code == 200  # the last day is included

    # The next day, by the clock.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + dt.timedelta(days=1))
    assert client.get(url).status_code == 404
    assert grant.agreement_number not in client.get(reverse("finance:index")).content.decode()
    monkeypatch.undo()
    assert client.get(url).status_code == 200

    # And by moving the date back.
    AuditorAccess.objects.filter(auditor=auditor).update(until=today - dt.timedelta(days=1))
    assert client.get(url).status_code == 404
    assert grant.agreement_number not in client.get(reverse("finance:index")).content.decode()
    assert "ended on" in as_manager.get(reverse("finance:auditors", args=[grant.pk])).content.decode()


def test_giving_access_again_moves_the_date_and_withdrawing_ends_it(
    client, as_manager, manager, grant, mailoutbox
):
    today = timezone.localdate()
    _give(as_manager, grant, until=today + dt.timedelta(days=10))
    _give(as_manager, grant, until=today + dt.timedelta(days=60))
    access = AuditorAccess.objects.get()
    assert access.until == today + dt.timedelta(days=60) and len(mailoutbox) == 2
    assert AuditEntry.objects.filter(action="finance.auditor_access.changed").count() == 1

    auditor = access.auditor
    withdraw = reverse("finance:auditor_withdraw", args=[grant.pk, access.pk])
    assert as_manager.get(withdraw).status_code == 405
    response = as_manager.post(withdraw)
    assert response.status_code == 302 and not AuditorAccess.objects.exists()
    entry = AuditEntry.objects.get(action="finance.auditor_access.withdrawn")
    assert entry.actor_id == manager.pk and entry.detail == {"grant": grant.pk, "user": auditor.pk}
    sign_in_as(client, auditor)
    assert client.get(reverse("finance:grant", args=[grant.pk])).status_code == 404
    # The account stays: an administrator deactivates it.
    assert User.objects.filter(pk=auditor.pk, is_active=True).exists()


def test_an_access_of_another_grant_is_not_withdrawn_through_this_one(client, manager, grant):
    other = grant_with_partners()
    access = AuditorAccess.objects.create(
        grant=other,
        auditor=staff(Role.AUDITOR),
        until=timezone.localdate(),
        granted_by=manager,
    )
    sign_in_as(client, manager)
    assert client.post(reverse("finance:auditor_withdraw", args=[grant.pk, access.pk])).status_code == 404
    assert AuditorAccess.objects.filter(pk=access.pk).exists()


def test_mistakes_are_explained_and_what_was_typed_is_kept(as_manager, manager, grant, mailoutbox):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = _give(as_manager, grant, until=yesterday)
    assert response.status_code == 200
    page = response.content.decode()
    assert "until today or a later day" in page and EMAIL in page
    response = _give(as_manager, grant, until=timezone.localdate() + dt.timedelta(days=800))
    assert "two years at most" in response.content.decode()

    # A member of staff's address is not turned into an auditor's account: that is an administrator's.
    someone = caseworker(email="colleague@example.org")
    response = _give(as_manager, grant, email="colleague@example.org")
    assert response.status_code == 200 and "not only an auditor" in response.content.decode()
    assert someone.roles == {Role.CASEWORKER}
    assert AuditEntry.objects.filter(
        action="accounts.user.change_refused", object_id=str(someone.pk)
    ).exists()
    # Nor is the manager's own.
    response = _give(as_manager, grant, email=manager.email)
    assert "not only an auditor" in response.content.decode()
    assert not AuditorAccess.objects.exists() and mailoutbox == []


def test_only_a_financial_manager_gives_or_withdraws_access(grant, manager):
    until = timezone.localdate()
    access = AuditorAccess.objects.create(
        grant=grant, auditor=staff(Role.AUDITOR), until=until, granted_by=manager
    )
    for person in (
        access.auditor,
        staff(Role.PROJECT_COORDINATOR),
        staff(Role.TIMESHEET_STAFF),
        staff(Role.ADMINISTRATOR),
    ):
        with pytest.raises(FinanceAccessDenied):
            auditor_access_grant(actor=person, grant=grant, email=EMAIL, until=until)
        with pytest.raises(FinanceAccessDenied):
            auditor_access_withdraw(actor=person, access=access)
    assert not User.objects.filter(username=EMAIL).exists()
    assert AuditorAccess.objects.filter(pk=access.pk).exists()


# The one POST an auditor makes: asking for a statement file of the grant they read, made in the background
# (finance.tasks). It is a read: it changes no budget, cost, time, period or access, only queues a file.
READS_BY_POST = {"finance:statement_request"}


def _finance_state() -> dict[str, int]:
    """How many records of each of finance's models (the statement files asked for aside) and audit entries
    (refusals aside) there are."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("finance").get_models()
        if model._meta.model_name != "statementrun"
    }
    counts["audit"] = AuditEntry.objects.exclude(action__endswith=".access_refused").count()
    return counts


def test_an_auditor_never_writes_anything(client, manager, grant):
    """Every finance URL, POSTed by an auditor of the grant while their access runs: refused (403, 404 or
    405) and nothing changes, but for asking for a statement file (READS_BY_POST). The URLs are read from
    the configuration, so every page added later is tried too."""
    auditor = staff(Role.AUDITOR)
    access = AuditorAccess.objects.create(
        grant=grant, auditor=auditor, until=timezone.localdate(), granted_by=manager
    )
    known = {"grant_id": grant.pk, "access_id": access.pk, "number": 1, "format": "xlsx"}
    sign_in_as(client, auditor)
    assert client.get(reverse("finance:grant", args=[grant.pk])).status_code == 200
    before = _finance_state()
    for name, needed in named_urls(("finance",)).items():
        url = reverse(name, kwargs={key: known.get(key, 1) for key in needed})
        for data in ({}, {"email": EMAIL, "until": timezone.localdate().isoformat(), "amount": "1"}):
            response = client.post(url, data)
            if name not in READS_BY_POST:
                assert response.status_code in (403, 404, 405), (name, response.status_code)
        assert get_to_end(client, url).status_code in (200, 302, 404, 405), name
    assert _finance_state() == before
    assert AuditorAccess.objects.filter(pk=access.pk, until=access.until).exists()
