"""What a consumer handles: one stream message as delivered, decoded work, and how
each ends (`Outcome`); plus the line between a handler's bug and an outage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import redis.exceptions
import sqlalchemy.exc
from opentelemetry.context import Context

from shared.events.base import Event, EventEnvelope
from shared.events.consumer import Registration
from shared.observability.tracing import extract_context


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"
    LEFT_PENDING = "left_pending"


@dataclass(frozen=True, slots=True)
class Delivery:
    stream: str
    message_id: str
    # Empty when the entry was trimmed from the stream while pending.
    fields: dict[str, str]
    # How many times Redis has delivered it, this delivery included.
    attempts: int = 1

    @property
    def type(self) -> str:
        return self.fields.get("type", "")

    def log_extra(self) -> dict[str, str]:
        return {
            "event_id": self.fields.get("id", ""),
            "event_type": self.type,
            "stream": self.stream,
            "message_id": self.message_id,
        }


@dataclass(frozen=True, slots=True)
class Work:
    """A delivery decoded and matched with its handler."""

    delivery: Delivery
    registration: Registration
    event: Event
    envelope: EventEnvelope

    def producer_context(self) -> Context:
        """The trace context the producer recorded with the event (empty if none)."""
        return extract_context(self.envelope.trace)


class HandlerFailed(Exception):
    """A handler raised inside a batch; the batch transaction was rolled back."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"handler of item {index} failed: {error!r}")
        self.index = index
        self.error = error


def is_outage(error: BaseException) -> bool:
    """True for failures to reach Postgres or Redis, as opposed to handler bugs."""
    unreachable = (OSError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
    if isinstance(error, unreachable):
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sqlalchemy.exc.InterfaceError)
