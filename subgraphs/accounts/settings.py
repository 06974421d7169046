"""Accounts settings (env prefix `ACCOUNTS_`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCOUNTS_", extra="ignore")

    # The Ed25519 signing key, as a PEM file or the PEM text itself.
    jwt_private_key_file: Path | None = None
    jwt_private_key: str | None = None
    # Keys being rotated out: their public halves stay in the JWKS until tokens expire.
    jwt_retired_key_files: list[Path] = []
    access_token_ttl_seconds: int = Field(default=15 * 60, ge=60)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    # Partner (API client) access tokens; they cannot be refreshed, only reissued.
    client_token_ttl_seconds: int = Field(default=15 * 60, ge=60)

    # Rate limits: attempts per sliding window. Per e-mail they protect one
    # account from password guessing; per client address they slow one source
    # spraying many accounts, so their windows are short and their counts
    # allow a shared office address. Per address every attempt counts; per
    # e-mail a right password gives its login attempt back, so only wrong ones
    # use the account's budget. An attempt refused by one limit counts against none.
    login_limit_per_email: int = Field(default=10, ge=1)
    login_window_per_email_seconds: int = Field(default=15 * 60, ge=1)
    login_limit_per_address: int = Field(default=60, ge=1)
    login_window_per_address_seconds: int = Field(default=60, ge=1)
    register_limit_per_email: int = Field(default=5, ge=1)
    register_window_per_email_seconds: int = Field(default=60 * 60, ge=1)
    register_limit_per_address: int = Field(default=20, ge=1)
    register_window_per_address_seconds: int = Field(default=60, ge=1)
    # Client secrets are random, so guessing is hopeless; this caps the cost of
    # a flood of partner sign-ins from one address.
    client_token_limit_per_address: int = Field(default=60, ge=1)
    client_token_window_per_address_seconds: int = Field(default=60, ge=1)


@cache
def accounts_settings() -> AccountsSettings:
    return AccountsSettings()
