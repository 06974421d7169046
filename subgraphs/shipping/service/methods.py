"""The shipping methods on offer, priced from the settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shared.settings import platform_settings
from subgraphs.shipping.service.errors import unknown_method, unsupported_currency
from subgraphs.shipping.settings import ShippingSettings

MAX_CODE_LENGTH = 32


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    code: str
    name: str
    price: Decimal
    estimated_days: int


@dataclass(frozen=True, slots=True)
class Quote:
    method: ShippingMethod
    currency: str


class ShippingMethods:
    """The methods in the order a storefront lists them (cheapest first)."""

    def __init__(self, methods: Sequence[ShippingMethod]) -> None:
        self._methods = {method.code: method for method in methods}

    @classmethod
    def from_settings(cls, settings: ShippingSettings) -> ShippingMethods:
        return cls(
            [
                ShippingMethod(
                    "STANDARD", "Standard", settings.standard_price, settings.standard_days
                ),
                ShippingMethod("EXPRESS", "Express", settings.express_price, settings.express_days),
            ]
        )

    def all(self) -> list[ShippingMethod]:
        return list(self._methods.values())

    def get(self, code: str) -> ShippingMethod | None:
        return self._methods.get(code.strip().upper()) if len(code) <= MAX_CODE_LENGTH else None

    def quote(self, code: str, currency: str | None = None) -> Quote:
        """Errors: UNKNOWN_SHIPPING_METHOD, UNSUPPORTED_CURRENCY (prices are in the
        store currency only)."""
        method = self.get(code)
        if method is None:
            raise unknown_method(code, list(self._methods))
        store_currency = platform_settings().currency
        if currency is not None and currency != store_currency:
            raise unsupported_currency(currency, store_currency)
        return Quote(method, store_currency)
