"""Prometheus metrics of event delivery, served by each process's `/metrics`.

Relay series are labelled by the service whose outbox they drain; consumer
series by consumer group (the consuming service) and event type or stream.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

OUTBOX_BACKLOG = Gauge(
    "minishop_events_outbox_backlog",
    "Outbox rows committed but not yet published",
    ["service"],
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "minishop_events_outbox_oldest_unpublished_seconds",
    "Age of the oldest unpublished outbox row (0 when none)",
    ["service"],
)
PUBLISHED = Counter(
    "minishop_events_published_total",
    "Events appended to a stream by the relay",
    ["service", "type"],
)
RELAY_ERRORS = Counter(
    "minishop_events_relay_errors_total",
    "Relay batches that failed (retried on the next wake-up)",
    ["service"],
)
CONSUMED = Counter(
    "minishop_events_consumed_total",
    "Messages a consumer group finished with, by outcome: applied (handler ran and "
    "committed), duplicate (already applied), ignored (no handler for the type), "
    "dead_lettered",
    ["group", "type", "outcome"],
)
HANDLER_FAILURES = Counter(
    "minishop_events_handler_failures_total",
    "Handler runs that raised (each retry counts)",
    ["group", "type"],
)
DEAD_LETTERED = Counter(
    "minishop_events_dead_lettered_total",
    "Messages moved to the group's dead-letter stream",
    ["group", "type"],
)
RECLAIMED = Counter(
    "minishop_events_reclaimed_total",
    "Pending messages taken over from another consumer of the group",
    ["group", "stream"],
)
HANDLE_LATENCY = Histogram(
    "minishop_events_handle_latency_seconds",
    "From the event's occurredAt to its handler's commit",
    ["group", "type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
CONSUMER_LAG_SECONDS = Gauge(
    "minishop_events_consumer_lag_seconds",
    "Age of the oldest message the group has not read yet (0 when caught up)",
    ["group", "stream"],
)
CONSUMER_PENDING = Gauge(
    "minishop_events_consumer_pending",
    "Messages read by the group but not yet acknowledged",
    ["group", "stream"],
)
