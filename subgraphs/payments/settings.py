"""Payments settings (env prefix `PAYMENTS_`)."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore")

    # The card processor's API (the local stand-in by default).
    processor_url: str = "http://127.0.0.1:4010"
    # Per call: a processor slower than this counts as a transient failure.
    processor_timeout_seconds: float = Field(default=2.0, gt=0)
    # Calls per operation (first try included) before the outcome is left unknown.
    processor_attempts: int = Field(default=3, ge=1, le=10)
    processor_backoff_initial_seconds: float = Field(default=0.1, ge=0)
    processor_backoff_max_seconds: float = Field(default=1.0, ge=0)
    # How long a charge waits for another request charging the same order.
    charge_lock_wait_seconds: float = Field(default=20.0, gt=0)
    # Refunds whose outcome was left unknown are retried after this long.
    refund_sweep_seconds: float = Field(default=30.0, gt=0)


@cache
def payments_settings() -> PaymentsSettings:
    return PaymentsSettings()
