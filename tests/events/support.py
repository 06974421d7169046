"""Test events, a consumer whose effect is countable, and waiting helpers.

The effect of every test handler is one `applied_effects` row per handling,
with no unique key: a handler that ran twice for one event shows up as two
rows, so "applied once" is checked by counting rows.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import Consumer, Event, EventEnvelope, EventsSettings, record_event
from shared.events.contracts import UserRegistered
from shared.observability.request_id import current_request_id

PRODUCER = "depot"
STREAM = EventsSettings().stream(PRODUCER)

EFFECTS_DDL = """
CREATE TABLE applied_effects (
    id bigserial PRIMARY KEY,
    grp text NOT NULL,
    handled_by text NOT NULL,
    event_id uuid NOT NULL,
    aggregate_id text NOT NULL,
    position int NOT NULL,
    request_id text
)
"""


class ParcelMoved(Event):
    type: ClassVar[str] = "ParcelMoved"
    producer: ClassVar[str] = PRODUCER
    parcel_id: str
    position: int

    def aggregate_id(self) -> str:
        return self.parcel_id


class AlwaysFails(RuntimeError):
    pass


def fast_settings(**overrides: Any) -> EventsSettings:
    """Settings with test-sized timings (a lease of 1.5 s, polls of 0.2 s)."""
    values: dict[str, Any] = {
        "relay_poll_seconds": 0.2,
        "read_block_ms": 100,
        "lease_ttl_seconds": 1.5,
        "claim_min_idle_seconds": 0.5,
        "claim_interval_seconds": 0.3,
        "retry_delay_seconds": 0.01,
        "shutdown_grace_seconds": 2.0,
        "metrics_interval_seconds": 0.5,
        **overrides,
    }
    return EventsSettings(**values)


async def insert_effect(
    session: AsyncSession,
    group: str,
    handled_by: str,
    event_id: uuid.UUID,
    aggregate: str,
    position: int,
) -> None:
    await session.execute(
        text(
            "INSERT INTO applied_effects (grp, handled_by, event_id, aggregate_id, position,"
            " request_id) VALUES (:g, :h, :e, :a, :p, :r)"
        ),
        {
            "g": group,
            "h": handled_by,
            "e": event_id,
            "a": aggregate,
            "p": position,
            "r": current_request_id(),
        },
    )


Hook = Callable[[ParcelMoved], Awaitable[None]]


def effect_consumer(
    group: str, handled_by: str = "", before: Hook | None = None, after: Hook | None = None
) -> Consumer:
    """A consumer recording each ParcelMoved / UserRegistered it handles.

    `before` and `after` run inside the handler's transaction, around the
    effect's insert: tests use them to fail, block or die there.
    """
    consumer = Consumer(group)

    @consumer.on(ParcelMoved)
    async def parcel_moved(
        event: ParcelMoved, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        if before is not None:
            await before(event)
        await insert_effect(
            session, group, handled_by, envelope.id, event.parcel_id, event.position
        )
        if after is not None:
            await after(event)

    @consumer.on(UserRegistered)
    async def user_registered(
        event: UserRegistered, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await insert_effect(session, group, handled_by, envelope.id, event.email, 0)

    return consumer


async def publish(engine: AsyncEngine, *events: Event) -> list[EventEnvelope]:
    """Record each event in its own committed transaction."""
    sessions = async_sessionmaker(engine)
    envelopes = []
    for event in events:
        async with sessions.begin() as session:
            envelopes.append(await record_event(session, event))
    return envelopes


async def effects(engine: AsyncEngine, group: str | None = None) -> list[Row[Any]]:
    query = "SELECT * FROM applied_effects"
    if group is not None:
        query += " WHERE grp = :g"
    async with engine.connect() as connection:
        return list((await connection.execute(text(query + " ORDER BY id"), {"g": group})).all())


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.scalar(text(sql), params)


async def stream_event_ids(redis: Redis, stream: str = STREAM) -> list[str]:
    return [fields["id"] for _, fields in await redis.xrange(stream)]


async def pending_count(redis: Redis, group: str, stream: str = STREAM) -> int:
    summary = await redis.xpending(stream, group)
    return int(summary["pending"])


Check = Callable[[], Awaitable[bool]]


def effects_count_is(engine: AsyncEngine, count: int, group: str | None = None) -> Check:
    async def check() -> bool:
        return len(await effects(engine, group)) == count

    return check


def pending_is(redis: Redis, group: str, count: int, stream: str = STREAM) -> Check:
    async def check() -> bool:
        return await pending_count(redis, group, stream) == count

    return check


def stream_length_is(redis: Redis, length: int, stream: str = STREAM) -> Check:
    async def check() -> bool:
        return await redis.xlen(stream) == length

    return check


def is_set(flag: asyncio.Event) -> Check:
    async def check() -> bool:
        return flag.is_set()

    return check


async def wait_for(check: Check, within: float = 10.0, what: str = "condition") -> None:
    """Poll `check` until true; fail the test after `within` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0
