"""The relay: moves committed outbox rows to their Redis Stream, in order.

One batch is one database transaction:

1. take the relay lock (`pg_try_advisory_xact_lock`); a replica that cannot
   take it skips the round. This is the "SKIP LOCKED" of the design, at the
   level of the whole batch: row-level SKIP LOCKED would let two replicas
   append interleaved batches and reorder an aggregate's events;
2. read the oldest unpublished rows (`ORDER BY seq`);
3. `XADD` them (one MULTI/EXEC);
4. mark them published and commit.

Rows go out in `seq` order, which is commit order where it matters: two
transactions changing one aggregate serialize on its row, so the second, which
records its event after changing that row, takes its `seq` after the first
committed. That is how each aggregate's events keep their order on the stream.

A crash between 3 and 4 rolls the marking back and the rows are appended again
on the next round: an event may be published twice, never lost. Consumers
de-duplicate by event id.

The relay wakes on `NOTIFY minishop_outbox` (sent by `record_event`, delivered
at commit) through a LISTEN connection of its own, and polls every
`relay_poll_seconds` as a fallback for lost notifications or a dropped
listener. Published rows are deleted after `outbox_retention_seconds`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
from redis.asyncio import Redis
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db.urls import asyncpg_url
from shared.events.lifecycle import BackgroundLoop
from shared.events.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_SECONDS,
    PUBLISHED,
    RELAY_ERRORS,
)
from shared.events.outbox import OUTBOX, OUTBOX_CHANNEL
from shared.events.settings import EventsSettings, events_settings

logger = logging.getLogger("minishop.events.relay")

# Advisory locks are per database, and each service has its own: one name serves all.
RELAY_LOCK = "minishop.outbox.relay"
PRUNE_CHUNK = 5000
# How often the idle LISTEN connection is checked for a silent network failure.
LISTENER_CHECK_SECONDS = 30.0


class Relay(BackgroundLoop):
    """Publishes one service database's outbox.

        relay = Relay("accounts", engine, redis)
        relay.start()
        ...
        await relay.stop(grace_seconds=5)

    Services do not build it themselves: `run_events` (in-process, from the app
    factory) and `minishop worker` do.
    """

    def __init__(
        self,
        service: str,
        engine: AsyncEngine,
        redis: Redis,
        settings: EventsSettings | None = None,
    ) -> None:
        super().__init__(f"outbox relay ({service})")
        self.service = service
        self._engine = engine
        self._redis = redis
        self._settings = settings or events_settings()
        self._wake = asyncio.Event()
        # Set while the LISTEN connection is up: tests wait on it.
        self.listening = asyncio.Event()
        self._next_sample = 0.0
        self._next_prune = 0.0

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen(), name=f"{self.name} listener")
        try:
            while not self.stopping:
                # Cleared before reading: a NOTIFY arriving during the batch
                # makes the next wait return at once.
                self._wake.clear()
                try:
                    published = await self.publish_batch()
                    await self._housekeeping_if_due()
                except Exception:
                    RELAY_ERRORS.labels(self.service).inc()
                    logger.exception("outbox relay batch failed; retrying")
                    await self.pause(self._settings.relay_poll_seconds)
                    continue
                if published < self._settings.relay_batch_size:
                    await self.pause(self._settings.relay_poll_seconds, wake=self._wake)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published."""
        async with self._engine.begin() as connection:
            locked = await connection.scalar(
                select(func.pg_try_advisory_xact_lock(func.hashtext(RELAY_LOCK)))
            )
            if not locked:
                return 0  # another replica is publishing; its NOTIFY wakes us too
            rows = (
                await connection.execute(
                    select(OUTBOX.c.seq, OUTBOX.c.id, OUTBOX.c.type, OUTBOX.c.envelope)
                    .where(OUTBOX.c.published_at.is_(None))
                    .order_by(OUTBOX.c.seq)
                    .limit(self._settings.relay_batch_size)
                )
            ).all()
            if not rows:
                return 0
            await self._append(rows)
            await self._mark_published(connection, [row.seq for row in rows])
        for row in rows:
            PUBLISHED.labels(self.service, row.type).inc()
            logger.debug(
                "event published",
                extra={"event_id": str(row.id), "event_type": row.type},
            )
        return len(rows)

    async def _append(self, rows: Sequence[Any]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for row in rows:
                envelope: dict[str, Any] = row.envelope
                pipe.xadd(
                    self._settings.stream(envelope["source"]),
                    {
                        "id": str(row.id),
                        "type": row.type,
                        "envelope": json.dumps(envelope, separators=(",", ":")),
                    },
                    maxlen=self._settings.stream_max_length,
                    approximate=True,
                )
            await pipe.execute()

    async def _mark_published(self, connection: AsyncConnection, seqs: list[int]) -> None:
        await connection.execute(
            update(OUTBOX).where(OUTBOX.c.seq.in_(seqs)).values(published_at=func.now())
        )

    async def _housekeeping_if_due(self) -> None:
        now = time.monotonic()
        if now >= self._next_sample:
            self._next_sample = now + self._settings.metrics_interval_seconds
            await self.sample_backlog()
        if now >= self._next_prune:
            self._next_prune = now + self._settings.housekeeping_interval_seconds
            await self.prune()

    async def sample_backlog(self) -> int:
        """Refresh the backlog gauges; returns the number of unpublished rows."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(
                        func.count(),
                        func.extract("epoch", func.now() - func.min(OUTBOX.c.created_at)),
                    ).where(OUTBOX.c.published_at.is_(None))
                )
            ).one()
        backlog, oldest = int(row[0]), float(row[1] or 0)
        OUTBOX_BACKLOG.labels(self.service).set(backlog)
        OUTBOX_OLDEST_SECONDS.labels(self.service).set(oldest)
        return backlog

    async def prune(self) -> int:
        """Delete rows published longer than the retention ago; returns how many."""
        cutoff = func.now() - func.make_interval(
            0, 0, 0, 0, 0, 0, self._settings.outbox_retention_seconds
        )
        total = 0
        while True:
            async with self._engine.begin() as connection:
                chunk = (
                    select(OUTBOX.c.seq)
                    .where(OUTBOX.c.published_at < cutoff)
                    .limit(PRUNE_CHUNK)
                    .scalar_subquery()
                )
                result = await connection.execute(delete(OUTBOX).where(OUTBOX.c.seq.in_(chunk)))
            total += result.rowcount
            if result.rowcount < PRUNE_CHUNK:
                if total:
                    logger.info("pruned %d published outbox rows", total)
                return total

    async def _listen(self) -> None:
        """Keep a LISTEN connection up; every NOTIFY wakes the publishing loop."""
        dsn = asyncpg_url(self._engine.url)
        while not self.stopping:
            try:
                connection = await asyncpg.connect(
                    dsn, server_settings={"application_name": f"minishop-{self.service}-relay"}
                )
            except (OSError, asyncpg.PostgresError, TimeoutError):
                logger.warning("outbox relay cannot LISTEN; polling meanwhile", exc_info=True)
                await self.pause(self._settings.relay_poll_seconds)
                continue
            closed = asyncio.Event()
            connection.add_termination_listener(_setter(closed))
            try:
                await connection.add_listener(OUTBOX_CHANNEL, self._notified)
                self.listening.set()
                # Anything committed while nobody listened is published now.
                self._wake.set()
                while not closed.is_set() and not self.stopping:
                    await self.pause(LISTENER_CHECK_SECONDS, wake=closed)
                    if not closed.is_set() and not self.stopping:
                        await connection.fetchval("SELECT 1", timeout=5)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                logger.warning("outbox relay lost its LISTEN connection", exc_info=True)
            finally:
                self.listening.clear()
                connection.terminate()
            if not self.stopping:
                await self.pause(min(1.0, self._settings.relay_poll_seconds))

    def _notified(self, *_args: object) -> None:
        self._wake.set()


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _connection: event.set()
