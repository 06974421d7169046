"""Schema extensions every subgraph runs."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from shared.graphql.errors import ErrorCode
from shared.observability.metrics import GRAPHQL_DURATION, GRAPHQL_ERRORS


class RejectInvalidToken(SchemaExtension):
    """A request with a bad token fails as UNAUTHENTICATED, never runs as anonymous."""

    def on_execute(self) -> Iterator[None]:
        auth_error = getattr(self.execution_context.context, "auth_error", None)
        if auth_error:
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(auth_error, extensions={"code": ErrorCode.UNAUTHENTICATED.value})
                ],
            )
        yield


class OperationMetrics(SchemaExtension):
    """Prometheus duration and error counts per operation name and type."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = context.operation_name or "anonymous"
        try:
            kind = context.operation_type.value
        except RuntimeError:  # the document did not parse
            kind = "invalid"
        service = getattr(context.context, "services", {}).get("name", "unknown")
        GRAPHQL_DURATION.labels(service, kind, name).observe(time.perf_counter() - started)
        result = context.result
        for error in getattr(result, "errors", None) or ():
            code = (error.extensions or {}).get("code", "UNKNOWN")
            GRAPHQL_ERRORS.labels(service, name, code).inc()
