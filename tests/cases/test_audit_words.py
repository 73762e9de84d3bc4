"""The audit log as the data protection officer reads it, through the page: actions in words in the
interface language, records by their reference or code, details as labelled fields, filters folded away;
and the CSV export, which keeps the codes, byte for byte as before."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from refugiu.cases.gdpr.audit_words import action_label
from refugiu.core.audit import audit_record
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator, staff

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "src" / "refugiu"
CODE = re.compile(
    r"[\"']((?:cases|core|accounts|directory|programmes|finance|reports)\.[a-z_]+\.[a-z_]+)[\"']"
)


@pytest.fixture
def world():
    department = DepartmentFactory()
    lawyer, boss = caseworker(department), coordinator(department)
    dpo = staff(Role.DATA_PROTECTION_OFFICER)
    case = case_new(department=department, by=boss, team=[(lawyer, v.TeamFunction.LAWYER)])
    return locals()


def dpo_client(world) -> Client:
    return force_login_with_mfa(Client(), world["dpo"])


def table(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_every_action_the_code_writes_has_words():
    written = {m for path in SOURCE.rglob("*.py") for m in CODE.findall(path.read_text(encoding="utf-8"))}
    written = {code for code in written if not code.endswith((".py", ".html", ".json"))}
    assert len(written) > 90
    assert sorted(code for code in written if action_label(code) == code) == []
    # Django's admin writes "<app>.<model>.<verb>" for any model: said with the model's own name.
    assert action_label("finance.grant.changed") == "Changed (grant)"
    assert action_label("nobody.knows.this") == "nobody.knows.this"  # shown as it is, never hidden


def test_the_page_says_what_was_done_to_what_in_words(world):
    lawyer, case = world["lawyer"], world["case"]
    audit_record(actor=lawyer, action="cases.case.viewed", target=case)
    audit_record(
        actor=lawyer,
        action="cases.beneficiary.changed",
        target=case.beneficiary,
        detail={"fields": ["languages", "nationality"]},
    )
    audit_record(actor=lawyer, action="cases.case.listed", detail={"view": "list", "cases": [case.pk]})
    page = dpo_client(world).get(reverse("dpo:audit")).content.decode()
    rows = table(page)
    assert "Opened the case file" in rows and "Changed a beneficiary&#x27;s record" in rows
    assert "cases.case.viewed" not in rows and "cases.beneficiary.changed" not in rows
    # A case by its reference and a beneficiary by its code, never their internal numbers.
    assert f"case {case.reference}" in rows and f"beneficiary {case.beneficiary.code}" in rows
    assert f"cases.case {case.pk}" not in rows
    # Details as labelled fields, not JSON; a list page's cases by their references.
    assert "<dt>Fields changed</dt><dd>languages, nationality</dd>" in rows
    assert f"<dt>Cases shown</dt><dd>{case.reference}</dd>" in rows
    assert "{&quot;" not in rows and '{"' not in rows


def test_the_filters_fold_away_until_some_are_set(world):
    client = dpo_client(world)
    page = client.get(reverse("dpo:audit")).content.decode()
    assert '<details class="audit-filters">' in page and "<summary>Filters</summary>" in page
    filtered = client.get(reverse("dpo:audit"), {"action": "cases.case."}).content.decode()
    assert '<details class="audit-filters" open>' in filtered
    assert '<option value="cases.case." selected>Anything done to case files</option>' in filtered
    assert '<option value="cases.case.viewed">Opened the case file</option>' in filtered


def test_the_page_is_in_the_interface_language(world):
    audit_record(actor=world["lawyer"], action="cases.case.viewed", target=world["case"])
    client = dpo_client(world)
    client.cookies["django_language"] = "ro"
    rows = table(client.get(reverse("dpo:audit")).content.decode())
    assert "A deschis dosarul cazului" in rows and "Opened the case file" not in rows


def test_the_csv_export_is_unchanged(world):
    """The columns and each cell, byte for byte: the codes, the ids and the JSON detail."""
    lawyer, case = world["lawyer"], world["case"]
    entry = audit_record(
        actor=lawyer,
        action="cases.beneficiary.changed",
        target=case.beneficiary,
        detail={"fields": ["gender"]},
    )
    response = dpo_client(world).get(reverse("dpo:audit_export"), {"beneficiary": case.beneficiary_id})
    body = b"".join(response.streaming_content)
    lines = body.split(b"\r\n")
    assert lines[0] == b"at,actor_name,action,object_type,object_id,case_id,beneficiary_id,address,detail"
    expected = io.StringIO()
    csv.writer(expected).writerow(
        [
            entry.at.isoformat(),
            lawyer.username,
            "cases.beneficiary.changed",
            "cases.beneficiary",
            str(case.beneficiary.pk),
            case.pk if entry.case_id else "",
            case.beneficiary_id,
            "",
            json.dumps({"fields": ["gender"]}, sort_keys=True, ensure_ascii=False),
        ]
    )
    assert expected.getvalue().encode() in body
    assert AuditEntry.objects.filter(action="core.audit.exported").count() == 1
