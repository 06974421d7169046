"""Catalog settings (env prefix `CATALOG_`)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")


@cache
def catalog_settings() -> CatalogSettings:
    return CatalogSettings()
