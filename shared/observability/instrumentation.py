"""Where a service's traffic is traced and counted: its ASGI app, engine and Redis client.

`instrument_app` is the service app's one call; the engine and the Redis
client instrument themselves as they are made (shared/db/engine.py,
shared/redis.py). Each is a no-op for traces unless `setup_tracing` found an
endpoint; the SQL-statements-per-request count is always on (a context
variable and one increment per statement).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.observability.metrics import DB_STATEMENTS_PER_REQUEST
from shared.observability.request_id import HEADER as REQUEST_ID_HEADER
from shared.observability.request_id import plausible_request_id
from shared.observability.statements import counting_statements
from shared.observability.tracing import (
    REQUEST_ID_ATTRIBUTE,
    setup_tracing,
    tracer,
    tracer_provider,
    tracing_enabled,
)

# Probes and scrapes: frequent, and nothing to learn from their traces.
EXCLUDED_URLS = "/health/live,/health/ready,/metrics"
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()
_COUNTED_PREFIXES = {"/graphql": "graphql", "/internal": "internal"}


def instrument_app(app: Any, service: str) -> None:
    """Count SQL statements per request and, when tracing is set up, open a
    server span per request that continues the caller's `traceparent`."""
    app.add_middleware(StatementsPerRequest, service=service)
    if not setup_tracing(service):
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    # Added last, so it is outermost: the span covers the whole request.
    app.add_middleware(
        OpenTelemetryMiddleware,
        excluded_urls=EXCLUDED_URLS,
        server_request_hook=_record_request_id,
        # The receive/send spans would double the span count of every request.
        exclude_spans=["receive", "send"],
        tracer_provider=tracer_provider(),
    )


def _record_request_id(span: Any, scope: dict[str, Any]) -> None:
    """The gateway's request id, so a trace can be found from a log line and back."""
    if not span.is_recording():
        return
    for name, value in scope.get("headers") or ():
        if name == _REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            if plausible_request_id(text):
                span.set_attribute(REQUEST_ID_ATTRIBUTE, text)
            return


class StatementsPerRequest:
    """`minishop_db_statements_per_request{service, kind}` for GraphQL and internal calls.

    Pure ASGI: the counter is a context variable set for the request's task,
    which the tasks it starts (DataLoader batches, a checkout) inherit.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self._histograms = {
            kind: DB_STATEMENTS_PER_REQUEST.labels(service, kind)
            for kind in _COUNTED_PREFIXES.values()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _kind(scope) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        with counting_statements() as counter:
            await self.app(scope, receive, send)
        self._histograms[kind].observe(counter.count)


def _kind(scope: Scope) -> str | None:
    path: str = scope.get("path", "")
    for prefix, kind in _COUNTED_PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return kind
    return None


def instrument_engine(engine: AsyncEngine) -> None:
    """A client span per SQL statement (the statement text, never its parameters)."""
    if not tracing_enabled():
        return
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    # The instrumentor itself is once per process and patches create_engine;
    # the engine tracer attaches to this one engine only (tests make many).
    usage = metrics.get_meter("minishop").create_up_down_counter("db.client.connections.usage")
    EngineTracer(tracer(), engine.sync_engine, usage, enable_commenter=False)


def instrument_redis(client: Redis) -> None:
    """A client span per Redis command or pipeline."""
    if not tracing_enabled():
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    RedisInstrumentor.instrument_client(client, tracer_provider=tracer_provider())
