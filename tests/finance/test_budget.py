"""A grant's budget: lines per beneficiary × leaf category × work package, set through the service and the
plain HTML form, read by the grant's coordinators and auditors, the indirect costs computed (rate × base)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refugiu.core.models import AuditEntry
from refugiu.finance.access import FinanceAccessDenied
from refugiu.finance.budget import budget_table, leaf_categories
from refugiu.finance.models import BudgetLine
from refugiu.finance.money import cents
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.services.grants import budget_lines_set
from tests.finance.factories import EU_2014, finance_world, grant_with_partners, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return finance_world()


def _codes(grant):
    return {category.code: category for category in grant.template.categories.all()}


def _cell(grant, partner, code, wp_number=1):
    wp = grant.work_packages.get(number=wp_number) if wp_number else None
    return (partner.pk, _codes(grant)[code].pk, wp.pk if wp else None)


def test_leaves_are_the_bookable_categories():
    grant = grant_with_partners()
    assert [c.code for c in leaf_categories(grant)] == ["A", "B", "C", "D", "E", "F"]  # G, indirect, left out


def test_budget_table_sums_parents_and_computes_indirect_costs(world):
    grant, manager = world["grant"], world["manager"]
    us, partner = list(grant.partners.all())
    budget_lines_set(
        actor=manager,
        grant=grant,
        amounts={
            _cell(grant, us, "A.1", 1): "10000.00",
            _cell(grant, us, "A.1", 2): "5000",
            _cell(grant, us, "A.2"): "1000,50",
            _cell(grant, us, "B"): "3000",  # subcontracting: not in the indirect costs' base
            _cell(grant, partner, "C.1"): "333.33",
            _cell(grant, partner, "D.1"): "100",  # financial support to third parties: not in the base either
        },
    )
    table = budget_table(grant)
    rows = {row.category.code: row for row in table.rows}
    assert rows["A"].amounts == [Decimal("16000.50"), Decimal("0.00")]
    assert rows["A.1"].amounts == [Decimal("15000.00"), Decimal("0.00")]
    assert rows["C"].total == Decimal("333.33")
    assert table.indirect_base == [Decimal("16000.50"), Decimal("333.33")]
    assert table.indirect == [
        cents(Decimal("0.07") * Decimal("16000.50")),
        cents(Decimal("0.07") * Decimal("333.33")),
    ]
    assert table.indirect == [Decimal("1120.04"), Decimal("23.33")]
    assert table.direct == [Decimal("19000.50"), Decimal("433.33")]
    assert table.grand_total == Decimal("19000.50") + Decimal("433.33") + Decimal("1120.04") + Decimal(
        "23.33"
    )
    assert rows["E"].is_indirect and rows["E"].total == Decimal("1143.37")


def test_every_problem_is_listed_and_nothing_saved(world):
    grant, manager = world["grant"], world["manager"]
    us = grant.partners.first()
    other_grant = grant_with_partners()
    stranger = other_grant.partners.first()
    wp = grant.work_packages.first()
    codes = _codes(grant)
    with pytest.raises(FinanceError) as refused:
        budget_lines_set(
            actor=manager,
            grant=grant,
            amounts={
                (us.pk, codes["A.1"].pk, wp.pk): "100",  # fine, but not saved with the others refused
                (us.pk, codes["E"].pk, wp.pk): "50",  # indirect
                (us.pk, codes["A"].pk, wp.pk): "50",  # a heading
                (us.pk, codes["C.1"].pk, None): "50",  # no work package
                (us.pk, codes["C.2"].pk, other_grant.work_packages.first().pk): "50",
                (stranger.pk, codes["C.3"].pk, wp.pk): "50",
                (us.pk, codes["D.2"].pk, wp.pk): "-1",
                (us.pk, codes["A.3"].pk, wp.pk): "ten",
                (us.pk, codes["A.4"].pk, wp.pk): "1.005",
                (us.pk, _codes(grant_with_partners(template_code=EU_2014))["B"].pk, wp.pk): "5",
            },
        )
    messages = refused.value.messages
    assert len(messages) == 9, messages
    text = " ".join(messages)
    for expected in (
        "computed",
        "heading",
        "work packages",
        "not a work package",
        "not a beneficiary",
        "negative",
        "not an amount",
        "two decimals",
        "not a category",
    ):
        assert expected in text, expected
    assert not BudgetLine.objects.filter(grant=grant).exists()


def test_blank_removes_a_line_and_the_change_is_audited(world):
    grant, manager = world["grant"], world["manager"]
    us = grant.partners.first()
    cell = _cell(grant, us, "C.1")
    assert budget_lines_set(actor=manager, grant=grant, amounts={cell: "10"}) == {
        "created": 1,
        "changed": 0,
        "removed": 0,
    }
    assert budget_lines_set(actor=manager, grant=grant, amounts={cell: "10.00"})["changed"] == 0
    assert budget_lines_set(actor=manager, grant=grant, amounts={cell: "12"})["changed"] == 1
    assert budget_lines_set(actor=manager, grant=grant, amounts={cell: ""})["removed"] == 1
    assert not BudgetLine.objects.exists()
    entries = AuditEntry.objects.filter(action="finance.budget.changed")
    assert entries.count() == 3
    assert "12" not in str(entries.first().detail)  # names cells, not amounts


def test_only_a_financial_manager_sets_the_budget(world):
    grant = world["grant"]
    cell = _cell(grant, grant.partners.first(), "C.1")
    for who in ("coordinator", "auditor", "timesheet", "caseworker"):
        with pytest.raises(FinanceAccessDenied):
            budget_lines_set(actor=world[who], grant=grant, amounts={cell: "1"})


def test_a_grant_without_work_packages_takes_lines_without_one():
    world = finance_world(template_code=EU_2014)
    grant = world["grant"]
    grant.work_packages.all().delete()
    us = grant.partners.first()
    budget_lines_set(actor=world["manager"], grant=grant, amounts={_cell(grant, us, "B", None): "700"})
    assert budget_table(grant).indirect[0] == Decimal("49.00")
    with pytest.raises(FinanceError):
        budget_lines_set(
            actor=world["manager"], grant=grant, amounts={(us.pk, _codes(grant)["B"].pk, 999999): "1"}
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=6, max_size=6))
def test_indirect_costs_are_exactly_rate_times_base(world, amounts):
    grant, manager = world["grant"], world["manager"]
    us = grant.partners.first()
    codes = ("A.1", "A.2", "B", "C.2", "D.1", "D.2")
    budget_lines_set(
        actor=manager,
        grant=grant,
        amounts={_cell(grant, us, code): str(a) for code, a in zip(codes, amounts, strict=True)},
    )
    table = budget_table(grant)
    base = sum((a for code, a in zip(codes, amounts, strict=True) if code not in ("B", "D.1")), Decimal(0))
    assert table.indirect_base[0] == base
    assert table.indirect[0] == cents(grant.template.indirect_rate * base)
    assert table.direct[0] == sum(amounts, Decimal(0))
    assert table.grand_total == table.direct_total + table.indirect_total


# --- pages ---------------------------------------------------------------------------------------------


def test_the_manager_edits_the_budget_through_the_form(client, world):
    grant = world["grant"]
    us = grant.partners.first()
    sign_in(client, world["manager"])
    url = reverse("finance:budget_edit", args=[grant.pk])
    page = client.get(url)
    assert page.status_code == 200
    partner_id, category_id, wp_id = _cell(grant, us, "C.1")
    name = f"cell-{partner_id}-{category_id}-{wp_id}"
    assert f'name="{name}"' in page.text
    response = client.post(url, {name: "1234.50"})
    assert response.status_code == 302 and response["Location"] == reverse("finance:budget", args=[grant.pk])
    assert BudgetLine.objects.get(grant=grant).amount == Decimal("1234.50")
    assert client.get(url).text.count('value="1234.50"') == 1


def test_the_form_keeps_what_was_typed_and_lists_every_problem(client, world):
    grant = world["grant"]
    us = grant.partners.first()
    sign_in(client, world["manager"])
    good = "cell-{}-{}-{}".format(*_cell(grant, us, "C.1"))
    bad = "cell-{}-{}-{}".format(*_cell(grant, us, "C.2"))
    worse = "cell-{}-{}-{}".format(*_cell(grant, us, "C.3"))
    response = client.post(
        reverse("finance:budget_edit", args=[grant.pk]), {good: "10", bad: "abc", worse: "-5"}
    )
    assert response.status_code == 400
    assert 'value="abc"' in response.text and 'value="-5"' in response.text and 'value="10"' in response.text
    assert "not an amount" in response.text and "negative" in response.text
    assert not BudgetLine.objects.exists()


def test_coordinators_and_auditors_of_the_grant_read_the_budget(client, world):
    grant, manager = world["grant"], world["manager"]
    budget_lines_set(
        actor=manager, grant=grant, amounts={_cell(grant, grant.partners.first(), "C.1"): "2000"}
    )
    url = reverse("finance:budget", args=[grant.pk])
    for who in ("manager", "coordinator", "auditor"):
        sign_in(client, world[who])
        page = client.get(url)
        assert page.status_code == 200, who
        assert "2,000.00" in page.text and "140.00" in page.text, who  # the line, and 7 % of it
        assert ("Edit the budget" in page.text) == (who == "manager")
    for who in ("other_coordinator", "expired_auditor", "timesheet", "caseworker"):
        sign_in(client, world[who])
        assert client.get(url).status_code == 404, who
        assert client.get(reverse("finance:budget_edit", args=[grant.pk])).status_code == 404, who
    for who in ("coordinator", "auditor"):
        sign_in(client, world[who])
        assert client.get(reverse("finance:budget_edit", args=[grant.pk])).status_code == 404, who
        assert client.post(reverse("finance:budget_edit", args=[grant.pk]), {}).status_code == 404, who
    refused = AuditEntry.objects.filter(action="finance.grant.access_refused")
    assert refused.filter(actor=world["other_coordinator"]).exists()
