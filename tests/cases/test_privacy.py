"""No personal data in logs, URLs or error pages, and a refusal that looks exactly like absence."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator

pytestmark = pytest.mark.django_db

NAMES = {
    "given_names": "Zamfira",
    "family_names": "Quixotescu",
    "phone": "0733 987 654",
    "document_number": "ZQ7654321",
}


@pytest.fixture
def people():
    department = DepartmentFactory()
    boss, worker, stranger = coordinator(department), caseworker(department), caseworker(department)
    return {"department": department, "boss": boss, "worker": worker, "stranger": stranger}


def test_intake_and_case_pages_leave_no_personal_data_in_logs_or_links(people, caplog):
    caplog.set_level(logging.DEBUG)
    client = force_login_with_mfa(Client(), people["boss"])
    intake = reverse("cases:beneficiary_intake")
    client.post(
        intake, {"step": "search", "search-given_names": "Zamfira Quixotescu", "search-phone": NAMES["phone"]}
    )
    client.post(
        intake,
        {
            "step": "register",
            "new-gender": v.Gender.FEMININE,
            "new-age_band": v.AgeBand.ADULT_25_34,
            "new-migration_status": v.MigrationStatus.UNKNOWN,
            **{f"new-{k}": value for k, value in NAMES.items()},
        },
        follow=True,
    )
    beneficiary = Beneficiary.objects.latest("pk")
    case = case_new(
        department=people["department"],
        by=people["boss"],
        team=[(people["worker"], "lawyer")],
        beneficiary=beneficiary,
    )
    pages = [
        client.get(reverse("cases:case_list")),
        client.get(reverse("cases:case_detail", args=[case.pk])),
        client.post(reverse("cases:beneficiary_identity", args=[case.pk])),
        client.get(reverse("cases:case_detail", args=[case.pk + 999])),  # a 404, logged by Django
    ]
    assert "Quixotescu" in pages[2].content.decode()  # the identity page does show it, on request
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in caplog.records)
    links = " ".join(re.findall(r'(?:href|action|src)="([^"]*)"', "".join(p.content.decode() for p in pages)))
    for value in NAMES.values():
        for word in value.split():
            assert word not in logged
            assert word not in links
    assert logged, "the capture must have seen Django's own request logging"


def test_forbidden_and_missing_cases_get_the_same_page(people):
    case = case_new(department=people["department"], by=people["boss"], team=[(people["worker"], "lawyer")])
    stranger = force_login_with_mfa(Client(), people["stranger"])
    forbidden = stranger.get(reverse("cases:case_detail", args=[case.pk]))
    missing = stranger.get(reverse("cases:case_detail", args=[case.pk + 10**6]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert forbidden.headers.keys() == missing.headers.keys()


def test_server_errors_show_nothing_of_the_request(people, settings, monkeypatch):
    """With DEBUG off (the default), an error page is the generic one: no values, no traceback."""
    settings.DEBUG = False
    case = case_new(department=people["department"], by=people["boss"], team=[(people["worker"], "lawyer")])
    client = force_login_with_mfa(Client(raise_request_exception=False), people["worker"])

    def broken(**kwargs):
        raise RuntimeError(f"failure while handling {NAMES['family_names']}")

    monkeypatch.setattr("refugiu.cases.selectors.case_timeline", broken)
    monkeypatch.setattr("refugiu.cases.views.case.selectors.case_timeline", broken, raising=False)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 500
    assert NAMES["family_names"].encode() not in response.content
    assert b"Traceback" not in response.content


def test_the_admin_site_holds_no_case_data_nor_the_audit_log():
    """An administrator "sees no case content unless also assigned" (product brief §2): Django's admin,
    open to superusers, must not offer a way round the case scope, nor a way to edit the audit log."""
    from django.contrib import admin

    labels = {model._meta.app_label for model in admin.site._registry}
    assert "cases" not in labels
    assert not any(model._meta.label == "core.AuditEntry" for model in admin.site._registry)
