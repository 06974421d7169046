"""JSON logs, one object per line, each carrying the service and the request id,
and `trace_id`/`span_id` when the line is written inside a span."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from shared.observability.request_id import current_request_id
from shared.observability.tracing import current_trace_ids


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = current_request_id()
        # Only then: a line outside any span has no trace fields at all.
        ids = current_trace_ids()
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger (uvicorn's included) to one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        _route_to_root(logging.getLogger(name))
    # Uvicorn writes an access line per request while `uvicorn.access` has any
    # handler, its ancestors' included: routed to root unconditionally, it
    # would ignore `--no-access-log` (and cost every request a JSON line).
    # Uvicorn has set the logger up by now; its own handler means "on".
    access = logging.getLogger("uvicorn.access")
    if access.handlers:
        _route_to_root(access)
    else:
        access.propagate = False


def _route_to_root(logger: logging.Logger) -> None:
    logger.handlers.clear()
    logger.propagate = True
