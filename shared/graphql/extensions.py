"""Schema extensions every subgraph runs."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from shared.graphql.errors import ErrorCode
from shared.observability.metrics import GRAPHQL_DURATION, GRAPHQL_ERRORS

# Every label value is a time series kept for the life of the process: the
# operation name comes from the client, so only a bounded set becomes labels.
MAX_OPERATION_LABELS = 200
OTHER_OPERATION = "other"
ANONYMOUS_OPERATION = "anonymous"
_OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "schema" / "operations"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_DECLARED = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def declared_operations(folder: Path = _OPERATIONS_DIR) -> frozenset[str]:
    """The operation names of the checked-in documents (`schema/operations/`), if any."""
    if not folder.is_dir():
        return frozenset()
    names: set[str] = set()
    for document in folder.rglob("*.graphql"):
        names.update(_DECLARED.findall(document.read_text(encoding="utf-8")))
    return frozenset(names)


class OperationLabels:
    """Maps a client's operation name to a label from a bounded set.

    Known operations always keep their name; other names are admitted as they
    are first seen, up to `cap`; the rest share `other`.
    """

    def __init__(self, known: Iterable[str] = (), cap: int = MAX_OPERATION_LABELS) -> None:
        self._known = frozenset(known)
        self._cap = cap
        self._admitted: set[str] = set()

    def label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS_OPERATION
        if name in self._known or name in self._admitted:
            return name
        if len(self._admitted) < self._cap and _NAME.match(name):
            self._admitted.add(name)
            return name
        return OTHER_OPERATION


OPERATION_LABELS = OperationLabels(declared_operations())


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
        name = OPERATION_LABELS.label(context.operation_name)
        try:
            kind = context.operation_type.value
        except RuntimeError:  # the document did not parse
            kind = "invalid"
        service = getattr(context.context, "service_name", None) or "unknown"
        GRAPHQL_DURATION.labels(service, kind, name).observe(time.perf_counter() - started)
        result = context.result
        for error in getattr(result, "errors", None) or ():
            code = (error.extensions or {}).get("code", "UNKNOWN")
            GRAPHQL_ERRORS.labels(service, name, code).inc()
