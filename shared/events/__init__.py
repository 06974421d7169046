"""Events between services: a transactional outbox, relayed to Redis Streams."""

from shared.events.base import Event, EventEnvelope
from shared.events.outbox import record_event

__all__ = ["Event", "EventEnvelope", "record_event"]
