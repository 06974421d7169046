"""The notifications consumer in a process of its own, which SIGKILLs itself
part-way through its work, so the crash test kills it at a known point.

    python -m tests.subgraphs.notifications.child <db-url> <redis-url> mid-batch <n>
        dies in the n-th handler call, inside its batch's transaction
    python -m tests.subgraphs.notifications.child <db-url> <redis-url> before-ack <n>
        dies at the n-th acknowledgement: that batch is committed, not acknowledged

Settings come from the MINISHOP_EVENTS_* environment. Exit code 3 means the
crash point was never reached.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shared.db.engine import create_sessionmaker
from shared.events.delivery import Delivery, DeliveryHandler, Work
from shared.events.runner import ConsumerRunner
from shared.events.settings import EventsSettings
from shared.redis import create_redis
from subgraphs.notifications.events import notifications_consumer
from subgraphs.notifications.service.recording import MessageRecorder
from subgraphs.notifications.service.rendering import Renderer

NEVER_REACHED = 3
LIMIT_SECONDS = 30
CONSUMER_NAME = "doomed"


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class DyingDeliveries(DeliveryHandler):
    def __init__(self, *args: object, crash: str, at: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._crash = crash
        self._left = at

    def _count_down(self) -> None:
        self._left -= 1
        if self._left == 0:
            die()

    async def _call_handler(self, session: AsyncSession | None, item: Work) -> bool | None:
        if self._crash == "mid-batch":
            self._count_down()
        return await super()._call_handler(session, item)

    async def acknowledge(self, deliveries: Sequence[Delivery]) -> None:
        if self._crash == "before-ack":
            self._count_down()
        await super().acknowledge(deliveries)


async def consume(database_url: str, redis_url: str, crash: str, at: int) -> None:
    redis = create_redis(redis_url)
    sessions = create_sessionmaker(create_async_engine(database_url))
    runner = ConsumerRunner(
        notifications_consumer(MessageRecorder(Renderer())),
        sessionmaker=sessions,
        redis=redis,
        settings=EventsSettings(),
        name=CONSUMER_NAME,
    )
    runner.deliveries = DyingDeliveries(
        runner.consumer,
        sessionmaker=sessions,
        redis=redis,
        settings=runner.settings,
        consumer_name=CONSUMER_NAME,
        loop=runner,
        still_reader=lambda: runner.lease.held,
        crash=crash,
        at=at,
    )
    runner.start()
    await asyncio.sleep(LIMIT_SECONDS)


def main(argv: list[str]) -> int:
    database_url, redis_url, crash, at = argv
    if crash not in ("mid-batch", "before-ack"):
        raise SystemExit(f"unknown crash point {crash!r}")
    asyncio.run(consume(database_url, redis_url, crash, int(at)))
    return NEVER_REACHED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
