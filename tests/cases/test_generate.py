"""`refugiu generate_cases`: synthetic, encrypted, scoped like real cases, and shaped for the benchmark."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role
from refugiu.cases import selectors
from refugiu.cases import vocabularies as v
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Consent,
    Note,
    ServiceEntry,
    StatusChange,
    TeamMember,
)
from refugiu.core.crypto import decrypt_text
from refugiu.demo.synthetic.cases import BENCH_USERNAME, MARKER, _scrambled_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    output = io.StringIO()
    call_command("generate_cases", cases=50, long_history=200, stdout=output)
    return output.getvalue()


def raw_values(model, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table}")  # noqa: S608 - constant names
        return [row[0] for row in cursor.fetchall()]


def test_fifty_cases_with_the_expected_shape(generated):
    assert "50 cases" in generated
    cases = Case.objects.all()
    assert cases.count() == 50 == Beneficiary.objects.count() == BeneficiaryIdentity.objects.count()
    assert len(set(cases.values_list("reference", flat=True))) == 50
    assert len(set(Beneficiary.objects.values_list("code", flat=True))) == 50
    assert all(i.other_names == MARKER and i.given_names for i in BeneficiaryIdentity.objects.all())
    for case in cases.prefetch_related("team", "status_changes", "consents"):
        assert [m.is_lead for m in case.team.all()].count(True) == 1
        assert [c.purpose for c in case.consents.all()] == [v.ConsentPurpose.ASSISTANCE]
        assert case.status_changes.all()[0].to_status == v.CaseStatus.OPEN
        assert case.department.kind == "assistance"
    assert Note.objects.count() >= 50 and StatusChange.objects.count() >= 50
    # 49 cases of 10 sessions, and the long-history case of 200 (and a tenth as many notes).
    assert ServiceEntry.objects.count() == 49 * 10 + 200
    assert Consent.objects.count() == 50


def test_bench_caseworker_has_the_long_history_case(generated):
    bench = User.objects.get(username=BENCH_USERNAME)
    assert set(RoleAssignment.objects.filter(user=bench).values_list("role", flat=True)) == {Role.CASEWORKER}
    mine = Case.objects.visible_to(bench)
    assert mine.count() == 50 and not mine.filter(status=v.CaseStatus.CLOSED).exists()
    assert TeamMember.objects.filter(user=bench, function=v.TeamFunction.PSYCHOLOGIST).count() == 50
    long_case = Case.objects.get(
        pk=int(generated.split("Long-history case of bench-caseworker: id ")[1].split(".")[0])
    )
    assert long_case.services.count() == 200 and long_case.notes.count() >= 20


def test_encrypted_fields_are_ciphertext_in_the_database(generated):
    notes = raw_values(ServiceEntry, "note")
    assert notes and all(n.startswith("f1:") for n in notes)
    assert all(decrypt_text(n).startswith(MARKER) for n in set(notes))
    for column in ("given_names", "family_names", "other_names"):
        values = raw_values(BeneficiaryIdentity, column)
        assert all(value.startswith("f1:") for value in values), column
    assert all(value.startswith("f1:") for value in raw_values(Note, "text"))
    # Ciphertext is URL-safe base64: the marker's brackets and spaces cannot appear in it by chance.
    assert not any(MARKER in value for value in raw_values(BeneficiaryIdentity, "other_names") + notes)


def test_generated_staff_see_only_their_cases(generated):
    coordinators = User.objects.filter(username__startswith="synthetic-coordinator-")
    assert coordinators.count() == 2
    for boss in coordinators:
        department = RoleAssignment.objects.get(user=boss).department
        assert set(Case.objects.visible_to(boss)) == set(Case.objects.filter(department=department))
    workers = User.objects.filter(username__startswith="synthetic-caseworker-")
    assert workers.count() == 200
    for worker in workers[:20]:
        own = set(TeamMember.objects.filter(user=worker).values_list("case_id", flat=True))
        assert set(Case.objects.visible_to(worker).values_list("pk", flat=True)) == own


def test_running_again_adds_cases_and_reuses_the_accounts(generated):
    users = User.objects.count()
    call_command("generate_cases", cases=30, sessions_per_case=2, long_history=5, stdout=io.StringIO())
    assert Case.objects.count() == 80 and User.objects.count() == users
    assert len(set(Case.objects.values_list("reference", flat=True))) == 80


def test_codes_look_random_and_never_repeat():
    codes = [_scrambled_code("B", n) for n in range(1, 20_001)]
    assert len(set(codes)) == len(codes)
    assert codes[0][:2] == "B-" and len(codes[0]) == 11


def test_case_page_queries_do_not_grow_with_the_history(generated):
    """The benchmark's premise, here at small scale: the long case costs the normal one's queries."""
    bench = User.objects.get(username=BENCH_USERNAME)
    cases = sorted(Case.objects.visible_to(bench), key=lambda c: c.services.count())
    counts = []
    for case in (cases[0], cases[-1]):
        with CaptureQueriesContext(connection) as queries:
            selectors.case_timeline(user=bench, case=case)
            selectors.case_sidebar(case=case)
        counts.append(len(queries))
    assert cases[-1].services.count() == 200 and counts[0] == counts[1]
