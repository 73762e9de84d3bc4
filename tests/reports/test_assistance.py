"""Assistance statistics: tables against cases with known counts, suppression, files, access, privacy."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case, Proceeding, Referral, ServiceEntry
from refugiu.organisation.models import Department
from refugiu.reports.assistance import MARK, assistance_statistics, render_csv, render_xlsx
from refugiu.reports.models import ReportRun
from refugiu.reports.registry import render_run
from refugiu.reports.suppression import PublishedLine
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import (
    DepartmentFactory,
    beneficiary_new,
    case_new,
    coordinator,
    fake_identity,
    staff,
)
from tests.factories import ServiceFactory

D = datetime.date
YEAR = 2024
INDEX = "reports:statistics"
DOWNLOAD = "reports:statistics_download"


class World:
    """Two departments and cases whose counts are known; `secrets` holds every code, reference and name."""

    def __init__(self):
        self.alpha = DepartmentFactory(name="Alpha assistance")
        self.beta = DepartmentFactory(name="Beta assistance", ngo=self.alpha.ngo)
        self.coordinator_alpha = coordinator(self.alpha)
        self.coordinator_beta = coordinator(self.beta)
        self.secrets: list[str] = []
        self.cases: list[Case] = []

    def case(self, department, category, opened_on, closed_on=None, **person) -> Case:
        by = self.coordinator_alpha if department == self.alpha else self.coordinator_beta
        identity = fake_identity()
        # A mark of the test's own on each name: a short Faker name ("Lee") could occur in any page by chance.
        for key in ("given_names", "family_names"):
            identity[key] = f"{identity[key]}-Qz{len(self.cases)}"
        beneficiary = beneficiary_new(by=by, identity=identity, **person)
        case = case_new(
            department=department, by=by, category=category, beneficiary=beneficiary, opened_on=opened_on
        )
        if closed_on:
            Case.objects.filter(pk=case.pk).update(status=v.CaseStatus.CLOSED, closed_on=closed_on)
        self.secrets += [beneficiary.code, case.reference, identity["given_names"], identity["family_names"]]
        self.cases.append(case)
        return case


@pytest.fixture
def world(db):
    w = World()
    T, C = v.CaseCategory.TRAFFICKING, v.CaseCategory.CRIME
    # Opened in the year: trafficking × Alpha 6, crime × Alpha 5, crime × Beta 7.
    for k in range(6):
        w.case(w.alpha, T, D(YEAR, 2, 1 + k), gender=v.Gender.MASCULINE, nationality="UA")
    for k in range(5):
        w.case(w.alpha, C, D(YEAR, 3, 1 + k), age_band=v.AgeBand.ADULT_35_49)
    for k in range(7):
        w.case(w.beta, C, D(YEAR, 4, 1 + k))
    # Opened the year before, closed in the year: crime × Beta 5 closed; still active in the year.
    for k in range(5):
        w.case(w.beta, C, D(YEAR - 1, 5, 1 + k), closed_on=D(YEAR, 6, 1 + k))
    # One small group: a trafficking case in Beta whose beneficiary is from Bulgaria (1 of its kind).
    w.small = w.case(w.beta, T, D(YEAR, 7, 1), nationality="BG")
    # Outside the year entirely: neither counted nor active.
    w.case(w.alpha, T, D(YEAR - 2, 1, 1), closed_on=D(YEAR - 2, 12, 1), nationality="FR")
    w.case(w.alpha, T, D(YEAR + 1, 1, 1), nationality="FR")

    user = w.coordinator_alpha
    first = w.cases[0]
    for k in range(5):
        ServiceEntry.objects.create(
            case=first,
            kind=v.ServiceKind.LEGAL_COUNSELLING,
            delivered_on=D(YEAR, 8, 1 + k),
            duration_minutes=60,
            staff=user,
            created_by=user,
        )
    for k in range(2):
        ServiceEntry.objects.create(
            case=first,
            kind=v.ServiceKind.SHELTER,
            delivered_on=D(YEAR, 9, 1 + k),
            duration_minutes=60,
            staff=user,
            created_by=user,
        )
    ServiceEntry.objects.create(
        case=first,
        kind=v.ServiceKind.SHELTER,
        delivered_on=D(YEAR - 1, 9, 1),
        duration_minutes=60,
        staff=user,
        created_by=user,
    )
    italian = ServiceFactory(organization__country="IT")
    for k in range(6):
        Referral.objects.create(
            case=first,
            kind=v.ReferralKind.INTERNAL,
            department=w.beta,
            status=v.ReferralStatus.ACCEPTED,
            sent_on=D(YEAR, 10, 1 + k),
            created_by=user,
        )
    for k in range(5):
        Referral.objects.create(
            case=first,
            kind=v.ReferralKind.EXTERNAL,
            service=italian,
            country="IT",
            status=v.ReferralStatus.COMPLETED,
            sent_on=D(YEAR, 10, 1 + k),
            created_by=user,
        )
    for stage, n in (
        (v.ProceedingStage.FILED, 6),
        (v.ProceedingStage.PAID, 2),
        (v.ProceedingStage.DECIDED, 5),
    ):
        for _k in range(n):
            Proceeding.objects.create(
                case=first,
                kind=v.ProceedingKind.COMPENSATION_CLAIM,
                stage=stage,
                started_on=D(YEAR, 2, 1),
                created_by=user,
            )
    for _k in range(6):
        Proceeding.objects.create(
            case=first,
            kind=v.ProceedingKind.PROTECTION_ORDER,
            stage=v.ProceedingStage.ISSUED,
            started_on=D(YEAR - 1, 2, 1),
            decided_on=D(YEAR, 3, 1),
            created_by=user,
        )
    Proceeding.objects.create(
        case=first,
        kind=v.ProceedingKind.PROTECTION_ORDER,
        stage=v.ProceedingStage.ISSUED,
        started_on=D(YEAR - 1, 2, 1),
        decided_on=D(YEAR - 1, 3, 1),
        created_by=user,
    )
    return w


def _line(stats, key) -> dict:
    table = stats.table(key)
    assert isinstance(table.published, PublishedLine)
    return {**dict(zip(table.rows, table.published.cells, strict=True)), "total": table.published.total}


# --- The tables ------------------------------------------------------------------------------------------


def test_cases_opened_and_closed(world):
    stats = assistance_statistics(YEAR, threshold=5)
    opened = stats.table("cases_opened")
    assert opened.columns == ("Alpha assistance", "Beta assistance")
    body = {label: (cells, total) for label, cells, total in opened.body()}
    # Trafficking × Beta is 1: hidden, with the three cells that close a rectangle around it (the smallest
    # non-zero ones), so that no hidden cell follows from the totals. Totals stay published.
    assert body["Victim of trafficking"] == ([None, None], 7)
    assert body["Victim of crime"] == ([None, None], 12)
    assert body["Refugee"] == ([0, 0], 0)
    assert opened.footer() == ([11, 8], 19)
    assert opened.published.primary == {(0, 1)}

    closed = stats.table("cases_closed")
    assert closed.columns == ("Beta assistance",)
    body = {label: (cells, total) for label, cells, total in closed.body()}
    assert body["Victim of crime"] == ([5], 5)
    assert closed.footer() == ([5], 5)


def test_beneficiaries_active_in_the_year(world):
    stats = assistance_statistics(YEAR, threshold=5)
    # Active: 19 opened in the year + 5 opened before and closed in it = 24 people.
    sex = _line(stats, "beneficiaries_sex")
    assert sex["Masculine"] == 6 and sex["Feminine"] == 18 and sex["total"] == 24
    age = _line(stats, "beneficiaries_age")
    assert age["35–49"] == 5 and age["25–34"] == 19
    nationality = _line(stats, "beneficiaries_nationality")
    assert "France" not in nationality
    assert nationality["Bulgaria"] is None  # 1 person: hidden
    assert nationality["Ukraine"] is None  # 6: the smallest other count, hidden to protect it
    assert nationality["Moldova"] == 17
    assert nationality["total"] == 24


def test_services_referrals_and_proceedings(world):
    stats = assistance_statistics(YEAR, threshold=5)
    services = _line(stats, "services")
    assert services["Shelter"] is None and services["Legal counselling"] is None
    assert services["total"] == 7
    assert services["Interpretation"] == 0

    referrals = stats.table("referrals")
    assert referrals.rows == ("Italy", "Within the organisation")
    body = {label: (cells, total) for label, cells, total in referrals.body()}
    assert body["Italy"] == ([0, 0, 5, 0], 5)
    assert body["Within the organisation"] == ([0, 6, 0, 0], 6)
    assert referrals.footer() == ([0, 6, 5, 0], 11)

    claims = _line(stats, "compensation_claims")
    assert claims["Paid"] is None and claims["Decided"] is None  # 2 hidden, 5 its complement
    assert claims["Filed"] == 6 and claims["total"] == 13
    orders = _line(stats, "protection_orders")
    assert orders["Issued"] == 6 and orders["total"] == 6  # decided in the year; the older one is not counted


def test_no_small_count_is_published(world):
    stats = assistance_statistics(YEAR, threshold=5)
    for table in stats.tables:
        values = [c for _label, cells, total in table.body() for c in (*cells, total)]
        column_totals, total = table.footer()
        for value in (*values, *column_totals, total):
            assert value is None or not 0 < value < 5, table.key


def test_constant_number_of_queries(world):
    with CaptureQueriesContext(connection) as few:
        assistance_statistics(YEAR)
    for k in range(10):
        world.case(world.beta, v.CaseCategory.OTHER, D(YEAR, 11, 1 + k), nationality="DE")
    with CaptureQueriesContext(connection) as more:
        assistance_statistics(YEAR)
    assert len(few) == len(more) <= 8


def test_nothing_is_decrypted(world):
    with (
        mock.patch("refugiu.core.crypto.decrypt_text", side_effect=AssertionError("decrypted")),
        mock.patch("refugiu.core.fields.decrypt_text", side_effect=AssertionError("decrypted")),
    ):
        stats = assistance_statistics(YEAR)
        render_csv(stats)
        render_xlsx(stats)


# --- Files ---------------------------------------------------------------------------------------------


def test_csv_and_xlsx(world):
    stats = assistance_statistics(YEAR, threshold=5)
    rows = list(csv.reader(io.StringIO(render_csv(stats).decode("utf-8-sig"))))
    assert rows[0] == ["Assistance statistics 2024"]
    assert ["Bulgaria", MARK] in rows and ["Moldova", "17"] in rows
    workbook = load_workbook(io.BytesIO(render_xlsx(stats)))
    assert "Beneficiaries by nationality" in workbook.sheetnames
    sheet_rows = [list(r) for r in workbook["Beneficiaries by nationality"].iter_rows(values_only=True)]
    assert ["Bulgaria", MARK] in sheet_rows and ["Moldova", 17] in sheet_rows


def test_xlsx_text_starting_like_a_formula_stays_text(world):
    Department.objects.filter(pk=world.alpha.pk).update(name="=HYPERLINK(1)")
    workbook = load_workbook(io.BytesIO(render_xlsx(assistance_statistics(YEAR))))
    cells = [
        cell for row in workbook["Cases opened"].iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_render_run(world):
    run = ReportRun(kind="statistics", parameters={"year": YEAR}, format="xlsx")
    steps = []
    content, name = render_run(run, lambda percent, message: steps.append(percent))
    assert name == "assistance-statistics-2024.xlsx"
    assert content[:2] == b"PK" and steps[-1] == 100
    run.format = "csv"
    content, name = render_run(run, lambda percent, message: None)
    assert name == "assistance-statistics-2024.csv" and b"Cases opened" in content
    run.format = "pdf"
    with pytest.raises(ValueError):
        render_run(run, lambda percent, message: None)


# --- The page ------------------------------------------------------------------------------------------


def test_researcher_sees_only_published_figures(client, world):
    client.force_login(staff(Role.RESEARCHER))
    with (
        mock.patch("refugiu.core.crypto.decrypt_text", side_effect=AssertionError("decrypted")),
        mock.patch("refugiu.core.fields.decrypt_text", side_effect=AssertionError("decrypted")),
    ):
        page = client.get(reverse(INDEX), {"year": YEAR})
        download = client.get(reverse(DOWNLOAD), {"year": YEAR, "format": "csv"})
        workbook = client.get(reverse(DOWNLOAD), {"year": YEAR, "format": "xlsx"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cases opened" in html and "Alpha assistance" in html and MARK in html
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert 'filename="assistance-statistics-2024.csv"' in download["Content-Disposition"]
    text = download.content.decode("utf-8-sig")
    cells = " ".join(
        str(c)
        for sheet in load_workbook(io.BytesIO(workbook.content))
        for r in sheet.iter_rows(values_only=True)
        for c in r
    )
    for secret in world.secrets:
        assert secret not in html
        assert secret not in text
        assert secret not in cells


def test_page_queries_do_not_grow(client, world):
    client.force_login(staff(Role.RESEARCHER))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(INDEX), {"year": YEAR})
    for k in range(8):
        world.case(world.alpha, v.CaseCategory.REFUGEE, D(YEAR, 12, 1 + k), nationality="SY")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(INDEX), {"year": YEAR})
    assert len(few) == len(more)


def test_coordinator_with_second_factor(client, world):
    force_login_with_mfa(client, world.coordinator_alpha)
    assert client.get(reverse(INDEX), {"year": YEAR}).status_code == 200
    assert client.get(reverse(DOWNLOAD), {"year": YEAR, "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.PROGRAMME_STAFF, Role.DIRECTORY_EDITOR, Role.ADMINISTRATOR]
)
def test_others_get_404(client, db, role):
    user = staff(role, DepartmentFactory() if role == Role.CASEWORKER else None)
    force_login_with_mfa(client, user)
    assert client.get(reverse(INDEX)).status_code == 404
    assert client.get(reverse(DOWNLOAD), {"year": YEAR, "format": "csv"}).status_code == 404
    assert client.post(reverse(INDEX)).status_code == 404


def test_anonymous_signs_in(client, db):
    response = client.get(reverse(INDEX))
    assert response.status_code == 302 and "login" in response["Location"]


def test_default_year_and_bad_input(client, db):
    client.force_login(staff(Role.RESEARCHER))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert str(datetime.date.today().year) in response.content.decode()
    assert client.get(reverse(INDEX), {"year": "1800"}).status_code == 200  # form error, no tables
    assert client.get(reverse(DOWNLOAD), {"year": YEAR, "format": "pdf"}).status_code == 404
    assert client.get(reverse(DOWNLOAD), {"year": "abc", "format": "csv"}).status_code == 404


def test_a_year_without_cases(client, world):
    stats = assistance_statistics(YEAR + 5)
    # Cases still open are active every year after: only their beneficiaries count.
    assert {table.key for table in stats.tables if not table.is_empty} == {
        "beneficiaries_sex",
        "beneficiaries_age",
        "beneficiaries_nationality",
    }
    nationality = _line(stats, "beneficiaries_nationality")
    assert nationality == {"Bulgaria": None, "France": None, "Moldova": 12, "Ukraine": 6, "total": 20}
    assert b"Cases opened" in render_csv(stats)
    assert render_xlsx(stats)[:2] == b"PK"
    client.force_login(staff(Role.RESEARCHER))
    response = client.get(reverse(INDEX), {"year": YEAR + 1})
    assert response.status_code == 200
    assert "None in this year." in response.content.decode()
