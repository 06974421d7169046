"""The accounts service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from shared.app import ServiceDefinition, ServiceState, create_service_app, service_parts
from shared.auth.verifier import KeySource, StaticKeySource
from shared.ratelimit import SlidingWindowLimiter
from subgraphs.accounts.graphql.schema import schema
from subgraphs.accounts.internal.routes import users_router
from subgraphs.accounts.redaction import redacting_logs
from subgraphs.accounts.service import AccountsServices
from subgraphs.accounts.settings import accounts_settings
from subgraphs.accounts.tokens import TokenIssuer, load_signing_keys

jwks_router = APIRouter()


@jwks_router.get("/.well-known/jwks.json", include_in_schema=False)
async def jwks(request: Request) -> JSONResponse:
    keys = service_parts(request, AccountsServices).issuer.keys
    # Verifiers cache it; a short max-age lets a rotation reach them quickly.
    return JSONResponse(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})


@asynccontextmanager
async def accounts_parts(state: ServiceState[Any]) -> AsyncIterator[AccountsServices]:
    settings = accounts_settings()
    issuer = TokenIssuer(
        load_signing_keys(settings, state.platform),
        issuer=state.platform.jwt_issuer,
        audience=state.platform.jwt_audience,
        access_ttl_seconds=settings.access_token_ttl_seconds,
    )
    assert state.sessionmaker is not None
    limiter = SlidingWindowLimiter(state.redis, enabled=state.platform.rate_limits_enabled)
    with redacting_logs():
        yield AccountsServices.build(state.sessionmaker, issuer, limiter, settings)


def own_keys(services: AccountsServices) -> KeySource:
    return StaticKeySource(services.issuer.keys.jwks())


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="accounts",
            schema=schema,
            settings=accounts_settings(),
            parts=accounts_parts,
            key_source=own_keys,
            routers=[jwks_router, users_router],
        )
    )
