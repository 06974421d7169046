"""Failing handlers: retries, dead letters, and outages that are not the message's fault."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import EventEnvelope
from shared.events.delivery import PROCESSED
from shared.events.runner import ConsumerRunner
from tests.events.support import (
    STREAM,
    AlwaysFails,
    ParcelMoved,
    effect_consumer,
    effects,
    effects_count_is,
    fast_settings,
    metric,
    pending_is,
    stream_length_is,
    wait_for,
)

MAX_ATTEMPTS = 3


def _fields(event: ParcelMoved) -> dict[str, str]:
    envelope = EventEnvelope(
        type=event.type,
        source=event.producer,
        aggregate_id=event.aggregate_id(),
        data=event.model_dump(mode="json"),
    )
    return {"id": str(envelope.id), "type": envelope.type, "envelope": envelope.model_dump_json()}


def _runner(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    calls: list[int] | None = None,
    fail_with: type[Exception] = AlwaysFails,
    failures: int = 10**6,
    name: str = "c1",
    **settings: float,
) -> ConsumerRunner:
    """A `ledger` consumer whose handler fails on parcel "poison" `failures` times."""
    tries: list[int] = calls if calls is not None else []

    async def poison(event: ParcelMoved) -> None:
        if event.parcel_id == "poison":
            tries.append(event.position)
            if len(tries) <= failures:
                raise fail_with("this parcel cannot be moved")

    return ConsumerRunner(
        effect_consumer("ledger", before=poison),
        sessionmaker=sessions,
        redis=redis,
        settings=fast_settings(max_attempts=MAX_ATTEMPTS, **settings),
        name=name,
    )


async def test_a_handler_that_always_raises_is_dead_lettered_after_n_tries_and_later_messages_flow(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    dead_stream = fast_settings().dead_letter_stream("ledger")
    # given one read holding good messages on both sides of a poisonous one
    poison = _fields(ParcelMoved(parcel_id="poison", position=1))
    await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="p", position=1)))
    await redis.xadd(STREAM, poison)
    for position in (2, 3):
        await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="p", position=position)))
    failures_before = metric(
        "minishop_events_handler_failures_total", group="ledger", type="ParcelMoved"
    )
    dead_before = metric("minishop_events_dead_lettered_total", group="ledger", type="ParcelMoved")
    calls: list[int] = []
    runner = _runner(sessions, redis, calls)
    runner.start()
    try:
        await wait_for(effects_count_is(consumer_db, 3), what="the later messages applied")
        await wait_for(pending_is(redis, "ledger", 0), what="every message acknowledged")
    finally:
        await runner.stop(2)
    assert len(calls) == MAX_ATTEMPTS
    [(_, dead)] = await redis.xrange(dead_stream)
    assert dead["id"] == poison["id"] and dead["type"] == "ParcelMoved"
    assert dead["envelope"] == poison["envelope"]
    assert dead["attempts"] == str(MAX_ATTEMPTS)
    assert dead["error"] == "AlwaysFails: this parcel cannot be moved"
    assert "AlwaysFails" in dead["traceback"]
    assert dead["stream"] == STREAM and dead["group"] == "ledger"
    assert [row.position for row in await effects(consumer_db)] == [1, 2, 3]
    failures = metric("minishop_events_handler_failures_total", group="ledger", type="ParcelMoved")
    assert failures - failures_before == MAX_ATTEMPTS
    dead_after = metric("minishop_events_dead_lettered_total", group="ledger", type="ParcelMoved")
    assert dead_after - dead_before == 1


async def test_a_handler_that_fails_fewer_than_n_times_is_applied(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="poison", position=7)))
    runner = _runner(sessions, redis, failures=MAX_ATTEMPTS - 1)
    runner.start()
    try:
        await wait_for(effects_count_is(consumer_db, 1), what="the effect")
        await wait_for(pending_is(redis, "ledger", 0), what="the acknowledgement")
    finally:
        await runner.stop(2)
    assert await redis.xlen(fast_settings().dead_letter_stream("ledger")) == 0


async def test_an_undecodable_message_is_dead_lettered_at_once(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    dead_stream = fast_settings().dead_letter_stream("ledger")
    await redis.xadd(STREAM, {"id": str(uuid.uuid4()), "type": "ParcelMoved", "envelope": "{"})
    await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="p", position=1)))
    runner = _runner(sessions, redis)
    runner.start()
    try:
        await wait_for(effects_count_is(consumer_db, 1), what="the next message applied")
        await wait_for(stream_length_is(redis, 1, dead_stream), what="the dead letter")
    finally:
        await runner.stop(2)
    [(_, dead)] = await redis.xrange(dead_stream)
    assert dead["attempts"] == "1" and dead["error"].startswith("ValidationError")


async def test_database_or_redis_outages_are_retried_without_counting_attempts(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="poison", position=1)))
    calls: list[int] = []
    # More connection failures than the message has attempts.
    runner = _runner(
        sessions, redis, calls, fail_with=ConnectionRefusedError, failures=MAX_ATTEMPTS + 1
    )
    runner.start()
    try:
        await wait_for(effects_count_is(consumer_db, 1), what="the effect after the outage")
    finally:
        await runner.stop(2)
    assert len(calls) == MAX_ATTEMPTS + 2
    assert await redis.xlen(fast_settings().dead_letter_stream("ledger")) == 0


async def test_a_message_whose_consumers_keep_dying_is_dead_lettered_without_running_again(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    dead_stream = fast_settings().dead_letter_stream("ledger")
    await redis.xgroup_create(STREAM, "ledger", id="0", mkstream=True)
    message_id = await redis.xadd(STREAM, _fields(ParcelMoved(parcel_id="p", position=1)))
    # given MAX_ATTEMPTS deliveries that each ended with their consumer's death
    await redis.xreadgroup("ledger", "ghost", {STREAM: ">"})
    for _ in range(MAX_ATTEMPTS - 1):
        await redis.xclaim(STREAM, "ledger", "ghost", 0, [message_id])
    runner = _runner(sessions, redis, claim_min_idle_seconds=0)
    runner.start()
    try:
        await wait_for(stream_length_is(redis, 1, dead_stream), what="the dead letter")
        await wait_for(pending_is(redis, "ledger", 0), what="the acknowledgement")
    finally:
        await runner.stop(2)
    assert await effects(consumer_db) == []
    [(_, dead)] = await redis.xrange(dead_stream)
    assert dead["attempts"] == str(MAX_ATTEMPTS)
    assert "without being acknowledged" in dead["error"]


async def test_a_message_applied_but_never_acknowledged_is_not_dead_lettered(
    consumer_db: AsyncEngine, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    await redis.xgroup_create(STREAM, "ledger", id="0", mkstream=True)
    fields = _fields(ParcelMoved(parcel_id="p", position=1))
    message_id = await redis.xadd(STREAM, fields)
    # given an applied event whose acknowledgements kept failing, many times over
    async with sessions.begin() as session:
        await session.execute(
            insert(PROCESSED).values(consumer="ledger", event_id=uuid.UUID(fields["id"]))
        )
    await redis.xreadgroup("ledger", "ghost", {STREAM: ">"})
    for _ in range(MAX_ATTEMPTS):
        await redis.xclaim(STREAM, "ledger", "ghost", 0, [message_id])
    runner = _runner(sessions, redis, claim_min_idle_seconds=0)
    runner.start()
    try:
        await wait_for(pending_is(redis, "ledger", 0), what="the acknowledgement")
    finally:
        await runner.stop(2)
    assert await redis.xlen(fast_settings().dead_letter_stream("ledger")) == 0
    assert await effects(consumer_db) == []
