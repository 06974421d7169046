"""Shipping settings (env prefix `SHIPPING_`): what each shipping method costs and takes."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

# NUMERIC(12, 2), like every amount the orders record.
MAX_PRICE = Decimal("9999999999.99")
MAX_DAYS = 365


def _price(default: str) -> Decimal:
    return Field(default=Decimal(default), ge=0, le=MAX_PRICE, decimal_places=2)


def _days(default: int) -> int:
    return Field(default=default, ge=0, le=MAX_DAYS)


class ShippingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHIPPING_", extra="ignore")

    # Prices are in the store currency (MINISHOP_CURRENCY).
    standard_price: Decimal = _price("5.00")
    standard_days: int = _days(5)
    express_price: Decimal = _price("15.00")
    express_days: int = _days(2)


@cache
def shipping_settings() -> ShippingSettings:
    return ShippingSettings()
