"""The audit log: append-only whatever the code path, searchable and exportable by the DPO only, with
every break-glass access listed."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.core.audit import audit_record
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    department, elsewhere = DepartmentFactory(), DepartmentFactory()
    lawyer, boss, other_boss = caseworker(department), coordinator(department), coordinator(elsewhere)
    dpo = staff(Role.DATA_PROTECTION_OFFICER)
    case = case_new(department=department, by=boss, team=[(lawyer, v.TeamFunction.LAWYER)])
    other_case = case_new(department=elsewhere, by=other_boss)
    return locals()


def test_the_application_cannot_change_or_delete_audit_records(world):
    entry = audit_record(actor=world["lawyer"], action="cases.case.viewed", target=world["case"])
    entry.action = "cases.case.nothing_to_see"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "cases.case.viewed"


def test_the_database_refuses_a_raw_update(world):
    entry = audit_record(actor=world["lawyer"], action="cases.case.viewed", target=world["case"])
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["forged", entry.pk])  # noqa: S608
    assert AuditEntry.objects.get(pk=entry.pk).action == "cases.case.viewed"


def test_the_database_refuses_a_raw_delete(world):
    """On both engines (SQLite since core migration 0004)."""
    entry = audit_record(actor=world["lawyer"], action="cases.case.viewed", target=world["case"])
    table = AuditEntry._meta.db_table
    for statement, parameters in (
        (f"DELETE FROM {table} WHERE id = %s", [entry.pk]),  # noqa: S608
        (f"DELETE FROM {table}", []),  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, parameters)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_the_test_runner_still_empties_the_audit_table_between_tests(run):
    """A test that commits audit records is followed by an empty table: the test runner's flush gets past
    the trigger (tests/sqlite_backend on SQLite, TRUNCATE on PostgreSQL), and nothing else does."""
    assert not AuditEntry.objects.exists(), run
    audit_record(actor=None, action="core.test.committed")
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert AuditEntry.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the tests' own backend is for SQLite; PostgreSQL's flush is a TRUNCATE",
)
def test_the_tests_sqlite_backend_differs_from_productions_in_its_flush_only():
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from tests.sqlite_backend.base import DatabaseOperations

    default = connections["default"]
    assert isinstance(default, DatabaseWrapper) and type(default.ops) is DatabaseOperations
    assert [name for name in vars(DatabaseOperations) if not name.startswith("__")] == [
        "sql_flush",
        "_audit_trigger_exists",
    ]


def test_dpo_searches_the_log_by_person_case_and_action(client, world):
    lawyer, case, other_case = world["lawyer"], world["case"], world["other_case"]
    audit_record(actor=lawyer, action="cases.case.viewed", target=case)
    audit_record(actor=lawyer, action="cases.note.written", target=case)
    audit_record(actor=world["other_boss"], action="cases.case.viewed", target=other_case)
    force_login_with_mfa(client, world["dpo"])

    response = client.post(
        reverse("dpo:audit"),
        {"actor": lawyer.username.upper(), "action": "cases.case.", "beneficiary": case.beneficiary.code},
    )
    assert response.status_code == 302
    location = response["Location"]
    # Ids travel in the URL, never the username or the code.
    assert lawyer.username not in location and case.beneficiary.code not in location
    assert f"actor={lawyer.pk}" in location and f"beneficiary={case.beneficiary_id}" in location
    page = client.get(location)
    assert page.status_code == 200
    rows = [shown.entry for shown in page.context["entries"]]
    assert rows and all(e.actor_id == lawyer.pk and e.action.startswith("cases.case.") for e in rows)
    assert all(e.beneficiary_id == case.beneficiary_id for e in rows)
    assert case.reference in page.content.decode()

    by_case = client.get(reverse("dpo:audit"), {"case": other_case.pk})
    assert {shown.entry.case_id for shown in by_case.context["entries"]} == {other_case.pk}
    by_reference = client.post(reverse("dpo:audit"), {"case": other_case.reference})
    assert by_reference["Location"].endswith(f"?case={other_case.pk}")
    unknown = client.post(reverse("dpo:audit"), {"actor": "nobody-by-that-name"})
    assert "No user has this username." in unknown.content.decode()

    viewed = AuditEntry.objects.filter(action="core.audit.viewed", actor=world["dpo"])
    assert viewed.count() >= 2
    assert viewed.filter(detail__filters__case=other_case.pk).exists()


def test_dates_filter_and_pages(client, world):
    for _ in range(60):
        audit_record(actor=world["lawyer"], action="cases.case.viewed", target=world["case"])
    force_login_with_mfa(client, world["dpo"])
    first = client.get(reverse("dpo:audit"), {"action": "cases.case.viewed"})
    assert len(first.context["entries"]) == 50 and first.context["page"].has_next()
    second = client.get(reverse("dpo:audit"), {"action": "cases.case.viewed", "page": 2})
    assert len(second.context["entries"]) >= 10
    future = client.get(reverse("dpo:audit"), {"since": "2999-01-01"})
    assert future.context["entries"] == []


def test_dpo_exports_the_filtered_log_as_csv(client, world):
    lawyer, case = world["lawyer"], world["case"]
    audit_record(actor=lawyer, action="cases.case.viewed", target=case, detail={"note": "=HYPERLINK(1)"})
    audit_record(actor=world["other_boss"], action="cases.case.viewed", target=world["other_case"])
    force_login_with_mfa(client, world["dpo"])
    response = client.get(reverse("dpo:audit_export"), {"case": case.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["at", "actor_name", "action"]
    assert rows[1:] and {row[5] for row in rows[1:]} == {str(case.pk)}
    assert any(row[1] == lawyer.username and row[2] == "cases.case.viewed" for row in rows[1:])
    assert not any(cell.startswith("=") for row in rows for cell in row)
    exported = AuditEntry.objects.get(action="core.audit.exported")
    assert exported.actor == world["dpo"] and exported.detail["filters"] == {"case": case.pk}


def test_break_glass_list_shows_every_access(client, world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "BREAK_GLASS_ACROSS_DEPARTMENTS": True}  # another department's
    case, other_boss = world["case"], world["other_boss"]
    services.break_glass_open(
        user=other_boss, case=case, reason="Hotline call: risk of retrafficking tonight"
    )
    force_login_with_mfa(client, world["dpo"])
    response = client.get(reverse("dpo:break_glass"))
    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html and other_boss.username in html
    assert "Hotline call: risk of retrafficking tonight" in html
    assert AuditEntry.objects.filter(action="core.audit.viewed", detail__view="break_glass").exists()


def test_nobody_else_reads_the_log(client, world):
    for who in ("lawyer", "boss"):
        client.logout()
        force_login_with_mfa(client, world[who])
        assert client.get(reverse("dpo:audit")).status_code == 404
        assert client.get(reverse("dpo:audit_export")).status_code == 404
        assert client.get(reverse("dpo:break_glass")).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="core.audit.").exists()


def test_a_case_search_finds_the_list_pages_that_showed_it(world):
    from refugiu.cases import gdpr, read_audit

    case, other = world["case"], world["other_case"]
    read_audit.cases_listed(user=world["lawyer"], request=None, case_ids=[other.pk * 10 + 1, case.pk])
    read_audit.cases_listed(user=world["lawyer"], request=None, case_ids=[case.pk * 10 + 1])
    found = gdpr.audit_search(user=world["dpo"], filters=gdpr.AuditFilters(case=case.pk))
    listed = [e for e in found if e.action == "cases.case.listed"]
    assert len(listed) == 1 and listed[0].detail["cases"][-1] == case.pk


def test_selectors_only_read(world):
    """Reads are audited once, by the page or API handler that shows them (cases.read_audit): a selector
    writes nothing, so that a page built from several of them is not recorded several times."""
    from refugiu.cases import access, selectors

    lawyer, case = world["lawyer"], world["case"]
    services.note_write(user=lawyer, case=case, text="Called the shelter.")
    services.task_create(user=lawyer, case=case, title="Book the interpreter", due_on=case.opened_on)
    identity = case.beneficiary.identity
    before = AuditEntry.objects.count()
    assert [c.pk for c in selectors.case_list(user=lawyer)] == [case.pk]
    read = access.case_get(user=lawyer, case_id=case.pk, queryset=selectors.cases_for_reading())
    assert read == case
    assert {item.kind for item in selectors.case_timeline(user=lawyer, case=read)} >= {"note", "status"}
    assert selectors.case_sidebar(case=read)["tasks"]
    assert [item.case for item in selectors.my_work(user=lawyer)] == [case]
    names = f"{identity.given_names} {identity.family_names}"
    assert [m.beneficiary for m in selectors.beneficiary_search(user=lawyer, names=names)] == [
        case.beneficiary
    ]
    assert AuditEntry.objects.count() == before
