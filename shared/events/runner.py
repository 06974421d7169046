"""Running a `Consumer`: read its group's streams and hand each message over.

One consumer of a group reads at a time: the holder of the group's lease (see
`lease.py`). Any number of replicas may run a `ConsumerRunner` for the same
consumer; the others stand by and try the lease every `lease_ttl / 3`. One
reader keeps every aggregate's events in order, which competing readers on one
stream cannot do.

On taking the lease the reader, in order:

1. creates the group on each stream if needed (from the start of the stream:
   a group deployed late still sees every event the stream holds);
2. drains its own pending entries (left by an earlier run under the same
   consumer name);
3. reclaims, with XAUTOCLAIM, entries pending on other consumers for longer than
   `claim_min_idle_seconds` (a predecessor that died), and repeats this
   between batches every `claim_interval_seconds`;
4. reads new messages (XREADGROUP ... >), blocking up to `read_block_ms`.

On stop it finishes the message in hand. It releases the lease at once when
nothing is left pending on it; otherwise it lets the lease expire, so its
successor reclaims the leftovers before reading anything newer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events.consumer import Consumer
from shared.events.delivery import DeliveryHandler
from shared.events.lease import Lease
from shared.events.lifecycle import BackgroundLoop
from shared.events.messages import Delivery
from shared.events.metrics import CONSUMER_LAG_SECONDS, CONSUMER_PENDING, RECLAIMED
from shared.events.settings import EventsSettings, events_settings

logger = logging.getLogger("minishop.events.consumer")

ERROR_BACKOFF_MAX_SECONDS = 10.0
# XPENDING page size when looking up delivery counts.
PENDING_PAGE = 1000

Entries = Sequence[tuple[str | None, dict[str, str] | None]]


def _by_stream(response: Any) -> list[tuple[str, Entries]]:
    """XREADGROUP's reply as (stream, entries) pairs. The client speaks RESP2
    (`create_redis`), which answers a list; RESP3 would answer a dict."""
    if not response:
        return []
    if isinstance(response, dict):
        return list(response.items())
    return [(stream, entries) for stream, entries in response]


class ConsumerRunner(BackgroundLoop):
    """Runs one `Consumer` against Postgres (its service's database) and Redis.

    runner = ConsumerRunner(consumer, sessionmaker=sessionmaker, redis=redis)
    runner.start()
    ...
    await runner.stop(grace_seconds=5)
    """

    def __init__(
        self,
        consumer: Consumer,
        *,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        redis: Redis,
        settings: EventsSettings | None = None,
        name: str | None = None,
    ) -> None:
        if sessionmaker is None and not consumer.deduplicates_itself:
            raise ValueError(f"{consumer.group} records processed events in a database: give one")
        self.settings = settings or events_settings()
        self.consumer_name = name or self.settings.default_consumer_name()
        super().__init__(f"event consumer {consumer.group} ({self.consumer_name})")
        self.consumer = consumer
        self.group = consumer.group
        self.streams = [self.settings.stream(source) for source in consumer.sources]
        self._redis = redis
        # The token tells two processes that share a consumer name apart.
        owner = f"{self.consumer_name}/{uuid.uuid4().hex[:12]}"
        self.lease = Lease(redis, self.settings.lease_key(self.group), owner, self.lease_ttl)
        self.deliveries = DeliveryHandler(
            consumer,
            sessionmaker=sessionmaker,
            redis=redis,
            settings=self.settings,
            consumer_name=self.consumer_name,
            loop=self,
            still_reader=lambda: self.lease.held,
        )
        # Set while this runner is the group's reader (tests wait on it).
        self.reading = asyncio.Event()

    @property
    def lease_ttl(self) -> float:
        return self.settings.lease_ttl_seconds

    async def run(self) -> None:
        if not self.streams:
            logger.info("%s has no handlers; not reading", self.name)
            return
        backoff = 0.5
        while not self.stopping:
            try:
                if await self.lease.acquire():
                    await self._read_while_leader()
                    backoff = 0.5
                else:
                    await self.pause(self.lease_ttl / 3)
            except Exception as error:
                if isinstance(error, ResponseError) and "NOGROUP" in str(error):
                    # Redis lost the stream (a flush, a failover without
                    # persistence): the next round creates the group again.
                    logger.warning("%s: stream or group vanished; recreating it", self.name)
                    continue
                logger.exception("%s failed; retrying in %.1fs", self.name, backoff)
                await self.pause(backoff)
                backoff = min(backoff * 2, ERROR_BACKOFF_MAX_SECONDS)

    async def _read_while_leader(self) -> None:
        renewer = asyncio.create_task(self._keep_lease(), name=f"{self.name} lease")
        try:
            await self._ensure_groups()
            await self._drain_own_pending()
            await self._reclaim()
            self.reading.set()
            logger.info("%s is reading %s", self.name, ", ".join(self.streams))
            next_claim = time.monotonic() + self.settings.claim_interval_seconds
            next_metrics = 0.0
            while not self.stopping and self.lease.held:
                now = time.monotonic()
                if now >= next_claim:
                    await self._drain_own_pending()
                    await self._reclaim()
                    next_claim = now + self.settings.claim_interval_seconds
                if now >= next_metrics:
                    await self.sample_metrics()
                    next_metrics = now + self.settings.metrics_interval_seconds
                await self._handle_all(await self._read_new())
        finally:
            self.reading.clear()
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            await self._hand_over()

    async def _keep_lease(self) -> None:
        while True:
            await asyncio.sleep(self.lease_ttl / 3)
            if not await self.lease.renew():
                logger.warning("%s lost its lease; another consumer reads now", self.name)
                return

    async def _hand_over(self) -> None:
        if not self.lease.held:
            return
        try:
            left = await self._own_pending_count()
        except RedisError:
            return  # unknown: let the lease expire, the safe choice
        if left == 0:
            await self.lease.release()
        else:
            logger.info("%s leaves %d message(s) pending for its successor", self.name, left)

    async def _ensure_groups(self) -> None:
        for stream in self.streams:
            try:
                await self._redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    async def _read_new(self) -> list[Delivery]:
        try:
            finished, response = await self.unless_stopped(
                self._redis.xreadgroup(
                    self.group,
                    self.consumer_name,
                    dict.fromkeys(self.streams, ">"),
                    count=self.settings.read_count,
                    block=self.settings.read_block_ms,
                )
            )
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            # The stream was deleted under us (a flushed Redis): start it again.
            await self._ensure_groups()
            return []
        if not finished or not response:
            return []
        return [
            Delivery(stream, message_id, fields or {})
            for stream, entries in _by_stream(response)
            for message_id, fields in entries
            if message_id is not None
        ]

    async def _handle_all(self, deliveries: Sequence[Delivery]) -> None:
        # On stop or a lost lease, what is not handled stays pending on us:
        # see _hand_over.
        if deliveries and not self.stopping and self.lease.held:
            await self.deliveries.handle(deliveries)

    async def _drain_own_pending(self) -> None:
        for stream in self.streams:
            while not self.stopping and self.lease.held:
                response = await self._redis.xreadgroup(
                    self.group,
                    self.consumer_name,
                    {stream: "0"},
                    count=self.settings.read_count,
                )
                entries = [entry for _, found in _by_stream(response) for entry in found]
                if not entries:
                    break
                await self._handle_all(await self._with_attempts(stream, entries))

    async def _reclaim(self) -> None:
        min_idle_ms = int(self.settings.claim_min_idle_seconds * 1000)
        for stream in self.streams:
            cursor = "0-0"
            while not self.stopping and self.lease.held:
                start = cursor
                result: list[Any] = await self._redis.xautoclaim(
                    stream,
                    self.group,
                    self.consumer_name,
                    min_idle_ms,
                    start,
                    count=self.settings.read_count,
                )
                cursor, entries = result[0], result[1]
                present = [(i, f) for i, f in entries if i is not None]
                if len(present) < len(entries):
                    await self._ack_trimmed(stream, start, cursor, {i for i, _ in present})
                if present:
                    RECLAIMED.labels(self.group, stream).inc(len(present))
                    logger.info("%s reclaimed %d pending message(s)", self.name, len(present))
                    await self._handle_all(await self._with_attempts(stream, present))
                if cursor == "0-0":
                    break

    async def _with_attempts(self, stream: str, entries: Entries) -> list[Delivery]:
        """Deliveries with the counts Redis keeps (the read just counted itself)."""
        ids = [message_id for message_id, _ in entries if message_id is not None]
        if not ids:
            return []
        pending = await self._redis.xpending_range(
            stream,
            self.group,
            min=ids[0],
            max=ids[-1],
            count=max(len(ids), PENDING_PAGE),
            consumername=self.consumer_name,
        )
        counts = {row["message_id"]: int(row["times_delivered"]) for row in pending}
        return [
            Delivery(stream, message_id, fields or {}, counts.get(message_id, 1))
            for message_id, fields in entries
            if message_id is not None
        ]

    async def _ack_trimmed(self, stream: str, start: str, cursor: str, seen: set[str]) -> None:
        """Redis 6.2's XAUTOCLAIM returns entries trimmed while pending without
        their ids, yet leaves them pending: find and acknowledge them."""
        end = "+" if cursor == "0-0" else f"({cursor}"
        pending = await self._redis.xpending_range(
            stream,
            self.group,
            min=start,
            max=end,
            count=PENDING_PAGE,
            consumername=self.consumer_name,
        )
        for row in pending:
            message_id = row["message_id"]
            if message_id in seen or await self._redis.xrange(stream, message_id, message_id):
                continue
            logger.warning(
                "pending message was trimmed from the stream",
                extra={"stream": stream, "message_id": message_id},
            )
            await self._redis.xack(stream, self.group, message_id)

    async def _own_pending_count(self) -> int:
        total = 0
        for stream in self.streams:
            with contextlib.suppress(ResponseError):  # no such stream or group: nothing
                summary = await self._redis.xpending(stream, self.group)
                for consumer in summary.get("consumers") or []:
                    if consumer["name"] == self.consumer_name:
                        total += int(consumer["pending"])
        return total

    async def sample_metrics(self) -> None:
        """Refresh the group's pending and lag gauges (lag: age of the oldest
        message the group has not read, by Redis's clock)."""
        seconds, micros = await self._redis.time()
        now_ms = seconds * 1000 + micros // 1000
        for stream in self.streams:
            try:
                groups = await self._redis.xinfo_groups(stream)
            except ResponseError:
                continue
            info = next((g for g in groups if g["name"] == self.group), None)
            if info is None:
                continue
            CONSUMER_PENDING.labels(self.group, stream).set(int(info["pending"]))
            unread = await self._redis.xrange(
                stream, min=f"({info['last-delivered-id']}", max="+", count=1
            )
            lag_ms = now_ms - int(str(unread[0][0]).split("-")[0]) if unread else 0
            CONSUMER_LAG_SECONDS.labels(self.group, stream).set(max(lag_ms, 0) / 1000)
