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

# Buckets by statement count: 1 is a batched read, tens an N+1 somewhere.
DB_STATEMENTS_PER_REQUEST = Histogram(
    "minishop_db_statements_per_request",
    "SQL statements one GraphQL or internal request ran (its tasks included)",
    ["service", "kind"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100),
)
# Bounded: the outcome is one of CHECKOUT_OUTCOMES, never an error message.
CHECKOUT_OUTCOMES = ("paid", "declined", "out_of_stock", "failed")
CHECKOUTS = Counter(
    "minishop_checkouts_total",
    "Checkouts that ran to an end, by outcome: paid, declined (the card was refused), "
    "out_of_stock, failed (anything else: payments or a peer unavailable, a bad token)",
    ["outcome"],
)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
