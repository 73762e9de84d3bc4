"""`refugiu generate_finance`: a labelled synthetic grant (example figures) for the finance benchmark."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refugiu.finance.models import Expense, Grant, TimeEntry, TimesheetMonth
from refugiu.finance.services.statements import submission_problems
from refugiu.finance.statements import statement_build
from refugiu.finance.vocabularies import SheetStatus

pytestmark = pytest.mark.django_db


def test_generate_finance_makes_a_labelled_example_grant():
    output = io.StringIO()
    call_command("generate_finance", partners=3, years=2, expenses=400, staff=3, stdout=output)
    assert "example figures" in output.getvalue()
    grant = Grant.objects.get(agreement_number="SYNTHETIC-FIN-1")
    assert grant.is_example and grant.project.title.startswith("Synthetic")
    assert grant.partners.count() == 3 and grant.partners.filter(is_us=True).count() == 1
    assert all(name.startswith("Synthetic") for name in grant.partners.values_list("name", flat=True))
    assert grant.periods.count() == 2
    assert Expense.objects.filter(grant=grant).count() == 400
    assert TimesheetMonth.objects.filter(status=SheetStatus.APPROVED).count() == 3 * 24
    # a working day adds up to 8 hours × the employment's full-time equivalent
    sheet = TimesheetMonth.objects.first()
    day = TimeEntry.objects.filter(sheet=sheet).values_list("date", flat=True).first()
    hours = sum(TimeEntry.objects.filter(sheet=sheet, date=day).values_list("hours", flat=True))
    assert hours in (Decimal("8"), Decimal("4"))
    statement = statement_build(grant, grant.periods.get(number=2))
    assert statement.total.to_date > 0 and statement.problems  # a few expenses wait for a rate
    assert submission_problems(grant.periods.get(number=1))  # and some for approval
    call_command("generate_finance", partners=1, years=1, expenses=0, staff=0, stdout=io.StringIO())
    assert Grant.objects.filter(agreement_number="SYNTHETIC-FIN-2").exists()


def test_generate_finance_refuses_nonsense():
    with pytest.raises(CommandError):
        call_command("generate_finance", partners=0, years=1, expenses=1, staff=1)
