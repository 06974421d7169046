"""Consuming: duplicates, other types, leases and stopping, all in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import Consumer, EventEnvelope, EventsSettings
from shared.events.contracts import UserRegistered
from shared.events.relay import Relay
from shared.events.runner import ConsumerRunner
from shared.observability.request_id import request_id_var
from tests.events.support import (
    PRODUCER,
    STREAM,
    ParcelMoved,
    effect_consumer,
    effects,
    effects_count_is,
    fast_settings,
    insert_effect,
    is_set,
    metric,
    pending_count,
    pending_is,
    publish,
    wait_for,
)


@asynccontextmanager
async def running(
    consumer: Consumer,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    name: str,
    settings: EventsSettings | None = None,
    grace: float = 2.0,
) -> AsyncIterator[ConsumerRunner]:
    settings = settings or fast_settings()
    runner = ConsumerRunner(
        consumer, sessionmaker=sessions, redis=redis, settings=settings, name=name
    )
    runner.start()
    try:
        yield runner
    finally:
        await runner.stop(grace)


async def relay_all(producer: AsyncEngine, redis: Redis) -> None:
    await Relay(PRODUCER, producer, redis, fast_settings()).publish_batch()


def _envelope(event: ParcelMoved) -> EventEnvelope:
    return EventEnvelope(
        type=event.type,
        source=event.producer,
        aggregate_id=event.aggregate_id(),
        data=event.model_dump(mode="json"),
    )


async def _xadd(redis: Redis, envelope: EventEnvelope) -> None:
    await redis.xadd(
        STREAM,
        {"id": str(envelope.id), "type": envelope.type, "envelope": envelope.model_dump_json()},
    )


async def test_a_duplicate_delivery_is_applied_once(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    envelope = _envelope(ParcelMoved(parcel_id="p", position=1))
    later = _envelope(ParcelMoved(parcel_id="p", position=2))
    for message in (envelope, envelope, later):  # the relay published the first twice
        await _xadd(redis, message)
    duplicates = metric(
        "minishop_events_consumed_total", group="ledger", type="ParcelMoved", outcome="duplicate"
    )
    async with running(effect_consumer("ledger"), sessions, redis, "c1"):
        await wait_for(effects_count_is(consumer_db, 2), what="both events applied")
        await wait_for(pending_is(redis, "ledger", 0), what="every message acknowledged")
    assert [row.event_id for row in await effects(consumer_db)] == [envelope.id, later.id]
    assert (
        metric(
            "minishop_events_consumed_total",
            group="ledger",
            type="ParcelMoved",
            outcome="duplicate",
        )
        - duplicates
        == 1
    )


async def test_each_group_applies_every_event_and_ignores_types_it_has_no_handler_for(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    only_parcels = Consumer("parcels-only")

    @only_parcels.on(ParcelMoved)
    async def moved(event: ParcelMoved, envelope: EventEnvelope, session: AsyncSession) -> None:
        await insert_effect(session, "parcels-only", "", envelope.id, event.parcel_id, 0)

    await publish(producer, ParcelMoved(parcel_id="p", position=1))
    await relay_all(producer, redis)
    # An event type this group does not handle, on the same stream.
    await redis.xadd(STREAM, {"id": "x", "type": "ParcelLost", "envelope": "{}"})
    async with (
        running(only_parcels, sessions, redis, "a"),
        running(effect_consumer("ledger"), sessions, redis, "b"),
    ):
        await wait_for(effects_count_is(consumer_db, 2), what="one effect per group")
        await wait_for(pending_is(redis, "parcels-only", 0), what="acknowledgements")
        await wait_for(pending_is(redis, "ledger", 0), what="acknowledgements")
    assert sorted(row.grp for row in await effects(consumer_db)) == ["ledger", "parcels-only"]


async def test_the_handler_sees_the_request_id_of_the_request_that_caused_the_event(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    token = request_id_var.set("req-123")
    try:
        await publish(producer, ParcelMoved(parcel_id="p", position=1))
    finally:
        request_id_var.reset(token)
    await relay_all(producer, redis)
    async with running(effect_consumer("ledger"), sessions, redis, "c1"):
        await wait_for(effects_count_is(consumer_db, 1), what="the effect")
    assert (await effects(consumer_db))[0].request_id == "req-123"


async def test_one_reader_per_group_and_a_standby_takes_over_when_it_stops(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    # A long lease: the standby must get it because it was released, not expired.
    settings = fast_settings(lease_ttl_seconds=6, claim_min_idle_seconds=1)
    first = ConsumerRunner(
        effect_consumer("ledger", "first"),
        sessionmaker=sessions,
        redis=redis,
        settings=settings,
        name="first",
    )
    first.start()
    await wait_for(is_set(first.reading), what="the first reader")
    async with running(
        effect_consumer("ledger", "second"), sessions, redis, "second", settings
    ) as second:
        await publish(producer, ParcelMoved(parcel_id="p", position=1))
        await relay_all(producer, redis)
        await wait_for(effects_count_is(consumer_db, 1), what="the first event")
        assert not second.reading.is_set()
        await first.stop(2)
        assert await redis.get(settings.lease_key("ledger")) is None  # released, nothing pending
        await wait_for(is_set(second.reading), what="the standby to take over")
        await publish(producer, ParcelMoved(parcel_id="p", position=2))
        await relay_all(producer, redis)
        await wait_for(effects_count_is(consumer_db, 2), what="the second event")
    assert [row.handled_by for row in await effects(consumer_db)] == ["first", "second"]


async def test_stopping_finishes_the_message_in_hand(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    started = asyncio.Event()

    async def slow(_: ParcelMoved) -> None:
        started.set()
        await asyncio.sleep(0.3)

    await publish(producer, ParcelMoved(parcel_id="p", position=1))
    await relay_all(producer, redis)
    runner = ConsumerRunner(
        effect_consumer("ledger", before=slow),
        sessionmaker=sessions,
        redis=redis,
        settings=fast_settings(),
        name="c1",
    )
    runner.start()
    await asyncio.wait_for(started.wait(), 10)
    await runner.stop(grace_seconds=5)
    assert len(await effects(consumer_db)) == 1
    assert await pending_count(redis, "ledger") == 0


async def test_stopping_abandons_a_stuck_message_without_losing_it(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    settings = fast_settings()
    started, release = asyncio.Event(), asyncio.Event()

    async def stuck(_: ParcelMoved) -> None:
        started.set()
        await release.wait()

    await publish(producer, ParcelMoved(parcel_id="p", position=1))
    await relay_all(producer, redis)
    stuck_runner = ConsumerRunner(
        effect_consumer("ledger", before=stuck),
        sessionmaker=sessions,
        redis=redis,
        settings=settings,
        name="c1",
    )
    stuck_runner.start()
    await asyncio.wait_for(started.wait(), 10)
    await stuck_runner.stop(grace_seconds=0.2)
    # Rolled back and still pending; the lease is left to expire, so whoever
    # reads next reclaims it before anything newer.
    assert await effects(consumer_db) == []
    assert await pending_count(redis, "ledger") == 1
    assert await redis.get(settings.lease_key("ledger")) is not None
    async with running(effect_consumer("ledger"), sessions, redis, "c1", settings):
        await wait_for(effects_count_is(consumer_db, 1), what="the abandoned message applied")
        await wait_for(pending_is(redis, "ledger", 0), what="its acknowledgement")


async def test_a_consumer_creates_its_group_again_when_redis_loses_the_stream(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    async with running(effect_consumer("ledger"), sessions, redis, "c1") as runner:
        await wait_for(is_set(runner.reading), what="the reader")
        await redis.delete(STREAM)  # the group goes with it
        await _xadd(redis, _envelope(ParcelMoved(parcel_id="p", position=1)))
        await wait_for(effects_count_is(consumer_db, 1), what="the new message applied")


async def test_lag_and_pending_gauges_follow_the_group(
    sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    runner = ConsumerRunner(
        effect_consumer("ledger"), sessionmaker=sessions, redis=redis, settings=fast_settings()
    )
    await redis.xgroup_create(STREAM, "ledger", id="0", mkstream=True)
    await _xadd(redis, _envelope(ParcelMoved(parcel_id="p", position=1)))
    await asyncio.sleep(0.2)
    await runner.sample_metrics()
    assert metric("minishop_events_consumer_lag_seconds", group="ledger", stream=STREAM) >= 0.2
    await redis.xreadgroup("ledger", "someone", {STREAM: ">"})
    await runner.sample_metrics()
    assert metric("minishop_events_consumer_lag_seconds", group="ledger", stream=STREAM) == 0
    assert metric("minishop_events_consumer_pending", group="ledger", stream=STREAM) == 1


def test_a_consumer_takes_one_handler_per_event_class_with_a_producer() -> None:
    consumer = Consumer("ledger")

    @consumer.on(UserRegistered)
    async def first(event: UserRegistered, envelope: EventEnvelope, session: AsyncSession) -> None:
        return None

    with pytest.raises(ValueError, match="already handles UserRegistered"):
        consumer.on(UserRegistered)
    assert consumer.sources == ("accounts",)

    class Unaddressed(ParcelMoved):
        producer = None  # type: ignore[assignment]

    with pytest.raises(TypeError, match="producer"):
        consumer.on(Unaddressed)
    with pytest.raises(ValueError, match="lower-case"):
        Consumer("Not A Group")
