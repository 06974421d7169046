"""Events between services: a transactional outbox, relayed to Redis Streams.

Producing: `record_event(session, event)` in the business transaction.
Consuming: a `Consumer` with handlers, listed in the service's definition.
See `relay.py`, `runner.py` and `delivery.py` for the delivery guarantees.
"""

from shared.events.base import Event, EventEnvelope
from shared.events.consumer import Consumer
from shared.events.outbox import record_event
from shared.events.runtime import run_events
from shared.events.settings import EventsSettings, events_settings

__all__ = [
    "Consumer",
    "Event",
    "EventEnvelope",
    "EventsSettings",
    "events_settings",
    "record_event",
    "run_events",
]
