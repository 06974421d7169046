"""Tracing under test: the SDK's in-memory exporter, installed for one test and removed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.observability.tracing import TracingSettings, flush, setup_tracing, shutdown_tracing
from shared.services import service
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service


class Spans:
    """What the process exported so far (flushed first)."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    def all(self) -> list[ReadableSpan]:
        assert flush()
        return list(self._exporter.get_finished_spans())

    def of_trace(self, trace_id: int) -> list[ReadableSpan]:
        return [span for span in self.all() if span.context.trace_id == trace_id]


@pytest.fixture
def spans() -> Iterator[Spans]:
    exporter = InMemorySpanExporter()
    settings = TracingSettings(traces_sampler="parentbased_always_on")
    assert setup_tracing("catalog", settings, exporter=exporter)
    try:
        yield Spans(exporter)
    finally:
        shutdown_tracing()


@pytest.fixture
async def catalog_url(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create(service("catalog"))
    yield url
    await databases.drop(url)


@pytest.fixture
async def traced_catalog(
    spans: Spans, catalog_url: str, redis_url: str
) -> AsyncIterator[RunningService]:
    async with running_service(
        service("catalog"),
        database_url=catalog_url,
        redis_url=redis_url,
        env={"MINISHOP_EVENTS_IN_PROCESS": "false"},
    ) as running:
        yield running


@pytest.fixture
async def untraced_catalog(catalog_url: str, redis_url: str) -> AsyncIterator[RunningService]:
    async with running_service(
        service("catalog"),
        database_url=catalog_url,
        redis_url=redis_url,
        env={"MINISHOP_EVENTS_IN_PROCESS": "false", "OTEL_EXPORTER_OTLP_ENDPOINT": ""},
    ) as running:
        yield running
