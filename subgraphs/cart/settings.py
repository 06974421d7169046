"""Cart settings (env prefix `CART_`)."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CartSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CART_", extra="ignore")

    # Sliding expiry: every change pushes it back.
    ttl_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    max_quantity_per_line: int = Field(default=99, gt=0)
    max_lines: int = Field(default=100, gt=0)
    # Checking products with the catalog must not hold a shopper for long.
    catalog_timeout_seconds: float = Field(default=2.0, gt=0)


@cache
def cart_settings() -> CartSettings:
    return CartSettings()
