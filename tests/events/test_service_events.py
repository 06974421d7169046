"""The real accounts service publishing through the app factory, or through `minishop worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.events.runner import ConsumerRunner
from shared.events.settings import events_settings
from shared.events.worker import main as worker_main
from shared.services import service
from tests.events.support import (
    effect_consumer,
    effects,
    effects_count_is,
    fast_settings,
    scalar,
    stream_length_is,
    wait_for,
)
from tests.support.accounts import REGISTER
from tests.support.services import running_service

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS_STREAM = fast_settings().stream("accounts")

# The name of the accounts app's outbox relay task (shared/events/relay.py).
RELAY = "outbox relay (accounts)"


@pytest.fixture
def fresh_events_settings() -> Iterator[None]:
    """`events_settings()` is cached; these tests change its environment."""
    events_settings.cache_clear()
    yield
    events_settings.cache_clear()


async def test_a_registration_reaches_a_consumer_of_another_service(
    producer_url: str,
    redis_url: str,
    consumer_db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    fresh_events_settings: None,
) -> None:
    welcome = ConsumerRunner(
        effect_consumer("welcome"), sessionmaker=sessions, redis=redis, settings=fast_settings()
    )
    welcome.start()
    try:
        async with running_service(
            service("accounts"), database_url=producer_url, redis_url=redis_url
        ) as accounts:
            # In process by default: the relay runs in the app.
            assert RELAY in {task.get_name() for task in asyncio.all_tasks()}
            result = await accounts.graphql.execute(
                REGISTER,
                {"input": {"email": "ada@example.com", "password": "password1", "name": "Ada"}},
            )
            assert result.ok()["register"]["userErrors"] == []
            await wait_for(effects_count_is(consumer_db, 1), what="UserRegistered handled")
    finally:
        await welcome.stop(2)
    [row] = await effects(consumer_db)
    assert row.aggregate_id == "ada@example.com"  # the test handler stores the e-mail there
    assert row.request_id == result.headers["x-request-id"]


async def test_with_in_process_events_off_the_worker_publishes_and_stops_on_sigterm(
    producer_url: str,
    redis_url: str,
    producer: AsyncEngine,
    redis: Redis,
    fresh_events_settings: None,
) -> None:
    async with running_service(
        service("accounts"),
        database_url=producer_url,
        redis_url=redis_url,
        env={"MINISHOP_EVENTS_IN_PROCESS": "false"},
    ) as accounts:
        result = await accounts.graphql.execute(
            REGISTER, {"input": {"email": "bo@example.com", "password": "password1", "name": "Bo"}}
        )
        assert result.ok()["register"]["userErrors"] == []
        # The app has started: an in-process relay would be running by now.
        assert RELAY not in {task.get_name() for task in asyncio.all_tasks()}
    unpublished = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
    assert await scalar(producer, unpublished) == 1
    assert await redis.xlen(ACCOUNTS_STREAM) == 0

    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shared.events.worker",
        "accounts",
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "ACCOUNTS_DATABASE_URL": producer_url,
            "MINISHOP_REDIS_URL": redis_url,
            "MINISHOP_LOG_LEVEL": "INFO",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await wait_for(stream_length_is(redis, 1, ACCOUNTS_STREAM), within=30, what="the worker")
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(worker.communicate(), 15)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert worker.returncode == 0, output.decode(errors="replace")
    assert b"event worker running" in output
    assert await scalar(producer, unpublished) == 0


def test_the_worker_refuses_an_unknown_service() -> None:
    with pytest.raises(SystemExit) as exit_info:
        worker_main(["warehouse"])
    assert exit_info.value.code == 2
