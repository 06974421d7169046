"""Settings shared by every service, read from the environment.

Each service adds its own class (env prefix `<NAME>_`) on top of these; both are
built lazily by cached functions, never at import time, so tests can set the
environment first.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ADMIN_EMAIL = "admin@minishop.local"
DEV_ADMIN_PASSWORD = "minishop-admin-dev"  # noqa: S105 - a documented dev-only default
DEV_INTERNAL_SECRET = "minishop-internal-dev-only-secret-0001"  # noqa: S105 - a documented dev-only default
MIN_INTERNAL_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class PlatformSettings(BaseSettings):
    """Settings every service reads, prefixed `MINISHOP_`."""

    model_config = SettingsConfigDict(env_prefix="MINISHOP_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    redis_url: str = "redis://127.0.0.1:6380/0"
    jwks_url: str = "http://127.0.0.1:4001/.well-known/jwks.json"
    jwt_issuer: str = "minishop-accounts"
    jwt_audience: str = "minishop"
    # Seconds of clock skew tolerated when checking `exp`/`iat`.
    jwt_leeway_seconds: int = 30
    # How long a fetched JWKS is trusted before it is fetched again.
    jwks_cache_seconds: int = 300
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    rate_limits: str = "on"
    log_level: str = "INFO"
    max_page_size: int = 100
    default_page_size: int = 20
    # The demo admin the seed creates; the defaults are for development only.
    admin_email: str = DEV_ADMIN_EMAIL
    admin_password: str = DEV_ADMIN_PASSWORD
    # Signs the tokens services present to each other's `/internal/…` routes;
    # every service of one deployment must share it.
    internal_secret: str = DEV_INTERNAL_SECRET

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> PlatformSettings:
        if self.env is Environment.PRODUCTION:
            if self.rate_limits == "off":
                raise ValueError("MINISHOP_RATE_LIMITS=off is refused in production")
            if self.admin_password == DEV_ADMIN_PASSWORD:
                raise ValueError("set MINISHOP_ADMIN_PASSWORD: the dev default is refused")
            if self.internal_secret == DEV_INTERNAL_SECRET:
                raise ValueError("set MINISHOP_INTERNAL_SECRET: the dev default is refused")
            if len(self.internal_secret) < MIN_INTERNAL_SECRET_LENGTH:
                raise ValueError(
                    f"MINISHOP_INTERNAL_SECRET must be at least {MIN_INTERNAL_SECRET_LENGTH} "
                    "characters in production"
                )
        return self

    @property
    def rate_limits_enabled(self) -> bool:
        return self.rate_limits != "off"


class ServiceSettings(BaseSettings):
    """Base of each service's own settings; subclasses set the env prefix."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = ""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Statement timeout keeps a slow query from holding a connection forever.
    db_statement_timeout_ms: int = 5000


@cache
def platform_settings() -> PlatformSettings:
    return PlatformSettings()
