"""A relay or a consumer in a process of its own, which SIGKILLs itself at a
chosen point, so the crash tests kill it at exactly that point, not "probably
around then".

    python -m tests.events.child relay <producer-db-url> <redis-url>
        dies after XADD, before the rows are marked published
    python -m tests.events.child consume <consumer-db-url> <redis-url> before-commit|after-commit
        dies inside the handler's transaction, or after its commit and before XACK

Settings come from the MINISHOP_EVENTS_* environment. Exit code 3 means the
crash point was never reached.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from shared.db.engine import create_sessionmaker
from shared.events.delivery import DeliveryHandler
from shared.events.messages import Delivery
from shared.events.relay import Relay
from shared.events.runner import ConsumerRunner
from shared.events.settings import EventsSettings
from shared.redis import create_redis
from tests.events.support import PRODUCER, ParcelMoved, effect_consumer

NEVER_REACHED = 3
LIMIT_SECONDS = 30
CONSUMER_NAME = "doomed"


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class RelayDyingBeforeMarking(Relay):
    async def _mark_published(self, connection: AsyncConnection, seqs: list[int]) -> None:
        die()


class DeliveriesDyingBeforeAck(DeliveryHandler):
    async def acknowledge(self, deliveries: Sequence[Delivery]) -> None:
        die()


async def _die_in_transaction(_: ParcelMoved) -> None:
    # The effect and the processed_events rows are written, not committed.
    die()


async def relay(database_url: str, redis_url: str) -> None:
    engine = create_async_engine(database_url)
    RelayDyingBeforeMarking(PRODUCER, engine, create_redis(redis_url), EventsSettings()).start()
    await asyncio.sleep(LIMIT_SECONDS)


async def consume(database_url: str, redis_url: str, crash: str) -> None:
    redis = create_redis(redis_url)
    sessions = create_sessionmaker(create_async_engine(database_url))
    after = _die_in_transaction if crash == "before-commit" else None
    runner = ConsumerRunner(
        effect_consumer("ledger", CONSUMER_NAME, after=after),
        sessionmaker=sessions,
        redis=redis,
        settings=EventsSettings(),
        name=CONSUMER_NAME,
    )
    if crash == "after-commit":
        runner.deliveries = DeliveriesDyingBeforeAck(
            runner.consumer,
            sessionmaker=sessions,
            redis=redis,
            settings=runner.settings,
            consumer_name=CONSUMER_NAME,
            loop=runner,
            still_reader=lambda: runner.lease.held,
        )
    runner.start()
    await asyncio.sleep(LIMIT_SECONDS)


def main(argv: list[str]) -> int:
    role, *args = argv
    if role == "relay":
        asyncio.run(relay(*args))
    elif role == "consume":
        asyncio.run(consume(*args))
    else:
        raise SystemExit(f"unknown role {role!r}")
    return NEVER_REACHED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
