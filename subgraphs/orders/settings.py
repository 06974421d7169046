"""Orders settings (env prefix `ORDERS_`)."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, platform_settings


class OrdersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore")

    # The currency orders are priced and charged in; the platform's when unset.
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    # Deadlines over all attempts of one call to a peer: a shopper is waiting.
    cart_timeout_seconds: float = Field(default=3.0, gt=0)
    catalog_timeout_seconds: float = Field(default=5.0, gt=0)
    shipping_timeout_seconds: float = Field(default=3.0, gt=0)
    accounts_timeout_seconds: float = Field(default=3.0, gt=0)
    # A charge is asked for at most `payments_attempts` times (the same order id
    # each time: payments charges once), each attempt waiting this long.
    payments_timeout_seconds: float = Field(default=5.0, gt=0)
    payments_attempts: int = Field(default=3, ge=1, le=10)

    # How long the catalog holds an order's stock before it may expire; well
    # beyond the recovery threshold, so recovery settles an order first.
    reservation_ttl_seconds: int = Field(default=900, ge=60)

    # A repeat of an in-progress checkout waits this long for its outcome.
    checkout_wait_seconds: float = Field(default=5.0, ge=0)
    checkout_poll_seconds: float = Field(default=0.05, gt=0)

    # The recovery job: how often it runs, how old an unfinished checkout must
    # be before it is settled, and how many it settles per round and kind.
    recovery_interval_seconds: float = Field(default=10.0, gt=0)
    recovery_after_seconds: float = Field(default=30.0, ge=0)
    recovery_batch: int = Field(default=50, ge=1, le=1000)

    @property
    def store_currency(self) -> str:
        return self.currency or platform_settings().currency


@cache
def orders_settings() -> OrdersSettings:
    return OrdersSettings()
