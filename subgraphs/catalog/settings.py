"""Catalog settings (env prefix `CATALOG_`)."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

# No deployment holds stock longer than this; it also keeps every hold's
# deadline far inside what a datetime can express.
MAX_RESERVATION_TTL_SECONDS = 30 * 86_400


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    # Every storefront page reads the catalog, a listing on two connections
    # (its page and its count). With the platform's 10 (+10 overflow), 24
    # shoppers back to back kept opening and closing overflow connections:
    # 78 requests/s, against 112/s with 24 (bench.storefront --think 0).
    db_pool_size: int = 24

    # How long stock stays held for an order that is neither committed (paid)
    # nor released; a caller may ask for less or more, up to the maximum.
    reservation_ttl_seconds: int = Field(default=900, ge=1)
    reservation_max_ttl_seconds: int = Field(default=86_400, ge=1, le=MAX_RESERVATION_TTL_SECONDS)
    # How often the expiry sweep runs, and how many holds it releases per transaction.
    reservation_sweep_seconds: float = Field(default=30.0, gt=0)
    reservation_sweep_batch: int = Field(default=100, ge=1, le=1000)


@cache
def catalog_settings() -> CatalogSettings:
    return CatalogSettings()
