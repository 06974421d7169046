"""Run a service's relay and consumers for as long as a context is open.

Used by the app factory (in-process, the default) and by `minishop worker`:

    async with run_events(service="accounts", engine=engine, redis=redis,
                          consumers=[consumer]):
        ...  # serve requests, or wait for SIGTERM
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared.db.engine import create_sessionmaker
from shared.events.consumer import Consumer
from shared.events.relay import Relay
from shared.events.runner import ConsumerRunner
from shared.events.settings import EventsSettings, events_settings

# A batch is a few small statements; a stuck one should fail and be retried.
RELAY_STATEMENT_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class EventsRuntime:
    relay: Relay | None
    consumers: tuple[ConsumerRunner, ...]


@asynccontextmanager
async def run_events(
    *,
    service: str,
    engine: AsyncEngine | None,
    redis: Redis,
    consumers: Sequence[Consumer] = (),
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    settings: EventsSettings | None = None,
) -> AsyncIterator[EventsRuntime]:
    """Start the outbox relay of `service`'s database and one runner per consumer.

    Without an engine (a service with no database) there is no outbox to relay:
    only its consumers run, and they must deduplicate by themselves.

    On exit each is stopped: the relay finishes its batch, each consumer the
    message in hand, within `shutdown_grace_seconds`; then they are cancelled.
    """
    settings = settings or events_settings()
    if sessionmaker is None and engine is not None:
        sessionmaker = create_sessionmaker(engine)
    relay_engine = _relay_engine(service, engine) if engine is not None else None
    runtime = EventsRuntime(
        relay=Relay(service, relay_engine, redis, settings) if relay_engine else None,
        consumers=tuple(
            ConsumerRunner(consumer, sessionmaker=sessionmaker, redis=redis, settings=settings)
            for consumer in consumers
        ),
    )
    loops = [*([runtime.relay] if runtime.relay else []), *runtime.consumers]
    for loop in loops:
        loop.start()
    try:
        yield runtime
    finally:
        await asyncio.gather(*(loop.stop(settings.shutdown_grace_seconds) for loop in loops))
        if relay_engine is not None:
            await relay_engine.dispose()


def _relay_engine(service: str, engine: AsyncEngine) -> AsyncEngine:
    """The relay gets connections of its own: it never waits for (or holds) one
    of the request pool, and its statements stay out of the service's engine."""
    return create_async_engine(
        engine.url,
        pool_size=1,
        max_overflow=1,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "application_name": f"minishop-{service}-relay",
                "statement_timeout": str(RELAY_STATEMENT_TIMEOUT_MS),
            }
        },
    )
