"""The service app factory: a subgraph's `app.py` is a few lines calling this.

    def create_app() -> FastAPI:
        return create_service_app(
            ServiceDefinition(
                name="catalog",
                schema=schema,
                settings=catalog_settings(),
                parts=catalog_parts,             # builds CatalogServices for the app's lifetime
                routers=[reservations_router],
                background=[expiring_reservations],
            )
        )

The factory wires the database, Redis, token verification, the GraphQL
endpoint (GraphiQL and GET queries off: subgraphs are only called by the
gateway), health probes, metrics, request ids and JSON logs. A service's own
objects (its services, clients, issuers) are one typed value, its *parts*,
built by `definition.parts` and reached by resolvers through
`info.context.parts_as(Kind)` and by routes through `service_parts(request, Kind)`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
from shared.gc_tuning import startup_objects_frozen
from shared.graphql.context import RequestContext
from shared.graphql.router import SubgraphRouter
from shared.observability.instrumentation import NO_NATIVE_TELEMETRY, instrument_app
from shared.observability.logging import configure_logging
from shared.observability.metrics import metrics_endpoint
from shared.observability.request_id import RequestIdMiddleware
from shared.redis import create_redis
from shared.settings import PlatformSettings, ServiceSettings, platform_settings

logger = logging.getLogger("minishop.app")

READY_TIMEOUT_SECONDS = 2.0

PartsT = TypeVar("PartsT")
KindT = TypeVar("KindT")


@dataclass
class ServiceState(Generic[PartsT]):
    """What a running service holds for its lifetime (on `app.state.service`)."""

    name: str
    platform: PlatformSettings
    redis: Redis
    verifier: TokenVerifier
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # Set once `definition.parts` has built them.
    parts: PartsT | None = None

    def parts_as(self, kind: type[KindT]) -> KindT:
        return _checked_parts(self.parts, kind, self.name)


PartsFactory = Callable[[ServiceState[Any]], AbstractAsyncContextManager[PartsT]]
# Work that runs beside the event consumers (sweeps, recovery jobs).
BackgroundTask = Callable[[PartsT], AbstractAsyncContextManager[None]]


def _no_consumers(_parts: Any) -> Sequence[Consumer]:
    return ()


@dataclass
class ServiceDefinition(Generic[PartsT]):
    name: str
    schema: strawberry.federation.Schema
    # Builds the service's typed parts from the state (database, Redis) and
    # closes them on exit; entered once per process.
    parts: PartsFactory[PartsT]
    settings: ServiceSettings | None = None
    # The accounts service verifies with its own keys instead of fetching the JWKS.
    key_source: Callable[[PartsT], KeySource] | None = None
    routers: Sequence[APIRouter] = ()
    # Event handlers, the outbox relay and `background` run inside the app unless
    # MINISHOP_EVENTS_IN_PROCESS=false: then `minishop worker <service>` runs them.
    consumers: Callable[[PartsT], Sequence[Consumer]] = _no_consumers
    background: Sequence[BackgroundTask[PartsT]] = ()


@asynccontextmanager
async def running_parts(
    definition: ServiceDefinition[PartsT], state: ServiceState[PartsT]
) -> AsyncIterator[PartsT]:
    """The state's connections opened and the service's parts built, closed on exit."""
    async with AsyncExitStack() as stack:
        # Registered first so they close last, after the parts and event loops.
        stack.push_async_callback(state.redis.aclose)
        if definition.settings is not None:
            state.engine = create_engine(definition.settings)
            state.sessionmaker = create_sessionmaker(state.engine)
            stack.push_async_callback(state.engine.dispose)
        state.parts = parts = await stack.enter_async_context(definition.parts(state))
        yield parts


@asynccontextmanager
async def running_background(
    definition: ServiceDefinition[PartsT], state: ServiceState[PartsT], parts: PartsT
) -> AsyncIterator[None]:
    """The relay, the consumers and the background tasks, stopped on exit."""
    async with AsyncExitStack() as stack:
        consumers = definition.consumers(parts)
        if state.engine is not None or consumers:
            await stack.enter_async_context(
                run_events(
                    service=definition.name,
                    engine=state.engine,
                    redis=state.redis,
                    consumers=consumers,
                    sessionmaker=state.sessionmaker,
                )
            )
        for task in definition.background:
            await stack.enter_async_context(task(parts))
        yield


def new_state(name: str, platform: PlatformSettings) -> ServiceState[Any]:
    return ServiceState(
        name=name,
        platform=platform,
        redis=create_redis(platform.redis_url),
        verifier=_verifier(
            platform, JwksKeySource(platform.jwks_url, cache_seconds=platform.jwks_cache_seconds)
        ),
    )


def create_service_app(definition: ServiceDefinition[Any]) -> FastAPI:
    platform = platform_settings()
    configure_logging(definition.name, platform.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = new_state(definition.name, platform)
        app.state.service = state
        async with running_parts(definition, state) as parts, AsyncExitStack() as stack:
            if events_settings().in_process:
                await stack.enter_async_context(running_background(definition, state, parts))
            if definition.key_source is not None:
                state.verifier = _verifier(platform, definition.key_source(parts))
            stack.enter_context(startup_objects_frozen())
            yield

    app = FastAPI(
        title=f"MiniShop {definition.name}",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=NO_NATIVE_TELEMETRY,
    )
    # `minishop worker` reads the definition from here.
    app.state.definition = definition
    app.add_middleware(RequestIdMiddleware)
    instrument_app(app, definition.name)
    app.include_router(_graphql_router(definition.schema))
    for router in definition.routers:
        app.include_router(router)
    _add_probes(app)
    return app


def service_parts(request: Request, kind: type[KindT]) -> KindT:
    """The running service's parts, for an internal route."""
    state: ServiceState[Any] = request.app.state.service
    return state.parts_as(kind)


def _checked_parts(parts: object, kind: type[KindT], name: str) -> KindT:
    if not isinstance(parts, kind):
        raise TypeError(f"{name}'s parts are {type(parts).__name__}, not {kind.__name__}")
    return parts


def _verifier(platform: PlatformSettings, keys: KeySource) -> TokenVerifier:
    return TokenVerifier(
        keys,
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
        leeway_seconds=platform.jwt_leeway_seconds,
    )


async def _context(request: Request) -> RequestContext:
    """The GraphQL context: the verified caller and the service's parts.

    An `async def` getter: a sync one would run in the threadpool on every request.
    """
    state: ServiceState[Any] = request.app.state.service
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
        parts=state.parts,
        service_name=state.name,
    )


def _graphql_router(schema: strawberry.federation.Schema) -> GraphQLRouter[Any, Any]:
    return SubgraphRouter(
        schema,
        path="/graphql",
        graphql_ide=None,
        allow_queries_via_get=False,
        subscription_protocols=(),
        context_getter=_context,
    )


def _add_probes(app: FastAPI) -> None:
    app.add_api_route("/health/live", _live, methods=["GET"], include_in_schema=False)
    app.add_api_route("/health/ready", _ready, methods=["GET"], include_in_schema=False)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)


async def _live() -> dict[str, str]:
    return {"status": "ok"}


async def _ready(request: Request) -> JSONResponse:
    state: ServiceState[Any] = request.app.state.service
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
