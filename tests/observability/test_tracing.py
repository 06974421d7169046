"""Traces inside one process: a subgraph request continues the caller's trace with
its SQL under it, logs carry the ids, events carry the context to their consumer;
and without an endpoint nothing is installed at all."""

from __future__ import annotations

import io
import json
import logging
import uuid
from typing import Any

import pytest
from opentelemetry.trace import SpanKind
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.engine import create_sessionmaker
from shared.events import Consumer, EventEnvelope, EventsSettings, record_event
from shared.events.contracts import UserRegistered
from shared.events.delivery import DeliveryHandler
from shared.events.lifecycle import BackgroundLoop
from shared.events.messages import Delivery
from shared.observability.logging import configure_logging
from shared.observability.tracing import (
    REQUEST_ID_ATTRIBUTE,
    TracingSettings,
    tracer,
    tracing_enabled,
)
from shared.services import service
from tests.observability.conftest import Spans
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService

PRODUCTS = "query ProductList { products(first: 3) { totalCount nodes { id name } } }"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01"
REQUEST_ID = "obs-test-request-1"


def _sql_spans(spans: list[Any]) -> list[Any]:
    return [span for span in spans if (span.attributes or {}).get("db.system") == "postgresql"]


async def test_a_subgraph_request_continues_the_callers_trace_with_its_sql_under_it(
    spans: Spans, traced_catalog: RunningService
) -> None:
    # given a caller's traceparent and request id
    # when the catalog answers a query
    headers = {"traceparent": TRACEPARENT, "x-request-id": REQUEST_ID}
    result = await traced_catalog.graphql.execute(PRODUCTS, None, **headers)

    # then its spans join that trace: the server span under the caller's, the SQL under it
    assert result.ok()["products"] == {"totalCount": 0, "nodes": []}  # a new, empty catalogue
    trace = spans.of_trace(int(TRACE_ID, 16))
    (server,) = [span for span in trace if span.kind is SpanKind.SERVER]
    assert server.parent is not None and server.parent.span_id == int(PARENT_SPAN_ID, 16)
    assert (server.attributes or {})[REQUEST_ID_ATTRIBUTE] == REQUEST_ID
    sql = _sql_spans(trace)
    assert sql, [span.name for span in trace]
    assert all(span.kind is SpanKind.CLIENT for span in sql)
    assert all("SELECT" in str((span.attributes or {}).get("db.statement")) for span in sql)


async def test_the_server_span_names_the_request_and_its_status(
    spans: Spans, traced_catalog: RunningService
) -> None:
    await traced_catalog.graphql.execute(PRODUCTS, None, traceparent=TRACEPARENT)
    missing = await traced_catalog.http.get("/no-such-path", headers={"traceparent": TRACEPARENT})

    assert missing.status_code == 404
    servers = [span for span in spans.of_trace(int(TRACE_ID, 16)) if span.kind is SpanKind.SERVER]
    assert sorted(
        (span.name, (span.attributes or {})["http.response.status_code"]) for span in servers
    ) == [("GET /no-such-path", 404), ("POST /graphql", 200)]
    assert all((span.attributes or {}).get("http.request.method") for span in servers)


async def test_a_caller_that_did_not_sample_its_trace_gets_no_spans(
    spans: Spans, traced_catalog: RunningService
) -> None:
    unsampled = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-00"
    result = await traced_catalog.graphql.execute(PRODUCTS, None, traceparent=unsampled)

    assert result.ok()["products"]["totalCount"] == 0
    assert spans.all() == []


async def test_probes_and_metrics_scrapes_are_not_traced(
    spans: Spans, traced_catalog: RunningService
) -> None:
    for path in ("/health/live", "/health/ready", "/metrics"):
        response = await traced_catalog.http.get(path, headers={"traceparent": TRACEPARENT})
        assert response.status_code == 200

    assert not [span for span in spans.of_trace(int(TRACE_ID, 16)) if span.kind is SpanKind.SERVER]


async def test_sql_statements_per_request_are_counted_by_kind(
    untraced_catalog: RunningService,
) -> None:
    before = _histogram_count(await _metrics(untraced_catalog), "catalog", "graphql")

    await untraced_catalog.graphql.execute(PRODUCTS)

    text = await _metrics(untraced_catalog)
    assert _histogram_count(text, "catalog", "graphql") == before + 1
    assert _histogram_sum(text, "catalog", "graphql") >= 1


async def _metrics(running: RunningService) -> str:
    response = await running.http.get("/metrics")
    response.raise_for_status()
    return response.text


def _sample(text: str, name: str, service_name: str, kind: str) -> float:
    prefix = f'{name}{{kind="{kind}",service="{service_name}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.removeprefix(prefix))
    return 0.0


def _histogram_count(text: str, service_name: str, kind: str) -> float:
    return _sample(text, "minishop_db_statements_per_request_count", service_name, kind)


def _histogram_sum(text: str, service_name: str, kind: str) -> float:
    return _sample(text, "minishop_db_statements_per_request_sum", service_name, kind)


def _json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_log_lines_carry_the_trace_and_span_id_inside_a_span_only(spans: Spans) -> None:
    # given JSON logs to a buffer
    configure_logging("catalog")
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    log = logging.getLogger("minishop.test")

    # when one line is written inside a span and one outside
    with tracer().start_as_current_span("work") as span:
        log.warning("inside")
    log.warning("outside")

    # then only the first has the ids, those of the span
    inside, outside = _json_lines(stream)
    context = span.get_span_context()
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert "trace_id" not in outside and "span_id" not in outside


class _Idle(BackgroundLoop):
    async def run(self) -> None:
        return None


async def test_a_consumers_handler_runs_in_a_child_span_of_the_producers(
    spans: Spans, databases: DatabaseFactory, redis_url: str
) -> None:
    # given an event recorded inside a producer's span
    url = await databases.create(service("accounts"))
    engine = create_async_engine(url)
    try:
        event = UserRegistered(user_id=uuid.uuid4(), email="t@example.com", name="T")
        with tracer().start_as_current_span("register") as producer:
            async with create_sessionmaker(engine).begin() as session:
                envelope = await record_event(session, event)
    finally:
        await engine.dispose()
    assert envelope.trace["traceparent"].split("-")[1] == format(
        producer.get_span_context().trace_id, "032x"
    )

    # when a consumer handles it
    seen: list[Any] = []
    consumer = Consumer("obs-test", deduplicates_itself=True)

    @consumer.on(UserRegistered)
    async def remember(_event: UserRegistered, _envelope: EventEnvelope, _session: Any) -> bool:
        seen.append(tracer().start_span("probe").get_span_context())
        logging.getLogger("minishop.test").info("handled")
        return True

    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        handler = DeliveryHandler(
            consumer,
            sessionmaker=None,
            redis=redis,
            settings=EventsSettings(),
            consumer_name="obs-1",
            loop=_Idle("idle"),
        )
        delivery = Delivery(
            stream="minishop:events:accounts",
            message_id="1-0",
            fields={
                "id": str(envelope.id),
                "type": envelope.type,
                "envelope": envelope.model_dump_json(),
            },
        )
        await handler.handle([delivery])
    finally:
        await redis.aclose()

    # then the handler ran in a consumer span, a child of the producer's
    (consumed,) = [span for span in spans.all() if span.kind is SpanKind.CONSUMER]
    assert consumed.name == "UserRegistered process"
    assert consumed.context.trace_id == producer.get_span_context().trace_id
    assert consumed.parent is not None
    assert consumed.parent.span_id == producer.get_span_context().span_id
    assert seen and seen[0].trace_id == producer.get_span_context().trace_id


async def test_without_an_endpoint_nothing_is_installed_and_events_carry_no_context(
    untraced_catalog: RunningService, databases: DatabaseFactory
) -> None:
    # given a service started without OTEL_EXPORTER_OTLP_ENDPOINT
    middleware = {getattr(m.cls, "__name__", "") for m in untraced_catalog.app.user_middleware}
    assert not tracing_enabled()
    assert "OpenTelemetryMiddleware" not in middleware
    engine = untraced_catalog.state.engine
    assert engine is not None
    assert not any(
        "opentelemetry" in type(listener).__module__
        or "opentelemetry" in getattr(listener, "__module__", "")
        for listener in engine.sync_engine.dispatch.before_cursor_execute
    )

    # when a request is answered and an event is recorded
    await untraced_catalog.graphql.execute(PRODUCTS, None, traceparent=TRACEPARENT)
    url = await databases.create(service("accounts"))
    producer = create_async_engine(url)
    try:
        async with create_sessionmaker(producer).begin() as session:
            envelope = await record_event(
                session, UserRegistered(user_id=uuid.uuid4(), email="u@example.com", name="U")
            )
    finally:
        await producer.dispose()
        await databases.drop(url)

    # then the envelope has no trace context
    assert "traceparent" not in envelope.trace


@pytest.mark.parametrize(
    ("name", "arg", "description"),
    [
        ("parentbased_traceidratio", 0.1, "ParentBased{root:TraceIdRatioBased{0.1}"),
        ("traceidratio", 0.25, "TraceIdRatioBased{0.25}"),
        ("always_off", 1.0, "AlwaysOffSampler"),
        ("parentbased_always_on", 1.0, "ParentBased{root:AlwaysOnSampler"),
    ],
)
def test_the_sampler_is_a_setting(name: str, arg: float, description: str) -> None:
    settings = TracingSettings(traces_sampler=name, traces_sampler_arg=arg)

    assert settings.sampler().get_description().startswith(description)


@pytest.mark.parametrize(
    "values",
    [{"traces_sampler": "sometimes"}, {"traces_sampler_arg": 1.5}, {"traces_sampler_arg": -0.1}],
)
def test_an_unknown_sampler_or_ratio_is_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        TracingSettings(**values)


def test_tracing_is_off_without_an_endpoint_and_spans_go_to_its_traces_path() -> None:
    assert not TracingSettings(exporter_otlp_endpoint=" ").enabled
    settings = TracingSettings(exporter_otlp_endpoint="http://jaeger:4318/")
    assert settings.enabled
    assert settings.traces_url == "http://jaeger:4318/v1/traces"
