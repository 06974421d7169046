"""Money as the contract defines it: a Decimal amount and an ISO 4217 currency."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import strawberry
from strawberry.types.scalar import ScalarDefinition

from shared.settings import platform_settings

CENT = Decimal("0.01")


@strawberry.federation.type(shareable=True)
class Money:
    amount: Decimal
    currency_code: str


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def money(amount: Decimal, currency: str | None = None) -> Money:
    return Money(amount=quantize(amount), currency_code=currency or platform_settings().currency)


# A price has a dozen digits; far more is a mistake or an attack on the
# arithmetic (`1e400` would make a later quantize raise, a million digits costs CPU).
MAX_DECIMAL_DIGITS = 30
MAX_DECIMAL_EXPONENT = 30
_MAX_DECIMAL_TEXT = 64


def parse_decimal(value: object) -> Decimal:
    """A finite decimal of at most 30 significant digits, its magnitude within
    1e-30..1e30; ValueError (BAD_USER_INPUT to the caller) otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError('Decimal: expected a decimal number in a string such as "19.99".')
    text = str(value).strip()
    if len(text) > _MAX_DECIMAL_TEXT:
        raise ValueError("Decimal: too many characters for a decimal number.")
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise ValueError('Decimal: not a decimal number such as "19.99".') from None
    if not parsed.is_finite():
        raise ValueError("Decimal: NaN and Infinity are not numbers this API accepts.")
    digits, exponent = parsed.as_tuple().digits, parsed.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, so never 'n', 'N' or 'F'
    if (
        len(digits) > MAX_DECIMAL_DIGITS
        or abs(parsed.adjusted()) > MAX_DECIMAL_EXPONENT
        or exponent < -MAX_DECIMAL_EXPONENT
    ):
        raise ValueError(
            f"Decimal: at most {MAX_DECIMAL_DIGITS} digits and magnitudes up to "
            f"1e{MAX_DECIMAL_EXPONENT}."
        )
    return parsed


# Replaces Strawberry's Decimal (which accepts NaN, Infinity and any exponent)
# in every subgraph; same name and description, so the SDL does not change.
DecimalScalar = ScalarDefinition(
    name="Decimal",
    description="Decimal (fixed-point)",
    specified_by_url=None,
    serialize=str,
    parse_value=parse_decimal,
    parse_literal=None,
    origin=Decimal,
)
