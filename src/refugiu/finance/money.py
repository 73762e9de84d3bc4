"""Money: `Decimal` everywhere, rounded to the cent here and nowhere else.

Amounts are stored in cents-precise decimals (two places). Arithmetic on them (an exchange-rate conversion,
hours × an hourly rate, a flat rate × a base) keeps full precision until the result is stored or shown, and
then goes through `cents`, which rounds half away from zero as accountants and the EU's financial statements
do (ROUND_HALF_UP; Python's default is banker's rounding, which they do not use). A total is the sum of
already-rounded lines, never a rounding of the unrounded sum, so a statement's lines always add up to it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Every money column: up to 999,999,999,999.99 (14 digits, 2 after the point).
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def cents(value: Decimal | int) -> Decimal:
    """`value` rounded to the cent, halves away from zero: the one rounding of money in Refugiu."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_sum(values: list[Decimal] | tuple[Decimal, ...]) -> Decimal:
    """The sum of amounts that are already rounded (a total of a statement's lines)."""
    return sum(values, ZERO)
