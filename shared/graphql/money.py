"""Money as the contract defines it: a Decimal amount and an ISO 4217 currency."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import strawberry

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
