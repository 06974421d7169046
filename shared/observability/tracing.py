"""Traces: OpenTelemetry set up once per process from the standard OTEL_* variables.

    OTEL_EXPORTER_OTLP_ENDPOINT   where spans go over OTLP/HTTP (http://jaeger:4318);
                                  unset or empty: nothing is set up, traced or exported
    OTEL_TRACES_SAMPLER           always_on, always_off, traceidratio, parentbased_always_on,
                                  parentbased_always_off or parentbased_traceidratio (default)
    OTEL_TRACES_SAMPLER_ARG       the ratio of the *traceidratio samplers (default 1.0)
    OTEL_SERVICE_NAME             overrides the service name (default: the subgraph's)

Without an endpoint the instrumentations are never installed: the engine,
Redis client and ASGI app run exactly as they would without OpenTelemetry,
and `tracing_enabled()` lets the few hand-made spans skip even the no-op API.
The parent-based default follows the gateway's decision, so a trace is
either whole or absent.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger("minishop.tracing")

TRACER_NAME = "minishop"
SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
# The request id every log line carries, recorded on spans under this name.
REQUEST_ID_ATTRIBUTE = "minishop.request_id"


class TracingSettings(BaseSettings):
    """The OpenTelemetry SDK's own variable names, so every tool reads the same ones."""

    model_config = SettingsConfigDict(env_prefix="OTEL_", extra="ignore")

    exporter_otlp_endpoint: str = ""
    traces_sampler: str = "parentbased_traceidratio"
    traces_sampler_arg: float = Field(default=1.0, ge=0.0, le=1.0)
    service_name: str = ""

    @field_validator("traces_sampler")
    @classmethod
    def _known_sampler(cls, value: str) -> str:
        name = value.strip().lower()
        if name not in SAMPLERS:
            raise ValueError(f"OTEL_TRACES_SAMPLER must be one of {', '.join(SAMPLERS)}")
        return name

    @property
    def enabled(self) -> bool:
        return bool(self.exporter_otlp_endpoint.strip())

    @property
    def traces_url(self) -> str:
        return self.exporter_otlp_endpoint.strip().rstrip("/") + "/v1/traces"

    def sampler(self) -> Sampler:
        name = self.traces_sampler
        root: Sampler
        if name.endswith("always_on"):
            root = ALWAYS_ON
        elif name.endswith("always_off"):
            root = ALWAYS_OFF
        else:
            root = TraceIdRatioBased(self.traces_sampler_arg)
        return ParentBased(root) if name.startswith("parentbased_") else root


@dataclass
class _State:
    provider: TracerProvider | None = None
    service: str | None = None
    # Made once: `get_tracer` builds and compares an instrumentation scope on
    # every call (0.6 % of a traced catalog's CPU when called per operation).
    tracer: trace.Tracer | None = None


_state = _State()


def tracing_enabled() -> bool:
    """True once `setup_tracing` installed a provider in this process."""
    return _state.provider is not None


def setup_tracing(
    service: str,
    settings: TracingSettings | None = None,
    *,
    exporter: SpanExporter | None = None,
) -> bool:
    """Install the tracer provider for `service`; False (and nothing done) without
    an endpoint. Once per process: later calls keep the first service's provider.

    `exporter` replaces the OTLP one and keeps the provider out of the global
    API, so that `shutdown_tracing` can take it away again (tests).
    """
    if _state.provider is not None:
        return True
    settings = settings or TracingSettings()
    if not settings.enabled and exporter is None:
        return False
    name = settings.service_name or service
    provider = TracerProvider(
        resource=Resource.create({"service.name": name, "service.namespace": "minishop"}),
        sampler=settings.sampler(),
    )
    if exporter is None:
        # Imported here: the exporter pulls in requests and protobuf, which a
        # process without tracing never needs.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.traces_url)
        trace.set_tracer_provider(provider)
        # Spans still queued are sent when the process ends normally.
        atexit.register(provider.shutdown)
        logger.info(
            "tracing to %s (sampler %s, ratio %s)",
            settings.traces_url,
            settings.traces_sampler,
            settings.traces_sampler_arg,
        )
    provider.add_span_processor(BatchSpanProcessor(exporter))
    _state.provider, _state.service = provider, name
    _state.tracer = provider.get_tracer(TRACER_NAME)
    _instrument_outgoing_http(provider)
    return True


def shutdown_tracing() -> None:
    """Flush and remove the provider `setup_tracing(exporter=...)` installed."""
    provider = _state.provider
    if provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().uninstrument()
    _state.provider = _state.service = _state.tracer = None
    provider.shutdown()


def _instrument_outgoing_http(provider: TracerProvider) -> None:
    """Every httpx call (internal calls, the card processor, JWKS) gets a client
    span and carries `traceparent` to the next service."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def tracer_provider() -> TracerProvider | None:
    return _state.provider


def tracer() -> trace.Tracer:
    return _state.tracer or trace.get_tracer(TRACER_NAME)


def inject_context(carrier: dict[str, str]) -> None:
    """Write the current W3C trace context (`traceparent`, `tracestate`) into `carrier`."""
    if tracing_enabled():
        propagate.inject(carrier)


def extract_context(carrier: dict[str, str]) -> Context:
    """The trace context a producer wrote with `inject_context`."""
    return propagate.extract(carrier)


def flush(timeout_millis: int = 5000) -> bool:
    """Export whatever is queued now (tests, and a worker before it exits)."""
    if _state.provider is None:
        return True
    return _state.provider.force_flush(timeout_millis)


def current_trace_ids() -> tuple[str, str] | None:
    """The current span's (trace id, span id) in hex, or None outside a span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def set_request_id(span: Any, request_id: str | None) -> None:
    if request_id and span.is_recording():
        span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)
