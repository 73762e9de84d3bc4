"""Exchange rates: the ECB's CSV files read without a network call (every bad line reported, the good ones
imported, importing again idempotent), rates entered by hand, expenses converted by the template's rule."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refugiu.core.models import AuditEntry
from refugiu.finance.access import FinanceAccessDenied
from refugiu.finance.models import ExchangeRate, Expense
from refugiu.finance.money import cents
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.services.rates import (
    RateBook,
    amount_in_euro,
    conversion_rate,
    ecb_csv_parse,
    expense_conversion_apply,
    expenses_convert,
    missing_rates,
    rate_set,
    rates_import,
)
from refugiu.finance.vocabularies import ConversionRule, RateSource
from tests.finance.factories import expense_example, finance_world, sign_in

pytestmark = pytest.mark.django_db

HIST = (
    "Date,USD,JPY,BGN,RON,\n"
    "2019-03-15,1.1317,126.37,1.9558,4.7448,\n"
    "2019-03-14,1.1305,126.15,1.9558,N/A,\n"
    "2019-03-13,1.1319,125.94,1.9558,4.7432,\n"
)
DAY = "Date, USD, JPY, BGN, RON, \n31 December 2019, 1.1234, 121.94, 1.9558, 4.7830, \n"
MESSY = (
    "\n"  # 1: blank before the header
    "Date,USD,Dollars,JPY,,RON,\n"  # 2: an unknown column, an empty one
    "2019-03-15,1.1317,9,126.37,,4.7448,\n"  # 3: fine (the unknown column's 9 left out)
    "\n"  # 4: blank
    "2019-02-30,1.1,9,126,,4.7,\n"  # 5: no such day
    "15/03/2019,1.1,9,126,,4.7,\n"  # 6: not a date the ECB writes
    "2019-03-14,abc,9,N/A,,-4.7,\n"  # 7: bad number, missing value, negative
    "2019-03-13,1.1319,9,125.94,,4.7432,\n"  # 8: fine
    "2019-03-12,1.12345678,9,125.1,,4.74,1,2\n"  # 9: too many decimals, too many values
    "   \n"  # 10: blank
)


def test_the_history_file_is_read_with_its_trailing_column_and_missing_values():
    parsed = ecb_csv_parse(HIST.encode())
    assert parsed.problems == []
    assert parsed.rates[("USD", dt.date(2019, 3, 15))] == Decimal("1.1317")
    assert ("RON", dt.date(2019, 3, 14)) not in parsed.rates  # N/A
    assert len(parsed.rates) == 11


def test_the_day_file_with_spaces_and_a_written_date():
    parsed = ecb_csv_parse(("\ufeff" + DAY).encode())
    assert parsed.problems == []
    assert parsed.rates == {
        ("USD", dt.date(2019, 12, 31)): Decimal("1.1234"),
        ("JPY", dt.date(2019, 12, 31)): Decimal("121.94"),
        ("BGN", dt.date(2019, 12, 31)): Decimal("1.9558"),
        ("RON", dt.date(2019, 12, 31)): Decimal("4.7830"),
    }


def test_a_messy_file_reports_every_problem_and_keeps_the_good_lines():
    parsed = ecb_csv_parse(MESSY)
    problems = [(p.line, p.message) for p in parsed.problems]
    lines = [line for line, _ in problems]
    assert lines == [2, 5, 6, 7, 7, 9, 9], problems
    text = " ".join(str(p) for p in parsed.problems)
    assert "“Dollars”, is not a currency code" in text
    assert "“2019-02-30” is not a date" in text and "“15/03/2019” is not a date" in text
    assert "USD: “abc” is not a rate" in text and "RON: “-4.7” is not a rate" in text
    assert "more than 6 decimals" in text and "more values than the header" in text
    assert str(parsed.problems[0]).startswith("line 2:")
    assert parsed.rates == {
        ("USD", dt.date(2019, 3, 15)): Decimal("1.1317"),
        ("JPY", dt.date(2019, 3, 15)): Decimal("126.37"),
        ("RON", dt.date(2019, 3, 15)): Decimal("4.7448"),
        ("USD", dt.date(2019, 3, 13)): Decimal("1.1319"),
        ("JPY", dt.date(2019, 3, 13)): Decimal("125.94"),
        ("RON", dt.date(2019, 3, 13)): Decimal("4.7432"),
        ("JPY", dt.date(2019, 3, 12)): Decimal("125.1"),
        ("RON", dt.date(2019, 3, 12)): Decimal("4.74"),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"USD,JPY\n1,2\n", "first line must be the header"),
    ],
)
def test_files_that_are_no_rates_file(data, message):
    parsed = ecb_csv_parse(data)
    assert parsed.rates == {} and message in str(parsed.problems[0])


def test_importing_again_changes_nothing_and_updates_a_corrected_rate():
    world = finance_world()
    manager = world["manager"]
    first = rates_import(actor=manager, data=HIST)
    assert (first.created, first.updated, first.unchanged) == (11, 0, 0)
    again = rates_import(actor=manager, data=HIST)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)
    assert ExchangeRate.objects.count() == 11
    corrected = rates_import(actor=manager, data="Date,USD\n2019-03-15,1.2000\n")
    assert (corrected.created, corrected.updated) == (0, 1)
    assert ExchangeRate.objects.get(currency="USD", date=dt.date(2019, 3, 15)).rate == Decimal("1.2")
    assert AuditEntry.objects.filter(action="finance.rates.imported").count() == 3
    for who in ("coordinator", "auditor", "timesheet"):
        with pytest.raises(FinanceAccessDenied):
            rates_import(actor=world[who], data=HIST)


def test_the_command_imports_and_lists_every_problem(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(MESSY, encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("finance_rates_import", str(path), stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert ExchangeRate.objects.count() == 8
    assert "8 rates added" in out.getvalue()
    assert err.getvalue().count("line ") == 7 and "line 5:" in err.getvalue()
    good = tmp_path / "eurofxref.csv"
    good.write_text(DAY, encoding="utf-8")
    call_command("finance_rates_import", str(good), stdout=out, stderr=err)
    assert ExchangeRate.objects.count() == 12
    with pytest.raises(CommandError) as missing:
        call_command("finance_rates_import", str(tmp_path / "nothing.csv"), stdout=out, stderr=err)
    assert missing.value.returncode == 2


def test_a_rate_entered_by_hand():
    world = finance_world()
    saved = rate_set(actor=world["manager"], currency="usd", date=dt.date(2019, 5, 2), rate=Decimal("1.12"))
    assert (saved.currency, saved.source) == ("USD", RateSource.MANUAL)
    with pytest.raises(FinanceError) as refused:
        rate_set(actor=world["manager"], currency="EUR", date=dt.date(2019, 5, 2), rate=Decimal("-1"))
    assert len(refused.value.messages) == 2
    with pytest.raises(FinanceAccessDenied):
        rate_set(actor=world["auditor"], currency="USD", date=dt.date(2019, 5, 2), rate=Decimal("1"))


# --- conversion ----------------------------------------------------------------------------------------


def test_period_average_and_day_rate():
    world = finance_world()
    grant, manager = world["grant"], world["manager"]
    rates_import(actor=manager, data=HIST)
    expense = expense_example(
        grant, manager, currency="USD", amount=Decimal("113.17"), vat_amount=Decimal("0")
    )
    mean = (Decimal("1.1317") + Decimal("1.1305") + Decimal("1.1319")) / 3
    assert expense.rate == Decimal("1.131367")  # the mean, to 6 decimals
    assert abs(expense.rate - mean) < Decimal("0.0000005")
    assert expense.amount_eur == cents(Decimal("113.17") / Decimal("1.131367")) == Decimal("100.03")
    grant.template.conversion_rule = ConversionRule.DAY_RATE
    grant.template.save()
    expense.date = dt.date(2019, 3, 17)  # a Sunday: Friday's rate
    assert conversion_rate(expense, ConversionRule.DAY_RATE) == Decimal("1.1317")
    expense.date = dt.date(2019, 3, 14)
    assert conversion_rate(expense, ConversionRule.DAY_RATE) == Decimal("1.1305")
    expense.date = dt.date(2019, 3, 1)
    assert conversion_rate(expense, ConversionRule.DAY_RATE) is None


def test_missing_rates_are_named_then_filled_when_rates_are_imported():
    world = finance_world()
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(
        grant, manager, currency="BGN", amount=Decimal("195.58"), vat_amount=Decimal("0")
    )
    assert expense.amount_eur is None and expense.rate is None
    [missing] = missing_rates(grant)
    assert (missing.currency, missing.period.number, missing.count) == ("BGN", 1, 1)
    result = rates_import(actor=manager, data=HIST)
    assert result.converted == 1
    expense.refresh_from_db()
    assert expense.amount_eur == Decimal("100.00") and missing_rates(grant) == []
    assert AuditEntry.objects.filter(action="finance.expenses.converted").exists()


def test_euro_has_rate_one_and_vat_is_left_out_unless_eligible():
    world = finance_world()
    grant, manager = world["grant"], world["manager"]
    expense = expense_example(grant, manager)
    assert (expense.rate, expense.amount_eur) == (Decimal(1), Decimal("100.00"))
    eligible_vat = expense_example(grant, manager, vat_eligible=True)
    assert eligible_vat.amount_eur == Decimal("120.00")


def test_a_closed_periods_amounts_are_not_converted_again():
    world = finance_world()
    grant, manager = world["grant"], world["manager"]
    expense_example(grant, manager, currency="USD")
    period = grant.periods.get(number=1)
    period.submitted_at = dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    period.save()
    with pytest.raises(PeriodClosed):
        expenses_convert(actor=manager, grant=grant, period=period)
    assert rates_import(actor=manager, data=HIST).converted == 0
    assert Expense.objects.get().amount_eur is None


@settings(max_examples=200, deadline=None)
@given(
    net=st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2),
    rate=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("99999.999999"), places=6),
)
def test_amount_in_euro_is_within_half_a_cent_and_stable(net, rate):
    eur = amount_in_euro(net, rate)
    assert eur == eur.quantize(Decimal("0.01"))
    assert abs(eur - net / rate) <= Decimal("0.005")
    assert amount_in_euro(net, rate) == eur


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999.9999"), places=4),
    days=st.integers(min_value=1, max_value=40),
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
)
def test_the_period_average_of_a_constant_rate_is_that_rate_and_conversion_is_stable(
    settings_world, rate, days, amount
):
    grant, manager = settings_world["grant"], settings_world["manager"]
    ExchangeRate.objects.all().delete()
    Expense.objects.all().delete()
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency="XAU", date=dt.date(2019, 1, 2) + dt.timedelta(days=day), rate=rate, source="ecb"
        )
        for day in range(days)
    )
    expense = expense_example(grant, manager, currency="XAU", amount=amount, vat_amount=Decimal("0"))
    assert RateBook().period_average("XAU", expense.period) == rate
    assert expense.rate == rate and expense.amount_eur == cents(amount / rate)
    assert not expense_conversion_apply(expense)  # converting again changes nothing
    assert expenses_convert(actor=manager, grant=grant, period=expense.period) == 0
    expense.refresh_from_db()
    assert expense.amount_eur == cents(amount / rate)


@pytest.fixture
def settings_world():
    return finance_world()


# --- the page ------------------------------------------------------------------------------------------


def test_the_rates_page_imports_an_upload_and_lists_its_problems(client):
    world = finance_world()
    sign_in(client, world["manager"])
    upload = SimpleUploadedFile("eurofxref-hist.csv", MESSY.encode(), content_type="text/csv")
    response = client.post(reverse("finance:rates_import"), {"file": upload})
    assert response.status_code == 200
    assert "line 5:" in response.text and "line 9:" in response.text
    assert "8 rates added" in response.text
    good = SimpleUploadedFile("eurofxref.csv", DAY.encode(), content_type="text/csv")
    response = client.post(reverse("finance:rates_import"), {"file": good})
    assert response.status_code == 302
    assert "4 rates added" in client.get(reverse("finance:rates")).text
    response = client.post(
        reverse("finance:rates"), {"currency": "chf", "date": "2019-06-03", "rate": "1.1187"}
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get(currency="CHF").rate == Decimal("1.1187")
    response = client.post(reverse("finance:rates"), {"currency": "EUR", "date": "2019-06-03", "rate": "2"})
    assert (
        response.status_code == 400 and "other than EUR" in response.text and 'value="EUR"' in response.text
    )
    page = client.get(reverse("finance:rates"), {"currency": "USD"})
    assert page.status_code == 200 and "1.1234" in page.text and "1.1187" not in page.text


def test_only_financial_managers_reach_the_rates(client):
    world = finance_world()
    for who in ("coordinator", "auditor", "timesheet", "caseworker"):
        sign_in(client, world[who])
        assert client.get(reverse("finance:rates")).status_code == 404, who
        upload = SimpleUploadedFile("eurofxref.csv", DAY.encode(), content_type="text/csv")
        assert client.post(reverse("finance:rates_import"), {"file": upload}).status_code == 404, who
    assert not ExchangeRate.objects.exists()
