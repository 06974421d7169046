"""Run one subgraph in-process (real app, real Postgres and Redis) for a test."""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import event

from shared.app import ServiceState
from shared.auth.keys import public_jwk
from shared.auth.verifier import StaticKeySource, TokenVerifier
from shared.events.settings import events_settings
from shared.internal import HEADER, mint_service_token
from shared.services import ServiceSpec
from shared.settings import platform_settings
from subgraphs.accounts.tokens import SigningKeys, TokenIssuer
from tests.support.graphql import GraphQLClient

# One signing key for the whole run: accounts signs with it, the others trust it.
SIGNING_KEY = Ed25519PrivateKey.generate()
SIGNING_KEY_PEM = SIGNING_KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
ISSUER = "minishop-accounts"
AUDIENCE = "minishop"


def token_issuer(ttl_seconds: int = 900) -> TokenIssuer:
    return TokenIssuer(SigningKeys(current=SIGNING_KEY), ISSUER, AUDIENCE, ttl_seconds)


# Tokens minted when a test module is imported must outlive the whole run.
TEST_TOKEN_TTL_SECONDS = 6 * 3600


def mint_token(subject: str, roles: list[str] | None = None, **kwargs: Any) -> str:
    """A valid access token, signed as accounts would sign it (valid for the whole run)."""
    issuer = token_issuer(TEST_TOKEN_TTL_SECONDS)
    return issuer.issue(subject, roles=roles or ["CUSTOMER"], **kwargs).token


def service_headers(caller: str, audience: str) -> dict[str, str]:
    """The credential `caller` sends `audience` over the internal API, made with
    the secret the services of the tests share."""
    token = mint_service_token(
        platform_settings().internal_secret, caller=caller, audience=audience
    )
    return {HEADER: token}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _clear_settings_caches(name: str) -> None:
    """Settings are cached per process; each running service reads its own env."""
    platform_settings.cache_clear()
    events_settings.cache_clear()
    module = importlib.import_module(f"subgraphs.{name}.settings")
    getattr(module, f"{name}_settings").cache_clear()


@dataclass
class StatementCounter:
    """Counts SQL statements sent by a service's engine."""

    statements: list[str] = field(default_factory=list)
    active: bool = False

    def __len__(self) -> int:
        return len(self.statements)

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        self.statements.clear()
        self.active = True
        try:
            yield self
        finally:
            self.active = False


@dataclass
class RunningService:
    app: FastAPI
    state: ServiceState
    http: httpx.AsyncClient
    graphql: GraphQLClient
    sql: StatementCounter


@asynccontextmanager
async def running_service(
    spec: ServiceSpec,
    *,
    database_url: str | None,
    redis_url: str,
    env: dict[str, str] | None = None,
) -> AsyncIterator[RunningService]:
    values = {
        "MINISHOP_ENV": "test",
        "MINISHOP_REDIS_URL": redis_url,
        "MINISHOP_LOG_LEVEL": "WARNING",
        "ACCOUNTS_JWT_PRIVATE_KEY": SIGNING_KEY_PEM,
        **(env or {}),
    }
    if database_url:
        values[f"{spec.env_prefix}DATABASE_URL"] = database_url
    with environment(values):
        _clear_settings_caches(spec.name)
        app = importlib.import_module(f"subgraphs.{spec.name}.app").create_app()
        async with app.router.lifespan_context(app):
            state: ServiceState = app.state.service
            # Services other than accounts fetch the JWKS over HTTP; here they
            # trust the run's signing key directly.
            state.verifier = TokenVerifier(
                StaticKeySource({"keys": [public_jwk(SIGNING_KEY)]}), ISSUER, AUDIENCE
            )
            counter = StatementCounter()
            if state.engine is not None:

                @event.listens_for(state.engine.sync_engine, "before_cursor_execute")
                def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                    if counter.active:
                        counter.statements.append(statement)

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield RunningService(app, state, http, GraphQLClient(http), counter)
        _clear_settings_caches(spec.name)
