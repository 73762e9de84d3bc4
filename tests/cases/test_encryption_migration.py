"""Upgrading an installation: the values written before the risk, flags, trafficking details, need levels,
session mediators and proceedings' authorities were encrypted are encrypted by migration cases 0004, and
read back unchanged through the application."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, NeedsAssessment, Proceeding, ServiceEntry
from refugiu.core import crypto

BEFORE = [("cases", "0002_case_department_recent")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_values_written_before_the_upgrade_are_encrypted_by_it():
    latest = _latest()
    executor = _migrate(BEFORE)
    try:
        # Every other app as it is now, the cases app as it was.
        old = executor.loader.project_state([n for n in latest if n[0] != "cases"] + BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(username="upgrade-fake-staff")
        organisation = old.get_model("organisation", "NGO").objects.create(name="Fake NGO")
        department = old.get_model("organisation", "Department").objects.create(
            ngo=organisation, name="Fake department"
        )
        beneficiary = old.get_model("cases", "Beneficiary").objects.create(
            created_by=user, languages=["uk", "ru"], migration_status=v.MigrationStatus.ASYLUM_SEEKER
        )
        case = old.get_model("cases", "Case").objects.create(
            beneficiary=beneficiary,
            department=department,
            category=v.CaseCategory.TRAFFICKING,
            created_by=user,
            risk_level=v.RiskLevel.HIGH,
            flags=[v.CaseFlag.DISABILITY],
            exploitation_types=[v.ExploitationType.FORCED_MARRIAGE],
            control_methods=[],
            exploitation_country="CY",
        )
        session = old.get_model("cases", "ServiceEntry").objects.create(
            case=case,
            kind=v.ServiceKind.LEGAL_COUNSELLING,
            duration_minutes=30,
            staff=user,
            created_by=user,
            mediator="Fake Interpreter Name",
            language="uk",
        )
        proceeding = old.get_model("cases", "Proceeding").objects.create(
            case=case,
            kind=v.ProceedingKind.CRIMINAL_CASE,
            stage=v.ProceedingStage.COMPLAINT,
            authority="Fake District Court",
            deadline=dt.date(2026, 1, 5),
            deadline_label="Fake appeal brief",
            created_by=user,
        )
        assessment = old.get_model("cases", "NeedsAssessment").objects.create(
            case=case, author=user, medical=v.NeedLevel.HIGH
        )
    finally:
        _migrate(latest)

    for table, column, pk, plaintext in (
        ("cases_case", "risk_level", case.pk, "high"),
        ("cases_case", "flags", case.pk, "disability"),
        ("cases_case", "exploitation_types", case.pk, "ForcedMarriage"),
        ("cases_case", "exploitation_country", case.pk, "CY"),
        ("cases_beneficiary", "languages", beneficiary.pk, "uk"),
        ("cases_serviceentry", "mediator", session.pk, "Fake Interpreter"),
        ("cases_proceeding", "authority", proceeding.pk, "Fake District"),
        ("cases_proceeding", "deadline_label", proceeding.pk, "Fake appeal"),
        ("cases_needsassessment", "medical", assessment.pk, "high"),
    ):
        raw = _raw(table, column, pk)
        # Base64 ciphertext may hold a short plaintext such as "uk" by chance (it did once in CI), so the
        # proof is that the stored value is our ciphertext and that it, not the column, holds the plaintext.
        assert raw.startswith(crypto.PREFIX), (table, column, raw)
        assert plaintext in crypto.decrypt_text(raw), (table, column)
    # An empty list stays empty rather than becoming the ciphertext of "[]".
    assert _raw("cases_case", "control_methods", case.pk) == ""

    case = Case.objects.get(pk=case.pk)
    assert (case.risk_level, case.flags, case.exploitation_types, case.control_methods) == (
        "high",
        ["disability"],
        ["ForcedMarriage"],
        [],
    )
    assert case.exploitation_country.code == "CY"
    assert Beneficiary.objects.get(pk=beneficiary.pk).languages == ["uk", "ru"]
    assert ServiceEntry.objects.get(pk=session.pk).mediator == "Fake Interpreter Name"
    assert Proceeding.objects.get(pk=proceeding.pk).deadline_label == "Fake appeal brief"
    assert NeedsAssessment.objects.get(pk=assessment.pk).medical == "high"

    # Run again (an interrupted upgrade finished later): ciphertext is left as it is.
    before = _raw("cases_case", "flags", case.pk)
    _migrate([("cases", "0003_encrypt_sensitive_columns")])
    _migrate(latest)
    assert _raw("cases_case", "flags", case.pk) == before
