"""Accounts settings (env prefix `ACCOUNTS_`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCOUNTS_", extra="ignore")

    # The Ed25519 signing key, as a PEM file or the PEM text itself.
    jwt_private_key_file: Path | None = None
    jwt_private_key: str | None = None
    # Keys being rotated out: their public halves stay in the JWKS until tokens expire.
    jwt_retired_key_files: list[Path] = []
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600


@cache
def accounts_settings() -> AccountsSettings:
    return AccountsSettings()
