"""Where a service's traffic is traced and counted: its ASGI app, engine and Redis client.

`instrument_app` is the service app's one call; the engine and the Redis
client instrument themselves as they are made (shared/db/engine.py,
shared/redis.py). Each is a no-op for traces unless `setup_tracing` found an
endpoint; the SQL-statements-per-request count is always on (a context
variable and one increment per statement).
"""

from __future__ import annotations

from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry.trace import SpanKind, StatusCode
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability.metrics import DB_STATEMENTS_PER_REQUEST
from shared.observability.request_id import HEADER as REQUEST_ID_HEADER
from shared.observability.request_id import plausible_request_id
from shared.observability.statements import counting_statements
from shared.observability.tracing import (
    REQUEST_ID_ATTRIBUTE,
    extract_context,
    setup_tracing,
    tracer,
    tracer_provider,
    tracing_enabled,
)

# Probes and scrapes: frequent, and nothing to learn from their traces.
EXCLUDED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()
_TRACE_HEADERS = {b"traceparent": "traceparent", b"tracestate": "tracestate"}
_COUNTED_PREFIXES = {"/graphql": "graphql", "/internal": "internal"}

# FastAPI's own OpenTelemetry support, off: once a tracer provider is global it
# would add a second server span per request, spans around dependencies, the
# endpoint and serialisation (0.9 % of a traced catalog's CPU), and HTTP metrics
# and logs that ours already are. The server span is `ServerSpans`.
NO_NATIVE_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def instrument_app(app: Any, service: str) -> None:
    """Count SQL statements per request and, when tracing is set up, open a
    server span per request that continues the caller's `traceparent`."""
    app.add_middleware(StatementsPerRequest, service=service)
    if not setup_tracing(service):
        return
    # Added last, so it is outermost: the span covers the whole request.
    app.add_middleware(ServerSpans)


class ServerSpans:
    """A server span per HTTP request, the child of the caller's W3C `traceparent`.

    In place of opentelemetry-instrumentation-asgi's middleware, which took
    about 4.5 % of the catalog's CPU with 10 % of traces sampled (a py-spy
    profile under load): on every request, sampled or not, it parsed the URL,
    built its semantic-convention attributes and recorded HTTP metrics that
    Prometheus already has from us. Here an unsampled request costs the
    sampler's decision and a context switch; attributes are set only on a span
    that is recorded.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._tracer = tracer()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXCLUDED_PATHS:
            await self.app(scope, receive, send)
            return
        carrier: dict[str, str] = {}
        request_id: str | None = None
        for name, value in scope["headers"]:
            if name in _TRACE_HEADERS:
                carrier[_TRACE_HEADERS[name]] = value.decode("latin-1")
            elif name == _REQUEST_ID_HEADER:
                request_id = value.decode("latin-1")
        method: str = scope["method"]
        with self._tracer.start_as_current_span(
            f"{method} {scope['path']}",
            context=extract_context(carrier) if carrier else None,
            kind=SpanKind.SERVER,
        ) as span:
            if not span.is_recording():
                await self.app(scope, receive, send)
                return
            span.set_attributes({"http.request.method": method, "url.path": scope["path"]})
            if request_id is not None and plausible_request_id(request_id):
                # The gateway's request id: a trace is found from a log line and back.
                span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status: int = message["status"]
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(StatusCode.ERROR)
                await send(message)

            await self.app(scope, receive, send_with_status)


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
