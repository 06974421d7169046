"""Processes SIGKILLed at the worst moments: the event still arrives, and is applied once.

Each test runs the relay or a consumer in a child process (`tests.events.child`)
that kills itself at a precise point, checks what the crash left behind, then
lets a healthy relay or consumer finish the job.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events import run_events
from shared.events.relay import Relay
from shared.events.runner import ConsumerRunner
from tests.events.child import CONSUMER_NAME
from tests.events.support import (
    PRODUCER,
    STREAM,
    ParcelMoved,
    effect_consumer,
    effects,
    effects_count_is,
    fast_settings,
    metric,
    pending_is,
    publish,
    scalar,
    stream_event_ids,
    stream_length_is,
    wait_for,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
# The child's settings: the same test-sized timings as fast_settings().
CHILD_ENV = {
    "MINISHOP_EVENTS_RELAY_POLL_SECONDS": "0.2",
    "MINISHOP_EVENTS_READ_BLOCK_MS": "100",
    "MINISHOP_EVENTS_LEASE_TTL_SECONDS": "1.5",
    "MINISHOP_EVENTS_CLAIM_MIN_IDLE_SECONDS": "0.5",
    "MINISHOP_EVENTS_CLAIM_INTERVAL_SECONDS": "0.3",
    "MINISHOP_LOG_LEVEL": "WARNING",
}


async def run_child(*args: str) -> tuple[int, str]:
    """Run `tests.events.child` to its end; returns its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.events.child",
        *args,
        cwd=REPO_ROOT,
        env={**os.environ, **CHILD_ENV},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


def _reclaimed() -> float:
    return metric("minishop_events_reclaimed_total", group="ledger", stream=STREAM)


async def _pending_on(redis: Redis, consumer: str) -> int:
    summary = await redis.xpending(STREAM, "ledger")
    return sum(c["pending"] for c in summary["consumers"] or [] if c["name"] == consumer)


async def test_relay_killed_between_xadd_and_marking_still_delivers_and_applies_once(
    producer_url: str,
    redis_url: str,
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    (envelope,) = await publish(producer, ParcelMoved(parcel_id="p", position=1))

    code, output = await run_child("relay", producer_url, redis_url)

    assert code == -signal.SIGKILL, output
    # The event is on the stream, but the outbox still has it as unpublished.
    assert await stream_event_ids(redis) == [str(envelope.id)]
    unpublished = "SELECT published_at IS NULL FROM outbox WHERE id = :i"
    assert await scalar(producer, unpublished, i=envelope.id) is True
    async with run_events(
        service=PRODUCER,
        engine=producer,
        redis=redis,
        consumers=[effect_consumer("ledger")],
        sessionmaker=sessions,
        settings=fast_settings(),
    ):
        await wait_for(stream_length_is(redis, 2), what="the event published again")
        await wait_for(effects_count_is(consumer_db, 1), what="the effect")
        await wait_for(pending_is(redis, "ledger", 0), what="both copies acknowledged")
    assert await stream_event_ids(redis) == [str(envelope.id)] * 2
    assert [row.event_id for row in await effects(consumer_db)] == [envelope.id]
    assert await scalar(producer, unpublished, i=envelope.id) is False


async def test_consumer_killed_after_commit_before_ack_is_reclaimed_and_applied_once(
    consumer_url: str,
    redis_url: str,
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    relay = Relay(PRODUCER, producer, redis, fast_settings())
    (first,) = await publish(producer, ParcelMoved(parcel_id="p", position=1))
    await relay.publish_batch()

    code, output = await run_child("consume", consumer_url, redis_url, "after-commit")

    assert code == -signal.SIGKILL, output
    # The effect is committed; the message is still pending on the dead consumer.
    assert [row.handled_by for row in await effects(consumer_db)] == [CONSUMER_NAME]
    assert await _pending_on(redis, CONSUMER_NAME) == 1
    reclaimed_before = _reclaimed()
    rescuer = ConsumerRunner(
        effect_consumer("ledger", "rescuer"),
        sessionmaker=sessions,
        redis=redis,
        settings=fast_settings(),
        name="rescuer",
    )
    rescuer.start()
    try:
        await wait_for(pending_is(redis, "ledger", 0), what="the reclaimed message acknowledged")
        (second,) = await publish(producer, ParcelMoved(parcel_id="p", position=2))
        await relay.publish_batch()
        await wait_for(effects_count_is(consumer_db, 2), what="a later event")
    finally:
        await rescuer.stop(2)
    rows = await effects(consumer_db)
    assert [(row.event_id, row.handled_by) for row in rows] == [
        (first.id, CONSUMER_NAME),
        (second.id, "rescuer"),
    ]
    assert _reclaimed() - reclaimed_before == 1


async def test_consumer_killed_before_commit_gets_the_message_again_and_applies_once(
    consumer_url: str,
    redis_url: str,
    producer: AsyncEngine,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
) -> None:
    (envelope,) = await publish(producer, ParcelMoved(parcel_id="p", position=1))
    await Relay(PRODUCER, producer, redis, fast_settings()).publish_batch()

    code, output = await run_child("consume", consumer_url, redis_url, "before-commit")

    assert code == -signal.SIGKILL, output
    # Nothing committed: neither the effect nor the processed-event record.
    assert await effects(consumer_db) == []
    assert await scalar(consumer_db, "SELECT count(*) FROM processed_events") == 0
    assert await _pending_on(redis, CONSUMER_NAME) == 1
    reclaimed_before = _reclaimed()
    # Restarted under the same name, it drains its own pending entry first.
    restarted = ConsumerRunner(
        effect_consumer("ledger", "restarted"),
        sessionmaker=sessions,
        redis=redis,
        settings=fast_settings(),
        name=CONSUMER_NAME,
    )
    restarted.start()
    try:
        await wait_for(effects_count_is(consumer_db, 1), what="the redelivered message applied")
        await wait_for(pending_is(redis, "ledger", 0), what="its acknowledgement")
    finally:
        await restarted.stop(2)
    rows = await effects(consumer_db)
    assert [(row.event_id, row.handled_by) for row in rows] == [(envelope.id, "restarted")]
    assert _reclaimed() == reclaimed_before  # its own entry: drained, not reclaimed
