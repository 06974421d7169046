"""Recording and relaying: rollback, wake-up on commit, LISTEN loss, pruning, backlog."""

from __future__ import annotations

import time
import uuid

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import record_event, run_events
from shared.events.contracts import UserRegistered
from shared.events.relay import RELAY_LOCK, Relay
from tests.events.support import (
    PRODUCER,
    STREAM,
    ParcelMoved,
    effect_consumer,
    effects,
    fast_settings,
    is_set,
    metric,
    publish,
    scalar,
    stream_event_ids,
    stream_length_is,
    wait_for,
)


class Abort(Exception):
    pass


async def test_rolled_back_transaction_publishes_nothing(
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    settings = fast_settings()
    async with run_events(
        service=PRODUCER,
        engine=producer,
        redis=redis,
        settings=settings,
        consumers=[effect_consumer("ledger")],
        sessionmaker=sessions,
    ):
        # given a transaction that records an event, then fails
        with pytest.raises(Abort):
            async with async_sessionmaker(producer).begin() as session:
                lost = await record_event(session, ParcelMoved(parcel_id="p1", position=1))
                raise Abort
        # when a later transaction commits its event
        (kept,) = await publish(producer, ParcelMoved(parcel_id="p1", position=2))

        async def kept_is_applied() -> bool:
            return len(await effects(consumer_db)) == 1

        await wait_for(kept_is_applied, what="the committed event's effect")
    # then the rolled-back event is in no table and on no stream
    assert [row.event_id for row in await effects(consumer_db)] == [kept.id]
    assert await scalar(producer, "SELECT count(*) FROM outbox WHERE id = :i", i=lost.id) == 0
    assert await stream_event_ids(redis) == [str(kept.id)]


async def test_record_event_refuses_a_source_that_is_not_the_producer(
    producer: AsyncEngine,
) -> None:
    async with async_sessionmaker(producer)() as session:
        with pytest.raises(ValueError, match="published by 'depot'"):
            await record_event(session, ParcelMoved(parcel_id="p", position=1), source="orders")


async def test_relay_wakes_on_commit_without_waiting_for_its_poll(
    producer: AsyncEngine, redis: Redis
) -> None:
    relay = Relay(PRODUCER, producer, redis, fast_settings(relay_poll_seconds=60))
    relay.start()
    try:
        await wait_for(is_set(relay.listening), what="LISTEN")
        await wait_for(stream_length_is(redis, 0), what="the first, idle round")
        started = time.monotonic()
        await publish(producer, ParcelMoved(parcel_id="p", position=1))
        await wait_for(stream_length_is(redis, 1), within=5, what="the event on the stream")
        # A 60 s poll cannot be what woke it.
        assert time.monotonic() - started < 5
    finally:
        await relay.stop(2)


async def test_relay_catches_up_after_its_listen_connection_is_killed(
    producer: AsyncEngine, redis: Redis
) -> None:
    relay = Relay(PRODUCER, producer, redis, fast_settings(relay_poll_seconds=0.3))
    relay.start()
    try:
        await wait_for(is_set(relay.listening), what="LISTEN")
        killed = await scalar(
            producer,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = :name AND datname = current_database()",
            name=f"minishop-{PRODUCER}-relay",
        )
        assert killed == 1
        await publish(producer, ParcelMoved(parcel_id="p", position=1))
        await wait_for(stream_length_is(redis, 1), what="the event on the stream")
        await wait_for(is_set(relay.listening), what="LISTEN again")
    finally:
        await relay.stop(2)


async def test_prune_deletes_only_rows_published_before_the_retention(
    producer: AsyncEngine, redis: Redis
) -> None:
    relay = Relay(PRODUCER, producer, redis, fast_settings(outbox_retention_seconds=3600))
    old, recent = await publish(
        producer, ParcelMoved(parcel_id="p", position=1), ParcelMoved(parcel_id="p", position=2)
    )
    assert await relay.publish_batch() == 2
    (unpublished,) = await publish(producer, ParcelMoved(parcel_id="p", position=3))
    async with producer.begin() as connection:
        await connection.execute(
            text("UPDATE outbox SET published_at = now() - interval '2 hours' WHERE id = :i"),
            {"i": old.id},
        )
    assert await relay.prune() == 1
    async with producer.connect() as connection:
        left = (await connection.execute(text("SELECT id FROM outbox ORDER BY seq"))).scalars()
        assert list(left) == [recent.id, unpublished.id]


async def test_backlog_gauge_counts_unpublished_rows_and_publishing_counts_by_type(
    producer: AsyncEngine, redis: Redis
) -> None:
    relay = Relay(PRODUCER, producer, redis, fast_settings(relay_batch_size=2))
    await publish(
        producer,
        *(ParcelMoved(parcel_id="p", position=i) for i in range(3)),
        UserRegistered(user_id=uuid.uuid4(), email="a@example.com", name="A"),
    )
    published_before = metric(
        "minishop_events_published_total", service=PRODUCER, type="ParcelMoved"
    )
    assert await relay.sample_backlog() == 4
    assert metric("minishop_events_outbox_backlog", service=PRODUCER) == 4
    # Batches of 2, oldest first: the ParcelMoved rows go before UserRegistered.
    assert await relay.publish_batch() == 2
    assert await relay.publish_batch() == 2
    assert await relay.publish_batch() == 0
    assert await relay.sample_backlog() == 0
    after = metric("minishop_events_published_total", service=PRODUCER, type="ParcelMoved")
    assert after - published_before == 3
    # Each event goes to its producer's stream.
    assert len(await stream_event_ids(redis)) == 3
    assert len(await stream_event_ids(redis, fast_settings().stream("accounts"))) == 1


async def test_a_replica_without_the_relay_lock_publishes_nothing(
    producer: AsyncEngine, redis: Redis
) -> None:
    await publish(producer, ParcelMoved(parcel_id="p", position=1))
    relay = Relay(PRODUCER, producer, redis, fast_settings())
    async with producer.begin() as connection:
        # given another replica in the middle of a batch
        lock = text("SELECT pg_advisory_xact_lock(hashtext(:n))")
        await connection.execute(lock, {"n": RELAY_LOCK})
        assert await relay.publish_batch() == 0
        assert await stream_event_ids(redis, STREAM) == []
    assert await relay.publish_batch() == 1
