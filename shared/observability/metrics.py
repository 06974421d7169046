"""Prometheus metrics, defined once per process and labelled by service."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

GRAPHQL_DURATION = Histogram(
    "minishop_graphql_operation_seconds",
    "GraphQL operation duration",
    ["service", "type", "operation"],
)
GRAPHQL_ERRORS = Counter(
    "minishop_graphql_errors_total",
    "GraphQL errors returned, by code",
    ["service", "operation", "code"],
)
DB_POOL_CHECKED_OUT = Gauge(
    "minishop_db_pool_checked_out",
    "Database connections in use",
    ["service"],
)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
