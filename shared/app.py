"""The service app factory: a subgraph's `app.py` is a few lines calling this.

It wires the database, Redis, token verification, the GraphQL endpoint
(GraphiQL and GET queries off: subgraphs are only called by the gateway),
health probes, metrics, request ids and JSON logs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import strawberry
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.fastapi import GraphQLRouter

from shared.auth.verifier import (
    InvalidTokenError,
    JwksKeySource,
    KeySource,
    TokenVerifier,
    bearer_token,
)
from shared.db.engine import create_engine, create_sessionmaker
from shared.events.consumer import Consumer
from shared.events.runtime import run_events
from shared.events.settings import events_settings
from shared.graphql.context import RequestContext
from shared.observability.logging import configure_logging
from shared.observability.metrics import metrics_endpoint
from shared.observability.request_id import RequestIdMiddleware
from shared.redis import create_redis
from shared.settings import PlatformSettings, ServiceSettings, platform_settings

logger = logging.getLogger("minishop.app")

READY_TIMEOUT_SECONDS = 2.0


@dataclass
class ServiceState:
    """What a running service holds for its lifetime (on `app.state.service`)."""

    name: str
    platform: PlatformSettings
    redis: Redis
    verifier: TokenVerifier
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    extras: dict[str, Any] = field(default_factory=dict)


Lifespan = Callable[[ServiceState], AbstractAsyncContextManager[None]]


@dataclass
class ServiceDefinition:
    name: str
    schema: strawberry.federation.Schema
    settings: ServiceSettings | None = None
    # The accounts service verifies with its own keys instead of fetching the JWKS;
    # called after `lifespans` have run, so it can use what they set up.
    key_source: Callable[[ServiceState], KeySource] | None = None
    routers: Sequence[APIRouter] = ()
    # Background work tied to the app's lifetime.
    lifespans: Sequence[Lifespan] = ()
    # Event handlers of this service. With a database, the outbox relay and these
    # consumers run inside the app unless MINISHOP_EVENTS_IN_PROCESS=false (then
    # `minishop worker <service>` runs them).
    consumers: Sequence[Consumer] = ()


def create_service_app(definition: ServiceDefinition) -> FastAPI:
    platform = platform_settings()
    configure_logging(definition.name, platform.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = ServiceState(
            name=definition.name,
            platform=platform,
            redis=create_redis(platform.redis_url),
            verifier=TokenVerifier(
                JwksKeySource(platform.jwks_url, cache_seconds=platform.jwks_cache_seconds),
                issuer=platform.jwt_issuer,
                audience=platform.jwt_audience,
                leeway_seconds=platform.jwt_leeway_seconds,
            ),
        )
        if definition.settings is not None:
            state.engine = create_engine(definition.settings)
            state.sessionmaker = create_sessionmaker(state.engine)
        app.state.service = state
        async with AsyncExitStack() as stack:
            # Registered first so they close last, after the event loops stopped.
            stack.push_async_callback(state.redis.aclose)
            if state.engine is not None:
                stack.push_async_callback(state.engine.dispose)
            for extra in definition.lifespans:
                await stack.enter_async_context(extra(state))
            has_event_work = state.engine is not None or bool(definition.consumers)
            if has_event_work and events_settings().in_process:
                await stack.enter_async_context(
                    run_events(
                        service=definition.name,
                        engine=state.engine,
                        redis=state.redis,
                        consumers=definition.consumers,
                        sessionmaker=state.sessionmaker,
                    )
                )
            if definition.key_source is not None:
                state.verifier = TokenVerifier(
                    definition.key_source(state),
                    issuer=platform.jwt_issuer,
                    audience=platform.jwt_audience,
                    leeway_seconds=platform.jwt_leeway_seconds,
                )
            yield

    app = FastAPI(
        title=f"MiniShop {definition.name}",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    # `minishop worker` reads the consumers from here.
    app.state.definition = definition
    app.add_middleware(RequestIdMiddleware)

    async def get_context(request: Request) -> RequestContext:
        state: ServiceState = request.app.state.service
        principal, auth_error = None, None
        token = bearer_token(request.headers.get("authorization"))
        if token == "":
            auth_error = "The Authorization header must be 'Bearer <access token>'."
        elif token is not None:
            try:
                principal = await state.verifier.verify(token)
            except InvalidTokenError:
                auth_error = "The access token is invalid or expired."
        return RequestContext(
            request=request,
            sessionmaker=state.sessionmaker,
            redis=state.redis,
            principal=principal,
            auth_error=auth_error,
            services={"name": state.name, **state.extras},
        )

    app.include_router(
        GraphQLRouter(
            definition.schema,
            path="/graphql",
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(),
            context_getter=get_context,
        )
    )
    for router in definition.routers:
        app.include_router(router)
    app.add_api_route("/health/live", _live, methods=["GET"], include_in_schema=False)
    app.add_api_route("/health/ready", _ready, methods=["GET"], include_in_schema=False)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    return app


async def _live() -> dict[str, str]:
    return {"status": "ok"}


async def _ready(request: Request) -> JSONResponse:
    state: ServiceState = request.app.state.service
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await state.redis.ping()
        checks["redis"] = "ok"
    except Exception:  # a probe reports, it does not raise
        logger.warning("readiness: redis unavailable", exc_info=True)
        checks["redis"] = "unavailable"
    if state.engine is not None:
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS), state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception:
            logger.warning("readiness: database unavailable", exc_info=True)
            checks["database"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
