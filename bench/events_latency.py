"""Event delivery on this machine: publish-to-handle latency and events per second.

    .venv/bin/python -m bench.events_latency [--paced 1000] [--rate 200] [--burst 3000]

Servers: DATABASE_URL / REDIS_URL when set, else an embedded Postgres and Redis
started here (durable, as `minishop up` runs them). Two throwaway databases are
created (a producer migrated like accounts, a consumer migrated like catalog)
and dropped at the end; Redis keys get a prefix of their own and are deleted.

The producer side (writer tasks, each event in its own committed transaction,
and the outbox relay) runs in this process, as inside a producing service; the
consumer runs in a child process, as inside another service, with a handler
that inserts one row per event.

- paced: `--paced` events at `--rate` per second in total from `--writers`
  writers; latency is from `record_event` (inside the producer's transaction)
  to the handler running in the consumer: p50, p99, max.
- backlog: `--backlog` events committed before the relay starts; reports how
  fast relay and consumer drain them (relay start to last handle), which is
  the delivery capacity, independent of how fast writers commit.
- burst: `--burst` events as fast as the writers can commit them; reports the
  rate of commits and the delivered rate (first record to last handle).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from shared.db.engine import create_sessionmaker
from shared.db.migrations import upgrade
from shared.devstack.postgres import EmbeddedPostgres, database_url
from shared.devstack.process import free_port
from shared.devstack.redis import EmbeddedRedis
from shared.events import Consumer, Event, EventEnvelope, EventsSettings, record_event, run_events
from shared.events.runner import ConsumerRunner
from shared.redis import create_redis
from shared.services import service

REPO_ROOT = Path(__file__).resolve().parents[1]
AGGREGATES = 50
RESULTS_DDL = """
CREATE TABLE bench_handled (
    event_id uuid NOT NULL, phase text NOT NULL,
    occurred_at timestamptz NOT NULL, handled_at timestamptz NOT NULL
)
"""


class BenchTick(Event):
    type: ClassVar[str] = "BenchTick"
    producer: ClassVar[str] = "bench"
    phase: str
    seq: int

    def aggregate_id(self) -> str:
        return f"{self.phase}-{self.seq % AGGREGATES}"


def bench_consumer() -> Consumer:
    consumer = Consumer("bench")

    @consumer.on(BenchTick)
    async def handle(event: BenchTick, envelope: EventEnvelope, session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO bench_handled VALUES (:e, :p, :o, :h)"),
            {"e": envelope.id, "p": event.phase, "o": envelope.occurred_at, "h": datetime.now(UTC)},
        )

    return consumer


# -- consumer process --------------------------------------------------------


async def consume(database_url_: str, redis_url: str) -> None:
    engine = create_async_engine(database_url_)
    redis = create_redis(redis_url)
    runner = ConsumerRunner(
        bench_consumer(), sessionmaker=create_sessionmaker(engine), redis=redis, name="bench-1"
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    runner.start()
    await runner.reading.wait()
    print("ready", flush=True)
    await stop.wait()
    await runner.stop(5)
    await engine.dispose()
    await redis.aclose()


# -- producer process --------------------------------------------------------


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[str, str, str]]:
    """(postgres url, redis url, where they came from)."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        yield os.environ["DATABASE_URL"], os.environ["REDIS_URL"], "DATABASE_URL / REDIS_URL"
        return
    with tempfile.TemporaryDirectory(prefix="minishop-bench-") as root:
        base = Path(root)
        postgres = EmbeddedPostgres(base / "pg", free_port(), base / "pg.log")
        redis = EmbeddedRedis(base / "redis", free_port(), base / "redis.log")
        async with postgres, redis:
            yield postgres.url, redis.url, "embedded (durable)"


async def create_database(server_url: str, service_name: str) -> str:
    name = f"bench_{service_name}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(server_url.replace("+asyncpg", ""))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = database_url(server_url, name)
    await asyncio.to_thread(upgrade, service(service_name), url)
    return url


async def drop_database(server_url: str, url: str) -> None:
    connection = await asyncpg.connect(server_url.replace("+asyncpg", ""))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await connection.close()


async def write(
    engine: AsyncEngine, phase: str, count: int, writers: int, rate: float | None
) -> float:
    """Record `count` events from `writers` tasks; returns the seconds it took."""
    sessions = create_sessionmaker(engine)
    started = time.monotonic()

    async def writer(index: int) -> None:
        for n, seq in enumerate(range(index, count, writers)):
            if rate is not None:
                due = started + n * writers / rate + index / rate
                await asyncio.sleep(max(0.0, due - time.monotonic()))
            async with sessions.begin() as session:
                await record_event(session, BenchTick(phase=phase, seq=seq))

    await asyncio.gather(*(writer(i) for i in range(writers)))
    return time.monotonic() - started


async def wait_handled(consumer_db: AsyncEngine, phase: str, count: int) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        async with consumer_db.connect() as connection:
            done = await connection.scalar(
                text("SELECT count(*) FROM bench_handled WHERE phase = :p"), {"p": phase}
            )
        if done >= count:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{phase}: not all events were handled")


async def phase_stats(consumer_db: AsyncEngine, phase: str) -> tuple[list[float], float]:
    """Sorted latencies (ms) and the delivery span (s, first record to last handle)."""
    async with consumer_db.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT extract(epoch FROM handled_at - occurred_at) * 1000,"
                    " extract(epoch FROM max(handled_at) OVER () - min(occurred_at) OVER ())"
                    " FROM bench_handled WHERE phase = :p"
                ),
                {"p": phase},
            )
        ).all()
    return sorted(float(row[0]) for row in rows), float(rows[0][1])


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


async def run(args: argparse.Namespace) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["MINISHOP_EVENTS_KEY_PREFIX"] = prefix
    settings = EventsSettings()
    async with servers() as (server_url, redis_url, origin):
        producer_url = await create_database(server_url, "accounts")
        consumer_url = await create_database(server_url, "catalog")
        producer = create_async_engine(producer_url, pool_size=args.writers + 2)
        consumer_db = create_async_engine(consumer_url)
        redis = create_redis(redis_url)
        child: asyncio.subprocess.Process | None = None
        try:
            async with consumer_db.begin() as connection:
                await connection.execute(text(RESULTS_DDL))
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.events_latency",
                "--consume",
                consumer_url,
                redis_url,
                cwd=REPO_ROOT,
                stdout=asyncio.subprocess.PIPE,
            )
            assert child.stdout is not None
            await asyncio.wait_for(child.stdout.readline(), 60)
            # The backlog is committed before the relay runs: its drain time is
            # what relay and consumer can deliver, whatever the writers manage.
            await write(producer, "backlog", args.backlog, args.writers, None)
            relay_started = time.monotonic()
            async with run_events(service="bench", engine=producer, redis=redis, settings=settings):
                await wait_handled(consumer_db, "backlog", args.backlog)
                drain_seconds = time.monotonic() - relay_started
                paced_seconds = await write(producer, "paced", args.paced, args.writers, args.rate)
                await wait_handled(consumer_db, "paced", args.paced)
                burst_seconds = await write(producer, "burst", args.burst, args.writers, None)
                await wait_handled(consumer_db, "burst", args.burst)
            latencies, _ = await phase_stats(consumer_db, "paced")
            burst_latencies, burst_span = await phase_stats(consumer_db, "burst")
        finally:
            if child is not None and child.returncode is None:
                child.send_signal(signal.SIGTERM)
                await child.wait()
            keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
            if keys:
                await redis.delete(*keys)
            await redis.aclose()
            await producer.dispose()
            await consumer_db.dispose()
            await drop_database(server_url, producer_url)
            await drop_database(server_url, consumer_url)

    print(f"date       {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    python = sys.version.split()[0]
    print(f"machine    {os.cpu_count()} cores, {platform.machine()}, Python {python}")
    print(f"servers    {origin}")
    print(
        f"paced      {args.paced} events at {args.paced / paced_seconds:.0f}/s "
        f"from {args.writers} writers: publish-to-handle p50 {percentile(latencies, 0.5):.1f} ms,"
        f" p99 {percentile(latencies, 0.99):.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(
        f"backlog    {args.backlog} events committed before the relay started: delivered "
        f"at {args.backlog / drain_seconds:.0f}/s (relay and consumer alone)"
    )
    print(
        f"burst      {args.burst} events: committed at {args.burst / burst_seconds:.0f}/s, "
        f"delivered at {args.burst / burst_span:.0f}/s end to end "
        f"(p50 {percentile(burst_latencies, 0.5):.0f} ms, "
        f"p99 {percentile(burst_latencies, 0.99):.0f} ms while backlogged)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events_latency", description=__doc__)
    parser.add_argument("--paced", type=int, default=1000, help="events in the paced phase")
    parser.add_argument("--rate", type=float, default=200.0, help="paced events per second")
    parser.add_argument("--burst", type=int, default=3000, help="events in the burst phase")
    parser.add_argument("--backlog", type=int, default=5000, help="events drained at once")
    parser.add_argument("--writers", type=int, default=4, help="concurrent writer tasks")
    # Internal: the consumer child process.
    parser.add_argument("--consume", nargs=2, metavar=("DB", "REDIS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.consume:
        asyncio.run(consume(*args.consume))
    else:
        asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
