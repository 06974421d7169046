"""Many writers, relay replicas and consumer replicas at once: once per group, in order."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import record_event
from shared.events.relay import Relay
from shared.events.runner import ConsumerRunner
from tests.events.support import (
    PRODUCER,
    ParcelMoved,
    effect_consumer,
    effects,
    effects_count_is,
    fast_settings,
    scalar,
    stream_event_ids,
    wait_for,
)

EVENTS = 1000
WRITERS = 4
PARCELS = 20
GROUPS = ("ledger", "audit")
MOVE = text("UPDATE parcels SET position = position + 1 WHERE id = :id RETURNING position")


async def _write(producer: AsyncEngine, writer: int, count: int) -> None:
    """Move random parcels; the row lock on the parcel orders its moves."""
    sessions = async_sessionmaker(producer)
    pick = random.Random(writer)
    for _ in range(count):
        parcel = f"parcel-{pick.randrange(PARCELS)}"
        async with sessions.begin() as session:
            position = await session.scalar(MOVE, {"id": parcel})
            await record_event(session, ParcelMoved(parcel_id=parcel, position=position))


async def test_events_from_concurrent_writers_are_consumed_once_per_group_in_aggregate_order(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    async with producer.begin() as connection:
        await connection.execute(text("CREATE TABLE parcels (id text PRIMARY KEY, position int)"))
        await connection.execute(
            text("INSERT INTO parcels SELECT 'parcel-' || n, 0 FROM generate_series(0, :n) n"),
            {"n": PARCELS - 1},
        )
    settings = fast_settings(relay_batch_size=50, read_count=50)
    # Two relay replicas, and two consumer replicas per group.
    relays = [Relay(PRODUCER, producer, redis, settings) for _ in range(2)]
    runners = [
        ConsumerRunner(
            effect_consumer(group, f"{group}-{replica}"),
            sessionmaker=sessions,
            redis=redis,
            settings=settings,
            name=f"{group}-{replica}",
        )
        for group in GROUPS
        for replica in range(2)
    ]
    for loop in (*relays, *runners):
        loop.start()
    try:
        await asyncio.gather(
            *(_write(producer, writer, EVENTS // WRITERS) for writer in range(WRITERS))
        )
        for group in GROUPS:
            await wait_for(
                effects_count_is(consumer_db, EVENTS, group), within=90, what=f"{group} to finish"
            )
    finally:
        await asyncio.gather(*(loop.stop(2) for loop in (*relays, *runners)))

    # Published once each: the relay replicas never both sent a row.
    published = await stream_event_ids(redis)
    assert len(published) == len(set(published)) == EVENTS
    assert await scalar(producer, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    for group in GROUPS:
        rows = await effects(consumer_db, group)
        assert len({row.event_id for row in rows}) == len(rows) == EVENTS
        positions: dict[str, list[int]] = defaultdict(list)
        for row in rows:  # in the order the group applied them
            positions[row.aggregate_id].append(row.position)
        assert sum(len(p) for p in positions.values()) == EVENTS
        for parcel, seen in positions.items():
            assert seen == list(range(1, len(seen) + 1)), parcel
    assert await scalar(consumer_db, "SELECT count(*) FROM processed_events") == EVENTS * 2
