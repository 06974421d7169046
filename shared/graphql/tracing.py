"""One span per GraphQL operation, never one per field.

A synchronous `on_operation` hook only: Strawberry turns every field into a
coroutine as soon as an extension has an `async` `resolve()` (measured 3.6 times
slower), and a span per field would dwarf the work of most. The I/O under an
operation (SQL, Redis, internal calls) has spans of its own from the
instrumentations. Without a tracer provider (no OTLP endpoint) the hook
returns at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from opentelemetry.trace import SpanKind, Status, StatusCode
from strawberry.extensions import SchemaExtension

from shared.observability.request_id import current_request_id
from shared.observability.tracing import set_request_id, tracer, tracing_enabled


class OperationTracing(SchemaExtension):
    """`query ProductPage`-named spans with the operation's name, type and errors."""

    def on_operation(self) -> Iterator[None]:
        if not tracing_enabled():
            yield
            return
        with tracer().start_as_current_span(
            "graphql.operation", kind=SpanKind.INTERNAL, record_exception=False
        ) as span:
            set_request_id(span, current_request_id())
            yield
            if not span.is_recording():
                return
            context = self.execution_context
            name = context.operation_name or "anonymous"
            try:
                kind = context.operation_type.value
            except RuntimeError:  # the document did not parse
                kind = "invalid"
            span.update_name(f"{kind} {name}")
            span.set_attribute("graphql.operation.name", name)
            span.set_attribute("graphql.operation.type", kind)
            errors = getattr(context.result, "errors", None) or ()
            if errors:
                codes = sorted({str((e.extensions or {}).get("code", "UNKNOWN")) for e in errors})
                span.set_attribute("graphql.error.codes", codes)
                span.set_status(Status(StatusCode.ERROR, codes[0]))
