"""Exchange rates: entered by the finance team or imported from the European Central Bank's CSV download
(no network call: someone downloads the file and gives it to `refugiu finance_rates_import FILE` or to the
rates page), and the conversion of expenses to euro by the rule of the grant's template.

The ECB's files:
- eurofxref-hist.csv, every day since 1999: a header `Date,USD,JPY,...,` (a trailing comma, so an empty last
  column), then rows `2019-12-31,1.1234,121.94,...,` with `N/A` where a currency had no rate that day;
- eurofxref.csv, one day: `Date, USD, JPY, ...` with spaces after the commas and a date like `31 December
  2019`.
Every bad line is reported (its number and what is wrong) and the good ones are imported; importing the same
file again changes nothing (a date and currency already there is updated, never doubled).

Conversion (`conversion_rate`): a rate is units of the currency for one euro. Under PERIOD_AVERAGE the rate
is the arithmetic mean of the currency's daily rates within the expense's reporting period; under DAY_RATE
it is the rate of the expense's day or, when none was published that day, the latest earlier one. The rate is
kept to 6 decimals (the column's precision, rounded half up) and the eligible amount in euro is
`cents(net / rate)`, net being the amount less VAT unless the VAT is eligible; an expense in euro has rate 1.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance import access
from refugiu.finance.models import ExchangeRate, Expense, Grant, ReportingPeriod
from refugiu.finance.money import cents
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.vocabularies import ConversionRule, RateSource

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.finance.access import Actor

EURO = "EUR"
RATE_PLACES = Decimal("0.000001")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MISSING = {"", "N/A", "NA", "-"}
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
BATCH = 1000


def rate_round(value: Decimal) -> Decimal:
    """A rate kept to the column's 6 decimals, halves up (a rate, not money: `cents` is for money)."""
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def net_amount(expense: Expense) -> Decimal:
    """What may be charged, in the expense's currency: the amount paid less VAT unless the VAT is eligible.
    The VAT is kept as a size (zero or more): a negative adjustment's VAT reduces its size too."""
    if expense.vat_eligible:
        return expense.amount
    vat = expense.vat_amount if expense.amount >= 0 else -expense.vat_amount
    return expense.amount - vat


def amount_in_euro(net: Decimal, rate: Decimal) -> Decimal:
    return cents(net / rate)


# --- the ECB's CSV ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParsedRates:
    rates: dict[tuple[str, datetime.date], Decimal] = field(default_factory=dict)
    problems: list[RateProblem] = field(default_factory=list)


def ecb_date(text: str) -> datetime.date | None:
    """`2019-12-31` or `31 December 2019` (the day's file), else None. Month names in English, whatever the
    language of the page: the ECB writes them so."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split()
    if len(parts) == 3 and parts[1].lower() in MONTHS and parts[0].isdigit() and parts[2].isdigit():
        try:
            return datetime.date(int(parts[2]), MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            return None
    return None


def ecb_csv_parse(data: bytes | str) -> ParsedRates:
    """The rates of an ECB CSV file and every problem found in it, by line number (1 is the header)."""
    parsed = ParsedRates()
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            parsed.problems.append(
                RateProblem(1, _("the file is not UTF-8 text (is it the CSV, unzipped?)."))
            )
            return parsed
    else:
        text = data.removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text, newline=""))
    columns: list[str | None] | None = None
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # blank line
        if columns is None:
            columns = _header(cells, number, parsed)
            if columns is None:
                return parsed
            continue
        day = ecb_date(cells[0])
        if day is None:
            parsed.problems.append(
                RateProblem(
                    number,
                    _("“%(text)s” is not a date (2019-12-31 or 31 December 2019).") % {"text": cells[0][:40]},
                )
            )
            continue
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            parsed.problems.append(
                RateProblem(
                    number, _("more values than the header has columns; the extra ones are left out.")
                )
            )
        for currency, cell in zip(columns[1:], cells[1:], strict=False):
            if currency is None or cell.upper() in MISSING:
                continue
            try:
                rate = Decimal(cell)
            except InvalidOperation:
                rate = Decimal("NaN")
            if not rate.is_finite() or rate <= 0:
                parsed.problems.append(
                    RateProblem(
                        number,
                        _("%(currency)s: “%(text)s” is not a rate.")
                        % {"currency": currency, "text": cell[:40]},
                    )
                )
                continue
            if rate != rate_round(rate) or rate >= Decimal(10) ** 12:
                parsed.problems.append(
                    RateProblem(
                        number,
                        _("%(currency)s: %(rate)s has more than 6 decimals or is too large.")
                        % {"currency": currency, "rate": cell[:40]},
                    )
                )
                continue
            key = (currency, day)
            if key in parsed.rates and parsed.rates[key] != rate:
                parsed.problems.append(
                    RateProblem(
                        number,
                        _(
                            "%(currency)s on %(date)s appears twice with different rates; the later one "
                            "is kept."
                        )
                        % {"currency": currency, "date": day.isoformat()},
                    )
                )
            parsed.rates[key] = rate
    if columns is None:
        parsed.problems.append(RateProblem(1, _("the file is empty.")))
    return parsed


def _header(cells: list[str], number: int, parsed: ParsedRates) -> list[str | None] | None:
    """The currency of each column (None for a column to leave out: the trailing empty one, or one that is
    no currency); None when the line is no header at all."""
    if cells[0].lower() != "date":
        parsed.problems.append(
            RateProblem(
                number, _("the first line must be the header: Date, then the currencies (USD, JPY, …).")
            )
        )
        return None
    columns: list[str | None] = ["date"]
    seen: set[str] = set()
    for position, cell in enumerate(cells[1:], start=2):
        if not cell:
            columns.append(None)
            continue
        code = cell.upper()
        if not CURRENCY.match(code) or code == EURO:
            parsed.problems.append(
                RateProblem(
                    number,
                    _("column %(position)s, “%(text)s”, is not a currency code; its values are left out.")
                    % {"position": position, "text": cell[:40]},
                )
            )
            columns.append(None)
        elif code in seen:
            parsed.problems.append(
                RateProblem(
                    number,
                    _("column %(position)s, %(code)s, appears twice; its second column is left out.")
                    % {"position": position, "code": code},
                )
            )
            columns.append(None)
        else:
            seen.add(code)
            columns.append(code)
    return columns


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RateProblem] = field(default_factory=list)
    converted: int = 0


def rates_import(
    *,
    actor: Actor,
    data: bytes | str,
    request: HttpRequest | None = None,
    filename: str = "",
    command_line: bool = False,
) -> ImportResult:
    """Import an ECB CSV file: the good lines saved (a date and currency already known updated), every bad
    one reported; then the expenses of the open periods in those currencies are converted again. A financial
    manager, or the operator at the command line (`command_line`, actor None)."""
    if not command_line:
        access.require_manager(actor)
    parsed = ecb_csv_parse(data)
    result = ImportResult(problems=parsed.problems)
    if not parsed.rates:
        return result
    by_currency: dict[str, dict[datetime.date, Decimal]] = defaultdict(dict)
    for (currency, day), rate in parsed.rates.items():
        by_currency[currency][day] = rate
    with transaction.atomic():
        for currency, days in sorted(by_currency.items()):
            existing = {
                rate.date: rate
                for rate in ExchangeRate.objects.filter(
                    currency=currency, date__gte=min(days), date__lte=max(days)
                )
            }
            new, changed = [], []
            for day, value in days.items():
                known = existing.get(day)
                if known is None:
                    new.append(ExchangeRate(currency=currency, date=day, rate=value, source=RateSource.ECB))
                elif known.rate != value or known.source != RateSource.ECB:
                    known.rate, known.source = value, RateSource.ECB
                    changed.append(known)
                else:
                    result.unchanged += 1
            ExchangeRate.objects.bulk_create(new, batch_size=BATCH)
            ExchangeRate.objects.bulk_update(changed, ["rate", "source"], batch_size=BATCH)
            result.created += len(new)
            result.updated += len(changed)
        audit_record(
            actor=actor,
            action="finance.rates.imported",
            request=request,
            detail={
                "currencies": sorted(by_currency),
                "created": result.created,
                "updated": result.updated,
                "problems": len(result.problems),
                "file": filename[:100],
            },
        )
        if result.created or result.updated:
            result.converted = _convert_open_periods(
                actor=actor, currencies=set(by_currency), request=request
            )
    return result


def rate_set(
    *,
    actor: Actor,
    currency: str,
    date: datetime.date,
    rate: Decimal,
    request: HttpRequest | None = None,
) -> ExchangeRate:
    """Enter (or correct) a rate by hand: units of `currency` for one euro on `date`."""
    access.require_manager(actor)
    code = currency.strip().upper()
    problems = []
    if not CURRENCY.match(code) or code == EURO:
        problems.append(_("The currency is a three-letter ISO code other than EUR, e.g. USD."))
    if not rate.is_finite() or rate <= 0:
        problems.append(_("The rate is a number greater than zero."))
    elif rate != rate_round(rate) or rate >= Decimal(10) ** 12:
        problems.append(_("The rate has at most 6 decimals."))
    if problems:
        raise FinanceError(*problems)
    with transaction.atomic():
        saved, created = ExchangeRate.objects.update_or_create(
            currency=code, date=date, defaults={"rate": rate, "source": RateSource.MANUAL}
        )
        audit_record(
            actor=actor,
            action="finance.rate.created" if created else "finance.rate.changed",
            target=saved,
            request=request,
            detail={"currency": code, "date": date.isoformat()},
        )
        _convert_open_periods(actor=actor, currencies={code}, request=request)
    return saved


# --- conversion ------------------------------------------------------------------------------------------


class RateBook:
    """The rates a conversion needs, read once per currency (a period's average, a day's rate)."""

    def __init__(self) -> None:
        self._averages: dict[tuple[str, int], Decimal | None] = {}
        self._days: dict[str, tuple[list[datetime.date], list[Decimal]]] = {}

    def period_average(self, currency: str, period: ReportingPeriod) -> Decimal | None:
        key = (currency, period.pk)
        if key not in self._averages:
            rates = list(
                ExchangeRate.objects.filter(
                    currency=currency, date__gte=period.start, date__lte=period.end
                ).values_list("rate", flat=True)
            )
            self._averages[key] = rate_round(sum(rates, Decimal(0)) / len(rates)) if rates else None
        return self._averages[key]

    def day_rate(self, currency: str, day: datetime.date) -> Decimal | None:
        if currency not in self._days:
            rows = ExchangeRate.objects.filter(currency=currency).order_by("date").values_list("date", "rate")
            self._days[currency] = ([date for date, _rate in rows], [rate for _date, rate in rows])
        dates, rates = self._days[currency]
        index = bisect.bisect_right(dates, day) - 1  # the latest published on or before `day`
        return rates[index] if index >= 0 else None


def conversion_rate(expense: Expense, rule: str, book: RateBook | None = None) -> Decimal | None:
    """The rate converting `expense` to euro under the template's `rule`; None when the rates are missing."""
    if expense.currency == EURO:
        return Decimal(1)
    book = book or RateBook()
    if rule == ConversionRule.DAY_RATE:
        return book.day_rate(expense.currency, expense.date)
    return book.period_average(expense.currency, expense.period)


def expense_conversion_apply(expense: Expense, *, book: RateBook | None = None) -> bool:
    """Set `expense.rate` and `amount_eur` (both empty when rates are missing), unsaved; True if they
    changed."""
    rate = conversion_rate(expense, expense.grant.template.conversion_rule, book)
    amount_eur = amount_in_euro(net_amount(expense), rate) if rate is not None else None
    if rate == expense.rate and amount_eur == expense.amount_eur:
        return False
    expense.rate, expense.amount_eur = rate, amount_eur
    return True


def expenses_convert(
    *, actor: Actor, grant: Grant, period: ReportingPeriod, request: HttpRequest | None = None
) -> int:
    """(Re)compute the euro amounts of the period's expenses from the rates known now; returns how many
    changed. A closed period's amounts were reported and stay as they are (PeriodClosed)."""
    access.require_manager(actor)
    return _period_convert(actor=actor, grant=grant, period=period, request=request)


def _period_convert(
    *, actor: Actor, grant: Grant, period: ReportingPeriod, request: HttpRequest | None
) -> int:
    if period.grant_id != grant.pk:
        raise FinanceError(_("This reporting period is not one of this grant's."))
    if period.is_closed:
        raise PeriodClosed(
            _("Reporting period %(number)s is closed: its amounts were reported and do not change.")
            % {"number": period.number}
        )
    book = RateBook()
    changed = []
    with transaction.atomic():
        expenses = (
            Expense.objects.select_for_update(of=("self",))
            .filter(period=period)
            .select_related("grant__template", "period")
            .order_by("pk")
        )
        for expense in expenses:
            if expense_conversion_apply(expense, book=book):
                changed.append(expense)
        Expense.objects.bulk_update(changed, ["rate", "amount_eur"], batch_size=BATCH)
        audit_record(
            actor=actor,
            action="finance.expenses.converted",
            target=period,
            request=request,
            detail={"changed": len(changed)},
        )
    return len(changed)


def _convert_open_periods(*, actor: Actor, currencies: set[str], request: HttpRequest | None) -> int:
    periods = (
        ReportingPeriod.objects.filter(submitted_at__isnull=True, expenses__currency__in=currencies)
        .select_related("grant")
        .distinct()
    )
    return sum(
        _period_convert(actor=actor, grant=period.grant, period=period, request=request) for period in periods
    )


@dataclass(frozen=True)
class MissingRates:
    currency: str
    period: ReportingPeriod
    count: int


def missing_rates(grant: Grant) -> list[MissingRates]:
    """Which currencies lack rates for which periods: the expenses left without an amount in euro."""
    rows: dict[tuple[str, int], int] = defaultdict(int)
    periods = {period.pk: period for period in grant.periods.all()}
    for currency, period_id in Expense.objects.filter(grant=grant, amount_eur__isnull=True).values_list(
        "currency", "period_id"
    ):
        rows[(currency, period_id)] += 1
    return [
        MissingRates(currency, periods[period_id], count)
        for (currency, period_id), count in sorted(
            rows.items(), key=lambda item: (periods[item[0][1]].number, item[0][0])
        )
    ]
